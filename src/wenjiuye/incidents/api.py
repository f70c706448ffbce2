"""JSON API of mass incidents, mounted under /api/incidents/ by wenjiuye.api (an incident's
linked and suggested opinion items are public opinion's: ``opinion.api.incident_router``).

Errors: 403 without the capability, 404 out of scope, 400 with the reason for invalid input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from wenjiuye.core.models import Region, Unit
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import request_user
from wenjiuye.incidents import selectors, services
from wenjiuye.registry.selectors import enterprise_get

router = Router()


class IncidentIn(Schema):
    region_code: str
    occurred_at: datetime
    place: str
    cause: str
    people: int
    enterprise_uscc: str | None = None
    summary: str = ""


class RepresentativeIn(Schema):
    name: str
    id_number: str = ""
    phone: str = ""
    note: str = ""


class DemandIn(Schema):
    text: str
    handling: str
    unit_id: int | None = None
    time_limit_days: int | None = None
    result: str = ""


class AnswerIn(Schema):
    result: str


class ReportIn(Schema):
    text: str


class ReviewIn(Schema):
    causes: str
    problems: str
    lessons: str


class StatusIn(Schema):
    status: str


class PeopleIn(Schema):
    people: int


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    return selectors.incident_as_dict(selectors.incident_get(user=user, pk=pk), user=user)


@router.get("/")
def incident_list(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    user = request_user(request)
    return [
        {
            "id": i.pk,
            "occurred_at": i.occurred_at.isoformat(),
            "place": i.place,
            "region_code": i.region_id,
            "cause": i.cause,
            "people": i.people,
            "status": i.status,
        }
        for i in selectors.incident_list(user=user, status=status)[:500]
    ]


@router.post("/")
def incident_create(request: HttpRequest, payload: IncidentIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, Cap.WRITE)
    region = get_object_or_404(Region, pk=payload.region_code)
    enterprise = (
        enterprise_get(user=user, uscc=payload.enterprise_uscc.strip().upper())
        if payload.enterprise_uscc
        else None
    )
    incident = services.incident_create(
        actor=user,
        region=region,
        occurred_at=payload.occurred_at,
        place=payload.place,
        cause=payload.cause,
        people=payload.people,
        enterprise=enterprise,
        summary=payload.summary,
    )
    return selectors.incident_as_dict(incident, user=user)


@router.get("/{pk}")
def incident_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _detail(request, pk)


@router.post("/{pk}/people")
def set_people(request: HttpRequest, pk: int, payload: PeopleIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.incident_set_people(actor=user, incident=incident, people=payload.people)
    return _detail(request, pk)


@router.post("/{pk}/representatives")
def add_representative(request: HttpRequest, pk: int, payload: RepresentativeIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.representative_add(actor=user, incident=incident, **payload.dict())
    return _detail(request, pk)


@router.post("/{pk}/representatives/{rep_id}/reveal")
def reveal_representative(request: HttpRequest, pk: int, rep_id: int) -> dict[str, str]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    rep = selectors.representative_get(user=user, incident=incident, pk=rep_id)
    return services.representative_reveal(
        actor=user, representative=rep, ip=request.META.get("REMOTE_ADDR")
    )


@router.post("/{pk}/demands")
def add_demand(request: HttpRequest, pk: int, payload: DemandIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    unit = get_object_or_404(Unit, pk=payload.unit_id) if payload.unit_id else None
    services.demand_add(
        actor=user,
        incident=incident,
        text=payload.text,
        handling=payload.handling,
        unit=unit,
        time_limit_days=payload.time_limit_days,
        result=payload.result,
    )
    return _detail(request, pk)


@router.post("/{pk}/demands/{demand_id}/answer")
def answer_demand(
    request: HttpRequest, pk: int, demand_id: int, payload: AnswerIn
) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    demand = selectors.demand_get(user=user, incident=incident, pk=demand_id)
    services.demand_answer(actor=user, demand=demand, result=payload.result)
    return _detail(request, pk)


@router.post("/{pk}/reports")
def add_report(request: HttpRequest, pk: int, payload: ReportIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.report_add(actor=user, incident=incident, text=payload.text)
    return _detail(request, pk)


@router.post("/{pk}/review")
def review(request: HttpRequest, pk: int, payload: ReviewIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.incident_review(actor=user, incident=incident, **payload.dict())
    return _detail(request, pk)


@router.post("/{pk}/status")
def set_status(request: HttpRequest, pk: int, payload: StatusIn) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.incident_set_status(actor=user, incident=incident, status=payload.status)
    return _detail(request, pk)


@router.post("/{pk}/close")
def close(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    incident = selectors.incident_get(user=user, pk=pk)
    services.incident_close(actor=user, incident=incident)
    return _detail(request, pk)
