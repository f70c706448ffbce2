from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.admin import AuditedAdmin
from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.identifiers import mask_text
from wenjiuye.core.models import Event
from wenjiuye.notify.models import Delivery, Notification, WebhookTarget
from wenjiuye.notify.webhooks import mask_secret, mask_url


class WebhookTargetForm(forms.ModelForm):
    """The secret is never rendered back; left empty, the stored one is kept."""

    url = forms.URLField(label="Webhook 地址", max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label="加签密钥",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text="钉钉“加签”安全设置的密钥;留空则保持原密钥不变",
    )

    class Meta:
        model = WebhookTarget
        fields = ["name", "platform", "url", "secret", "markdown", "region", "unit", "active"]

    def clean_secret(self) -> str:
        value: str = self.cleaned_data.get("secret") or ""
        return value or (self.instance.secret if self.instance.pk else "")


def _masked_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = diff(before, after)
    for key, mask in (("secret", mask_secret), ("url", mask_url)):
        if key in changes:
            changes[key] = [mask(v) if v else v for v in changes[key]]
    return changes


@admin.register(WebhookTarget)
class WebhookTargetAdmin(AuditedAdmin):
    form = WebhookTargetForm
    list_display = ["name", "platform", "region", "unit", "active"]
    list_filter = ["platform", "active"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        before = snapshot(WebhookTarget.objects.get(pk=obj.pk)) if change else {}
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        record_event(
            actor=request.user,
            action=Event.Action.UPDATE if change else Event.Action.CREATE,
            obj=obj,
            changes=_masked_changes(before, snapshot(obj)),
            note="admin",
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        record_event(
            actor=request.user,
            action=Event.Action.DELETE,
            obj=obj,
            changes=_masked_changes(snapshot(obj), {}),
            note="admin",
        )
        admin.ModelAdmin.delete_model(self, request, obj)


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = [
        "created_at",
        "channel",
        "target_masked",
        "subject",
        "status",
        "attempts",
        "next_try_at",
    ]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "target"]
    exclude = ["target"]

    @admin.display(description=_("接收方"))
    def target_masked(self, obj: Delivery) -> str:
        """Phone and ID numbers masked, as on every other page."""
        return mask_text(obj.target)


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
