"""Reading the inbox (a user's own messages only), the kinds of its messages, and the places a
group robot may be for."""

from __future__ import annotations

from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import StrIndex, Substr
from django.shortcuts import get_object_or_404

from wenjiuye.core.models import Region, Unit, User
from wenjiuye.notify.models import Notification


def inbox_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    """The user's messages, newest first; ``unread``: only those not read yet."""
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread else qs


#: the kind of a message without a record behind it (a message sent by hand)
OTHER = "other"


def message_kind(ref: str) -> str:
    """A message's kind: the type of the record it is about ("deadlines.deadlinestep" for a
    deadline's reminder or escalation, "matching.push" for a job push), else :data:`OTHER`."""
    return ref.split(":", 1)[0] if ":" in ref else OTHER


def inbox_kinds(user: User) -> list[str]:
    """The kinds of the messages in the user's inbox."""
    kind = Case(
        When(ref__contains=":", then=Substr("ref", 1, StrIndex("ref", Value(":")) - 1)),
        default=Value(OTHER),
        output_field=CharField(),
    )
    qs = Notification.objects.filter(user=user).order_by().annotate(kind=kind)
    return sorted(set(qs.values_list("kind", flat=True).distinct()))


def of_kind(qs: QuerySet[Notification], kind: str) -> QuerySet[Notification]:
    if kind == OTHER:
        return qs.exclude(ref__contains=":")
    return qs.filter(ref__startswith=kind + ":")


def read_state(qs: QuerySet[Notification], state: str) -> QuerySet[Notification]:
    """``state`` "unread" or "read"."""
    return qs.filter(read_at__isnull=state == "unread")


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
