"""One registry of the Chinese names of every code a user can see.

A page never shows a code: flag reasons, levels, statuses, kinds, region codes, industry codes,
policy keys, usernames. Templates call ``{{ value|label:"kind" }}`` (``core.templatetags``), code
calls :func:`label`. Each app registers the codes it owns in its ``AppConfig.ready`` with
:func:`register`, so ``core`` knows no app above it; the kinds ``core`` owns (regions, users,
policy keys, roles, audit object types) are registered here.

A code that no source knows is shown as "未登记(<code>)": visibly wrong rather than passed off as
a name, and caught by the page crawl test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

Source = Mapping[Any, "str | Promise"] | Callable[[Any], "str | Promise | None"]

_SOURCES: dict[str, list[Source]] = {}


def register(kind: str, source: Source) -> None:
    """Add ``source`` (a mapping code → name, or a function code → name or ``None``) to ``kind``.

    Sources of one kind are asked in the order they were registered; the first name wins."""
    sources = _SOURCES.setdefault(kind, [])
    if source not in sources:
        sources.append(source)


def kinds() -> list[str]:
    return sorted(_SOURCES)


def known(kind: str, code: Any) -> bool:
    return _lookup(kind, code) is not None


def label(kind: str, code: Any) -> str:
    """The Chinese name of ``code`` of ``kind``; "—" for an empty value."""
    if code is None or code == "":
        return "—"
    name = _lookup(kind, code)
    if name is None:
        return _("未登记(%(code)s)") % {"code": code}
    return str(name)


def labels(kind: str, codes: Any) -> list[str]:
    """Names of a list of codes (a flag's reasons, say), in order."""
    return [label(kind, c) for c in (codes or [])]


def _lookup(kind: str, code: Any) -> str | Promise | None:
    for source in _SOURCES.get(kind, ()):
        if callable(source):
            name = source(code)
        else:
            name = source.get(code)
            if name is None and not isinstance(code, str):
                name = source.get(str(code))
        if name is not None:
            return name
    return None


# --- The kinds core owns ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    from wenjiuye.core.models import Region

    return dict(Region.objects.values_list("code", "name"))


def region_name(code: Any) -> str | None:
    """The name of a region code (a county, township or the city); ``None`` when unknown."""
    return _cached("region", _region_names, str(code))


#: the kinds whose cache was rebuilt after a miss since the caches were last cleared
_rebuilt: set[str] = set()


def _cached(kind: str, names: Any, code: str) -> str | None:
    """``code``'s name from the cached ``names``; on a miss, the cache is rebuilt once (until the
    caches are next cleared): rows written without a save signal (bulk loads, another process)
    are then found, and a page full of unknown codes still reads the table only twice."""
    name = names().get(code)
    if name is None and kind not in _rebuilt:
        _rebuilt.add(kind)
        names.cache_clear()
        name = names().get(code)
    return name


def clear_caches(**_kwargs: Any) -> None:
    """Forget cached names (called when regions, users or policy parameters change)."""
    _region_names.cache_clear()
    _user_names.cache_clear()
    _policy_names.cache_clear()
    _rebuilt.clear()


@lru_cache(maxsize=1)
def _user_names() -> dict[str, str]:
    from wenjiuye.core.models import User

    out = {}
    for u in User.objects.select_related("unit").only(
        "username", "first_name", "last_name", "unit__name"
    ):
        name = display_name(u) or _("账号 %(username)s") % {"username": u.username}
        out[u.username] = f"{name}({u.unit.name})" if u.unit_id and u.unit else name
    return out


def display_name(user: Any) -> str:
    """A person's name as Chinese writes it: family name first, no space ("王小明")."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if any("\u4e00" <= c <= "\u9fff" for c in first + last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def user_name(username: Any) -> str | None:
    """A user's display name and unit ("张三(就业促进科)"), never the login name alone."""
    if username in ("", None):
        return None
    if username == "system":  # core.audit's actor_name of a change no user made
        return _("系统")
    return _cached("user", _user_names, str(username))


@lru_cache(maxsize=1)
def _policy_names() -> dict[str, str]:
    from wenjiuye.core.models import PolicyParameter

    out: dict[str, str] = {}
    for key, name in PolicyParameter.objects.order_by("effective_from").values_list("key", "label"):
        out[key] = name  # the newest version's name
    return out


def policy_name(key: Any) -> str | None:
    return _cached("policy", _policy_names, str(key))


def object_type_name(code: Any) -> str | None:
    """The Chinese name of an audit event's ``object_type``: a model's ``verbose_name``
    ("response.layoffreport" → "规模裁员报告"), a list download ("list.<name>", the list's title),
    or for another "<app>.<thing>" without a model the app's name; ``None`` when unknown."""
    from django.apps import apps

    text = str(code)
    if text.startswith("list."):
        from wenjiuye.core.listing import spec_title

        title = spec_title(text.removeprefix("list."))
        return _("列表下载:%(title)s") % {"title": title} if title else _("列表下载")
    try:
        model = apps.get_model(text)
    except (LookupError, ValueError):
        app_label = text.split(".", 1)[0]
        try:
            name = str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            return None
        return name if _has_chinese(name) else None
    name = str(model._meta.verbose_name)
    return name if _has_chinese(name) else None


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def policy_value(value: Any, unit: str = "") -> str:
    """A policy parameter's value as a page shows it: numbers and words with their unit, lists as
    "、"-joined items (named items by their ``label``), a structure with no names as a count of
    its items (its meaning is in the parameter's source text), never a Python repr."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if unit == "比例" and isinstance(value, int | float):
        return f"{round(value * 100, 4):g}%"  # a share is shown as a percentage
    if isinstance(value, int | float | str):
        text = str(value)
    elif isinstance(value, list) and all(isinstance(v, int | float | str) for v in value):
        text = "、".join(str(v) for v in value)
    elif isinstance(value, list) and all(
        isinstance(v, list) and all(isinstance(x, int | float | str) for x in v) for v in value
    ):
        text = "、".join("/".join(str(x) for x in v) for v in value)
    elif isinstance(value, list) and all(isinstance(v, dict) and v.get("label") for v in value):
        return "、".join(str(v["label"]) for v in value)
    else:
        return _("共 %(n)s 项设置(见原文)") % {"n": len(value) if hasattr(value, "__len__") else 1}
    return f"{text} {unit}".strip() if unit else text


def policy_shown(cite: Mapping[str, Any]) -> dict[str, Any]:
    """A cited parameter (``core.policy.policy_cite``) with its Chinese ``name`` and its value as
    text (``shown``), for pages and downloads that cite it."""
    return {
        **cite,
        "name": label("policy", cite.get("key")),
        "shown": policy_value(cite.get("value"), cite.get("unit") or ""),
    }


def _role_name(code: Any) -> str | None:
    from wenjiuye.core.roles import Role

    return str(Role(code).label) if code in Role.values else None


def install() -> None:
    """Register core's kinds; names are cached for one request (and dropped on any change)."""
    from django.core.signals import request_started
    from django.db.models.signals import post_delete, post_save

    from wenjiuye.core.models import PolicyParameter, Region, User

    register("region", region_name)
    register("user", user_name)
    register("policy", policy_name)
    register("role", _role_name)
    register("object_type", object_type_name)
    for model in (Region, User, PolicyParameter):
        post_save.connect(clear_caches, sender=model, dispatch_uid=f"labels-{model.__name__}")
        post_delete.connect(clear_caches, sender=model, dispatch_uid=f"labels-d-{model.__name__}")
    request_started.connect(clear_caches, dispatch_uid="labels-request")
