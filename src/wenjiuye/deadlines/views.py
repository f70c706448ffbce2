"""Deadline pages: the list of the user's jurisdiction (filters, pages, download), one deadline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenjiuye.core import labels
from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.listing import (
    Column,
    Filter,
    ListSpec,
    county_filter,
    listing,
    xlsx_response,
)
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.deadlines import selectors
from wenjiuye.deadlines.models import Deadline, subject_urls_attach
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, may_close


def _state_filter(qs: QuerySet[Deadline], value: str) -> QuerySet[Deadline]:
    return selectors.in_state(qs, value, timezone.now())


def _state_choices(_user: Any) -> list[tuple[str, str]]:
    return [(s, labels.label("deadline_status", s)) for s in ("open", *selectors.STATES)]


def _kind_choices(user: Any) -> list[tuple[str, str]]:
    families = selectors.kind_families(selectors.deadlines_visible(user=user))
    named = [(f, labels.label("deadline_kind", f)) for f in families]
    return sorted(named, key=lambda item: item[1])


def _unit_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(u.pk), u.name) for u in selectors.deadline_units(user=user)]


def _person(user: Any) -> str:
    return labels.label("user", user.get_username()) if user is not None else ""


def _state_name(d: Deadline) -> str:
    return labels.label("deadline_status", selectors.deadline_state(d, timezone.now()))


DEADLINES = ListSpec(
    name="deadlines",
    title=gettext_lazy("时限事项"),
    columns=[
        Column(gettext_lazy("期限"), lambda d: d.due_at),
        Column(gettext_lazy("状态"), _state_name),
        Column(gettext_lazy("事项"), lambda d: d.title),
        Column(
            gettext_lazy("事项类型"),
            lambda d: labels.label("deadline_kind", selectors.kind_family(d.kind)),
        ),
        Column(gettext_lazy("关联对象"), lambda d: d.subject_repr),
        Column(gettext_lazy("责任区划"), lambda d: d.region.name),
        Column(gettext_lazy("责任单位"), lambda d: d.unit.name if d.unit else ""),
        Column(gettext_lazy("责任人"), lambda d: _person(d.assignee)),
        Column(gettext_lazy("依据条款"), lambda d: d.clause),
        Column(gettext_lazy("已督办级数"), lambda d: d.escalated),
        Column(gettext_lazy("办结/撤销时间"), lambda d: d.completed_at),
        Column(gettext_lazy("办结/撤销人"), lambda d: _person(d.completed_by)),
        Column(gettext_lazy("办结说明"), lambda d: d.completion_note),
    ],
    filters=[
        Filter("status", gettext_lazy("状态"), _state_filter, choices=_state_choices),
        Filter(
            "kind",
            gettext_lazy("事项类型"),
            selectors.of_kind_family,
            choices=_kind_choices,
        ),
        county_filter("region__code"),
        Filter("unit", gettext_lazy("责任单位"), "unit_id", choices=_unit_choices),
        Filter(
            "mine",
            gettext_lazy("范围"),
            lambda qs, _v: qs,  # applied by the view before the listing: it needs the user
            choices=[("1", gettext_lazy("本人和本单位"))],
        ),
        Filter("month", gettext_lazy("到期月份"), selectors.due_in_month, kind="period"),
    ],
    search=["title", "subject_repr", "clause"],
    search_label=gettext_lazy("事项或关联对象"),
    sorts={"due": "due_at", "region": ("region__code", "due_at"), "title": ("title", "due_at")},
    default_sort="due",
    defaults={"status": "open"},
)


@login_required
def deadline_list(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = selectors.deadlines_visible(user=request.user).select_related("completed_by")
    if request.GET.get("mine") == "1":
        qs = selectors.mine(qs, request.user)
    result = listing(request, selectors.with_escalation_level(qs), DEADLINES)
    if result.export:
        return xlsx_response(request, result.rows, DEADLINES)
    now = timezone.now()
    rows = [
        (d, labels.label("deadline_status", selectors.deadline_state(d, now)))
        for d in subject_urls_attach(result.page)
    ]
    visible = selectors.deadlines_visible(user=request.user)
    return render(
        request,
        "deadlines/list.html",
        {
            "listing": result,
            "page": result.page,
            "rows": rows,
            "now": now,
            "overdue_count": selectors.in_state(visible, "overdue", now).count(),
            "soon_count": selectors.in_state(visible, "soon", now).count(),
        },
    )


@login_required
def deadline_overdue(request: AuthedHttpRequest) -> HttpResponse:
    """The overdue deadlines in scope: the list filtered to them (the city office: the city)."""
    return redirect(f"{reverse('deadline-list')}?status=overdue")


@login_required
def deadline_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    deadline = selectors.deadline_get(user=request.user, pk=pk)
    now = timezone.now()
    is_open = deadline.status == Deadline.Status.OPEN
    return render(
        request,
        "deadlines/detail.html",
        {
            "d": deadline,
            "kind_name": labels.label("deadline_kind", selectors.kind_family(deadline.kind)),
            "state_name": labels.label("deadline_status", selectors.deadline_state(deadline, now)),
            "overdue": deadline.is_overdue(now),
            "policy": [labels.policy_shown(c) for c in selectors.deadline_cites(deadline)],
            "steps": selectors.deadline_steps(deadline),
            "history": events_for(deadline)[:30],
            "may_complete": is_open and may_close(request.user, deadline),
            "may_cancel": is_open and may_close(request.user, deadline, cancel=True),
        },
    )


@login_required
@require_POST
def deadline_close(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    deadline = selectors.deadline_get(user=request.user, pk=pk)
    text = request.POST.get("note", "").strip()
    try:
        if action == "complete":
            deadline_complete(deadline=deadline, actor=request.user, note=text)
            messages.success(request, _("已办结"))
        else:
            deadline_cancel(deadline=deadline, actor=request.user, reason=text)
            messages.success(request, _("已撤销"))
    except ValidationError as exc:
        messages.error(request, ";".join(error_messages(exc)))
        return render_detail_error(request, deadline)
    return redirect("deadline-detail", pk=deadline.pk)


def render_detail_error(request: AuthedHttpRequest, deadline: Deadline) -> HttpResponse:
    response = deadline_detail(request, deadline.pk)
    response.status_code = 400
    return response
