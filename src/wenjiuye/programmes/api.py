"""JSON API of the programmes, mounted under /api/programmes/ by wenjiuye.api.

Reads are scoped (out of scope → 404); writes go through ``programmes.services``
(no WRITE capability or out of scope → 403, a refused rule → 400 with the reason).
Personal ID numbers are always masked here; unmasking is the registry's audited reveal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from wenjiuye.core.types import request_user
from wenjiuye.programmes import pairing, present, rules, selectors, services
from wenjiuye.programmes.models import JobFair

router = Router()

Data = dict[str, Any]


# --- Training ---------------------------------------------------------------------------


class CourseIn(Schema):
    title: str
    kind: str
    subtype: str = ""
    provider: str
    region: str
    starts_on: date
    ends_on: date
    hours: int
    capacity: int


class EnrolmentIn(Schema):
    person: int
    enrolled_on: date


class AttendanceIn(Schema):
    day: date
    present: bool


class CompleteIn(Schema):
    on: date


class DropIn(Schema):
    reason: str


class CertificateIn(Schema):
    number: str
    kind: str
    issued_on: date


@router.get("/courses/")
def course_list(request: HttpRequest) -> list[Data]:
    return [present.course_out(c) for c in selectors.course_list(user=request_user(request))[:500]]


@router.post("/courses/", response={201: dict})
def course_create(request: HttpRequest, payload: CourseIn) -> Status[Data]:
    user = request_user(request)
    data = payload.dict()
    region = selectors.region_find(code=data.pop("region"))
    course = services.course_create(actor=user, region=region, **data)
    return Status(201, present.course_out(course))


@router.get("/courses/{int:pk}/")
def course_detail(request: HttpRequest, pk: int) -> Data:
    course = selectors.course_get(user=request_user(request), pk=pk)
    out = present.course_out(course)
    out["enrolments"] = [present.enrolment_out(e) for e in selectors.course_enrolments(course)]
    return out


@router.get("/courses/{int:pk}/claims/")
def course_claims(request: HttpRequest, pk: int) -> list[Data]:
    course = selectors.course_get(user=request_user(request), pk=pk)
    return [rules.training_claim(e) for e in selectors.course_enrolments(course)]


@router.post("/courses/{int:pk}/enrolments/", response={201: dict})
def enrolment_add(request: HttpRequest, pk: int, payload: EnrolmentIn) -> Status[Data]:
    user = request_user(request)
    course = selectors.course_get(user=user, pk=pk)
    person = selectors.person_find(user=user, pk=payload.person)
    enrolment = services.enrolment_add(
        actor=user, course=course, person=person, enrolled_on=payload.enrolled_on
    )
    return Status(201, present.enrolment_out(enrolment))


@router.post("/enrolments/{int:pk}/attendance/")
def attendance_record(request: HttpRequest, pk: int, payload: AttendanceIn) -> Data:
    user = request_user(request)
    enrolment = selectors.enrolment_get(user=user, pk=pk)
    row = services.attendance_record(
        actor=user, enrolment=enrolment, day=payload.day, present=payload.present
    )
    return {"enrolment": enrolment.pk, "day": row.day.isoformat(), "present": row.present}


@router.get("/enrolments/{int:pk}/completion/")
def completion(request: HttpRequest, pk: int) -> Data:
    enrolment = selectors.enrolment_get(user=request_user(request), pk=pk)
    return rules.completion_check(enrolment).as_dict()


@router.get("/enrolments/{int:pk}/claim/")
def claim(request: HttpRequest, pk: int) -> Data:
    return rules.training_claim(selectors.enrolment_get(user=request_user(request), pk=pk))


@router.post("/enrolments/{int:pk}/complete/")
def complete(request: HttpRequest, pk: int, payload: CompleteIn) -> Data:
    user = request_user(request)
    enrolment = selectors.enrolment_get(user=user, pk=pk)
    return present.enrolment_out(
        services.enrolment_complete(actor=user, enrolment=enrolment, on=payload.on)
    )


@router.post("/enrolments/{int:pk}/drop/")
def drop(request: HttpRequest, pk: int, payload: DropIn) -> Data:
    user = request_user(request)
    enrolment = selectors.enrolment_get(user=user, pk=pk)
    return present.enrolment_out(
        services.enrolment_drop(actor=user, enrolment=enrolment, reason=payload.reason)
    )


@router.post("/enrolments/{int:pk}/certificate/", response={201: dict})
def certificate(request: HttpRequest, pk: int, payload: CertificateIn) -> Status[Data]:
    user = request_user(request)
    enrolment = selectors.enrolment_get(user=user, pk=pk)
    services.certificate_issue(actor=user, enrolment=enrolment, **payload.dict())
    enrolment.refresh_from_db()
    return Status(201, present.enrolment_out(enrolment))


# --- Job fairs --------------------------------------------------------------------------


class FairIn(Schema):
    title: str
    held_on: date
    venue: str
    region: str
    kind: str = JobFair.Kind.GENERAL.value
    layoff_report_id: int | None = None


class FairEmployerIn(Schema):
    uscc: str
    booth: str = ""
    vacancies: int = 0


class FairVacancyIn(Schema):
    employer: int
    title: str
    openings: int
    posting_id: str = ""


class PersonRef(Schema):
    person: int


class FairHireIn(Schema):
    person: int
    employer: int
    vacancy: int | None = None
    hired_on: date


@router.get("/fairs/")
def fair_list(request: HttpRequest) -> list[Data]:
    return [present.fair_out(f) for f in selectors.fair_list(user=request_user(request))[:500]]


@router.post("/fairs/", response={201: dict})
def fair_create(request: HttpRequest, payload: FairIn) -> Status[Data]:
    user = request_user(request)
    data = payload.dict()
    region = selectors.region_find(code=data.pop("region"))
    fair = services.fair_create(actor=user, region=region, **data)
    return Status(201, present.fair_out(fair, detail=True))


@router.get("/fairs/{int:pk}/")
def fair_detail(request: HttpRequest, pk: int) -> Data:
    return present.fair_out(selectors.fair_get(user=request_user(request), pk=pk), detail=True)


@router.post("/fairs/{int:pk}/employers/", response={201: dict})
def fair_employer_add(request: HttpRequest, pk: int, payload: FairEmployerIn) -> Status[Data]:
    user = request_user(request)
    fair = selectors.fair_get(user=user, pk=pk)
    enterprise = selectors.enterprise_find(uscc=payload.uscc)
    employer = services.fair_employer_add(
        actor=user,
        fair=fair,
        enterprise=enterprise,
        booth=payload.booth,
        vacancies=payload.vacancies,
    )
    return Status(201, present.employer_out(employer))


@router.post("/fairs/{int:pk}/vacancies/", response={201: dict})
def fair_vacancy_add(request: HttpRequest, pk: int, payload: FairVacancyIn) -> Status[Data]:
    user = request_user(request)
    fair = selectors.fair_get(user=user, pk=pk)
    employer = selectors.fair_employer_get(user=user, fair=fair, pk=payload.employer)
    services.fair_vacancy_add(
        actor=user,
        employer=employer,
        title=payload.title,
        openings=payload.openings,
        posting_id=payload.posting_id,
    )
    return Status(201, present.employer_out(employer))


@router.post("/fairs/{int:pk}/attendees/", response={201: dict})
def fair_attendee_add(request: HttpRequest, pk: int, payload: PersonRef) -> Status[Data]:
    user = request_user(request)
    fair = selectors.fair_get(user=user, pk=pk)
    person = selectors.person_find(user=user, pk=payload.person)
    services.fair_attendee_add(actor=user, fair=fair, person=person)
    return Status(201, rules.fair_summary(fair))


@router.post("/fairs/{int:pk}/hires/", response={201: dict})
def fair_hire_record(request: HttpRequest, pk: int, payload: FairHireIn) -> Status[Data]:
    user = request_user(request)
    fair = selectors.fair_get(user=user, pk=pk)
    person = selectors.person_find(user=user, pk=payload.person)
    employer = selectors.fair_employer_get(user=user, fair=fair, pk=payload.employer)
    vacancy = (
        None
        if payload.vacancy is None
        else selectors.fair_vacancy_get(user=user, fair=fair, pk=payload.vacancy)
    )
    services.fair_hire_record(
        actor=user,
        fair=fair,
        person=person,
        employer=employer,
        vacancy=vacancy,
        hired_on=payload.hired_on,
    )
    return Status(201, rules.fair_summary(fair))


# --- Public-welfare jobs ----------------------------------------------------------------


class PositionIn(Schema):
    title: str
    area: str
    unit: str
    region: str
    count: int
    opened_on: date


class PlacementIn(Schema):
    person: int
    starts_on: date


class ExitIn(Schema):
    exited_on: date
    reason: str


class CheckIn(Schema):
    checked_on: date
    method: str
    result: str
    finding: str


@router.get("/positions/")
def position_list(request: HttpRequest) -> list[Data]:
    return [
        present.position_out(p) for p in selectors.position_list(user=request_user(request))[:500]
    ]


@router.post("/positions/", response={201: dict})
def position_create(request: HttpRequest, payload: PositionIn) -> Status[Data]:
    user = request_user(request)
    data = payload.dict()
    region = selectors.region_find(code=data.pop("region"))
    position = services.position_create(actor=user, region=region, **data)
    return Status(201, present.position_out(position))


@router.get("/positions/{int:pk}/")
def position_detail(request: HttpRequest, pk: int, on: date | None = None) -> Data:
    position = selectors.position_get(user=request_user(request), pk=pk)
    day = on or timezone.localdate()
    out = present.position_out(position)
    out["placements"] = [
        present.placement_out(p, on=day) for p in selectors.position_placements(position)
    ]
    return out


@router.post("/positions/{int:pk}/placements/", response={201: dict})
def placement_start(request: HttpRequest, pk: int, payload: PlacementIn) -> Status[Data]:
    user = request_user(request)
    position = selectors.position_get(user=user, pk=pk)
    person = selectors.person_find(user=user, pk=payload.person)
    placement = services.placement_start(
        actor=user, position=position, person=person, starts_on=payload.starts_on
    )
    return Status(201, present.placement_out(placement, on=timezone.localdate()))


@router.get("/placements/{int:pk}/")
def placement_detail(request: HttpRequest, pk: int, on: date | None = None) -> Data:
    placement = selectors.placement_get(user=request_user(request), pk=pk)
    return present.placement_out(placement, on=on or timezone.localdate())


@router.post("/placements/{int:pk}/exit/")
def placement_exit(request: HttpRequest, pk: int, payload: ExitIn) -> Data:
    user = request_user(request)
    placement = selectors.placement_get(user=user, pk=pk)
    services.placement_exit(
        actor=user, placement=placement, exited_on=payload.exited_on, reason=payload.reason
    )
    return present.placement_out(placement, on=timezone.localdate())


@router.post("/placements/{int:pk}/checks/", response={201: dict})
def spot_check_add(request: HttpRequest, pk: int, payload: CheckIn) -> Status[Data]:
    user = request_user(request)
    placement = selectors.placement_get(user=user, pk=pk)
    check = services.spot_check_add(actor=user, placement=placement, **payload.dict())
    return Status(201, present.check_out(check))


# --- Pairing ----------------------------------------------------------------------------


class PairIn(Schema):
    helper_kind: str
    helper_uscc: str = ""
    helper_name: str = ""
    helper_contact: str = ""
    mode: str
    persons: list[int]
    region: str
    starts_on: date
    ends_on: date | None = None
    note: str = ""


class PairEndIn(Schema):
    ends_on: date
    note: str = ""


@router.get("/pairs/")
def pair_list(request: HttpRequest) -> list[Data]:
    return [present.pair_out(p) for p in selectors.pair_list(user=request_user(request))[:500]]


@router.post("/pairs/", response={201: dict})
def pair_create(request: HttpRequest, payload: PairIn) -> Status[Data]:
    user = request_user(request)
    region = selectors.region_find(code=payload.region)
    enterprise = (
        selectors.enterprise_find(uscc=payload.helper_uscc) if payload.helper_uscc else None
    )
    persons = [selectors.person_find(user=user, pk=pk) for pk in payload.persons]
    pair = pairing.pair_create(
        actor=user,
        helper_kind=payload.helper_kind,
        helper_enterprise=enterprise,
        helper_name=payload.helper_name,
        helper_contact=payload.helper_contact,
        mode=payload.mode,
        persons=persons,
        region=region,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return Status(201, present.pair_out(pair))


@router.get("/pairs/{int:pk}/")
def pair_detail(request: HttpRequest, pk: int) -> Data:
    return present.pair_out(selectors.pair_get(user=request_user(request), pk=pk))


@router.post("/pairs/{int:pk}/end/")
def pair_end(request: HttpRequest, pk: int, payload: PairEndIn) -> Data:
    user = request_user(request)
    pair = selectors.pair_get(user=user, pk=pk)
    return present.pair_out(
        pairing.pair_end(actor=user, pair=pair, ends_on=payload.ends_on, note=payload.note)
    )
