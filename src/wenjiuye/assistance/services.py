"""Writes to the assistance ledger. Each checks the actor's role and scope, and audits the change in
the same transaction.

Entry points other apps call:

- :func:`case_open` — put a person on the ledger (or merge a new source into their case);
- :func:`case_set_status` — move a case (being helped, employed, …, closed).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance.benefits import BenefitInput, assess_dict
from wenjiuye.assistance.models import (
    EMPLOYED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    BenefitDecision,
    Case,
    CaseStatusChange,
    Contact,
    Education,
    FundBudget,
    PendingRegistration,
    ReemploymentTask,
    Source,
    Status,
)
from wenjiuye.assistance.payments import payments_read
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.identifiers import check_resident_id
from wenjiuye.core.models import Event, Region, RegionLevel, User
from wenjiuye.core.policy import policy_cite, policy_get, policy_value
from wenjiuye.core.roles import Cap, Role
from wenjiuye.core.scope import require, scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, deadline_create
from wenjiuye.intake.models import UnemploymentRegistration
from wenjiuye.registry.id_lookup import id_lookup
from wenjiuye.registry.models import Household, Person
from wenjiuye.registry.services import RegistryError, person_upsert

#: fields of a case that ``case_open`` accepts
CASE_FIELDS = (
    "education",
    "skills",
    "health",
    "wants_training",
    "desired_job",
    "household",
    "disability",
    "zero_employment_household",
    "low_income",
    "grid",
    "grid_worker",
)
FLAG_FIELDS = ("disability", "zero_employment_household", "low_income")
TRACKED = [
    "grid_id",
    "grid_worker_id",
    "household_id",
    "education",
    "skills",
    "health",
    "wants_training",
    "desired_job",
    "disability",
    "zero_employment_household",
    "low_income",
    "sources",
    "registered_on",
    "status",
    "status_on",
    "help_started_on",
    "employed_on",
    "employer",
    "job",
    "tier",
]

KIND_CONTACT = "assistance.contact"
KIND_ONE_WEEK = "assistance.one_week"
KIND_FOLLOW_UP = "assistance.follow_up"
KIND_PENDING = "assistance.pending_review"


# --- helpers ---------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _today() -> date:
    return timezone.localdate()


def _region(value: Region | str | None) -> Region | None:
    if value is None or value == "":
        return None
    if isinstance(value, Region):
        return value
    return Region.objects.filter(pk=str(value)).first()


def _grid_for(person: Person, value: Region | str | None) -> Region:
    """The case's grid: the given region, else the person's residence; codes below a township are
    cut to the township (the grid worker's scope); unknown codes fall back to their county. A grid
    outside the county of the person's residence is refused (registration at residence, E6)."""
    code = value.code if isinstance(value, Region) else (value or person.region_id or "")
    code = str(code)
    home = str(person.region_id or "")
    if home[:6] and code[:6] != home[:6]:
        # E6: registration at the place of residence (常住地), so the grid is in its county
        raise ValidationError(
            {"grid": f"失业登记应在常住地办理:常住地区划 {home},所选网格 {code} 不在同一县(市、区)"}
        )
    for candidate in (code, code[:9], code[:6]):
        if len(candidate) in (6, 9) and candidate.isdigit():
            region = Region.objects.filter(pk=candidate).first()
            if region is not None:
                return region
    raise ValidationError(
        {
            "grid": _("无法确定所属网格(常住地区划 %(code)s 不在区划表中)")
            % {"code": code or _("空")}
        }
    )


def _grid_worker_for(grid: Region) -> User | None:
    """The active grid worker whose region is the case's grid or the nearest division above it."""
    workers = User.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
    best: User | None = None
    best_len = 0
    for worker in workers.select_related("region").order_by("pk"):
        prefix = worker.region.scope_prefix if worker.region else ""
        if prefix and grid.code.startswith(prefix) and len(prefix) > best_len:
            best, best_len = worker, len(prefix)
    return best


def _audit(
    *, actor: User | None, case: Case, before: dict[str, Any] | None, note: str = ""
) -> None:
    after = snapshot(case, TRACKED)
    record_event(
        actor=actor,
        action=Event.Action.CREATE if before is None else Event.Action.UPDATE,
        obj=case,
        region_code=case.grid_id,
        changes=diff(before or {}, after),
        note=note,
    )


def _refresh_tier(case: Case, on: date) -> None:
    result = case_tier(case, on)
    case.tier = result.tier
    case.tier_reasons = result.reasons
    case.tier_on = on


def _due_policy(key: str, on: date) -> tuple[Any, dict[str, Any]]:
    version = policy_get(key, on=on)
    return version.value, policy_cite(version)


# --- deadlines of a case ---------------------------------------------------------------------


def _open_deadlines(case: Case, prefix: str) -> list[Deadline]:
    return list(deadlines_for(case).filter(status=Deadline.Status.OPEN, kind__startswith=prefix))


def _close_deadlines(case: Case, prefix: str, actor: User | None, *, done: bool, note: str) -> None:
    if actor is None:
        return  # the system cannot close an obligation; a person does
    for deadline in _open_deadlines(case, prefix):
        if done:
            deadline_complete(deadline=deadline, actor=actor, note=note)
        else:
            deadline_cancel(deadline=deadline, actor=actor, reason=note, consequence=True)


def _schedule(kind: str, on: date) -> dict[str, Any]:
    """Reminders and escalation of an assistance deadline ``kind`` (contact, one_week, follow_up),
    from policy ``assistance.deadline.schedules``."""
    plan = policy_value("assistance.deadline.schedules", on=on)[kind]
    return {"reminders": list(plan["reminders"]), "escalation": list(plan["escalation"])}


def _schedule_contact(case: Case, *, last: date, actor: User | None) -> Deadline | None:
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


def _schedule_one_week(case: Case, *, start: date, actor: User | None) -> Deadline | None:
    """K8: solved within one week of the start of help. The start day is not counted and the last
    day ends at 24:00 (《民法典》 arts. 201, 203): started on D, due by the end of D + 7 days. Help
    started before the promise was in force (the plan's issue day) gets no clock."""
    try:
        days, cite = _due_policy("key_region.employment_solved_days", start)
    except PolicyNotInForce:
        return None
    return deadline_create(
        kind=f"{KIND_ONE_WEEK}@{start.isoformat()}",
        title=f"一周内解决就业问题(自 {start.isoformat()} 开始帮扶起 {days} 天)",
        clause="K8",
        subject=case,
        region=case.grid,
        due_at=end_of_day(start + timedelta(days=int(days))),
        actor=actor,
        assignee=case.grid_worker,
        policy={"key_region.employment_solved_days": cite},
        **_schedule("one_week", start),
    )


def _schedule_follow_ups(case: Case, *, employed_on: date, actor: User | None) -> list[Deadline]:
    months, cite = _due_policy("assistance.follow_up.months", employed_on)
    out = []
    for n in months:
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
                policy={"assistance.follow_up.months": cite},
                **_schedule("follow_up", employed_on),
            )
        )
    return out


def _create_reemployment_tasks(
    case: Case, *, employed_on: date, actor: User | None
) -> list[ReemploymentTask]:
    days, cite = _due_policy("assistance.reemployment.transfer_days", employed_on)
    tasks = []
    for kind in ReemploymentTask.Kind:
        task, created = ReemploymentTask.objects.get_or_create(
            case=case,
            kind=kind,
            employed_on=employed_on,
            defaults={"due_on": employed_on + timedelta(days=int(days))},
        )
        if created:
            record_event(
                actor=actor,
                action=Event.Action.CREATE,
                obj=task,
                region_code=case.grid_id,
                changes={"kind": kind.value, "due_on": task.due_on.isoformat(), "policy": cite},
            )
        tasks.append(task)
    return tasks


# --- the ledger ------------------------------------------------------------------------------


def case_open(
    *,
    person: Person,
    source: str,
    source_ref: str = "",
    actor: User | None = None,
    registered_on: date | None = None,
    **fields: Any,
) -> Case:
    """Put ``person`` on the assistance ledger, or merge into their existing case.

    Idempotent per person: a second call adds its ``(source, source_ref)`` to the case's sources
    (once), fills fields the case does not have yet, and sets hardship flags that are true; a
    closed case that gets a new source is registered again. ``actor=None`` is the system (imports,
    cross-matches); a user needs write access to the case's grid. ``fields``: see ``CASE_FIELDS``
    (``grid`` a Region or code, default the person's residence; ``grid_worker`` default the grid
    worker of that grid; ``household`` a Household).
    """
    if source not in Source.values:
        raise ValidationError({"source": _("未知来源:%(source)s") % {"source": source}})
    unknown = sorted(set(fields) - set(CASE_FIELDS))
    if unknown:
        raise ValidationError(f"未知字段:{', '.join(unknown)}")
    household = fields.get("household")
    if household is not None and not isinstance(household, Household):
        raise ValidationError({"household": "household 应为 registry.Household"})
    today = _today()
    day = registered_on or today
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(person=person).first()
        entry = {"source": source, "ref": source_ref, "on": day.isoformat()}
        if case is None:
            grid = _grid_for(person, fields.get("grid"))
            if actor is not None:
                require(actor, Cap.CASE_WORK, grid.code)
            case = Case(
                person=person,
                grid=grid,
                registered_on=day,
                status=Status.REGISTERED,
                status_on=day,
                sources=[entry],
                household=household or person.household,
            )
            for name in ("education", "skills", "health", "desired_job"):
                setattr(case, name, str(fields.get(name) or "")[:200])
            case.wants_training = fields.get("wants_training")
            for name in FLAG_FIELDS:
                setattr(case, name, bool(fields.get(name)))
            if case.household is not None and case.household.low_income:
                case.low_income = True
            case.grid_worker = fields.get("grid_worker") or _grid_worker_for(grid)
            _refresh_tier(case, today)
            case.full_clean()
            case.save()
            CaseStatusChange.objects.create(
                case=case,
                from_status="",
                to_status=Status.REGISTERED,
                on=day,
                actor=actor if actor is not None and actor.pk else None,
                note=f"{Source(source).label} {source_ref}".strip(),
            )
            _audit(actor=actor, case=case, before=None, note=f"{source}:{source_ref}")
            # the first contact is due counted from the day the ledger learns of the person: a
            # registration loaded today from last year's files is not already overdue
            _schedule_contact(case, last=max(day, today), actor=actor)
            return case
        if actor is not None:
            require(actor, Cap.CASE_WORK, case.grid_id)
        before = snapshot(case, TRACKED)
        known = {(s.get("source"), s.get("ref")) for s in case.sources}
        new_source = (source, source_ref) not in known
        if new_source:
            case.sources = [*case.sources, entry]
        for name in ("education", "skills", "health", "desired_job"):
            if not getattr(case, name) and fields.get(name):
                setattr(case, name, str(fields[name])[:200])
        if case.wants_training is None and fields.get("wants_training") is not None:
            case.wants_training = fields["wants_training"]
        for name in FLAG_FIELDS:
            if fields.get(name):
                setattr(case, name, True)
        if case.household is None and (household or person.household):
            case.household = household or person.household
        if fields.get("grid_worker") and case.grid_worker is None:
            case.grid_worker = fields["grid_worker"]
        reopened = case.status == Status.CLOSED and new_source
        if reopened:
            case.status = Status.REGISTERED
            case.status_on = max(day, case.status_on)
            case.registered_on = day if day > case.registered_on else case.registered_on
        _refresh_tier(case, today)
        case.full_clean()
        case.save()
        if reopened:
            CaseStatusChange.objects.create(
                case=case,
                from_status=Status.CLOSED,
                to_status=Status.REGISTERED,
                on=case.status_on,
                actor=actor if actor is not None and actor.pk else None,
                note=f"重新登记:{Source(source).label} {source_ref}".strip(),
            )
        if diff(before, snapshot(case, TRACKED)):
            _audit(actor=actor, case=case, before=before, note=f"merge {source}:{source_ref}")
        if reopened:
            _schedule_contact(case, last=case.status_on, actor=actor)
        return case


def case_update(*, case: Case, actor: User, **fields: Any) -> Case:
    """Change the ledger fields of a case (profile, hardship flags, grid worker)."""
    allowed = set(CASE_FIELDS) - {"grid"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(f"未知字段:{', '.join(unknown)}")
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
        )
        require(actor, Cap.CASE_WORK, locked.grid_id)
        worker = fields.get("grid_worker")
        if worker is not None and (
            worker.role != Role.GRID_WORKER
            or not worker.region_id
            or not (
                locked.grid_id.startswith(worker.region.scope_prefix)
                or worker.region.scope_prefix.startswith(locked.county_code)
            )
        ):
            raise ValidationError({"grid_worker": "责任网格员须为本县(市、区)的网格员"})
        before = snapshot(locked, TRACKED)
        for name, value in fields.items():
            setattr(locked, name, value)
        _refresh_tier(locked, _today())
        locked.full_clean()
        locked.save()
        _audit(actor=actor, case=locked, before=before)
    return locked


def case_set_status(
    *,
    case: Case,
    status: str,
    actor: User,
    on: date | None = None,
    note: str = "",
    employer: str = "",
    job: str = "",
) -> Case:
    """Move ``case`` to ``status`` on ``on`` (default today); invalid transitions are refused.

    - ``being_helped`` starts the one-week clock (K8: a deadline for the grid worker);
    - an employment status (employed, self_employed, flexible, public_welfare_job) records the
      employer and job, creates the follow-up deadlines (1 and 3 months, from policy) and the
      social-insurance / file transfer tasks, completes the one-week clock and stops the contact
      schedule;
    - ``closed`` cancels the case's open deadlines.
    """
    if status not in Status.values:
        raise ValidationError({"status": f"未知状态:{status}"})
    day = on or _today()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))  # grid_worker is an outer join
            .select_related("person", "grid", "grid_worker")
            .get(pk=case.pk)
        )
        require(actor, Cap.CASE_WORK, locked.grid_id)
        current = locked.status
        if status not in TRANSITIONS[current]:
            raise ValidationError(
                {
                    "status": f"不能从“{Status(current).label}”变更为“{Status(status).label}”"
                    f"(可变更为:{'、'.join(str(Status(s).label) for s in sorted(TRANSITIONS[current]))})"
                }
            )
        if day < locked.status_on:
            raise ValidationError(
                {"on": f"日期 {day.isoformat()} 早于上一次状态变更日期 {locked.status_on}"}
            )
        if day > _today():
            raise ValidationError({"on": "日期不能晚于今天"})
        if status == Status.EMPLOYED and not employer.strip():
            raise ValidationError({"employer": "单位就业须填写就业单位"})
        before = snapshot(locked, TRACKED)
        locked.status = status
        locked.status_on = day
        if status == Status.BEING_HELPED:
            locked.help_started_on = day
        if status in EMPLOYED_STATUSES:
            locked.employed_on = day
            locked.employer = employer.strip()[:200]
            locked.job = job.strip()[:200]
        locked.full_clean()
        locked.save()
        CaseStatusChange.objects.create(
            case=locked,
            from_status=current,
            to_status=status,
            on=day,
            actor=actor,
            note=note[:500],
            employer=employer.strip()[:200],
            job=job.strip()[:200],
        )
        _audit(actor=actor, case=locked, before=before, note=note)
        if status == Status.BEING_HELPED:
            _schedule_one_week(locked, start=day, actor=actor)
        elif status in EMPLOYED_STATUSES:
            _close_deadlines(
                locked, KIND_ONE_WEEK, actor, done=True, note=f"已就业({Status(status).label})"
            )
            _close_deadlines(locked, KIND_CONTACT, actor, done=False, note="已就业,转入跟踪回访")
            if current not in EMPLOYED_STATUSES:
                _schedule_follow_ups(locked, employed_on=day, actor=actor)
                _create_reemployment_tasks(locked, employed_on=day, actor=actor)
        elif status == Status.CLOSED:
            _close_deadlines(locked, "assistance.", actor, done=False, note=note or "已结案")
        elif status == Status.REGISTERED:
            _schedule_contact(locked, last=day, actor=actor)
        if current in EMPLOYED_STATUSES | {Status.FOLLOW_UP} and status == Status.BEING_HELPED:
            _close_deadlines(locked, KIND_FOLLOW_UP, actor, done=False, note="再次失业")
            _schedule_contact(locked, last=day, actor=actor)
    return locked


def contact_add(
    *,
    case: Case,
    actor: User,
    channel: str,
    note: str = "",
    at: datetime | None = None,
    purpose: str = Contact.Purpose.ROUTINE,
) -> Contact:
    """Record a contact; it completes the due contact (or follow-up) deadline and schedules the
    next one. A follow-up contact of an employed case moves it to ``follow_up``."""
    if channel not in Contact.Channel.values:
        raise ValidationError({"channel": f"未知联系方式:{channel}"})
    if purpose not in Contact.Purpose.values:
        raise ValidationError({"purpose": f"未知联系目的:{purpose}"})
    when = at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": "联系时间不能晚于现在"})
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
        )
        require(actor, Cap.CASE_WORK, locked.grid_id)
        if locked.status == Status.CLOSED:
            raise ValidationError("已结案的台账不能再记录联系")
        contact = Contact(
            case=locked, at=when, by=actor, channel=channel, purpose=purpose, note=note[:1000]
        )
        contact.full_clean()
        contact.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=contact,
            region_code=locked.grid_id,
            changes={"case": locked.pk, "channel": channel, "purpose": purpose},
        )
        day = timezone.localtime(when).date()
        if purpose == Contact.Purpose.FOLLOW_UP:
            follow_ups = sorted(_open_deadlines(locked, KIND_FOLLOW_UP), key=lambda d: d.due_at)
            if follow_ups:
                deadline_complete(deadline=follow_ups[0], actor=actor, note=note[:200])
            if locked.status in EMPLOYED_STATUSES:
                case_set_status(
                    case=locked,
                    status=Status.FOLLOW_UP,
                    actor=actor,
                    on=max(day, locked.status_on),
                    note="就业后回访",
                )
        else:
            _close_deadlines(locked, KIND_CONTACT, actor, done=True, note=note[:200] or "已联系")
            _schedule_contact(locked, last=day, actor=actor)
    return contact


def case_refresh(*, case: Case, on: date | None = None, actor: User | None = None) -> Case:
    """Recompute the stored tier (ages and unemployment months change with time) and make sure an
    open case has a contact deadline. The daily sweep calls it for every open case."""
    day = on or _today()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
        )
        before = snapshot(locked, TRACKED)
        _refresh_tier(locked, day)
        if diff(before, snapshot(locked, TRACKED)):
            locked.save(update_fields=["tier", "tier_reasons", "tier_on", "updated_at"])
            _audit(actor=actor, case=locked, before=before, note="tier refresh")
        elif locked.tier_on != day:
            locked.save(update_fields=["tier_on"])
        if locked.status in OPEN_STATUSES and not _open_deadlines(locked, KIND_CONTACT):
            last = locked.contacts.order_by("-at").values_list("at", flat=True).first()
            last_day = timezone.localtime(last).date() if last else locked.status_on
            _schedule_contact(locked, last=last_day, actor=actor)
        if (
            locked.status == Status.BEING_HELPED
            and locked.help_started_on
            and not deadlines_for(locked)
            .filter(kind=f"{KIND_ONE_WEEK}@{locked.help_started_on.isoformat()}")
            .exists()
        ):
            _schedule_one_week(locked, start=locked.help_started_on, actor=actor)
    return locked


def reemployment_task_done(
    *, task: ReemploymentTask, actor: User, on: date | None = None, note: str = ""
) -> ReemploymentTask:
    with transaction.atomic():
        locked = (
            ReemploymentTask.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=task.pk)
        )
        require(actor, Cap.CASE_WORK, locked.case.grid_id)
        if locked.state != ReemploymentTask.State.OPEN:
            raise ValidationError("该事项已办结或已撤销")
        locked.state = ReemploymentTask.State.DONE
        locked.done_on = on or _today()
        locked.done_by = actor
        locked.note = note[:500]
        locked.save(update_fields=["state", "done_on", "done_by", "note"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.case.grid_id,
            changes={"state": ["open", "done"]},
            note=note,
        )
    return locked


# --- benefits --------------------------------------------------------------------------------


def _period(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def benefit_decide(*, case: Case, actor: User, inp: BenefitInput) -> BenefitDecision:
    """Run the benefits engine for a case and keep the decision (inputs, results, policy cited).

    Payments are due monthly from the later of the separation month and the registration month;
    for a person whose UI benefit ran out (领取失业保险金期满), not before the month of the day after
    it ran out (the subsidy follows the UI benefit, it does not overlap it).
    """
    start = max(inp.separation_date or case.registered_on, case.registered_on)
    if inp.ui_expired and inp.ui_expired_on is not None:
        start = max(start, inp.ui_expired_on + timedelta(days=1))
    with transaction.atomic():
        require(actor, Cap.WRITE, case.grid_id)
        result = assess_dict(inp)
        decision = BenefitDecision.objects.create(
            case=case,
            on=inp.on,
            start_period=_period(start),
            inputs=result["input"],
            results=result["benefits"],
            decided_by=actor,
        )
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=decision,
            region_code=case.grid_id,
            changes={
                "case": case.pk,
                "eligible": [b["benefit"] for b in result["benefits"] if b["eligible"]],
                "total": result["total"],
            },
        )
    return decision


def fund_budget_set(*, actor: User, county: Region, year: int, amount: Decimal) -> FundBudget:
    if county.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        raise ValidationError({"county": "预算须按县(市、区)设置"})
    if amount < 0:
        raise ValidationError({"amount": "预算不能为负"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度无效"})
    with transaction.atomic():
        require(actor, Cap.WRITE, county.code)
        budget = FundBudget.objects.select_for_update().filter(county=county, year=year).first()
        before = snapshot(budget, ["amount"]) if budget else None
        if budget is None:
            budget = FundBudget(county=county, year=year, amount=amount)
        budget.amount = amount
        budget.full_clean()
        budget.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE if before is None else Event.Action.UPDATE,
            obj=budget,
            region_code=county.code,
            changes=diff(before or {}, snapshot(budget, ["amount"])),
        )
    return budget


# --- online registration (U5) ----------------------------------------------------------------


def _open_case_for(id_number: str) -> Case | None:
    return Case.objects.filter(person__id_number=id_number).exclude(status=Status.CLOSED).first()


class DuplicateRegistration(ValidationError):
    """The ID number already has an open case or a registration waiting for review (the public
    page answers it as it answers a new registration: it must not tell whose number is known)."""


def pending_submit(
    *,
    id_number: str,
    name: str,
    phone: str,
    county: Region,
    street: Region | None,
    education: str,
    desired_job: str,
    wants_training: bool,
    ip: str | None = None,
) -> PendingRegistration:
    """An online unemployment registration, waiting for the county (no login; nothing is saved
    when anything is wrong). Without a street the county is the grid, allowed only when the
    reference data have no townships in that county (then there is nothing to choose)."""
    errors: dict[str, str] = {}
    check = check_resident_id(id_number)
    if not check.valid:
        errors["id_number"] = f"公民身份号码有误:{check.reason}。请核对后重新填写。"
    name = name.strip()
    if not name or len(name) > 50:
        errors["name"] = "请填写姓名(不超过50字)"
    phone = phone.strip()
    if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        errors["phone"] = "手机号应为以1开头的11位数字"
    if county.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        errors["county"] = "请选择县(市、区)"
    if (
        street is None
        and not Region.objects.filter(
            level=RegionLevel.TOWNSHIP, code__startswith=county.code
        ).exists()
    ):
        street = county
    elif (
        street is None
        or street.level != RegionLevel.TOWNSHIP
        or not street.code.startswith(county.code)
    ):
        errors["street"] = "请选择所选县(市、区)内的乡镇(街道)"
    if education not in Education.values:
        errors["education"] = "请选择学历"
    if not desired_job.strip():
        errors["desired_job"] = "请填写求职意向"
    if errors:
        raise ValidationError(errors)
    assert street is not None
    number = check.value
    with transaction.atomic():
        if _open_case_for(number) is not None:
            raise DuplicateRegistration(
                {
                    "id_number": "该身份证号已有在册的失业登记,无需重复登记;如有疑问请联系所在街道(社区)。"
                }
            )
        if PendingRegistration.objects.filter(
            id_number=number, state=PendingRegistration.State.PENDING
        ).exists():
            raise DuplicateRegistration(
                {"id_number": "该身份证号已提交网上登记,正在等待审核,请勿重复提交。"}
            )
        pending = PendingRegistration(
            id_number=number,
            name=name,
            phone=phone,
            county=county,
            street=street,
            education=education,
            desired_job=desired_job.strip()[:200],
            wants_training=wants_training,
        )
        pending.full_clean()
        pending.save()
        record_event(
            actor=None,
            action=Event.Action.CREATE,
            obj=pending,
            region_code=street.code,
            changes={"state": "pending", "county": county.code, "street": street.code},
            note="网上失业登记",
            ip=ip,
        )
        days, cite = _due_policy("assistance.pending_registration.review_days", _today())
        deadline_create(
            kind=KIND_PENDING,
            title="确认网上失业登记",
            clause="U5,E6",
            subject=pending,
            # The registration's own scope (its street): whoever may decide it closes the deadline.
            region=street,
            due_at=end_of_day(_today() + timedelta(days=int(days))),
            policy={"assistance.pending_registration.review_days": cite},
        )
    return pending


def pending_confirm(*, pending: PendingRegistration, actor: User, note: str = "") -> Case:
    """Confirm an online registration: the person is upserted and a case opened (source online)."""
    with transaction.atomic():
        locked = PendingRegistration.objects.select_for_update().get(pk=pending.pk)
        require(actor, Cap.CASE_WORK, locked.street_id)
        if locked.state != PendingRegistration.State.PENDING:
            raise ValidationError("该登记已处理")
        person = Person.objects.filter(id_number=locked.id_number).first()
        if person is None:
            try:
                person = person_upsert(
                    actor=actor,
                    id_number=locked.id_number,
                    name=locked.name,
                    phone=locked.phone,
                    region_id=locked.street_id,
                )
            except RegistryError as exc:
                raise ValidationError(str(exc)) from exc
        else:
            # known already: matched, never rewritten from what an anonymous visitor typed (the
            # officer corrects the registry on the person's page if the person confirms it)
            require(actor, Cap.CASE_WORK, person.region_id or locked.street_id)
        day = timezone.localtime(locked.submitted_at).date()
        case = case_open(
            person=person,
            source=Source.ONLINE,
            source_ref=f"online:{locked.pk}",
            actor=actor,
            registered_on=day,
            grid=locked.street,
            education=locked.get_education_display(),
            desired_job=locked.desired_job,
            wants_training=locked.wants_training,
        )
        locked.state = PendingRegistration.State.CONFIRMED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note[:500]
        locked.case = case
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_note", "case"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.street_id,
            changes={"state": ["pending", "confirmed"], "case": case.pk},
            note=note,
        )
        _close_deadlines_of(locked, actor, note="已确认")
    return case


def pending_reject(*, pending: PendingRegistration, actor: User, note: str) -> PendingRegistration:
    if not note.strip():
        raise ValidationError({"note": "退回须说明理由"})
    with transaction.atomic():
        locked = PendingRegistration.objects.select_for_update().get(pk=pending.pk)
        require(actor, Cap.CASE_WORK, locked.street_id)
        if locked.state != PendingRegistration.State.PENDING:
            raise ValidationError("该登记已处理")
        locked.state = PendingRegistration.State.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note[:500]
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.street_id,
            changes={"state": ["pending", "rejected"]},
            note=note,
        )
        _close_deadlines_of(locked, actor, note=f"已退回:{note}"[:200])
    return locked


def _close_deadlines_of(subject: PendingRegistration, actor: User, note: str) -> None:
    for deadline in deadlines_for(subject).filter(status=Deadline.Status.OPEN):
        deadline_complete(deadline=deadline, actor=actor, note=note)


# --- feeds -----------------------------------------------------------------------------------


def case_sync_registrations(*, actor: User | None = None, progress: Any = None) -> dict[str, int]:
    """Put every active unemployment registration (intake) on the ledger; idempotent.

    A registration with an end date (注销) is not opened; bad ID numbers are counted and skipped.
    Returns counts: ``opened``, ``merged`` (already on the ledger), ``ended``, ``invalid``.
    """
    counts = {"opened": 0, "merged": 0, "ended": 0, "invalid": 0}
    rows = UnemploymentRegistration.objects.order_by("registered_on", "pk")
    total = rows.count()
    for i, reg in enumerate(rows.iterator(), start=1):
        if progress is not None and (i % 500 == 0 or i == total):
            progress(i, total)
        if reg.ended_on is not None:
            counts["ended"] += 1
            continue
        try:
            with transaction.atomic():
                person = Person.objects.filter(id_number=reg.person_id).first()
                region = _region(reg.region_code) or _region(reg.region_code[:6])
                if person is None:
                    person = person_upsert(
                        actor=None,
                        id_number=reg.person_id,
                        name=reg.name,
                        phone=reg.phone,
                        region_id=region.code if region else None,
                    )
                existed = Case.objects.filter(person=person).exists()
                case_open(
                    person=person,
                    source=Source.REGISTRATION,
                    source_ref=f"registration:{reg.registered_on.isoformat()}",
                    actor=actor,
                    registered_on=reg.registered_on,
                    grid=reg.region_code,
                    education=reg.education,
                    skills=reg.skills,
                    health=reg.health,
                    wants_training=reg.wants_training,
                    desired_job=reg.desired_job,
                )
        except (RegistryError, ValidationError):
            counts["invalid"] += 1
            continue
        counts["merged" if existed else "opened"] += 1
    return counts


def case_sync_benefit_payments(
    *, actor: User | None = None, root: Any = None, first: str = "000000", last: str = "999999"
) -> dict[str, int]:
    """Put every person paid a UI benefit (lake ``benefit_payments``) on the ledger, so registered
    unemployed and benefit recipients are one ledger (U1). Persons not in the registry (no name or
    residence known) are counted as ``unknown``; one source entry per person and benefit kind."""
    rows = payments_read(root=root, first=first, last=last)
    first_paid: dict[tuple[str, str], str] = {}
    for pay in rows:
        key = (pay.person_id, pay.kind)
        first_paid[key] = min(first_paid.get(key, pay.period), pay.period)
    counts = {"opened": 0, "merged": 0, "unknown": 0, "invalid": 0}
    persons = {
        p.id_number: p for p in Person.objects.filter(id_number__in={k[0] for k in first_paid})
    }
    for (person_id, kind), period in sorted(first_paid.items()):
        person = persons.get(person_id)
        if person is None:
            counts["unknown"] += 1
            continue
        existed = Case.objects.filter(person=person).exists()
        try:
            case_open(
                person=person,
                source=Source.BENEFIT_PAYMENT,
                source_ref=f"{kind}:{period}",
                actor=actor,
                registered_on=date(int(period[:4]), int(period[4:]), 1),
            )
        except ValidationError:
            counts["invalid"] += 1
            continue
        counts["merged" if existed else "opened"] += 1
    return counts


def cases_sweep(*, on: date | None = None, progress: Any = None) -> dict[str, Any]:
    """The daily pass: every open case's tier recomputed and its contact and one-week deadlines
    ensured (``case_refresh``). Run by the worker each night and by ``wenjiuye assistance sweep``."""
    day = on or _today()
    qs = Case.objects.exclude(status=Status.CLOSED).order_by("pk")
    total = qs.count()
    changed = 0
    for i, case in enumerate(qs.iterator(), start=1):
        before = case.tier
        if case_refresh(case=case, on=day).tier != before:
            changed += 1
        if progress is not None and (i % 200 == 0 or i == total):
            progress(i, total)
    return {"on": day.isoformat(), "cases": total, "tier_changed": changed}


def case_open_for_id(
    *,
    actor: User,
    id_number: str,
    name: str = "",
    source: str,
    source_ref: str = "",
    registered_on: date | None = None,
    **fields: Any,
) -> Case:
    """Open (or merge into) the case of the person with this ID number, registering a new person.

    The person is looked up only among those the actor may see: a number registered in another
    county is answered as a number the actor does not know (a new person without a name is
    refused the same way), and registering it anew is the write into another county it would be
    (refused by ``person_upsert``). The lookup is an exact ID search (``registry.id_lookup``: audited
    and limited for roles that may not see personal data).
    """
    require(actor, Cap.CASE_WORK)
    number = id_number.strip().upper()
    id_lookup(user=actor, number=number, where="case_open")
    with transaction.atomic():  # a refused case leaves no person behind
        return _case_open_for_number(actor, number, name, source, source_ref, registered_on, fields)


def _case_open_for_number(
    actor: User,
    number: str,
    name: str,
    source: str,
    source_ref: str,
    registered_on: date | None,
    fields: dict[str, Any],
) -> Case:
    person = scoped(Person.objects.filter(id_number=number), actor).first()
    if person is None:
        if not name.strip():
            raise ValidationError({"name": _("新人员须填写姓名")})
        try:
            person = person_upsert(
                actor=actor, id_number=number, name=name.strip(), region_id=fields.get("grid")
            )
        except RegistryError as exc:
            raise ValidationError(str(exc)) from exc
    if fields.get("grid") is None:
        fields.pop("grid", None)
    return case_open(
        person=person,
        source=source,
        source_ref=source_ref,
        actor=actor,
        registered_on=registered_on,
        **fields,
    )
