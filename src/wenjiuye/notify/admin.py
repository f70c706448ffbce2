from django.contrib import admin

from wenjiuye.core.admin import AuditedAdmin
from wenjiuye.notify.models import Delivery, Notification, WebhookTarget


@admin.register(WebhookTarget)
class WebhookTargetAdmin(AuditedAdmin):
    list_display = ["name", "platform", "region", "unit", "active"]
    list_filter = ["platform", "active"]


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = [
        "created_at",
        "channel",
        "target",
        "subject",
        "status",
        "attempts",
        "next_try_at",
    ]
    list_filter = ["channel", "status"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
