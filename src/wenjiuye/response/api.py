"""JSON API of this app, mounted under /api/response/ by wenjiuye.api.

Layoff reports and their roster, the severance and layoff-check calculators, and visits. Out of
scope → 404, lacking the capability → 403, invalid input → 400/422 with the reason, a policy
parameter not in force on the day asked → 409.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import request_user
from wenjiuye.deadlines.selectors import deadline_dict
from wenjiuye.registry.selectors import enterprise_get
from wenjiuye.response import obligations, selectors, services
from wenjiuye.response import roster as roster_io
from wenjiuye.response import visits as visit_services
from wenjiuye.response.models import LayoffReport, Visit
from wenjiuye.response.rules import layoff_check, severance

router = Router()


class LayoffIn(Schema):
    enterprise_uscc: str
    total_employees: int
    planned_layoffs: int
    situation: LayoffReport.Situation
    influential: bool | None = None
    explained_on: date | None = None
    reported_on: date | None = None
    planned_implementation_on: date
    union_opinion: str = ""
    local_average_wage: Decimal | None = None


class LayoffPatch(Schema):
    total_employees: int | None = None
    planned_layoffs: int | None = None
    situation: LayoffReport.Situation | None = None
    influential: bool | None = None
    explained_on: date | None = None
    reported_on: date | None = None
    planned_implementation_on: date | None = None
    union_opinion: str | None = None
    local_average_wage: Decimal | None = None


class TransitionIn(Schema):
    note: str = ""
    implemented_on: date | None = None


class SeveranceQuery(Schema):
    start: date
    end: date
    monthly_wage: Decimal
    local_average_wage: Decimal
    minimum_wage: Decimal | None = None


class LayoffCheckQuery(Schema):
    employees: int
    layoffs: int
    influential: bool = False
    on: date | None = None


class VisitIn(Schema):
    enterprise_uscc: str
    visited_on: date
    visitors: str
    difficulties: str = ""
    policies_briefed: list[Visit.PolicyBriefed] = []
    measures: list[Visit.Measure] = []
    handbook_given: bool = False
    outcome: str = ""
    next_visit_on: date | None = None


def report_dict(report: LayoffReport, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": report.pk,
        "uscc": report.enterprise.uscc,
        "enterprise": report.enterprise.name,
        "region_code": report.region_id,
        "total_employees": report.total_employees,
        "planned_layoffs": report.planned_layoffs,
        "situation": report.situation,
        "influential": report.influential,
        "explained_on": report.explained_on,
        "reported_on": report.reported_on,
        "planned_implementation_on": report.planned_implementation_on,
        "implemented_on": report.implemented_on,
        "union_opinion": report.union_opinion,
        "local_average_wage": (
            float(report.local_average_wage) if report.local_average_wage is not None else None
        ),
        "status": report.status,
        "submitted_at": report.submitted_at,
    }
    if full:
        out["check"] = report.check_result or obligations.report_check(report)
        out["checks"] = obligations.report_checks(report)
        out["deadlines"] = [deadline_dict(d) for d in selectors.report_deadlines(report)]
        out["roster"] = selectors.roster_totals(report)
        out["attachments"] = [{"id": a.pk, "name": a.name} for a in report.attachments.all()]
    return out


@router.get("/layoffs/")
def layoffs(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    return [
        report_dict(r)
        for r in selectors.layoff_list(user=request_user(request), status=status)[:500]
    ]


@router.post("/layoffs/", response={201: dict})
def layoff_create(request: HttpRequest, data: LayoffIn) -> Status:
    user = request_user(request)
    values = data.dict()
    enterprise = enterprise_get(user=user, uscc=values.pop("enterprise_uscc").strip().upper())
    if values["influential"] is None:
        del values["influential"]
    report = services.layoff_create(actor=user, enterprise=enterprise, **values)
    return Status(201, report_dict(report, full=True))


@router.get("/layoffs/{pk}")
def layoff_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return report_dict(selectors.layoff_get(user=request_user(request), pk=pk), full=True)


def _nullable(name: str) -> bool:
    return bool(getattr(LayoffReport._meta.get_field(name), "null", False))


@router.patch("/layoffs/{pk}")
def layoff_patch(request: HttpRequest, pk: int, data: LayoffPatch) -> dict[str, Any]:
    user = request_user(request)
    report = selectors.layoff_get(user=user, pk=pk)
    values = data.dict(exclude_unset=True)
    # Leaving a field out keeps it; null clears it, which only the optional ones allow.
    cleared = sorted(k for k, v in values.items() if v is None and not _nullable(k))
    if cleared:
        raise ValidationError({k: _("该项不能为空") for k in cleared})
    report = services.layoff_update(actor=user, report=report, **values)
    return report_dict(report, full=True)


@router.post("/layoffs/{pk}/submit")
def layoff_submit(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    report = services.layoff_submit(actor=user, report=selectors.layoff_get(user=user, pk=pk))
    return report_dict(report, full=True)


@router.post("/layoffs/{pk}/review")
def layoff_review(request: HttpRequest, pk: int, data: TransitionIn) -> dict[str, Any]:
    user = request_user(request)
    report = services.layoff_review(
        actor=user, report=selectors.layoff_get(user=user, pk=pk), note=data.note
    )
    return report_dict(report, full=True)


@router.post("/layoffs/{pk}/implement")
def layoff_implement(request: HttpRequest, pk: int, data: TransitionIn) -> dict[str, Any]:
    user = request_user(request)
    report = selectors.layoff_get(user=user, pk=pk)
    persons = services.layoff_implement(
        actor=user, report=report, implemented_on=data.implemented_on
    )
    report.refresh_from_db()
    return {
        **report_dict(report, full=True),
        "persons": [
            {
                "id": p.pk,
                "name": p.name,
                "id_number": mask_id(p.id_number),
                "region_code": p.region_id,
            }
            for p in persons
        ],
    }


@router.post("/layoffs/{pk}/close")
def layoff_close(request: HttpRequest, pk: int, data: TransitionIn) -> dict[str, Any]:
    user = request_user(request)
    report = services.layoff_close(
        actor=user, report=selectors.layoff_get(user=user, pk=pk), note=data.note
    )
    return report_dict(report, full=True)


@router.get("/layoffs/{pk}/roster")
def roster(request: HttpRequest, pk: int, unmasked: bool = False) -> dict[str, Any]:
    """The roster; ``unmasked=true`` needs the view_personal capability and is audited."""
    user = request_user(request)
    report = selectors.layoff_get(user=user, pk=pk)
    if unmasked:
        services.roster_reveal(actor=user, report=report, ip=request.META.get("REMOTE_ADDR"))
    return {
        "totals": selectors.roster_totals(report),
        "workers": selectors.roster_rows(report, unmasked=unmasked),
    }


@router.post("/layoffs/{pk}/roster")
def roster_import(request: HttpRequest, pk: int, file: File[UploadedFile]) -> dict[str, Any]:
    user = request_user(request)
    report = selectors.layoff_get(user=user, pk=pk)
    require(user, Cap.WRITE, report.region_id)
    result = services.roster_import(
        actor=user, report=report, content=roster_io.read_upload(file), filename=file.name or ""
    )
    return {**result.as_dict(), "totals": selectors.roster_totals(report)}


@router.get("/severance")
def severance_calc(request: HttpRequest, q: Query[SeveranceQuery]) -> dict[str, Any]:
    return severance(
        start=q.start,
        end=q.end,
        monthly_wage=q.monthly_wage,
        local_average_wage=q.local_average_wage,
        minimum_wage=q.minimum_wage,
    )


@router.get("/layoff-check")
def layoff_check_calc(request: HttpRequest, q: Query[LayoffCheckQuery]) -> dict[str, Any]:
    return layoff_check(
        employees=q.employees,
        layoffs=q.layoffs,
        influential=q.influential,
        on=q.on or today(),
    )


def visit_dict(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "uscc": visit.enterprise.uscc,
        "enterprise": visit.enterprise.name,
        "region_code": visit.enterprise.region_id,
        "visited_on": visit.visited_on,
        "visitors": visit.visitors,
        "difficulties": visit.difficulties,
        "policies_briefed": visit.policies_briefed,
        "measures": visit.measures,
        "handbook_given": visit.handbook_given,
        "outcome": visit.outcome,
        "next_visit_on": visit.next_visit_on,
    }


@router.get("/visits/")
def visits(request: HttpRequest) -> list[dict[str, Any]]:
    return [visit_dict(v) for v in selectors.visit_list(user=request_user(request))[:500]]


@router.post("/visits/", response={201: dict})
def visit_create(request: HttpRequest, data: VisitIn) -> Status:
    user = request_user(request)
    values = data.dict()
    enterprise = enterprise_get(user=user, uscc=values.pop("enterprise_uscc").strip().upper())
    values["policies_briefed"] = [str(v) for v in values["policies_briefed"]]
    values["measures"] = [str(v) for v in values["measures"]]
    visit = visit_services.visit_create(actor=user, enterprise=enterprise, **values)
    return Status(201, visit_dict(visit))
