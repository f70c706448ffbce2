"""Core's pages: home, the audit log (filters, pages, download), the policy parameters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenjiuye.core import labels
from wenjiuye.core.audit import event_reveal
from wenjiuye.core.context_processors import case_work_only
from wenjiuye.core.listing import (
    Column,
    Filter,
    ListSpec,
    county_filter,
    listing,
    parse_date,
    xlsx_response,
)
from wenjiuye.core.models import Event, PolicyParameter, User
from wenjiuye.core.periods import day_start, today
from wenjiuye.core.policy import policy_list
from wenjiuye.core.roles import CAP_LABELS, CAPABILITIES, Cap
from wenjiuye.core.scope import can
from wenjiuye.core.selectors import event_list, region_scope_label, regions_in_scope
from wenjiuye.core.types import AuthedHttpRequest


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    if case_work_only(user):
        return redirect("assistance-today")  # the grid worker's day starts with their tasks
    caps = [CAP_LABELS[c] for c in Cap if c in CAPABILITIES.get(user.role, frozenset())]
    return render(
        request,
        "core/home.html",
        {
            "scope_label": region_scope_label(user),
            "regions": regions_in_scope(user).filter(level__in=["county", "zone"]),
            "caps": caps,
        },
    )


# --- The audit log ----------------------------------------------------------------------------


def actor_text(e: Event) -> str:
    """Who did it: a user by name and unit; a failed login by nobody signed in; else the system."""
    if e.actor_id:
        return labels.label("user", e.actor_name)
    if e.action == Event.Action.LOGIN_FAILED:
        return _("未登录的访问者")
    return _("系统")


def object_text(e: Event) -> str:
    """The object of an event as a reader names it (a policy parameter by its name, a user by
    name and unit, a download by its list), after its type."""
    kind = labels.label("object_type", e.object_type)
    if e.object_type.startswith("list."):
        return kind
    name = e.object_repr or e.object_id
    if e.object_type == "core.policyparameter" and "=" in e.object_repr:
        name = labels.label("policy", e.object_repr.split("=", 1)[0])
    elif e.object_type == "core.user":
        login = e.object_repr or e.object_id
        name = labels.user_name(login) or _("账号 %(login)s") % {"login": login}
    return f"{kind}:{name}" if name else kind


def _actor_choices(_user: Any) -> list[tuple[str, str]]:
    people = [(u, labels.label("user", u)) for u in User.objects.values_list("username", flat=True)]
    return [("system", _("系统")), *sorted(people, key=lambda p: p[1])]


def _object_type_choices(_user: Any) -> list[tuple[str, str]]:
    types = Event.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((t, labels.label("object_type", t)) for t in types), key=lambda p: p[1])


def _since(qs: QuerySet[Event], value: str) -> QuerySet[Event]:
    return qs.filter(at__gte=day_start(parse_date(value, _("起始日期"))))


def _until(qs: QuerySet[Event], value: str) -> QuerySet[Event]:
    return qs.filter(at__lt=day_start(parse_date(value, _("截止日期")) + timedelta(days=1)))


AUDIT_LOG = ListSpec(
    name="audit-log",
    title=gettext_lazy("审计日志"),
    columns=[
        Column(gettext_lazy("时间"), lambda e: e.at),
        Column(gettext_lazy("操作人"), actor_text),
        Column(gettext_lazy("动作"), lambda e: e.get_action_display()),
        Column(gettext_lazy("对象类型"), lambda e: labels.label("object_type", e.object_type)),
        Column(gettext_lazy("对象"), object_text),
        Column(gettext_lazy("区划"), lambda e: labels.label("region", e.region_code)),
        Column(gettext_lazy("变更内容"), lambda e: e.changes or ""),
        Column(gettext_lazy("说明"), lambda e: e.note),
    ],
    filters=[
        Filter("actor", gettext_lazy("操作人"), "actor_name", choices=_actor_choices),
        Filter("action", gettext_lazy("动作"), "action", choices=Event.Action.choices),
        Filter(
            "object_type", gettext_lazy("对象类型"), "object_type", choices=_object_type_choices
        ),
        Filter("from", gettext_lazy("起始日期"), _since, kind="date"),
        Filter("to", gettext_lazy("截止日期"), _until, kind="date"),
        county_filter("region_code"),
    ],
    sorts={"at": "at"},
    default_sort="-at",
)


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponseBase:
    if not can(request.user, Cap.READ_AUDIT):
        raise PermissionDenied
    result = listing(request, event_list(user=request.user), AUDIT_LOG)
    if result.export:
        return xlsx_response(request, result.rows, AUDIT_LOG)
    rows = [(e, actor_text(e), object_text(e)) for e in result.page]
    return render(
        request,
        "core/audit_log.html",
        {
            "listing": result,
            "page": result.page,
            "rows": rows,
            "may_reveal": can(request.user, Cap.VIEW_PERSONAL),
        },
    )


@login_required
@require_POST
def audit_event_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One event with its personal data in full; the view is audited (``audit.event_reveal``)."""
    event = event_reveal(actor=request.user, event_id=pk, ip=request.META.get("REMOTE_ADDR"))
    return render(
        request,
        "core/audit_event.html",
        {"e": event, "actor": actor_text(event), "object": object_text(event)},
    )


# --- Policy parameters ------------------------------------------------------------------------


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in text.replace("、", ",").split(",") if c.strip()]


def _clause_choices(_user: Any) -> list[tuple[str, str]]:
    found = {
        c
        for text in PolicyParameter.objects.values_list("clause", flat=True)
        for c in _clauses(text)
    }
    return [
        (c, c) for c in sorted(found, key=lambda c: (c[0], int(c[1:]) if c[1:].isdigit() else 0))
    ]


def _of_clause(qs: QuerySet[PolicyParameter], value: str) -> QuerySet[PolicyParameter]:
    """The parameters citing requirement ``value``: one of the comma-separated IDs of their
    clause exactly, not the start of a longer ID."""
    return qs.filter(
        Q(clause=value)
        | Q(clause__startswith=value + ",")
        | Q(clause__endswith="," + value)
        | Q(clause__contains="," + value + ",")
    )


def _in_force(qs: QuerySet[PolicyParameter], value: str) -> QuerySet[PolicyParameter]:
    on = parse_date(value, _("生效日期"))
    return qs.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )


def _value_cell(p: PolicyParameter) -> Any:
    """Numbers stay numbers in the download; lists and structures become words."""
    if isinstance(p.value, int | float) and not isinstance(p.value, bool):
        return p.value
    return labels.policy_value(p.value)


def _policy_spec(*, with_key: bool) -> ListSpec:
    columns = [
        Column(gettext_lazy("参数"), lambda p: p.label),
        Column(gettext_lazy("取值"), _value_cell),
        Column(gettext_lazy("单位"), lambda p: p.unit),
        Column(gettext_lazy("生效日期"), lambda p: p.effective_from),
        Column(gettext_lazy("失效日期"), lambda p: p.effective_to),
        Column(gettext_lazy("条款"), lambda p: p.clause),
        Column(gettext_lazy("出处"), lambda p: p.source),
        Column(gettext_lazy("原文"), lambda p: p.source_text),
        Column(gettext_lazy("备注"), lambda p: p.note),
    ]
    if with_key:  # what `wenjiuye policy set` names a parameter by
        columns.append(Column(gettext_lazy("参数编码(调整参数时使用)"), lambda p: p.key))
    return ListSpec(
        name="policy",
        title=gettext_lazy("政策参数"),
        columns=columns,
        filters=[
            Filter("clause", gettext_lazy("需求编号"), _of_clause, choices=_clause_choices),
            Filter("on", gettext_lazy("在该日生效"), _in_force, kind="date"),
        ],
        search=["label", "source"],
        search_label=gettext_lazy("参数名称或出处"),
        sorts={
            "topic": ("key", "effective_from"),
            "name": ("label", "effective_from"),
            "clause": ("clause", "key"),
            "from": ("effective_from", "key"),
        },
        default_sort="topic",
        defaults={"on": lambda: today().isoformat()},
    )


POLICY = _policy_spec(with_key=False)
POLICY_FOR_EDITORS = _policy_spec(with_key=True)


@login_required
def policy_page(request: AuthedHttpRequest) -> HttpResponseBase:
    """Every parameter by its Chinese name, value, dates, clause and source; keys are for the
    command that changes them (in the download of those who may: ``Cap.EDIT_POLICY``)."""
    spec = POLICY_FOR_EDITORS if can(request.user, Cap.EDIT_POLICY) else POLICY
    result = listing(request, policy_list(), spec)
    if result.export:
        return xlsx_response(request, result.rows, spec)
    rows = [(p, labels.policy_value(p.value, p.unit)) for p in result.page]
    return render(
        request, "core/policy.html", {"listing": result, "page": result.page, "rows": rows}
    )
