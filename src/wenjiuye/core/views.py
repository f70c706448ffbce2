from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import event_reveal
from wenjiuye.core.context_processors import case_work_only
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


@login_required
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    if not can(request.user, Cap.READ_AUDIT):
        raise PermissionDenied
    page = Paginator(event_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "may_reveal": can(request.user, Cap.VIEW_PERSONAL)},
    )


@login_required
@require_POST
def audit_event_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One event with its personal data in full; the view is audited (``audit.event_reveal``)."""
    event = event_reveal(actor=request.user, event_id=pk, ip=request.META.get("REMOTE_ADDR"))
    return render(request, "core/audit_event.html", {"e": event})


@login_required
def policy_page(request: AuthedHttpRequest) -> HttpResponse:
    raw = request.GET.get("on")
    try:
        on = date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return render(
            request,
            "core/policy.html",
            {"error": "日期格式应为 YYYY-MM-DD", "params": []},
            status=400,
        )
    return render(request, "core/policy.html", {"params": policy_list(on=on), "on": on})
