"""Writing to and reading from the one append-only event table.

Call :func:`record_event` inside the same ``transaction.atomic`` block as the change it
records, so that a change and its audit event commit or roll back together.

Events keep what happened in full (ID numbers and phones in ``changes`` included): the table is
the evidence and is append-only, so it is never rewritten. Every *display* of events — the audit
log (``core.selectors.event_list``) and every object's history (:func:`events_for`) — yields them
masked for every reader (:func:`masked_events`), whatever the role: full values are one audited
step away, like everywhere else (:func:`event_reveal`, for a user who may both read the audit log
and see personal data, and the reveal on a person's page).

Exact searches by ID number are a way to confirm a masked number: :func:`id_lookup` audits and
limits them for users who may not see personal data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from wenjiuye.core.identifiers import mask_personal, mask_text
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require, scope_prefix


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` (foreign keys as their key), JSON-able."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record_event(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    ip: str | None = None,
) -> Event:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if not object_type:
        raise ValueError("an event needs an object_type")
    event = Event(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None and actor.pk else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code,
        changes=changes or {},
        note=note[:500],
        ip=ip,
    )
    event.save()
    return event


def mask_event(event: Event) -> Event:
    """``event`` as pages show it: personal data in its changes, note, object and key masked
    (:func:`identifiers.mask_personal`); ``event.masked`` says whether anything was hidden. The
    instance cannot be written back (events are append-only)."""
    shown = {
        "changes": mask_personal(event.changes),
        "note": mask_text(event.note),
        "object_repr": mask_text(event.object_repr),
        "object_id": mask_text(event.object_id),
    }
    hidden = any(getattr(event, name) != value for name, value in shown.items())
    event.masked = hidden  # type: ignore[attr-defined]
    for name, value in shown.items():
        setattr(event, name, value)
    return event


class _MaskedEvents(ModelIterable):  # type: ignore[type-arg]
    def __iter__(self) -> Iterator[Event]:
        for event in super().__iter__():
            yield mask_event(event)


def masked_events(qs: models.QuerySet[Event]) -> models.QuerySet[Event]:
    """``qs`` yielding masked events (:func:`mask_event`), also after filtering, slicing and
    paging. ``values()``/``values_list()`` bypass it: pages iterate events."""
    qs = qs.all()
    qs._iterable_class = _MaskedEvents
    return qs


def events_for(obj: models.Model, *, unmasked: bool = False) -> models.QuerySet[Event]:
    """The history of one object, newest first, masked for display (:func:`masked_events`).
    ``unmasked=True`` only right after an audited reveal of the object's personal data."""
    qs = Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return qs if unmasked else masked_events(qs)


@transaction.atomic
def event_reveal(*, actor: User, event_id: int, ip: str | None = None) -> Event:
    """One event in full, for a user who may read the audit log *and* see personal data in the
    event's region; the view is itself an event. Out of the reader's scope: 404."""
    require(actor, Cap.READ_AUDIT)
    prefix = scope_prefix(actor)
    qs = Event.objects.select_related("actor")
    qs = qs if prefix == "" else qs.filter(region_code__startswith=prefix)
    try:
        event = qs.get(pk=event_id)
    except Event.DoesNotExist as exc:
        raise Http404(_("审计事件不存在或不在您的管辖范围内")) from exc
    require(actor, Cap.VIEW_PERSONAL, event.region_code or None)
    record_event(
        actor=actor,
        action=Event.Action.VIEW_UNMASKED,
        obj=event,
        region_code=event.region_code,
        note="changes",
        ip=ip,
    )
    return event


# --- exact lookups by ID number -------------------------------------------------------------------

#: The note of the event each exact lookup writes (and by which lookups are counted).
ID_LOOKUP_NOTE = "按公民身份号码精确查询"


class IdLookupLimited(HttpError):
    """Too many exact ID-number lookups in the last hour: 429 with the reason, answered by
    django-ninja as every ``HttpError`` (the API) and by ``core.middleware.ErrorPageMiddleware``
    (pages)."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            429,
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
    from wenjiuye.registry.models import Person  # noqa: PLC0415 (registry depends on core)

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
