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
from typing import Any

from django.db import models, transaction
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import mask_personal, mask_text
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require, scope_prefix


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


def save_audited(
    *,
    actor: User | None,
    obj: models.Model,
    before: dict[str, Any] | None,
    fields: list[str],
    region_code: str,
    note: str = "",
    record_unchanged: bool = False,
) -> dict[str, Any]:
    """Validate and save ``obj`` and record the change in the same transaction: the one way a
    service writes an audited record.

    ``before`` is :func:`snapshot` of ``fields`` taken before the change (``None`` for a new
    record: a create event). An update that changed nothing writes no event unless
    ``record_unchanged`` (a state change whose meaning is in ``note``). Returns the changes."""
    obj.full_clean()
    obj.save()
    changes = diff(before or {}, snapshot(obj, fields))
    if before is None or changes or record_unchanged:
        record_event(
            actor=actor,
            action=Event.Action.CREATE if before is None else Event.Action.UPDATE,
            obj=obj,
            region_code=region_code,
            changes=changes,
            note=note,
        )
    return changes


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
