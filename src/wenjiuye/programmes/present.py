"""Plain-data views of programme records for the API and pages; personal data masked."""

from __future__ import annotations

from datetime import date
from typing import Any

from wenjiuye.core.identifiers import mask_id
from wenjiuye.programmes import rules
from wenjiuye.programmes.models import (
    Course,
    Enrolment,
    FairEmployer,
    JobFair,
    Pair,
    Placement,
    PublicWelfarePosition,
    SpotCheck,
)
from wenjiuye.registry.models import Person


def person_out(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "name": person.name, "id_number": mask_id(person.id_number)}


def course_out(course: Course) -> dict[str, Any]:
    return {
        "id": course.pk,
        "title": course.title,
        "kind": course.kind,
        "kind_display": course.get_kind_display(),
        "subtype": course.subtype,
        "provider": course.provider,
        "region": course.region_id,
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "hours": course.hours,
        "capacity": course.capacity,
        "enrolled": course.enrolments.exclude(status=Enrolment.Status.DROPPED).count(),
        "subsidy_per_person": str(course.subsidy_per_person),
        "living_allowance_per_day": str(course.living_allowance_per_day),
        "policy": course.policy,
    }


def enrolment_out(enrolment: Enrolment) -> dict[str, Any]:
    cert = getattr(enrolment, "certificate", None)
    return {
        "id": enrolment.pk,
        "course": enrolment.course_id,
        "person": person_out(enrolment.person),
        "enrolled_on": enrolment.enrolled_on.isoformat(),
        "status": enrolment.status,
        "status_display": enrolment.get_status_display(),
        "completed_on": enrolment.completed_on.isoformat() if enrolment.completed_on else None,
        "certificate": None
        if cert is None
        else {"number": cert.number, "kind": cert.kind, "issued_on": cert.issued_on.isoformat()},
    }


def fair_out(fair: JobFair, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": fair.pk,
        "title": fair.title,
        "held_on": fair.held_on.isoformat(),
        "venue": fair.venue,
        "region": fair.region_id,
        "kind": fair.kind,
        "kind_display": fair.get_kind_display(),
        "layoff_report_id": fair.layoff_report_id,
        "summary": rules.fair_summary(fair),
    }
    if detail:
        out["employers"] = [employer_out(e) for e in fair.employers.select_related("enterprise")]
        out["attendees"] = [person_out(a.person) for a in fair.attendees.select_related("person")]
        out["hires"] = [
            {
                "id": h.pk,
                "person": person_out(h.person),
                "employer": h.employer_id,
                "vacancy": h.vacancy_id,
                "hired_on": h.hired_on.isoformat(),
            }
            for h in fair.hires.select_related("person")
        ]
    return out


def employer_out(employer: FairEmployer) -> dict[str, Any]:
    return {
        "id": employer.pk,
        "enterprise": {"uscc": employer.enterprise.uscc, "name": employer.enterprise.name},
        "booth": employer.booth,
        "vacancies": employer.vacancies,
        "positions": [
            {"id": v.pk, "title": v.title, "openings": v.openings, "posting_id": v.posting_id}
            for v in employer.positions.all()
        ],
    }


def position_out(position: PublicWelfarePosition) -> dict[str, Any]:
    return {
        "id": position.pk,
        "title": position.title,
        "area": position.area,
        "area_display": position.get_area_display(),
        "unit": position.unit,
        "region": position.region_id,
        "count": position.count,
        "on_post": position.placements.filter(exited_on__isnull=True).count(),
        "monthly_subsidy": str(position.monthly_subsidy),
        "term_months": position.term_months,
        "opened_on": position.opened_on.isoformat(),
        "policy": position.policy,
    }


def check_out(check: SpotCheck) -> dict[str, Any]:
    return {
        "id": check.pk,
        "checked_on": check.checked_on.isoformat(),
        "method": check.method,
        "method_display": check.get_method_display(),
        "result": check.result,
        "finding": check.finding,
    }


def placement_out(placement: Placement, *, on: date) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "position": placement.position_id,
        "person": person_out(placement.person),
        "starts_on": placement.starts_on.isoformat(),
        "term_ends_on": placement.term_ends_on.isoformat(),
        "subsidy_per_month": str(placement.subsidy_per_month),
        "exited_on": placement.exited_on.isoformat() if placement.exited_on else None,
        "exit_reason": placement.exit_reason,
        "status": rules.placement_status(placement, on=on),
        "checks": [check_out(c) for c in placement.checks.all()],
    }


def pair_out(pair: Pair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "helper_kind": pair.helper_kind,
        "helper_name": pair.helper_name,
        "helper_enterprise": pair.helper_enterprise.uscc if pair.helper_enterprise else None,
        "helper_contact": pair.helper_contact,
        "mode": pair.mode,
        "mode_display": pair.get_mode_display(),
        "region": pair.region_id,
        "starts_on": pair.starts_on.isoformat(),
        "ends_on": pair.ends_on.isoformat() if pair.ends_on else None,
        "note": pair.note,
        "persons": [person_out(p) for p in pair.persons.all()],
    }
