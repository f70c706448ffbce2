"""Writes of the response app: layoff reports through their lifecycle, rosters, visits.

Every service checks the actor's capability in the record's region and writes its audit event
inside the same transaction as the change. Each obligation that :func:`rules.layoff_check`
returns becomes a :class:`~wenjiuye.deadlines.models.Deadline` of the report (its county as the
region, escalation toward the city work-group office), due at a time the policy table fixes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.assistance.models import Case, Source
from wenjiuye.assistance.services import case_open
from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.models import Event, Region, RegionLevel, User
from wenjiuye.core.policy import policy_cite, policy_get, policy_value
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, deadline_create
from wenjiuye.monitoring import ledger
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.registry.services import person_upsert
from wenjiuye.response import roster as roster_io
from wenjiuye.response.models import LayoffAttachment, LayoffReport, LayoffWorker, Visit
from wenjiuye.response.rules import layoff_check, service_length, severance

S = LayoffReport.Status
REPORT_FIELDS = [
    "total_employees",
    "planned_layoffs",
    "situation",
    "influential",
    "explained_on",
    "reported_on",
    "planned_implementation_on",
    "union_opinion",
    "local_average_wage",
]
#: fields that may still change after the report was submitted (dates and opinions come later)
LATE_FIELDS = {
    "explained_on",
    "reported_on",
    "planned_implementation_on",
    "union_opinion",
    "local_average_wage",
}
WORKER_FIELDS = [
    "name",
    "phone",
    "region_id",
    "contract_type",
    "hire_date",
    "monthly_wage",
    "sole_earner",
    "has_dependants",
    "protections",
    "retirement_on",
]
#: obligations due "at once" (from the moment the bureau learns of the layoff) and their hours
AT_ONCE_HOURS = {
    "layoff.report_city": "layoff.report_city.due_hours",
    "layoff.report_province": "layoff.report_province.due_hours",
    "layoff.early_intervention": "layoff.early_intervention.due_hours",
    "layoff.report_party_government": "layoff.early_intervention.due_hours",
}
ESCALATE_TO = "city_office"


def today() -> date:
    return timezone.localdate()


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, on the last day of a shorter month (08-31 + 6 → 02-28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the bureau's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def county_of(region: Region) -> Region:
    """The county (or functional zone) that ``region`` lies in (itself when it is one)."""
    current: Region | None = region
    while current is not None:
        if current.level in (RegionLevel.COUNTY, RegionLevel.ZONE):
            return current
        current = current.parent
    raise ValidationError(_("企业所在区划不属于任何县(市、区)"))


# --- Checks ---------------------------------------------------------------------------------


def report_check(report: LayoffReport, *, on: date | None = None) -> dict[str, Any]:
    """Art. 41 and the plan's obligations for the report (rules.layoff_check on the day)."""
    return layoff_check(
        employees=report.total_employees,
        layoffs=report.planned_layoffs,
        influential=report.influential,
        on=on or (report.submitted_at.date() if report.submitted_at else today()),
    )


def report_checks(report: LayoffReport) -> list[dict[str, Any]]:
    """The procedural checks shown on the report: each with ok True/False/None (not yet known)."""
    check = report.check_result or report_check(report)
    applies = check["art41_applies"]
    impl = report.planned_implementation_on
    notice = policy_get("layoff.art41.notice_days", on=impl)
    days = notice.value
    items: list[dict[str, Any]] = [
        {
            "key": "art41",
            "label": _("是否属于规模裁员(第四十一条)"),
            "ok": None,
            "applies": applies,
            "detail": check["reason"],
            "clause": "L1",
        }
    ]
    if report.explained_on is None:
        ok, detail = None, _("尚未填写向工会或全体职工说明情况的日期")
    else:
        ahead = (impl - report.explained_on).days
        ok = ahead >= days
        detail = _("说明情况日期 %(d)s,距计划实施 %(n)d 日(须提前 %(days)d 日)") % {
            "d": report.explained_on.isoformat(),
            "n": ahead,
            "days": days,
        }
    items.append(
        {
            "key": "notice",
            "label": _("提前三十日说明情况"),
            "ok": ok if applies else None,
            "applies": applies,
            "detail": detail,
            "clause": "L1,E3",
            "policy": [policy_cite(notice)],
        }
    )
    if report.reported_on is None:
        ok, detail = None, _("尚未填写向人社部门报告的日期")
    else:
        ok = report.reported_on <= impl
        detail = _("报告日期 %(r)s,计划实施日期 %(i)s") % {
            "r": report.reported_on.isoformat(),
            "i": impl.isoformat(),
        }
    # E3: an influential enterprise reports before implementing even below art. 41's threshold
    must_report = applies or bool(check.get("influential"))
    items.append(
        {
            "key": "reported",
            "label": _("裁减人员方案报告后方可实施"),
            "ok": ok if must_report else None,
            "applies": must_report,
            "detail": detail,
            "clause": "E3,L3",
        }
    )
    workers = report.workers.count() if report.pk else 0
    retained = report.workers.filter(retained_first=True).count() if report.pk else 0
    items.append(
        {
            "key": "retained_first",
            "label": _("优先留用人员"),
            "ok": (retained == 0) if workers else None,
            "applies": applies,
            "detail": _("名单 %(n)d 人,其中应优先留用 %(r)d 人") % {"n": workers, "r": retained},
            "clause": "L1",
        }
    )
    protected = list(report.workers.exclude(art42_reasons=[])) if report.pk else []
    count = len(protected)
    reasons = sorted({r for w in protected for r in w.art42_reasons if r in ART42_LABELS})
    items.append(
        {
            "key": "art42",
            "label": _("不得依照第四十一条裁减的人员(第四十二条)"),
            "ok": (count == 0) if workers else None,
            "applies": applies,
            "detail": _("名单 %(n)d 人,其中依第四十二条不得裁减 %(k)d 人")
            % {"n": workers, "k": count}
            + "".join(f";{ART42_LABELS[r]}" for r in reasons),
            "clause": "L1,L4",
        }
    )
    return items


def _blocking(report: LayoffReport) -> list[str]:
    """Reasons the layoff may not be implemented yet (art. 41 procedure not followed)."""
    return [
        f"{item['label']}:{item['detail']}"
        for item in report_checks(report)
        if item["applies"]
        and (
            (item["key"] in {"notice", "reported"} and item["ok"] is not True)
            or (item["key"] == "art42" and item["ok"] is False)
        )
    ]


# --- Layoff reports -------------------------------------------------------------------------


def _clean_report(report: LayoffReport) -> None:
    if report.planned_layoffs > report.total_employees:
        raise ValidationError({"planned_layoffs": _("拟裁减人数不能超过职工总数")})
    if report.planned_layoffs <= 0:
        raise ValidationError({"planned_layoffs": _("拟裁减人数须大于零")})
    for name in ("explained_on", "reported_on"):
        day = getattr(report, name)
        if day is not None and day > report.planned_implementation_on + timedelta(days=366):
            raise ValidationError({name: _("日期不合理")})
    report.full_clean(exclude=["created_by", "region", "enterprise"])


@transaction.atomic
def layoff_create(*, actor: User, enterprise: Enterprise, **values: Any) -> LayoffReport:
    """A draft report of ``enterprise``, in the enterprise's county."""
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段: %(f)s") % {"f": ", ".join(sorted(unknown))})
    require(actor, Cap.WRITE, enterprise.region_id)
    region = county_of(enterprise.region)
    # The report lives in the county: whoever files it must be able to see and change it there
    # (a township grid worker may not file one they could not see afterwards).
    require(actor, Cap.WRITE, region.code)
    values.setdefault("influential", enterprise.influential)
    report = LayoffReport(enterprise=enterprise, region=region, created_by=actor, **values)
    _clean_report(report)
    report.save()
    record_event(
        actor=actor,
        action=Event.Action.CREATE,
        obj=report,
        region_code=region.code,
        changes=diff({}, snapshot(report, REPORT_FIELDS)),
    )
    return report


@transaction.atomic
def layoff_update(*, actor: User, report: LayoffReport, **values: Any) -> LayoffReport:
    """Change a report: everything while a draft; dates, opinion and wage until implemented."""
    require(actor, Cap.WRITE, report.region_id)
    report = LayoffReport.objects.select_for_update().get(pk=report.pk)
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(_("未知字段: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(report, REPORT_FIELDS)
    changed = {k for k, v in values.items() if before.get(k) != snapshot_value(v)}
    if report.status in (S.IMPLEMENTED, S.CLOSED) and changed:
        raise ValidationError(_("裁员已实施,报告不能再修改"))
    if report.status != S.DRAFT and changed - LATE_FIELDS:
        raise ValidationError(_("报告已提交,只能补充日期、意见和平均工资"))
    for name, value in values.items():
        setattr(report, name, value)
    _clean_report(report)
    report.save()
    changes = diff(before, snapshot(report, REPORT_FIELDS))
    if changes:
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=report,
            region_code=report.region_id,
            changes=changes,
        )
        _recompute_workers(report)
        if report.status != S.DRAFT:
            _complete_met_obligations(report, actor)
        _review_again(report, actor)
    return report


def _review_again(report: LayoffReport, actor: User) -> None:
    """A reviewed report that changes (its facts, its roster) goes back to be reviewed again:
    the review approved what it saw, not what came after."""
    if report.status != S.REVIEWED:
        return
    LayoffReport.objects.filter(pk=report.pk).update(status=S.SUBMITTED, reviewed_by=None)
    report.status, report.reviewed_by = S.SUBMITTED, None
    _audit_status(report, actor, S.REVIEWED, _("审核后修改,须重新审核"))


def snapshot_value(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def _transition(
    report: LayoffReport, actor: User, allowed_from: str, to: str, note: str = ""
) -> LayoffReport:
    require(actor, Cap.WRITE, report.region_id)
    locked = LayoffReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != allowed_from:
        raise ValidationError(
            _("当前状态为“%(s)s”,不能执行此操作") % {"s": locked.get_status_display()}
        )
    locked.status = to
    return locked


def _audit_status(report: LayoffReport, actor: User, before: str, note: str = "") -> None:
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=report,
        region_code=report.region_id,
        changes={"status": [before, report.status]},
        note=note,
    )


def _policy_of(check: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {c["key"]: c for c in check["policy"] if c["key"] in keys}


def _due(report: LayoffReport, kind: str, on: date) -> tuple[datetime, dict[str, Any]]:
    """When obligation ``kind`` is due, and the policy versions that say so."""
    impl = report.planned_implementation_on
    if kind in AT_ONCE_HOURS:
        version = policy_get(AT_ONCE_HOURS[kind], on=on)
        assert report.submitted_at is not None
        return report.submitted_at + timedelta(hours=version.value), {
            version.key: policy_cite(version)
        }
    if kind == "layoff.explain":
        version = policy_get("layoff.art41.notice_days", on=on)
        return day_start(impl - timedelta(days=version.value - 1)), {
            version.key: policy_cite(version)
        }
    if kind in ("layoff.report_bureau", "layoff.retain_first"):
        return day_start(impl), {}
    if kind == "layoff.job_fair":
        version = policy_get("layoff.job_fair.due_days", on=on)
        return day_start(impl + timedelta(days=version.value + 1)), {
            version.key: policy_cite(version)
        }
    if kind == "layoff.rehire_priority":
        version = policy_get("layoff.art41.rehire_priority_months", on=on)
        done = report.implemented_on or impl
        return day_start(add_months(done, version.value) + timedelta(days=1)), {
            version.key: policy_cite(version)
        }
    raise ValueError(f"unknown obligation {kind}")


def _create_deadlines(
    report: LayoffReport, actor: User, check: dict[str, Any], kinds: set[str] | None = None
) -> list[Deadline]:
    on = report.submitted_at.date() if report.submitted_at else today()
    remind = policy_get("layoff.deadline.remind_before_minutes", on=on)
    escalate = policy_get("layoff.deadline.escalate_after_minutes", on=on)
    out = []
    for obligation in check["obligations"]:
        kind = obligation["kind"]
        if kinds is not None and kind not in kinds:
            continue
        if kinds is None and kind == "layoff.rehire_priority":
            continue  # created when the layoff is implemented (its window starts then)
        due_at, cites = _due(report, kind, on)
        cites |= _policy_of(check, obligation["parameters"])
        cites |= {remind.key: policy_cite(remind), escalate.key: policy_cite(escalate)}
        out.append(
            deadline_create(
                kind=kind,
                title=f"{obligation['what']}({obligation['who']})"[:200],
                clause=obligation["clause"],
                subject=report,
                region=report.region,
                due_at=due_at,
                actor=actor,
                policy=cites,
                reminders=list(remind.value),
                escalation=[{"after_minutes": escalate.value, "to": ESCALATE_TO}],
            )
        )
    return out


def _complete_met_obligations(report: LayoffReport, actor: User) -> None:
    """Close the notice and report deadlines once the report shows them done in time."""
    met = {item["key"]: item for item in report_checks(report) if item["ok"] is True}
    for kind, key in (("layoff.explain", "notice"), ("layoff.report_bureau", "reported")):
        if key not in met:
            continue
        for deadline in deadlines_for(report).filter(kind=kind, status=Deadline.Status.OPEN):
            deadline_complete(deadline=deadline, actor=actor, note=str(met[key]["detail"]))


@transaction.atomic
def layoff_submit(*, actor: User, report: LayoffReport) -> LayoffReport:
    """Draft → submitted: the art. 41 check is fixed on the report and its obligations become
    deadlines (reports to the city and the province "at once" from now)."""
    locked = _transition(report, actor, S.DRAFT, S.SUBMITTED)
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.check_result = report_check(locked, on=locked.submitted_at.date())
    locked.save(
        update_fields=["status", "submitted_at", "submitted_by", "check_result", "updated_at"]
    )
    _audit_status(locked, actor, S.DRAFT)
    _create_deadlines(locked, actor, locked.check_result)
    _complete_met_obligations(locked, actor)
    return locked


def is_own_report(user: User, report: LayoffReport) -> bool:
    """Did ``user`` create or submit ``report``? (They may not review it.)"""
    return user.pk in (report.submitted_by_id, report.created_by_id)


@transaction.atomic
def layoff_review(*, actor: User, report: LayoffReport, note: str = "") -> LayoffReport:
    """Submitted → reviewed: the bureau has reviewed the plan (审核意见 kept).

    Nobody reviews their own submission (nor a report they created): the review is a second
    pair of eyes.
    """
    locked = _transition(report, actor, S.SUBMITTED, S.REVIEWED)
    if is_own_report(actor, locked):
        raise PermissionDenied(_("不能审核本人填报或提交的裁员报告,须由其他有审核权限的人员审核。"))
    locked.review_note = note.strip()
    locked.reviewed_by = actor
    locked.save(update_fields=["status", "review_note", "reviewed_by", "updated_at"])
    _audit_status(locked, actor, S.SUBMITTED, note)
    return locked


@transaction.atomic
def layoff_implement(
    *, actor: User, report: LayoffReport, implemented_on: date | None = None
) -> list[Person]:
    """Reviewed → implemented; returns the roster's registry persons (created or updated), each
    put on the unemployed-assistance ledger (source 裁员名册).

    Refused while the art. 41 procedure is not followed (notice ≥ 30 days, reported first).
    Each worker gets the re-hiring priority window and the severance at the implementation date.
    """
    locked = _transition(report, actor, S.REVIEWED, S.IMPLEMENTED)
    blocking = _blocking(locked)
    if blocking:
        raise ValidationError([_("不符合法定程序,不能实施:") + b for b in blocking])
    locked.implemented_on = implemented_on or locked.planned_implementation_on
    locked.save(update_fields=["status", "implemented_on", "updated_at"])
    _audit_status(locked, actor, S.REVIEWED)
    _recompute_workers(locked)
    county = locked.region_id

    def of_county(code: str | None) -> bool:
        return bool(code) and str(code).startswith(county)

    persons = []
    for worker in locked.workers.select_related("region"):
        existing = Person.objects.filter(id_number=worker.id_number).first()
        home = existing.region_id if existing and existing.region_id else worker.region_id
        if home and not of_county(home):
            # Registered or living in another county (whoever implements: the report's county
            # decides, not the actor's reach): matched, never written; that county is asked to
            # take the worker onto its own ledger (a deadline there).
            if existing is not None:
                worker.person = existing
                worker.save(update_fields=["person"])
            _refer_to_county(locked, worker, home, actor)
            continue
        grid = worker.region_id if of_county(worker.region_id) else county
        if existing is not None and not existing.region_id:
            person = existing  # known but held by no county: matched, never rewritten
        else:
            values: dict[str, Any] = {"name": worker.name, "region_id": grid}
            if existing is not None:
                values["region_id"] = existing.region_id  # stays where it is registered
            if worker.phone:
                values["phone"] = worker.phone
            person = person_upsert(actor=actor, id_number=worker.id_number, **values)
        worker.person = person
        worker.save(update_fields=["person"])
        # The laid-off workers enter the unemployed-assistance ledger (U1, L4).
        case_open(
            person=person,
            source=Source.LAYOFF_ROSTER,
            source_ref=f"layoff:{locked.pk}",
            actor=actor,
            registered_on=locked.implemented_on,
            grid=person.region_id or grid,
        )
        persons.append(person)
    _create_deadlines(locked, actor, locked.check_result, kinds={"layoff.rehire_priority"})
    return persons


def _refer_to_county(report: LayoffReport, worker: LayoffWorker, home: str, actor: User) -> None:
    """A request to the county where the worker is registered or lives (``home``): take them
    onto that county's assistance ledger (E6 常住地责任, U1). The request is a deadline of that
    county about the roster row; :func:`referral_accept` answers it."""
    on = report.implemented_on or today()
    version = policy_get("layoff.roster.referral_days", on=on)
    deadline_create(
        kind=LayoffWorker.REFERRAL_KIND,
        title=_("外县裁员名册人员:%(enterprise)s 裁减人员 %(name)s,请核实并纳入失业人员帮扶台账")
        % {"enterprise": report.enterprise.name, "name": worker.name},
        clause="E6,U1",
        subject=worker,
        region=home,
        due_at=day_start(on + timedelta(days=version.value + 1)),
        actor=actor,
        policy={version.key: policy_cite(version)},
    )
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=report,
        region_code=report.region_id,
        note=_("名册人员 %(name)s 登记或常住在其他县(市、区),未改写其信息,已转请所在县纳入台账")
        % {"name": worker.name},
    )


@transaction.atomic
def referral_accept(*, actor: User, worker: LayoffWorker, note: str = "") -> Case:
    """The receiving county takes a laid-off worker of another county's report onto its own
    ledger, as itself: the person is created if new (never rewritten if known), the case opened
    and the request completed."""
    deadline = deadlines_for(worker).filter(kind=LayoffWorker.REFERRAL_KIND).first()
    if deadline is None:
        raise ValidationError(_("该人员没有转请本县办理的事项"))
    require(actor, Cap.CASE_WORK, deadline.region_id)
    if deadline.status != Deadline.Status.OPEN:
        raise ValidationError(_("该事项已办结或已撤销"))
    report = worker.report
    person = Person.objects.filter(id_number=worker.id_number).first()
    if person is None:
        person = person_upsert(
            actor=actor,
            id_number=worker.id_number,
            name=worker.name,
            phone=worker.phone,
            region_id=deadline.region_id,
        )
    worker.person = person
    worker.save(update_fields=["person"])
    case = case_open(
        person=person,
        source=Source.LAYOFF_ROSTER,
        source_ref=f"layoff:{report.pk}",
        actor=actor,
        registered_on=report.implemented_on,
    )
    deadline_complete(
        deadline=deadline, actor=actor, note=note.strip() or _("已纳入本县失业人员帮扶台账")
    )
    return case


@transaction.atomic
def layoff_close(*, actor: User, report: LayoffReport, note: str = "") -> LayoffReport:
    """Implemented → closed: every obligation done, or the open ones explained (and cancelled)."""
    locked = _transition(report, actor, S.IMPLEMENTED, S.CLOSED)
    still_open = list(deadlines_for(locked).filter(status=Deadline.Status.OPEN))
    if still_open and not note.strip():
        raise ValidationError(
            [_("以下事项尚未完成,办结须逐项完成或填写办结说明:")] + [d.title for d in still_open]
        )
    for deadline in still_open:
        deadline_cancel(deadline=deadline, actor=actor, reason=_("随裁员报告办结:") + note)
    locked.closing_note = note.strip()
    locked.save(update_fields=["status", "closing_note", "updated_at"])
    _audit_status(locked, actor, S.IMPLEMENTED, note)
    return locked


# --- Roster ---------------------------------------------------------------------------------


def is_retained_first(worker: LayoffWorker) -> bool:
    """Art. 41 para. 2: long fixed-term or open-ended contracts, or the family's only earner
    with elderly or minor dependants."""
    return worker.contract_type in (
        LayoffWorker.Contract.LONG_FIXED,
        LayoffWorker.Contract.OPEN_ENDED,
    ) or (worker.sole_earner and worker.has_dependants)


#: art. 42 items (1)–(5) and how the report shows them
ART42_LABELS = {
    "occupational_check": _lazy(
        "未进行离岗前职业健康检查或疑似职业病病人在诊断、医学观察期间(第四十二条第一项)"
    ),
    "occupational_injury": _lazy(
        "在本单位患职业病或因工负伤并被确认丧失或部分丧失劳动能力(第四十二条第二项)"
    ),
    "medical_period": _lazy("患病或非因工负伤在规定的医疗期内(第四十二条第三项)"),
    "maternity": _lazy("女职工在孕期、产期、哺乳期(第四十二条第四项)"),
    "near_retirement": _lazy("在本单位连续工作满十五年且距法定退休年龄不足五年(第四十二条第五项)"),
}


def art42_reasons(worker: LayoffWorker, end: date) -> list[str]:
    """Why the worker may not be laid off under art. 41 (《劳动合同法》 art. 42), on ``end``.

    Items (1)–(4) come from the roster's yes/no columns. Item (5) needs both at least 15 full
    years with the employer (hire date to ``end``, both included: "满十五年" includes 15) and less
    than 5 years to the statutory retirement date ("不足五年": exactly five years is not protected),
    from the roster's retirement date, or from its "距法定退休年龄不足五年" column when no date is
    given.
    """
    reasons = [f for f in worker.protections if f in ART42_LABELS and f != "near_retirement"]
    if worker.hire_date <= end:
        years = service_length(worker.hire_date, end)[0]
        if years >= policy_value("layoff.art42.min_service_years", on=end):
            to_retire = policy_value("layoff.art42.years_to_retirement", on=end)
            if worker.retirement_on is not None:
                near = worker.retirement_on < add_months(end, 12 * to_retire)
            else:
                near = "near_retirement_age" in worker.protections
            if near:
                reasons.append("near_retirement")
    return reasons


def _compute(worker: LayoffWorker, report: LayoffReport) -> None:
    worker.retained_first = is_retained_first(worker)
    end = report.implemented_on or report.planned_implementation_on
    worker.art42_reasons = art42_reasons(worker, end)
    if report.implemented_on is not None:
        months = policy_value("layoff.art41.rehire_priority_months", on=report.implemented_on)
        worker.rehire_priority_until = add_months(report.implemented_on, months)
    if report.local_average_wage and worker.hire_date <= end:
        result = severance(
            start=worker.hire_date,
            end=end,
            monthly_wage=Decimal(worker.monthly_wage),
            local_average_wage=Decimal(report.local_average_wage),
        )
        worker.severance = result
        worker.severance_amount = Decimal(str(result["amount"]))
    else:
        worker.severance, worker.severance_amount = {}, None


def _recompute_workers(report: LayoffReport) -> None:
    for worker in report.workers.all():
        _compute(worker, report)
        worker.save(
            update_fields=[
                "retained_first",
                "art42_reasons",
                "rehire_priority_until",
                "severance",
                "severance_amount",
            ]
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@transaction.atomic
def roster_import(
    *, actor: User, report: LayoffReport, content: bytes, filename: str
) -> ImportResult:
    """Load a roster file into the report: accepted rows load (upserted by ID number, so a
    re-import changes nothing); rejected rows come back with line, column, value and reason.
    The original file is kept as an attachment."""
    require(actor, Cap.WRITE, report.region_id)
    if report.status in (S.IMPLEMENTED, S.CLOSED):
        raise ValidationError(_("裁员已实施,名单不能再导入"))
    rows = list(roster_io.read_roster(content))  # unreadable → ValidationError, nothing written
    region_codes = set(Region.objects.values_list("code", flat=True))
    result = ImportResult()
    seen: set[str] = set()
    for line, row in rows:
        values, problems = roster_io.parse_row(
            line, row, region_codes=region_codes, latest_hire=report.planned_implementation_on
        )
        if values is not None and values["id_number"] in seen:
            problems = [
                roster_io.Problem(line, "公民身份号码", row.get("id_number", ""), "文件中重复")
            ]
        if values is None or problems:
            result.rejected += [p.as_dict() for p in problems]
            continue
        seen.add(values["id_number"])
        values["region_id"] = values.pop("region_code") or report.region_id
        worker = LayoffWorker.objects.filter(report=report, id_number=values["id_number"]).first()
        before = snapshot(worker, WORKER_FIELDS) if worker else None
        if worker is None:
            worker = LayoffWorker(report=report, id_number=values["id_number"])
        for name, value in values.items():
            setattr(worker, name, value)
        after = snapshot(worker, WORKER_FIELDS)
        if before is not None and not diff(before, after):
            result.unchanged += 1
            continue
        _compute(worker, report)
        worker.save()
        if before is None:
            result.created += 1
        else:
            result.updated += 1
    LayoffAttachment.objects.create(
        report=report,
        file=ContentFile(content, name=filename[-100:] or "roster.csv"),
        name=_("名单:") + filename[-100:],
        uploaded_by=actor,
    )
    record_event(
        actor=actor,
        action=Event.Action.IMPORT,
        obj=report,
        region_code=report.region_id,
        changes={
            "roster": {k: v for k, v in result.as_dict().items() if k != "rejected"},
            "rejected": len(result.rejected),
        },
        note=filename[:200],
    )
    if result.created or result.updated:
        _review_again(report, actor)
    return result


@transaction.atomic
def attachment_add(*, actor: User, report: LayoffReport, upload: UploadedFile) -> LayoffAttachment:
    require(actor, Cap.WRITE, report.region_id)
    if report.status == S.CLOSED:
        raise ValidationError(_("报告已办结,不能再上传附件"))
    name = (upload.name or "attachment")[-200:]
    attachment = LayoffAttachment(report=report, name=name, uploaded_by=actor)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record_event(
        actor=actor,
        action=Event.Action.CREATE,
        obj=attachment,
        region_code=report.region_id,
        changes={"report": report.pk, "name": name, "size": upload.size},
    )
    return attachment


@transaction.atomic
def roster_reveal(*, actor: User, report: LayoffReport, ip: str | None = None) -> None:
    """Permit (and audit) one unmasked view of the report's roster."""
    require(actor, Cap.VIEW_PERSONAL, report.region_id)
    record_event(
        actor=actor,
        action=Event.Action.VIEW_UNMASKED,
        obj=report,
        region_code=report.region_id,
        note="roster id_number,phone",
        ip=ip,
    )


# --- Visits ---------------------------------------------------------------------------------


@transaction.atomic
def visit_create(*, actor: User, enterprise: Enterprise, **values: Any) -> Visit:
    """Record a visit (E1, E2) and update the enterprise's key-concern ledger entry: an open entry
    gains the visit as a note and is confirmed for the visit's month; otherwise an entry opens."""
    require(actor, Cap.WRITE, enterprise.region_id)
    visit = Visit(enterprise=enterprise, created_by=actor, **values)
    policies = set(visit.policies_briefed)
    if not policies <= set(Visit.PolicyBriefed.values):
        raise ValidationError({"policies_briefed": _("未知的宣讲政策")})
    if not set(visit.measures) <= set(Visit.Measure.values):
        raise ValidationError({"measures": _("未知的稳岗措施")})
    if visit.visited_on > today():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    if visit.next_visit_on is not None and visit.next_visit_on <= visit.visited_on:
        raise ValidationError({"next_visit_on": _("下次走访日期应晚于本次走访日期")})
    visit.full_clean(exclude=["created_by", "enterprise"])
    visit.save()
    record_event(
        actor=actor,
        action=Event.Action.CREATE,
        obj=visit,
        region_code=enterprise.region_id,
        changes=diff({}, snapshot(visit, [f for f in VISIT_FIELDS])),
    )
    _ledger_note(actor, visit)
    return visit


VISIT_FIELDS = [
    "enterprise_id",
    "visited_on",
    "visitors",
    "difficulties",
    "policies_briefed",
    "measures",
    "handbook_given",
    "outcome",
    "next_visit_on",
]


def visit_summary(visit: Visit) -> str:
    briefed = "、".join(str(Visit.PolicyBriefed(v).label) for v in visit.policies_briefed)
    measures = "、".join(str(Visit.Measure(v).label) for v in visit.measures)
    parts = [
        f"{visit.visited_on:%Y-%m-%d} 走访({visit.visitors})",
        f"困难:{visit.difficulties}" if visit.difficulties else "",
        f"宣讲:{briefed}" if briefed else "",
        f"措施:{measures}" if measures else "",
        "已发放裁员工作手册" if visit.handbook_given else "",
        f"结果:{visit.outcome}" if visit.outcome else "",
    ]
    return ";".join(p for p in parts if p)


def _ledger_note(actor: User, visit: Visit) -> LedgerEntry:
    enterprise = visit.enterprise
    period = visit.visited_on.strftime("%Y%m")
    summary = visit_summary(visit)
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(
            ledger=LedgerEntry.Ledger.KEY_ENTERPRISE,
            subject_type="enterprise",
            subject_id=enterprise.uscc,
            group="",
        )
        .exclude(status=LedgerEntry.Status.CLOSED)
        .first()
    )
    if entry is None:
        return ledger.ledger_add(
            actor=actor,
            ledger=LedgerEntry.Ledger.KEY_ENTERPRISE,
            subject_type="enterprise",
            subject_id=enterprise.uscc,
            region_code=enterprise.region_id,
            reason=_("走访发现困难:%(d)s") % {"d": visit.difficulties[:100]}
            if visit.difficulties
            else _("走访重点企业"),
            period=period,
            name=enterprise.name,
            note=summary,
        )
    require(actor, Cap.WRITE, entry.region_code)
    before = snapshot(entry, ledger.FIELDS)
    entry.note = "\n".join(filter(None, [entry.note, summary]))
    entry.last_confirmed = max(entry.last_confirmed, period)
    entry.save(update_fields=["note", "last_confirmed", "updated_at"])
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=entry,
        region_code=entry.region_code,
        changes=diff(before, snapshot(entry, ledger.FIELDS)),
        note=_("走访记录 %(pk)s") % {"pk": visit.pk},
    )
    return entry
