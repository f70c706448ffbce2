"""Deadline pages: the user's own region/unit, the office's overdue view, one deadline."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.deadlines.models import Deadline, subject_urls_attach
from wenjiuye.deadlines.services import (
    deadline_cancel,
    deadline_complete,
    deadlines_visible,
    escalation_level,
    may_close,
)

LIMIT = 200


def _get(request: AuthedHttpRequest, pk: int) -> Deadline:
    deadline = deadlines_visible(user=request.user).filter(pk=pk).first()
    if deadline is None:
        raise Http404(_("没有该事项,或不在您的管辖范围内"))
    return deadline


@login_required
def deadline_list(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = request.GET.get("mine") == "1"
    qs = deadlines_visible(user=request.user).filter(status=Deadline.Status.OPEN)
    if mine:
        own = qs.filter(assignee=request.user)
        if request.user.unit_id:
            own = own | qs.filter(unit_id=request.user.unit_id)
        qs = own
    overdue, soon, later = [], [], []
    for d in subject_urls_attach(qs.order_by("due_at")[: LIMIT * 3]):
        window = timedelta(minutes=max(d.reminders or [0]))
        if d.is_overdue(now):
            overdue.append(d)
        elif d.due_at - window <= now:
            soon.append(d)
        else:
            later.append(d)
    return render(
        request,
        "deadlines/list.html",
        {"overdue": overdue, "soon": soon, "later": later, "mine": mine, "now": now},
    )


@login_required
def deadline_overdue(request: AuthedHttpRequest) -> HttpResponse:
    """Every overdue deadline in scope (the city office sees the whole city)."""
    now = timezone.now()
    overdue = deadlines_visible(user=request.user).filter(
        status=Deadline.Status.OPEN, due_at__lt=now
    )
    rows = [
        (d, escalation_level(d), now - d.due_at)
        for d in subject_urls_attach(overdue.order_by("due_at")[:LIMIT])
    ]
    return render(request, "deadlines/overdue.html", {"rows": rows, "now": now})


@login_required
def deadline_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    deadline = _get(request, pk)
    now = timezone.now()
    return render(
        request,
        "deadlines/detail.html",
        {
            "d": deadline,
            "overdue": deadline.is_overdue(now),
            "steps": deadline.steps.order_by("fire_at", "kind", "seq"),
            "history": events_for(deadline)[:30],
            "may_write": deadline.status == Deadline.Status.OPEN
            and may_close(request.user, deadline),
        },
    )


@login_required
@require_POST
def deadline_close(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    deadline = _get(request, pk)
    text = request.POST.get("note", "").strip()
    try:
        if action == "complete":
            deadline_complete(deadline=deadline, actor=request.user, note=text)
            messages.success(request, _("已办结"))
        else:
            deadline_cancel(deadline=deadline, actor=request.user, reason=text)
            messages.success(request, _("已撤销"))
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
        return render_detail_error(request, deadline)
    return redirect("deadline-detail", pk=deadline.pk)


def render_detail_error(request: AuthedHttpRequest, deadline: Deadline) -> HttpResponse:
    response = deadline_detail(request, deadline.pk)
    response.status_code = 400
    return response
