"""Reads of mass incidents, always through the user's scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.models import User
from wenjiuye.core.periods import local_day
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadline_dict, deadlines_for
from wenjiuye.incidents.models import Demand, Incident, Representative
from wenjiuye.incidents.rules import incident_escalation

#: what other apps add to an incident as the API shows it: each part is called with the incident and
#: the reader and returns its keys (public opinion adds the linked and suggested items, registered
#: by ``opinion.apps``), so that incidents import none of them
DETAIL_PARTS: list[Callable[[Incident, User], dict[str, Any]]] = []


def incident_list(*, user: User, status: str | None = None) -> QuerySet[Incident]:
    qs = scoped(Incident.objects.select_related("region", "enterprise", "created_by"), user)
    return qs.filter(status=status) if status else qs


def incident_get(*, user: User, pk: int) -> Incident:
    """The incident, or 404 when it does not exist *or* lies outside the user's scope."""
    try:
        return incident_list(user=user).get(pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404(_("事件不存在或不在您的管辖范围内")) from exc


def representative_get(*, user: User, incident: Incident, pk: int) -> Representative:
    try:
        return incident.representatives.get(pk=pk)
    except Representative.DoesNotExist as exc:
        raise Http404(_("代表不存在")) from exc


def demand_get(*, user: User, incident: Incident, pk: int) -> Demand:
    try:
        return incident.demands.get(pk=pk)
    except Demand.DoesNotExist as exc:
        raise Http404(_("诉求不存在")) from exc


def representative_rows(*, user: User, incident: Incident) -> list[dict[str, Any]]:
    """Representatives with ID numbers and phones masked (unmasking is a separate, audited view)."""
    return [
        {
            "id": r.pk,
            "name": r.name,
            "id_number": mask_id(r.id_number),
            "phone": mask_phone(r.phone),
            "note": r.note,
            "masked": True,
        }
        for r in incident.representatives.all()
    ]


def may_reveal(*, user: User, incident: Incident) -> bool:
    return can(user, Cap.VIEW_PERSONAL, incident.region_id)


def report_deadlines(incident: Incident) -> QuerySet[Deadline]:
    return deadlines_for(incident).order_by("due_at", "pk")


def demand_deadlines(incident: Incident) -> dict[int, Deadline]:
    out: dict[int, Deadline] = {}
    for demand in incident.demands.all():
        deadline = deadlines_for(demand).first()
        if deadline is not None:
            out[demand.pk] = deadline
    return out


def escalation_now(incident: Incident) -> dict[str, Any]:
    """Who must be told for the current number of people, with the cited parameter versions."""
    return incident_escalation(
        people=incident.people,
        on=local_day(incident.known_at),
        cause=incident.cause,
    )


def incident_as_dict(incident: Incident, *, user: User) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": incident.pk,
        "occurred_at": incident.occurred_at.isoformat(),
        "known_at": incident.known_at.isoformat(),
        "place": incident.place,
        "region_code": incident.region_id,
        "enterprise_uscc": incident.enterprise.uscc if incident.enterprise else None,
        "cause": incident.cause,
        "summary": incident.summary,
        "people": incident.people,
        "status": incident.status,
        "police_called_at": incident.police_called_at.isoformat()
        if incident.police_called_at
        else None,
        "medical_called_at": incident.medical_called_at.isoformat()
        if incident.medical_called_at
        else None,
        "review": {
            "causes": incident.review_causes,
            "problems": incident.review_problems,
            "lessons": incident.review_lessons,
            "reviewed_at": incident.reviewed_at.isoformat() if incident.reviewed_at else None,
        },
        "closed_at": incident.closed_at.isoformat() if incident.closed_at else None,
        "representatives": representative_rows(user=user, incident=incident),
        "demands": [
            {
                "id": d.pk,
                "text": d.text,
                "handling": d.handling,
                "unit": d.unit.name if d.unit else None,
                "time_limit_days": d.time_limit_days,
                "answered_at": d.answered_at.isoformat() if d.answered_at else None,
                "result": d.result,
            }
            for d in incident.demands.select_related("unit")
        ],
        "reports": [
            {"at": r.at.isoformat(), "text": r.text, "author": r.author.get_username()}
            for r in incident.reports.select_related("author")
        ],
        "deadlines": [
            {**deadline_dict(d), "due_at": d.due_at.isoformat()} for d in report_deadlines(incident)
        ],
    }
    for part in DETAIL_PARTS:
        out.update(part(incident, user))
    return out
