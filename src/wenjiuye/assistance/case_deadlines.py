"""The deadlines of a case: the next contact (U2), the one-week promise (K8) and the follow-ups
after employment (U2, E6), each with its reminders and escalation from policy
``assistance.deadline.schedules``; and closing them when the case moves on.

The case services (``assistance.services``) call these inside their own transaction.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wenjiuye.assistance.models import OPEN_STATUSES, Case
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import User
from wenjiuye.core.periods import add_months, end_of_day
from wenjiuye.core.policy import policy_cite, policy_get, policy_value
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, deadline_create

KIND_CONTACT = "assistance.contact"
KIND_ONE_WEEK = "assistance.one_week"
KIND_FOLLOW_UP = "assistance.follow_up"


def open_deadlines(case: Case, prefix: str) -> list[Deadline]:
    """The case's open deadlines whose kind starts with ``prefix``."""
    return list(deadlines_for(case).filter(status=Deadline.Status.OPEN, kind__startswith=prefix))


def close_deadlines(case: Case, prefix: str, actor: User | None, *, done: bool, note: str) -> None:
    """Complete (``done``) or cancel the case's open deadlines of ``prefix``."""
    if actor is None:
        return  # the system cannot close an obligation; a person does
    for deadline in open_deadlines(case, prefix):
        if done:
            deadline_complete(deadline=deadline, actor=actor, note=note)
        else:
            deadline_cancel(deadline=deadline, actor=actor, reason=note, consequence=True)


def _schedule(kind: str, on: date) -> dict[str, Any]:
    """Reminders and escalation of an assistance deadline ``kind`` (contact, one_week, follow_up),
    from policy ``assistance.deadline.schedules``."""
    plan = policy_value("assistance.deadline.schedules", on=on)[kind]
    return {"reminders": list(plan["reminders"]), "escalation": list(plan["escalation"])}


def schedule_contact(case: Case, *, last: date, actor: User | None) -> Deadline | None:
    """The next contact due for an open case: ``last`` + the tier's contact frequency."""
    if case.status not in OPEN_STATUSES:
        return None
    tier = case_tier(case, last)
    due = last + timedelta(days=tier.contact_days)
    packages = policy_get("assistance.tier.packages", on=last)
    seq = deadlines_for(case).filter(kind__startswith=KIND_CONTACT).count() + 1
    return deadline_create(
        kind=f"{KIND_CONTACT}#{seq}",
        title=f"联系失业人员(按{tier.label}每 {tier.contact_days} 天至少联系一次)",
        clause="U2",
        subject=case,
        region=case.grid,
        due_at=end_of_day(due),
        actor=actor,
        assignee=case.grid_worker,
        policy={"assistance.tier.packages": policy_cite(packages), "tier": tier.tier},
        **_schedule("contact", last),
    )


def schedule_one_week(case: Case, *, start: date, actor: User | None) -> Deadline | None:
    """K8: solved within one week of the start of help. The start day is not counted and the last
    day ends at 24:00 (《民法典》 arts. 201, 203): started on D, due by the end of D + 7 days. Help
    started before the promise was in force (the plan's issue day) gets no clock."""
    try:
        version = policy_get("key_region.employment_solved_days", on=start)
    except PolicyNotInForce:
        # Product rule (K8): the promise binds from the plan's issue day; help started earlier
        # has no one-week clock, it is not a missing parameter.
        return None
    days = int(version.value)
    return deadline_create(
        kind=f"{KIND_ONE_WEEK}@{start.isoformat()}",
        title=f"一周内解决就业问题(自 {start.isoformat()} 开始帮扶起 {version.value} 天)",
        clause="K8",
        subject=case,
        region=case.grid,
        due_at=end_of_day(start + timedelta(days=days)),
        actor=actor,
        assignee=case.grid_worker,
        policy={"key_region.employment_solved_days": policy_cite(version)},
        **_schedule("one_week", start),
    )


def schedule_follow_ups(case: Case, *, employed_on: date, actor: User | None) -> list[Deadline]:
    """The follow-up visits after employment, ``assistance.follow_up.months`` after it."""
    version = policy_get("assistance.follow_up.months", on=employed_on)
    out = []
    for n in version.value:
        due = add_months(employed_on, int(n))
        out.append(
            deadline_create(
                kind=f"{KIND_FOLLOW_UP}.{int(n)}m@{employed_on.isoformat()}",
                title=f"就业后第 {int(n)} 个月跟踪回访",
                clause="U2,E6",
                subject=case,
                region=case.grid,
                due_at=end_of_day(due),
                actor=actor,
                assignee=case.grid_worker,
                policy={"assistance.follow_up.months": policy_cite(version)},
                **_schedule("follow_up", employed_on),
            )
        )
    return out
