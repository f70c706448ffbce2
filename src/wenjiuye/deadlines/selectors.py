"""Reading deadlines: those of a subject, those in a user's jurisdiction, the steps due to fire,
the states and kinds a list filters by, and the one way a deadline is written out for the API
(:func:`deadline_dict`)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Unit, User
from wenjiuye.core.periods import day_start
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


# --- What a list filters by ----------------------------------------------------------------

#: a deadline's state as lists show it: open ones are overdue, due soon (their reminder window
#: has begun) or later; closed ones done or cancelled. "open" in a filter means all open ones.
STATES = ("overdue", "soon", "later", "done", "cancelled")

#: "assistance.contact#3", "assistance.one_week@2024-05-01", "assistance.follow_up.6m@…",
#: "incident.report:city": the family is the part before the sequence, date or recipient
_FAMILY = re.compile(r"^(.*?)(?:\.\d+m)?(?:[#@:].*)?$")


def kind_family(kind: str) -> str:
    """The family of a deadline kind: what it is, without which one ("assistance.contact#3" →
    "assistance.contact")."""
    match = _FAMILY.match(kind)
    return match.group(1) if match else kind


def kind_families(qs: QuerySet[Deadline]) -> list[str]:
    """The kind families of the deadlines of ``qs``."""
    kinds = qs.order_by().values_list("kind", flat=True).distinct()
    return sorted({kind_family(k) for k in kinds})


def of_kind_family(qs: QuerySet[Deadline], family: str) -> QuerySet[Deadline]:
    cond = Q(kind=family)
    for sep in ("#", "@", ":", "."):
        cond |= Q(kind__startswith=family + sep)
    return qs.filter(cond)


def reminder_window(deadline: Deadline) -> timedelta:
    """How long before its due time a deadline is "due soon": its earliest reminder."""
    return timedelta(minutes=max(deadline.reminders or [0]))


def deadline_state(deadline: Deadline, at: datetime) -> str:
    """One of :data:`STATES` for ``deadline`` at ``at``."""
    if deadline.status == Deadline.Status.DONE:
        return "done"
    if deadline.status == Deadline.Status.CANCELLED:
        return "cancelled"
    if deadline.due_at < at:
        return "overdue"
    return "soon" if deadline.due_at - reminder_window(deadline) <= at else "later"


def in_state(qs: QuerySet[Deadline], state: str, at: datetime) -> QuerySet[Deadline]:
    """The deadlines of ``qs`` in ``state`` (one of :data:`STATES`, or "open") at ``at``."""
    if state == "done":
        return qs.filter(status=Deadline.Status.DONE)
    if state == "cancelled":
        return qs.filter(status=Deadline.Status.CANCELLED)
    open_ = qs.filter(status=Deadline.Status.OPEN)
    if state == "open":
        return open_
    if state == "overdue":
        return open_.filter(due_at__lt=at)
    soon = _due_soon_pks(open_, at)
    if state == "soon":
        return open_.filter(pk__in=soon)
    return open_.filter(due_at__gte=at).exclude(pk__in=soon)


def _due_soon_pks(open_: QuerySet[Deadline], at: datetime) -> list[int]:
    """The open deadlines not past due whose reminder window has begun. Each deadline has its
    own reminders (a JSON list), so the candidates — due within the widest window — are checked
    one by one; they are the few due in the next day or so."""
    ahead = open_.filter(due_at__gte=at)
    windows = [
        max(r or [0]) for r in ahead.order_by().values_list("reminders", flat=True).distinct()
    ]
    if not windows:
        return []
    horizon = at + timedelta(minutes=max(windows))
    return [
        pk
        for pk, due, reminders in ahead.filter(due_at__lte=horizon).values_list(
            "pk", "due_at", "reminders"
        )
        if due - timedelta(minutes=max(reminders or [0])) <= at
    ]


def with_escalation_level(qs: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """``qs`` with ``escalated``: how many escalation levels have fired (one query for a list)."""
    fired = (
        DeadlineStep.objects.filter(
            deadline=OuterRef("pk"), kind=DeadlineStep.Kind.ESCALATION, fired_at__isnull=False
        )
        .order_by()
        .values("deadline")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(escalated=Coalesce(Subquery(fired), 0))


def mine(qs: QuerySet[Deadline], user: User) -> QuerySet[Deadline]:
    """The deadlines of ``qs`` assigned to ``user`` or to the user's unit."""
    own = Q(assignee=user)
    if user.unit_id:
        own |= Q(unit_id=user.unit_id)
    return qs.filter(own)


def due_in_month(qs: QuerySet[Deadline], period: str) -> QuerySet[Deadline]:
    """The deadlines of ``qs`` due in the month ``YYYYMM`` (the bureau's calendar)."""
    year, month = int(period[:4]), int(period[4:])
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return qs.filter(due_at__gte=day_start(first), due_at__lt=day_start(after))


def deadline_units(*, user: User) -> QuerySet[Unit]:
    """The responsible units of the deadlines in the user's jurisdiction."""
    units = deadlines_visible(user=user).exclude(unit=None).values("unit_id")
    return Unit.objects.filter(pk__in=units).order_by("name")


def deadline_cites(deadline: Deadline) -> list[dict[str, Any]]:
    """The policy parameters a deadline cites (``core.policy.policy_cite`` entries), wherever its
    creator put them in ``policy`` — a cite under its key, a list of cites, cites nested under
    ``parameters`` — once each; the other entries are context (a case's tier, the people counted)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            if "value" in value and ("key" in value or key) and "clause" in value:
                cite = {"key": key, **value}
                found.setdefault(str(cite["key"]), cite)
                return
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(deadline.policy or {})
    return list(found.values())
