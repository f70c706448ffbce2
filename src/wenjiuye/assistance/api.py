"""JSON API of the assistance ledger, mounted under /api/assistance/ by wenjiuye.api.

Personal data is masked; unmasked numbers only through ``POST cases/{id}/reveal`` (audited).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router, Schema
from ninja.responses import Status as HttpStatus

from wenjiuye.assistance import case_by_id, decisions, payments, registration, selectors, services
from wenjiuye.assistance.benefits import BenefitInput, assess_dict
from wenjiuye.assistance.models import Case, Source
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import request_user
from wenjiuye.deadlines.selectors import deadline_dict
from wenjiuye.registry.services import person_reveal

router = Router()


class CaseOut(Schema):
    id: int
    name: str
    id_number: str
    status: str
    tier: str
    tier_reasons: list[dict[str, Any]]
    grid: str
    grid_worker: str | None
    registered_on: date
    sources: list[dict[str, Any]]


class CaseOpenIn(Schema):
    id_number: str
    name: str = ""
    source: str = Source.MANUAL
    source_ref: str = ""
    registered_on: date | None = None
    grid: str | None = None
    education: str = ""
    skills: str = ""
    health: str = ""
    wants_training: bool | None = None
    desired_job: str = ""
    disability: bool = False
    zero_employment_household: bool = False
    low_income: bool = False


class StatusIn(Schema):
    status: str
    on: date | None = None
    note: str = ""
    employer: str = ""
    job: str = ""


class ContactIn(Schema):
    channel: str
    note: str = ""
    purpose: str = "routine"
    at: datetime | None = None


class BudgetIn(Schema):
    county: str
    year: int
    amount: Decimal


class NoteIn(Schema):
    note: str = ""


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "name": case.person.name,
        "id_number": mask_id(case.person.id_number),
        "status": case.status,
        "tier": case.tier,
        "tier_reasons": case.tier_reasons,
        "grid": case.grid_id,
        "grid_worker": case.grid_worker.get_username() if case.grid_worker else None,
        "registered_on": case.registered_on,
        "sources": case.sources,
    }


def _detail(case: Case) -> dict[str, Any]:
    today = timezone.localdate()
    decision = selectors.benefit_decision(case)
    return {
        **_case_out(case),
        "phone": mask_phone(case.person.phone),
        "age": case.age_on(today),
        "education": case.education,
        "skills": case.skills,
        "health": case.health,
        "wants_training": case.wants_training,
        "desired_job": case.desired_job,
        "hardship": {
            "disability": case.disability,
            "zero_employment_household": case.zero_employment_household,
            "low_income": case.low_income,
        },
        "tier_now": case_tier(case, today).as_dict(),
        "timeline": [
            {
                "on": s.on,
                "from": s.from_status,
                "to": s.to_status,
                "note": s.note,
                "employer": s.employer,
                "job": s.job,
            }
            for s in case.status_changes.order_by("on", "at", "pk")
        ],
        "contacts": [
            {"at": c.at, "channel": c.channel, "purpose": c.purpose, "note": c.note}
            for c in case.contacts.all()[:100]
        ],
        "benefits": (
            {"on": decision.on, "start_period": decision.start_period, "results": decision.results}
            if decision
            else None
        ),
        "deadlines": [deadline_dict(d) for d in selectors.case_deadlines(case)],
        "reemployment_tasks": [
            {"id": t.pk, "kind": t.kind, "state": t.state, "due_on": t.due_on}
            for t in case.reemployment_tasks.all()
        ],
    }


@router.get("/cases/", response=list[CaseOut])
def case_list(
    request: HttpRequest,
    status: str = "",
    tier: str = "",
    grid: str = "",
    q: str = "",
    limit: int = 200,
    offset: int = 0,
) -> list[dict[str, Any]]:
    qs = selectors.case_list(user=request_user(request), status=status, tier=tier, grid=grid, q=q)
    return [_case_out(c) for c in qs[offset : offset + min(limit, 1000)]]


@router.post("/cases/", response={201: CaseOut})
def case_open(request: HttpRequest, payload: CaseOpenIn) -> HttpStatus[dict[str, Any]]:
    data = payload.dict()
    case = case_by_id.case_open_for_id(actor=request_user(request), **data)
    return HttpStatus(201, _case_out(case))


@router.get("/cases/{pk}/")
def case_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(selectors.case_get(user=request_user(request), pk=pk))


@router.post("/cases/{pk}/reveal/")
def case_reveal(request: HttpRequest, pk: int) -> dict[str, str]:
    case = selectors.case_get(user=request_user(request), pk=pk)
    return person_reveal(
        actor=request_user(request), person=case.person, ip=request.META.get("REMOTE_ADDR")
    )


@router.post("/cases/{pk}/status/")
def case_status(request: HttpRequest, pk: int, payload: StatusIn) -> dict[str, Any]:
    case = selectors.case_get(user=request_user(request), pk=pk)
    case = services.case_set_status(case=case, actor=request_user(request), **payload.dict())
    return _detail(case)


@router.post("/cases/{pk}/contacts/", response={201: dict[str, Any]})
def case_contact(request: HttpRequest, pk: int, payload: ContactIn) -> HttpStatus[dict[str, Any]]:
    case = selectors.case_get(user=request_user(request), pk=pk)
    contact = services.contact_add(case=case, actor=request_user(request), **payload.dict())
    return HttpStatus(201, {"id": contact.pk, "at": contact.at.isoformat()})


@router.post("/cases/{pk}/benefits/", response={201: dict[str, Any]})
def case_benefits(
    request: HttpRequest,
    pk: int,
    payload: dict[str, Any] = Body(...),  # noqa: B008
) -> HttpStatus[dict[str, Any]]:
    """Decide a case's benefits: the engine's input, and ``reason`` where it differs from what the
    data says (the decision keeps both; see ``GET`` of the case for the data's facts)."""
    case = selectors.case_get(user=request_user(request), pk=pk)
    facts = dict(payload)
    reason = str(facts.pop("reason", "") or "")
    decision = decisions.benefit_decide(
        case=case, actor=request_user(request), inp=BenefitInput.from_dict(facts), reason=reason
    )
    return HttpStatus(
        201,
        {
            "id": decision.pk,
            "start_period": decision.start_period,
            "results": decision.results,
            "how": decision.how,
            "corrections": decision.corrections,
        },
    )


@router.post("/benefits/assess/")
def benefits_assess(
    request: HttpRequest,
    payload: dict[str, Any] = Body(...),  # noqa: B008
) -> dict[str, Any]:
    """The benefits engine on a given input, nothing stored (as ``wenjiuye calc benefits``)."""
    require(request_user(request), Cap.READ)
    return assess_dict(BenefitInput.from_dict(payload))


@router.post("/tasks/{pk}/done/")
def task_done(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    task = selectors.task_get(user=request_user(request), pk=pk)
    task = services.reemployment_task_done(
        task=task, actor=request_user(request), note=payload.note
    )
    return {"id": task.pk, "state": task.state, "done_on": task.done_on}


@router.get("/one-week-overdue/")
def one_week_overdue(request: HttpRequest, on: date | None = None) -> list[dict[str, Any]]:
    rows = selectors.one_week_overdue(user=request_user(request), on=on or timezone.localdate())
    return [
        {
            "case": r["case"].pk,
            "name": r["case"].person.name,
            "grid": r["case"].grid_id,
            "grid_worker": r["case"].grid_worker.get_username() if r["case"].grid_worker else None,
            "started": r["started"],
            "due": r["due"],
            "days_over": r["days_over"],
            "policy": r["policy"],
        }
        for r in rows
    ]


@router.get("/payments/due-unpaid/")
def due_unpaid(request: HttpRequest, as_of: date | None = None) -> list[dict[str, Any]]:
    return payments.due_unpaid(user=request_user(request), as_of=as_of or timezone.localdate())


@router.get("/payments/paid-not-due/")
def paid_not_due(request: HttpRequest, first: str, last: str) -> list[dict[str, Any]]:
    if not (len(first) == len(last) == 6 and first.isdigit() and last.isdigit()):
        raise ValidationError(_("所属期应为 YYYYMM"))
    return payments.paid_not_due(user=request_user(request), first=first, last=last)


@router.get("/fund/")
def fund(request: HttpRequest, year: int, as_of: date | None = None) -> list[dict[str, Any]]:
    return payments.fund_status(
        user=request_user(request), year=year, as_of=as_of or timezone.localdate()
    )


@router.put("/fund/")
def fund_set(request: HttpRequest, payload: BudgetIn) -> dict[str, Any]:
    county = selectors.fund_county(payload.county)
    budget = decisions.fund_budget_set(
        actor=request_user(request), county=county, year=payload.year, amount=payload.amount
    )
    return {"county": budget.county_id, "year": budget.year, "amount": budget.amount}


@router.get("/pending/")
def pending(request: HttpRequest, state: str = "pending") -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "id_number": mask_id(p.id_number),
            "phone": mask_phone(p.phone),
            "county": p.county_id,
            "street": p.street_id,
            "state": p.state,
            "submitted_at": p.submitted_at,
        }
        for p in selectors.pending_list(user=request_user(request), state=state)[:500]
    ]


@router.post("/pending/{pk}/confirm/")
def pending_confirm(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    item = selectors.pending_get(user=request_user(request), pk=pk)
    case = registration.pending_confirm(
        pending=item, actor=request_user(request), note=payload.note
    )
    return _case_out(case)


@router.post("/pending/{pk}/reject/")
def pending_reject(request: HttpRequest, pk: int, payload: NoteIn) -> dict[str, Any]:
    item = selectors.pending_get(user=request_user(request), pk=pk)
    done = registration.pending_reject(pending=item, actor=request_user(request), note=payload.note)
    return {"id": done.pk, "state": done.state}
