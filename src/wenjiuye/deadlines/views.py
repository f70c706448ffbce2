"""Deadline pages: the user's own region/unit, the office's overdue view, one deadline."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.deadlines import selectors
from wenjiuye.deadlines.models import Deadline, subject_urls_attach
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, may_close

LIMIT = 200


@login_required
def deadline_list(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = request.GET.get("mine") == "1"
    qs = selectors.deadlines_open(user=request.user, mine=mine)
    overdue, soon, later = [], [], []
    for d in subject_urls_attach(qs[: LIMIT * 3]):
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
    overdue = selectors.deadlines_overdue(user=request.user, at=now)
    rows = [
        (d, selectors.escalation_level(d), now - d.due_at)
        for d in subject_urls_attach(overdue[:LIMIT])
    ]
    return render(request, "deadlines/overdue.html", {"rows": rows, "now": now})


@login_required
def deadline_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    deadline = selectors.deadline_get(user=request.user, pk=pk)
    now = timezone.now()
    return render(
        request,
        "deadlines/detail.html",
        {
            "d": deadline,
            "overdue": deadline.is_overdue(now),
            "steps": selectors.deadline_steps(deadline),
            "history": events_for(deadline)[:30],
            "may_write": deadline.status == Deadline.Status.OPEN
            and may_close(request.user, deadline),
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
