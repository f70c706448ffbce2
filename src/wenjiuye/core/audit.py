"""Writing to the one append-only event table.

Call :func:`record_event` inside the same ``transaction.atomic`` block as the change it
records, so that a change and its audit event commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from wenjiuye.core.models import Event, User


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


def events_for(obj: models.Model) -> models.QuerySet[Event]:
    """The history of one object, newest first."""
    return Event.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
