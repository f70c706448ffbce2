"""Reading deadlines: those of a subject, those in a user's jurisdiction, the steps due to fire,
and the one way a deadline is written out for the API (:func:`deadline_dict`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.models import Deadline, DeadlineStep


def subject_key(subject: models.Model) -> tuple[str, str]:
    """How a deadline names its subject: the model's label and the primary key as text."""
    return subject._meta.label_lower, str(subject.pk)


def deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    subject_type, subject_id = subject_key(subject)
    return Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id)


def deadlines_visible(*, user: User) -> QuerySet[Deadline]:
    """Every deadline in the user's jurisdiction."""
    qs = Deadline.objects.select_related("region", "unit", "assignee")
    return scoped(qs, user, field="region__code")


def deadline_get(*, user: User, pk: int) -> Deadline:
    """One deadline in the user's jurisdiction, else 404."""
    deadline = deadlines_visible(user=user).filter(pk=pk).first()
    if deadline is None:
        raise Http404(_("没有该事项,或不在您的管辖范围内"))
    return deadline


def deadlines_overdue(*, user: User, at: datetime | None = None) -> QuerySet[Deadline]:
    """Open deadlines past due in the user's jurisdiction, oldest first."""
    now = at or timezone.now()
    overdue = deadlines_visible(user=user).filter(status=Deadline.Status.OPEN, due_at__lt=now)
    return overdue.order_by("due_at")


def deadlines_open(*, user: User, mine: bool = False) -> QuerySet[Deadline]:
    """Open deadlines in the user's jurisdiction; ``mine``: only those assigned to the user or
    to the user's unit. Soonest first."""
    qs = deadlines_visible(user=user).filter(status=Deadline.Status.OPEN)
    if mine:
        own = qs.filter(assignee=user)
        if user.unit_id:
            own = own | qs.filter(unit_id=user.unit_id)
        qs = own
    return qs.order_by("due_at")


def deadlines_filtered(
    *, user: User, status: str | None = None, overdue: bool | None = None, at: datetime
) -> QuerySet[Deadline]:
    """Deadlines in the user's jurisdiction with ``status`` (any when empty) and, when
    ``overdue`` is given, only those past due at ``at`` (or only the others); due first."""
    qs = deadlines_visible(user=user)
    if status:
        if status not in Deadline.Status.values:
            raise DomainError(
                _("status 应为 %(value)s") % {"value": "/".join(Deadline.Status.values)}
            )
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(status=Deadline.Status.OPEN, due_at__lt=at)
    elif overdue is False:
        qs = qs.exclude(status=Deadline.Status.OPEN, due_at__lt=at)
    return qs.order_by("due_at", "pk")


def deadline_steps(deadline: Deadline) -> QuerySet[DeadlineStep]:
    """The planned reminders and escalations of ``deadline``, in firing order."""
    return deadline.steps.order_by("fire_at", "kind", "seq")


def due_steps(at: datetime | None = None) -> QuerySet[DeadlineStep]:
    """Steps to fire at ``at``: reminders at or after their time, escalations once past due."""
    now = at or timezone.now()
    return DeadlineStep.objects.filter(
        Q(kind=DeadlineStep.Kind.REMINDER, fire_at__lte=now)
        | Q(kind=DeadlineStep.Kind.ESCALATION, fire_at__lt=now),
        fired_at__isnull=True,
        skipped_at__isnull=True,
        deadline__status=Deadline.Status.OPEN,
    ).order_by("fire_at", "pk")


def escalation_level(deadline: Deadline) -> int:
    """How many escalation levels have fired (0: none)."""
    return deadline.steps.filter(kind=DeadlineStep.Kind.ESCALATION, fired_at__isnull=False).count()


def deadline_dict(deadline: Deadline, *, at: datetime | None = None) -> dict[str, Any]:
    """A deadline as every API answer shows it (``overdue`` at ``at``, default now)."""
    d = deadline
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "clause": d.clause,
        "subject": d.subject_repr,
        "region": d.region_id,
        "region_code": d.region_id,
        "unit": d.unit.name if d.unit else None,
        "assignee": d.assignee.get_username() if d.assignee else None,
        "due_at": d.due_at,
        "status": d.status,
        "overdue": d.is_overdue(at),
        "escalation": d.escalation,
        "escalation_level": escalation_level(d),
        "policy": d.policy,
        "completion_note": d.completion_note,
    }
