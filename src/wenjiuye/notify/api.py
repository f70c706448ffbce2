"""JSON API of the inbox, mounted under /api/notifications/ by wenjiuye.api."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from wenjiuye.notify import services
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
