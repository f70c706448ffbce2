"""The inbox (one page per user, their own messages only: filters, pages, download) and the
group-robot targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenjiuye.core import labels
from wenjiuye.core.errors import error_messages
from wenjiuye.core.listing import Column, Filter, ListSpec, listing, xlsx_response
from wenjiuye.core.models import User
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.notify import forms, selectors, services, webhooks
from wenjiuye.notify.models import Notification


def _kind_choices(user: User) -> list[tuple[str, str]]:
    return [(k, labels.label("notification_kind", k)) for k in selectors.inbox_kinds(user)]


def _kind_name(n: Notification) -> str:
    return labels.label("notification_kind", selectors.message_kind(n.ref))


INBOX = ListSpec(
    name="inbox",
    title=gettext_lazy("消息"),
    columns=[
        Column(gettext_lazy("时间"), lambda n: n.created_at),
        Column(gettext_lazy("类型"), _kind_name),
        Column(gettext_lazy("标题"), lambda n: n.title),
        Column(gettext_lazy("内容"), lambda n: n.body),
        Column(gettext_lazy("状态"), lambda n: _("已读") if n.read_at else _("未读")),
        Column(gettext_lazy("已读时间"), lambda n: n.read_at),
    ],
    filters=[
        Filter(
            "read",
            gettext_lazy("状态"),
            selectors.read_state,
            choices=[("unread", gettext_lazy("未读")), ("read", gettext_lazy("已读"))],
        ),
        Filter("kind", gettext_lazy("类型"), selectors.of_kind, choices=_kind_choices),
    ],
    search=["title", "body"],
    search_label=gettext_lazy("标题或内容"),
    sorts={"time": ("created_at", "pk")},
    default_sort="-time",
)


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.inbox_for(request.user), INBOX)
    if result.export:
        return xlsx_response(request, result.rows, INBOX)
    rows = [(n, _kind_name(n)) for n in result.page]
    return render(
        request,
        "notify/inbox.html",
        {
            "listing": result,
            "page": result.page,
            "rows": rows,
            "unread": selectors.unread_count(request.user),
        },
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
                errors = [_("未知操作")]
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
