"""Creating and closing deadlines. Every change is audited in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, Region, Unit, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, scoped
from wenjiuye.deadlines.models import Deadline


def _subject_key(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


def deadline_create(
    *,
    kind: str,
    title: str,
    clause: str,
    subject: models.Model,
    region: Region | str,
    due_at: datetime,
    actor: User | None = None,
    unit: Unit | None = None,
    assignee: User | None = None,
    policy: dict[str, Any] | None = None,
    reminders: list[int] | None = None,
    escalation: list[dict[str, Any]] | None = None,
) -> Deadline:
    """The deadline ``kind`` for ``subject``; created once, returned as is when it exists.

    ``policy`` records the parameter values and versions the due time came from (use
    :func:`wenjiuye.core.policy.policy_cite`), so that the deadline shows why it exists.
    """
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": "期限必须带时区"})
    subject_type, subject_id = _subject_key(subject)
    region_obj = region if isinstance(region, Region) else Region.objects.get(pk=region)
    with transaction.atomic():
        deadline, created = Deadline.objects.get_or_create(
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            defaults={
                "title": title,
                "clause": clause,
                "subject_repr": str(subject)[:200],
                "region": region_obj,
                "unit": unit,
                "assignee": assignee,
                "due_at": due_at,
                "policy": policy or {},
                "reminders": reminders or [],
                "escalation": escalation or [],
            },
        )
        if created:
            record_event(
                actor=actor,
                action=Event.Action.CREATE,
                obj=deadline,
                region_code=region_obj.code,
                changes={"kind": kind, "due_at": due_at.isoformat(), "clause": clause},
            )
    return deadline


def _close(deadline: Deadline, actor: User, status: str, note: str) -> Deadline:
    if not can(actor, Cap.WRITE, deadline.region_id):
        raise PermissionDenied("无权办结该事项")
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.status != Deadline.Status.OPEN:
            raise ValidationError({"status": "该事项已办结或已撤销"})
        locked.status = status
        locked.completed_at = timezone.now()
        locked.completed_by = actor
        locked.completion_note = note[:500]
        locked.save(update_fields=["status", "completed_at", "completed_by", "completion_note"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.region_id,
            changes={"status": [Deadline.Status.OPEN, status]},
            note=note,
        )
    return locked


def deadline_complete(*, deadline: Deadline, actor: User, note: str = "") -> Deadline:
    return _close(deadline, actor, Deadline.Status.DONE, note)


def deadline_cancel(*, deadline: Deadline, actor: User, reason: str) -> Deadline:
    if not reason.strip():
        raise ValidationError({"reason": "撤销须说明理由"})
    return _close(deadline, actor, Deadline.Status.CANCELLED, reason)


def deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    subject_type, subject_id = _subject_key(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id)


def deadlines_overdue(*, user: User, at: datetime | None = None) -> QuerySet[Deadline]:
    """Open deadlines past due in the user's jurisdiction, oldest first."""
    now = at or timezone.now()
    qs = Deadline.objects.filter(status=Deadline.Status.OPEN, due_at__lt=now)
    return scoped(qs, user, field="region__code").order_by("due_at")
