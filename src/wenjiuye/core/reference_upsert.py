"""Writing reference data: whether the actor may, then create or update one row found by its
natural key, audit what changed, and count what was created, updated or left unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require

M = TypeVar("M", bound=models.Model)
Counts = dict[str, dict[str, int]]


def new_counts(*kinds: str) -> Counts:
    return {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in kinds}


def upsert(
    model: type[M],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    actor: User | None,
    counts: dict[str, int],
    note: str,
    region_code: Callable[[M], str] = lambda obj: "",
    create_only: frozenset[str] = frozenset(),
    related: Callable[[M], dict[str, Any]] | None = None,
    set_related: Callable[[M], None] | None = None,
) -> M:
    """Create or update one row found by ``lookup``; audit what changed.

    ``values`` are concrete fields (foreign keys by ``attname``); fields in ``create_only`` are
    written only when the row is new. ``related``/``set_related`` read and write many-to-many
    state, which is part of the audited snapshot.
    """
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
        before: dict[str, Any] = {}
    else:
        before = {**snapshot(obj), **(related(obj) if related else {})}
    for name, value in values.items():
        if created or name not in create_only:
            setattr(obj, name, value)
    fields_now = snapshot(obj)
    if created or any(before.get(k) != v for k, v in fields_now.items()):
        obj.full_clean()
        obj.save()
    if set_related is not None:
        set_related(obj)
    after = {**snapshot(obj), **(related(obj) if related else {})}
    changes = diff(before, after)
    if created:
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=obj,
            changes=changes,
            region_code=region_code(obj),
            note=note,
        )
        counts["created"] += 1
    elif changes:
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=obj,
            changes=changes,
            region_code=region_code(obj),
            note=note,
        )
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return obj


def check_actor(actor: User | None, cap: Cap) -> None:
    if actor is not None:
        require(actor, cap)
