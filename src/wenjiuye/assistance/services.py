"""The case services of the assistance ledger: opening a case (or merging a new source into it),
changing it, moving its status, recording contacts, refreshing its tier, re-employment tasks.
Each checks the actor's role and scope, and audits the change in the same transaction.

Entry points other apps call:

- :func:`case_open` — put a person on the ledger (or merge a new source into their case);
- :func:`case_set_status` — move a case (being helped, employed, …, closed).

The case's deadlines are scheduled and closed by ``assistance.case_deadlines``; a case opened
from a typed ID number is ``assistance.case_by_id``, online registrations
``assistance.registration``, benefit decisions and budgets ``assistance.decisions``, the bulk
feeds and the nightly sweep ``assistance.sync``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance.benefits import LABELS as BENEFIT_NAMES
from wenjiuye.assistance.case_deadlines import (
    KIND_CONTACT,
    KIND_FOLLOW_UP,
    KIND_ONE_WEEK,
    close_deadlines,
    open_deadlines,
    schedule_contact,
    schedule_follow_ups,
    schedule_one_week,
)
from wenjiuye.assistance.models import (
    EMPLOYED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Case,
    CaseStatusChange,
    Contact,
    ReemploymentTask,
    Source,
    Status,
)
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.audit import diff, record_event, save_audited, snapshot
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.periods import local_day, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap, Role
from wenjiuye.core.scope import require
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete
from wenjiuye.registry.models import Household, Person

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


# --- helpers ---------------------------------------------------------------------------------


def source_text(source: str, ref: str) -> str:
    """Where a case came from, as a page says it: "失业保险待遇发放(失业保险金,2026年11月)",
    "裁员名册(报告 12)" — never the ledger's own reference key (``ui_benefit:202611``)."""
    name = str(Source(source).label) if source in Source.values else _("其他来源")
    kind, _sep, rest = (ref or "").partition(":")
    if not rest:
        return name
    if kind in BENEFIT_NAMES and len(rest) == 6 and rest.isdigit():
        return f"{name}({BENEFIT_NAMES[kind]},{rest[:4]}年{rest[4:]}月)"
    if kind == "layoff":
        return _("%(name)s(裁员报告 %(pk)s)") % {"name": name, "pk": rest}
    if kind == "online":
        return _("%(name)s(网上登记 %(pk)s)") % {"name": name, "pk": rest}
    if kind == "registration":
        return _("%(name)s(%(day)s 登记)") % {"name": name, "day": rest}
    return name


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
            {
                "grid": _(
                    "失业登记应在常住地办理:常住地区划 %(home)s,所选网格 %(code)s 不在同一县(市、区)"
                )
                % {"home": home, "code": code}
            }
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


def _refresh_tier(case: Case, on: date) -> None:
    result = case_tier(case, on)
    case.tier = result.tier
    case.tier_reasons = result.reasons
    case.tier_on = on


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
        raise ValidationError(_("未知字段:%(value)s") % {"value": ", ".join(unknown)})
    household = fields.get("household")
    if household is not None and not isinstance(household, Household):
        raise ValidationError({"household": _("household 应为 registry.Household")})
    learnt_on = today()
    day = registered_on or learnt_on
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
            _refresh_tier(case, learnt_on)
            save_audited(
                actor=actor,
                obj=case,
                before=None,
                fields=TRACKED,
                region_code=grid.code,
                note=source_text(source, source_ref),
            )
            CaseStatusChange.objects.create(
                case=case,
                from_status="",
                to_status=Status.REGISTERED,
                on=day,
                actor=actor if actor is not None and actor.pk else None,
                note=source_text(source, source_ref),
            )
            # the first contact is due counted from the day the ledger learns of the person: a
            # registration loaded today from last year's files is not already overdue
            schedule_contact(case, last=max(day, learnt_on), actor=actor)
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
        _refresh_tier(case, learnt_on)
        save_audited(
            actor=actor,
            obj=case,
            before=before,
            fields=TRACKED,
            region_code=case.grid_id,
            note=_("合并来源:%(source)s") % {"source": source_text(source, source_ref)},
        )
        if reopened:
            CaseStatusChange.objects.create(
                case=case,
                from_status=Status.CLOSED,
                to_status=Status.REGISTERED,
                on=case.status_on,
                actor=actor if actor is not None and actor.pk else None,
                note=_("重新登记:%(source)s") % {"source": source_text(source, source_ref)},
            )
        if reopened:
            schedule_contact(case, last=case.status_on, actor=actor)
        return case


def case_update(*, case: Case, actor: User, **fields: Any) -> Case:
    """Change the ledger fields of a case (profile, hardship flags, grid worker)."""
    allowed = set(CASE_FIELDS) - {"grid"}
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError(_("未知字段:%(value)s") % {"value": ", ".join(unknown)})
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
            raise ValidationError({"grid_worker": _("责任网格员须为本县(市、区)的网格员")})
        before = snapshot(locked, TRACKED)
        for name, value in fields.items():
            setattr(locked, name, value)
        _refresh_tier(locked, today())
        save_audited(
            actor=actor,
            obj=locked,
            before=before,
            fields=TRACKED,
            region_code=locked.grid_id,
            record_unchanged=True,  # every update is on the case's record, even an empty one
        )
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
        raise ValidationError({"status": _("未知状态:%(status)s") % {"status": status}})
    day = on or today()
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
                    "status": _("不能从“%(label)s”变更为“%(label2)s”(可变更为:%(value)s)")
                    % {
                        "label": Status(current).label,
                        "label2": Status(status).label,
                        "value": "、".join(
                            str(Status(s).label) for s in sorted(TRANSITIONS[current])
                        ),
                    }
                }
            )
        if day < locked.status_on:
            raise ValidationError(
                {
                    "on": _("日期 %(value)s 早于上一次状态变更日期 %(status_on)s")
                    % {"value": day.isoformat(), "status_on": locked.status_on}
                }
            )
        if day > today():
            raise ValidationError({"on": _("日期不能晚于今天")})
        if status == Status.EMPLOYED and not employer.strip():
            raise ValidationError({"employer": _("单位就业须填写就业单位")})
        before = snapshot(locked, TRACKED)
        locked.status = status
        locked.status_on = day
        if status == Status.BEING_HELPED:
            locked.help_started_on = day
        if status in EMPLOYED_STATUSES:
            locked.employed_on = day
            locked.employer = employer.strip()[:200]
            locked.job = job.strip()[:200]
        save_audited(
            actor=actor,
            obj=locked,
            before=before,
            fields=TRACKED,
            region_code=locked.grid_id,
            note=note,
            record_unchanged=True,  # a status change is on the record even when nothing moved
        )
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
        if status == Status.BEING_HELPED:
            schedule_one_week(locked, start=day, actor=actor)
        elif status in EMPLOYED_STATUSES:
            close_deadlines(
                locked, KIND_ONE_WEEK, actor, done=True, note=f"已就业({Status(status).label})"
            )
            close_deadlines(locked, KIND_CONTACT, actor, done=False, note="已就业,转入跟踪回访")
            if current not in EMPLOYED_STATUSES:
                schedule_follow_ups(locked, employed_on=day, actor=actor)
                _create_reemployment_tasks(locked, employed_on=day, actor=actor)
        elif status == Status.CLOSED:
            close_deadlines(locked, "assistance.", actor, done=False, note=note or "已结案")
        elif status == Status.REGISTERED:
            schedule_contact(locked, last=day, actor=actor)
        if current in EMPLOYED_STATUSES | {Status.FOLLOW_UP} and status == Status.BEING_HELPED:
            close_deadlines(locked, KIND_FOLLOW_UP, actor, done=False, note="再次失业")
            schedule_contact(locked, last=day, actor=actor)
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
        raise ValidationError({"channel": _("未知联系方式:%(channel)s") % {"channel": channel}})
    if purpose not in Contact.Purpose.values:
        raise ValidationError({"purpose": _("未知联系目的:%(purpose)s") % {"purpose": purpose}})
    when = at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": _("联系时间不能晚于现在")})
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
        )
        require(actor, Cap.CASE_WORK, locked.grid_id)
        if locked.status == Status.CLOSED:
            raise ValidationError(_("已结案的台账不能再记录联系"))
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
        day = local_day(when)
        if purpose == Contact.Purpose.FOLLOW_UP:
            follow_ups = sorted(open_deadlines(locked, KIND_FOLLOW_UP), key=lambda d: d.due_at)
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
            close_deadlines(locked, KIND_CONTACT, actor, done=True, note=note[:200] or "已联系")
            schedule_contact(locked, last=day, actor=actor)
    return contact


def case_refresh(*, case: Case, on: date | None = None, actor: User | None = None) -> Case:
    """Recompute the stored tier (ages and unemployment months change with time) and make sure an
    open case has a contact deadline. The daily sweep calls it for every open case."""
    day = on or today()
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
        )
        before = snapshot(locked, TRACKED)
        _refresh_tier(locked, day)
        changes = diff(before, snapshot(locked, TRACKED))
        if changes:
            locked.save(update_fields=["tier", "tier_reasons", "tier_on", "updated_at"])
            record_event(
                actor=actor,
                action=Event.Action.UPDATE,
                obj=locked,
                region_code=locked.grid_id,
                changes=changes,
                note="tier refresh",
            )
        elif locked.tier_on != day:
            locked.save(update_fields=["tier_on"])
        if locked.status in OPEN_STATUSES and not open_deadlines(locked, KIND_CONTACT):
            last = locked.contacts.order_by("-at").values_list("at", flat=True).first()
            last_day = local_day(last) if last else locked.status_on
            schedule_contact(locked, last=last_day, actor=actor)
        if (
            locked.status == Status.BEING_HELPED
            and locked.help_started_on
            and not deadlines_for(locked)
            .filter(kind=f"{KIND_ONE_WEEK}@{locked.help_started_on.isoformat()}")
            .exists()
        ):
            schedule_one_week(locked, start=locked.help_started_on, actor=actor)
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
            raise ValidationError(_("该事项已办结或已撤销"))
        locked.state = ReemploymentTask.State.DONE
        locked.done_on = on or today()
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


def _create_reemployment_tasks(
    case: Case, *, employed_on: date, actor: User | None
) -> list[ReemploymentTask]:
    """The social-insurance and file transfer tasks of an employment (E6), due
    ``assistance.reemployment.transfer_days`` after it; once per task kind and employment day."""
    version = policy_get("assistance.reemployment.transfer_days", on=employed_on)
    days, cite = int(version.value), policy_cite(version)
    tasks = []
    for kind in ReemploymentTask.Kind:
        task, created = ReemploymentTask.objects.get_or_create(
            case=case,
            kind=kind,
            employed_on=employed_on,
            defaults={"due_on": employed_on + timedelta(days=days)},
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
