"""The inbox (one page per user, their own messages only) and the group-robot targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.errors import error_messages
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.notify import forms, selectors, services, webhooks


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.inbox_for(request.user, unread=unread_only)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def inbox_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark one message read and follow its link (a local link only)."""
    note = selectors.notification_get(user=request.user, pk=pk)
    services.mark_read(user=request.user, notification=note)
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
        return redirect(note.link)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request: AuthedHttpRequest) -> HttpResponse:
    services.mark_read(user=request.user)
    return redirect("inbox")


@login_required
def webhook_page(request: AuthedHttpRequest) -> HttpResponse:
    """List, add, deactivate and test-send group robots (city-level users and administrators)."""
    webhooks.require_manage(request.user)
    errors: list[str] = []
    status = 200
    tested: str = ""
    form = forms.WebhookForm(user=request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                form = forms.WebhookForm(request.POST, user=request.user)
                if form.is_valid():
                    webhooks.webhook_add(actor=request.user, **form.cleaned_data)
                    return redirect("webhooks")
                errors = error_messages(form)
            elif action in ("deactivate", "test"):
                which = forms.TargetForm(request.POST)
                if not which.is_valid():
                    raise ValidationError(_("请选择群机器人"))
                target = webhooks.webhook_get(user=request.user, pk=which.cleaned_data["target"])
                if action == "deactivate":
                    webhooks.webhook_deactivate(actor=request.user, target=target)
                    return redirect("webhooks")
                webhooks.webhook_test(actor=request.user, target=target)
                tested = webhooks.test_submitted()  # the same whatever happened
            else:
                errors = ["未知操作"]
        except ValidationError as exc:
            errors = error_messages(exc)
        if errors:
            status = 400
    targets = [(t, webhooks.webhook_as_dict(t)) for t in webhooks.webhook_list(user=request.user)]
    return render(
        request,
        "notify/webhooks.html",
        {"targets": targets, "form": form, "errors": errors, "tested": tested},
        status=status,
    )
