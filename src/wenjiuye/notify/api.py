"""JSON API of the inbox, mounted under /api/notifications/ by wenjiuye.api."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from wenjiuye.core.types import request_user
from wenjiuye.notify import selectors, services, webhooks
from wenjiuye.notify.models import Notification

router = Router()


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    ref: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/", response=InboxOut)
def inbox(request: HttpRequest, unread: bool = False, limit: int = 50) -> dict[str, object]:
    user = request_user(request)
    qs = selectors.inbox_for(user, unread=unread)
    return {"unread": selectors.unread_count(user), "items": list(qs[: max(1, min(limit, 200))])}


@router.post("/{int:pk}/read", response=NotificationOut)
def read(request: HttpRequest, pk: int) -> Notification:
    user = request_user(request)
    note = selectors.notification_get(user=user, pk=pk)
    services.mark_read(user=user, notification=note)
    note.refresh_from_db()
    return note


class WebhookIn(Schema):
    name: str
    platform: str
    url: str
    secret: str = ""
    markdown: bool = False
    region_code: str | None = None
    unit_id: int | None = None


@router.get("/webhooks")
def webhook_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Group robots, secrets masked (city-level users and administrators)."""
    return [webhooks.webhook_as_dict(t) for t in webhooks.webhook_list(user=request_user(request))]


@router.post("/webhooks")
def webhook_add(request: HttpRequest, payload: WebhookIn) -> dict[str, Any]:
    user = request_user(request)
    webhooks.require_manage(user)
    region, unit = selectors.webhook_place(region_code=payload.region_code, unit_id=payload.unit_id)
    target = webhooks.webhook_add(
        actor=user,
        name=payload.name,
        platform=payload.platform,
        url=payload.url,
        secret=payload.secret,
        markdown=payload.markdown,
        region=region,
        unit=unit,
    )
    return webhooks.webhook_as_dict(target)


@router.post("/webhooks/{int:pk}/deactivate")
def webhook_deactivate(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    target = webhooks.webhook_get(user=user, pk=pk)
    return webhooks.webhook_as_dict(webhooks.webhook_deactivate(actor=user, target=target))


@router.post("/webhooks/{int:pk}/test")
def webhook_test(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Post a test message now; the answer is the same whatever happened (the outcome is in the
    delivery record, for administrators), so that a test cannot probe what the server reaches."""
    user = request_user(request)
    target = webhooks.webhook_get(user=user, pk=pk)
    delivery = webhooks.webhook_test(actor=user, target=target)
    return {"delivery": str(delivery.uuid), "detail": webhooks.test_submitted()}
