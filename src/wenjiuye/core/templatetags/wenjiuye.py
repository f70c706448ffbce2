"""Template filters and tags of every page: codes by their names, masked identifiers, what the
user may do, percentages, and list controls."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html

from wenjiuye.core import labels as label_registry
from wenjiuye.core.history import event_sentences as _event_sentences
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, can_city

register = template.Library()


@register.filter
def subject_display(entry: Any) -> str:
    """The subject of a ledger entry or flag, with a person's ID number masked."""
    if getattr(entry, "subject_type", "") == "person":
        return mask_id(entry.subject_id)
    return str(entry.subject_id)


@register.filter
def label(code: Any, kind: str) -> str:
    """``{{ e.region_code|label:"region" }}``: the Chinese name of a code (core.labels)."""
    return label_registry.label(kind, code)


@register.filter
def labels(codes: Any, kind: str) -> list[str]:
    """``{% for r in e.reasons|labels:"reason" %}``: names of a list of codes."""
    return label_registry.labels(kind, codes)


@register.filter
def event_sentences(event: Any) -> list[str]:
    """An audit event's changes as sentences ("状态:待处置 → 跟进中"; core.history)."""
    return _event_sentences(event)


@register.filter
def event_details(event: Any) -> list[str]:
    """An audit event's changes as sentences, a creation's fields included (the audit log)."""
    return _event_sentences(event, created=True)


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """A share (0.0292) as a percentage ("2.9%"); "—" when missing."""
    if value is None or value == "":
        return "—"
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def cite(c: Any) -> str:
    """``{{ c|cite }}``: a cited policy parameter (``core.policy.policy_cite``) as officers read
    it: its Chinese name, value and unit, clause and source ("…:30 日(L1;《劳动合同法》第四十一条)");
    never its key."""
    if not isinstance(c, dict):
        return "—"
    name = label_registry.label("policy", c.get("key"))
    value = label_registry.policy_value(c.get("value"), c.get("unit") or "")
    where = ";".join(str(p) for p in (c.get("clause"), c.get("source")) if p)
    text = f"{name}:{value}"
    return f"{text}({where})" if where else text


@register.simple_tag(takes_context=True)
def may(context: template.Context, capability: str, region_code: str | None = None) -> bool:
    """``{% may "write" entry.region_code as may_write %}``: whether the user may act (core.scope).

    The same check the service makes, so a page offers only what the service will accept.
    ``region_code`` "city" asks for the capability on the whole city (city-wide reference data)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return False
    cap = Cap(capability)
    if region_code == "city":
        return can_city(user, cap)
    return can(user, cap, region_code)


@register.simple_tag(takes_context=True)
def query(context: template.Context, **changes: Any) -> str:
    """``href="?{% query page=2 %}"``: the current query string with ``changes`` applied (filters
    stay in the URL while paging and sorting); a value of ``None`` or "" drops the parameter."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, listing: Any, key: str, title: str) -> str:
    """A column header that sorts the list by ``key`` (``core.listing``); a second click reverses."""
    current = getattr(listing, "sort", "")
    arrow = " ▲" if current == key else " ▼" if current == "-" + key else ""
    href = "?" + query(context, sort="-" + key if current == key else key, page=None)
    return format_html('<a class="sort" href="{}">{}{}</a>', href, title, arrow)
