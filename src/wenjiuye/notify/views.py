"""The inbox: one page per user, their own messages only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.notify import services
from wenjiuye.notify.models import Notification


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = services.inbox_for(request.user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": services.unread_count(request.user)},
    )


@login_required
@require_POST
def inbox_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one message read and follow its link (a local link only)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, notification=note)
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
        return redirect(note.link)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request: AuthedHttpRequest) -> HttpResponse:
    services.mark_read(user=request.user)
    return redirect("inbox")
