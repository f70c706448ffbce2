"""JSON API of job matching, mounted under /api/matching/ by wenjiuye.api.

- ``GET  person/{id}/?on=&top=``   ranked open postings for a person, with reasons;
- ``GET  posting/{posting_id}/?on=&top=`` ranked candidates (people to help in scope), masked;
- ``GET  pushes/?person=``          pushes in scope;
- ``POST pushes/``                  push a posting to a person (SMS sent through notify);
- ``POST pushes/{id}/respond/``     record the person's response.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status as HttpStatus

from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.periods import today
from wenjiuye.core.types import request_user
from wenjiuye.matching import selectors, services
from wenjiuye.matching.models import Push
from wenjiuye.matching.results import Match
from wenjiuye.registry import selectors as registry

router = Router()


class MatchOut(Schema):
    rank: int
    person_id: str
    posting_id: str
    score: float
    text_score: float
    matched_terms: list[str]
    reasons: list[dict[str, Any]]


class MatchesOut(Schema):
    on: date
    matches: list[MatchOut]
    policy: list[dict[str, Any]]


class CandidateOut(MatchOut):
    name: str
    id_number: str


class CandidatesOut(Schema):
    on: date
    posting_id: str
    candidates: list[CandidateOut]
    policy: list[dict[str, Any]]


class PushIn(Schema):
    person_id: int
    posting_id: str
    channel: str
    note: str = ""


class RespondIn(Schema):
    response: str
    note: str = ""


class PushOut(Schema):
    id: int
    person_id: int
    posting_id: str
    title: str
    channel: str
    sent_at: datetime
    by: str
    delivery_id: str
    response: str
    responded_at: datetime | None
    note: str


def _push_out(p: Push) -> dict[str, Any]:
    return {
        "id": p.pk,
        "person_id": p.person_id,
        "posting_id": p.posting_id,
        "title": p.title,
        "channel": p.channel,
        "sent_at": p.sent_at,
        "by": p.by.get_username(),
        "delivery_id": p.delivery_id,
        "response": p.response,
        "responded_at": p.responded_at,
        "note": p.note,
    }


@router.get("/person/{person_id}/", response=MatchesOut)
def person_matches(
    request: HttpRequest, person_id: int, on: date | None = None, top: int | None = None
) -> dict[str, Any]:
    user = request_user(request)
    person = registry.person_get(user=user, pk=person_id)
    day = on or today()
    matches, result = services.vacancies_for_person(user=user, person=person, on=day, top=top)
    return {
        "on": day,
        "matches": [m.as_dict() for m in matches],
        "policy": list(result.params.cites),
    }


@router.get("/posting/{posting_id}/", response=CandidatesOut)
def posting_candidates(
    request: HttpRequest, posting_id: str, on: date | None = None, top: int | None = None
) -> dict[str, Any]:
    user = request_user(request)
    posting = services.posting_get(user=user, posting_id=posting_id)
    day = on or today()
    matches, result = services.candidates_for_posting(user=user, posting=posting, on=day, top=top)
    people = selectors.persons_of(matches)

    def out(m: Match) -> dict[str, Any]:
        p = people[m.person_id]
        return m.as_dict() | {"name": p.name, "id_number": mask_id(p.id_number)}

    return {
        "on": day,
        "posting_id": posting.posting_id,
        "candidates": [out(m) for m in matches],
        "policy": list(result.params.cites),
    }


@router.get("/pushes/", response=list[PushOut])
def push_list(
    request: HttpRequest, person: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    qs = services.pushes_for(user=request_user(request))
    if person is not None:
        qs = qs.filter(person_id=person)
    return [_push_out(p) for p in qs[: max(1, min(limit, 1000))]]


@router.post("/pushes/", response={201: PushOut})
def push_create(request: HttpRequest, payload: PushIn) -> HttpStatus[dict[str, Any]]:
    user = request_user(request)
    person = registry.person_get(user=user, pk=payload.person_id)
    push = services.push_create(
        actor=user,
        person=person,
        posting_id=payload.posting_id,
        channel=payload.channel,
        note=payload.note,
    )
    return HttpStatus(201, _push_out(push))


@router.post("/pushes/{push_id}/respond/", response=PushOut)
def push_respond(request: HttpRequest, push_id: int, payload: RespondIn) -> dict[str, Any]:
    user = request_user(request)
    push = services.push_respond(
        actor=user,
        push=selectors.push_get(user=user, pk=push_id),
        response=payload.response,
        note=payload.note,
    )
    return _push_out(push)
