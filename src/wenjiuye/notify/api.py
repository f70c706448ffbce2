"""JSON API of the inbox, mounted under /api/notifications/ by wenjiuye.api."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from wenjiuye.core.models import Region, Unit, User
from wenjiuye.notify import services, webhooks
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
    qs = services.inbox_for(request.user)  # type: ignore[arg-type]
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return {
        "unread": services.unread_count(request.user),  # type: ignore[arg-type]
        "items": list(qs[: max(1, min(limit, 200))]),
    }


@router.post("/{int:pk}/read", response=NotificationOut)
def read(request: HttpRequest, pk: int) -> Notification:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(user=request.user, notification=note)  # type: ignore[arg-type]
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


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@router.get("/webhooks")
def webhook_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Group robots, secrets masked (city-level users and administrators)."""
    return [webhooks.webhook_as_dict(t) for t in webhooks.webhook_list(user=_user(request))]


@router.post("/webhooks")
def webhook_add(request: HttpRequest, payload: WebhookIn) -> dict[str, Any]:
    user = _user(request)
    webhooks.require_manage(user)
    region = get_object_or_404(Region, pk=payload.region_code) if payload.region_code else None
    unit = get_object_or_404(Unit, pk=payload.unit_id) if payload.unit_id else None
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
    user = _user(request)
    target = webhooks.webhook_get(user=user, pk=pk)
    return webhooks.webhook_as_dict(webhooks.webhook_deactivate(actor=user, target=target))


@router.post("/webhooks/{int:pk}/test")
def webhook_test(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Post a test message now; the answer is the same whatever happened (the outcome is in the
    delivery record, for administrators), so that a test cannot probe what the server reaches."""
    user = _user(request)
    target = webhooks.webhook_get(user=user, pk=pk)
    delivery = webhooks.webhook_test(actor=user, target=target)
    return {"delivery": str(delivery.uuid), "detail": webhooks.test_submitted()}
