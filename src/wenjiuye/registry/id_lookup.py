"""Exact lookups by citizen ID number: audited and limited per user.

A masked number (``identifiers.mask_id``) leaves thousands of candidates; an exact search tells
which one exists, so for roles that may not see personal data it is an audited, counted event.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.errors import LimitReached
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.registry.models import Person

#: The note of the event each exact lookup writes (and by which lookups are counted).
ID_LOOKUP_NOTE = "按公民身份号码精确查询"


class IdLookupLimited(LimitReached):
    """Too many exact ID-number lookups in the last hour (429 with the reason, ``core.errors``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            _(
                "按公民身份号码精确查询过于频繁:每人每小时最多%(n)d次,请一小时后再试;"
                "按姓名查询不受此限制。"
            )
            % {"n": limit},
        )


def id_lookups_per_hour() -> int:
    """``settings.ID_LOOKUPS_PER_HOUR`` (environment ``WENJIUYE_ID_LOOKUPS_PER_HOUR``, default 30)."""
    return int(getattr(settings, "ID_LOOKUPS_PER_HOUR", 30))


def id_lookup(*, user: User, number: str, where: str, ip: str | None = None) -> None:
    """Audit and limit one exact search by ID number ``number`` (already normalised).

    A masked number leaves thousands of candidates (``identifiers.mask_id``); an exact search
    answers which one exists. For users who may see personal data (``view_personal``) it tells
    nothing the audited reveal would not, so it passes; for everyone else each lookup is a
    ``view_unmasked`` event (the number in its changes, masked when displayed) and at most
    :func:`id_lookups_per_hour` are allowed in any 60 minutes. The count is of those events in the
    database, so it holds across processes and restarts; the user's row is locked while counting
    so that concurrent requests cannot pass together. A refused lookup raises
    :class:`IdLookupLimited` and writes nothing (nothing was looked up).
    """
    if can(user, Cap.VIEW_PERSONAL):
        return
    limit = id_lookups_per_hour()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        recent = Event.objects.filter(
            actor=user,
            action=Event.Action.VIEW_UNMASKED,
            note=ID_LOOKUP_NOTE,
            at__gte=timezone.now() - timedelta(hours=1),
        ).count()
        if recent >= limit:
            raise IdLookupLimited(limit)
        found = Person.objects.filter(id_number=number).only("pk", "region_id").first()
        record_event(
            actor=user,
            action=Event.Action.VIEW_UNMASKED,
            object_type="registry.person",
            object_id=str(found.pk) if found else "",
            region_code=(found.region_id if found else user.region_id) or "",
            changes={"id_number": number, "where": where, "found": found is not None},
            note=ID_LOOKUP_NOTE,
            ip=ip,
        )
