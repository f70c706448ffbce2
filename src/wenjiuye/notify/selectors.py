"""Reading the inbox (a user's own messages only) and the places a group robot may be for."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from wenjiuye.core.models import Region, Unit, User
from wenjiuye.notify.models import Notification


def inbox_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    """The user's messages, newest first; ``unread``: only those not read yet."""
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get(*, user: User, pk: int) -> Notification:
    """One of the user's own messages, else 404 (another user's message is not found)."""
    return get_object_or_404(Notification, pk=pk, user=user)


def webhook_place(
    *, region_code: str | None, unit_id: int | None
) -> tuple[Region | None, Unit | None]:
    """The region and the unit a group robot is for (either may be absent), else 404."""
    region = get_object_or_404(Region, pk=region_code) if region_code else None
    unit = get_object_or_404(Unit, pk=unit_id) if unit_id else None
    return region, unit
