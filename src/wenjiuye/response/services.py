"""Layoff reports and their workflow: draft, submitted, reviewed, implemented, closed; the
report's roster (loaded from a file, revealed) and attachments.

Every service checks the actor's capability in the record's region and writes its audit event
inside the same transaction as the change. The procedure and the obligations' deadlines are
``response.obligations``; what each worker is owed, ``response.entitlements``; workers of other
counties are referred to them (``response.referrals``). Visits are ``response.visits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import Source
from wenjiuye.assistance.services import case_open
from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_cancel
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.registry.services import person_upsert
from wenjiuye.response import obligations
from wenjiuye.response import roster as roster_io
from wenjiuye.response.entitlements import apply_entitlements, recompute_workers
from wenjiuye.response.models import LayoffAttachment, LayoffReport, LayoffWorker
from wenjiuye.response.referrals import refer_to_county

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
    region = enterprise.region.county
    if region is None:
        raise ValidationError(_("企业所在区划不属于任何县(市、区)"))
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
        recompute_workers(report)
        if report.status != S.DRAFT:
            obligations.complete_met_obligations(report, actor)
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


@transaction.atomic
def layoff_submit(*, actor: User, report: LayoffReport) -> LayoffReport:
    """Draft → submitted: the art. 41 check is fixed on the report and its obligations become
    deadlines (reports to the city and the province "at once" from now)."""
    locked = _transition(report, actor, S.DRAFT, S.SUBMITTED)
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.check_result = obligations.report_check(locked, on=locked.submitted_at.date())
    locked.save(
        update_fields=["status", "submitted_at", "submitted_by", "check_result", "updated_at"]
    )
    _audit_status(locked, actor, S.DRAFT)
    obligations.create_deadlines(locked, actor, locked.check_result)
    obligations.complete_met_obligations(locked, actor)
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
    blocking = obligations.blocking(locked)
    if blocking:
        raise ValidationError([_("不符合法定程序,不能实施:") + b for b in blocking])
    locked.implemented_on = implemented_on or locked.planned_implementation_on
    locked.save(update_fields=["status", "implemented_on", "updated_at"])
    _audit_status(locked, actor, S.REVIEWED)
    recompute_workers(locked)
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
            refer_to_county(locked, worker, home, actor)
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
    obligations.create_deadlines(
        locked, actor, locked.check_result, kinds={"layoff.rehire_priority"}
    )
    return persons


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
        apply_entitlements(worker, report)
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
