"""今日待办: the day's work of whoever does case work (the grid worker first), read from the
deadlines the ledger already keeps: the next contact of each open case (U2), the one-week promise
(K8) and the follow-ups after employment (U2, E6).

A task is on the list when it is overdue, due by the end of today, or coming up and already
reminded (its first reminder, ``assistance.deadline.schedules``, has come: the same warning the
worker sends, so the page needs no window of its own). Only cases in the user's scope, soonest
first; closed cases never appear (closing cancels their deadlines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenjiuye.assistance.case_deadlines import KIND_CONTACT, KIND_FOLLOW_UP, KIND_ONE_WEEK
from wenjiuye.assistance.models import Case, PendingRegistration
from wenjiuye.assistance.selectors import case_list, pending_list
from wenjiuye.assistance.tiers import tier_labels
from wenjiuye.core.models import User
from wenjiuye.core.periods import end_of_day, local_day
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.deadlines.models import Deadline, DeadlineStep
from wenjiuye.deadlines.selectors import deadlines_visible, subject_key

#: the groups of the page: key, deadline kind prefix, title
GROUPS: tuple[tuple[str, str, str | Promise], ...] = (
    ("contact", KIND_CONTACT, _("联系失业人员")),
    ("one_week", KIND_ONE_WEEK, _("一周内就业承诺")),
    ("follow_up", KIND_FOLLOW_UP, _("就业后跟踪回访")),
)

CASE_TYPE = subject_key(Case(pk=0))[0]


@dataclass(frozen=True)
class Task:
    """One task of the day: the deadline, its case, and when it is due."""

    deadline: Deadline
    case: Case
    state: str  # "overdue", "today" or "soon"
    days_over: int  # whole days past due (0 when not overdue)
    days_left: int  # whole days until due (0 when due today or overdue)
    tier: str = ""  # the case's tier by its Chinese name


@dataclass
class Group:
    key: str
    title: str | Promise
    deadlines: QuerySet[Deadline]
    overdue: int = 0
    today: int = 0
    soon: int = 0
    tasks: list[Task] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.overdue + self.today + self.soon


def _open_case_deadlines(*, user: User, mine: bool) -> QuerySet[Deadline]:
    qs = deadlines_visible(user=user).filter(status=Deadline.Status.OPEN, subject_type=CASE_TYPE)
    if mine:
        own_cases = case_list(user=user, grid_worker=user.pk).values_list("pk", flat=True)
        qs = qs.filter(Q(assignee=user) | Q(subject_id__in=[str(pk) for pk in own_cases]))
    return qs


def groups(*, user: User, at: datetime | None = None, mine: bool = False) -> list[Group]:
    """The page's three groups with their counts (overdue, due today, reminded and coming up);
    the deadlines of each, soonest first, for :func:`tasks` to page through."""
    now = at or timezone.now()
    end = end_of_day(local_day(now))
    reminded = DeadlineStep.objects.filter(
        kind=DeadlineStep.Kind.REMINDER, fire_at__lte=now
    ).values("deadline_id")
    base = _open_case_deadlines(user=user, mine=mine).filter(
        Q(due_at__lte=end) | Q(pk__in=reminded)
    )
    out = []
    for key, prefix, title in GROUPS:
        qs = base.filter(kind__startswith=prefix).order_by("due_at", "pk")
        group = Group(key=key, title=title, deadlines=qs)
        group.overdue = qs.filter(due_at__lt=now).count()
        group.today = qs.filter(due_at__gte=now, due_at__lte=end).count()
        group.soon = qs.filter(due_at__gt=end).count()
        out.append(group)
    return out


def tasks(
    *, user: User, deadlines: QuerySet[Deadline] | list[Deadline], at: datetime | None = None
) -> list[Task]:
    """The deadlines as tasks, each with its case (in the user's scope; one query for all)."""
    now = at or timezone.now()
    day = local_day(now)
    rows = list(deadlines)
    tiers = tier_names(day) if rows else {}
    ids = {int(d.subject_id) for d in rows if d.subject_id.isdigit()}
    cases = {c.pk: c for c in case_list(user=user).filter(pk__in=ids)}
    out = []
    for d in rows:
        case = cases.get(int(d.subject_id)) if d.subject_id.isdigit() else None
        if case is None:
            continue  # the case lies outside the user's scope now (moved to another grid)
        due_day = local_day(d.due_at)
        if d.due_at < now:
            state, over, left = "overdue", max((day - due_day).days, 0), 0
        elif due_day == day:
            state, over, left = "today", 0, 0
        else:
            state, over, left = "soon", 0, (due_day - day).days
        out.append(
            Task(
                deadline=d,
                case=case,
                state=state,
                days_over=over,
                days_left=left,
                tier=tiers.get(case.tier, ""),
            )
        )
    return out


def pending_count(*, user: User) -> int:
    """Online registrations waiting for review that the user may decide (0 without case work)."""
    if not can(user, Cap.CASE_WORK):
        return 0
    return pending_list(user=user, state=PendingRegistration.State.PENDING).count()


def tier_names(on: date) -> dict[str, str]:
    """Tier codes → their Chinese names on ``on``."""
    return {str(k): str(v) for k, v in tier_labels(on)}
