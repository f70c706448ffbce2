"""JSON API of deadlines, mounted under /api/deadlines/ by wenjiuye.api."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from wenjiuye.core.errors import DomainError
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import (
    deadline_cancel,
    deadline_complete,
    deadlines_visible,
    escalation_level,
)

router = Router()


class DeadlineOut(Schema):
    id: int
    kind: str
    title: str
    clause: str
    subject: str
    region: str
    unit: str | None
    assignee: str | None
    due_at: datetime
    status: str
    overdue: bool
    escalation_level: int
    policy: dict[str, Any]
    completion_note: str


class CompleteIn(Schema):
    note: str = ""


class CancelIn(Schema):
    reason: str


def _out(d: Deadline, now: datetime) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "title": d.title,
        "clause": d.clause,
        "subject": d.subject_repr,
        "region": d.region_id,
        "unit": d.unit.name if d.unit else None,
        "assignee": d.assignee.get_username() if d.assignee else None,
        "due_at": d.due_at,
        "status": d.status,
        "overdue": d.is_overdue(now),
        "escalation_level": escalation_level(d),
        "policy": d.policy,
        "completion_note": d.completion_note,
    }


def _get(request: HttpRequest, pk: int) -> Deadline:
    d = deadlines_visible(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if d is None:
        raise Http404("没有该事项,或不在您的管辖范围内")
    return d


@router.get("/", response=list[DeadlineOut])
def deadline_list(
    request: HttpRequest, status: str | None = None, overdue: bool | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    now = timezone.now()
    qs = deadlines_visible(user=request.user)  # type: ignore[arg-type]
    if status:
        if status not in Deadline.Status.values:
            raise DomainError(f"status 应为 {'/'.join(Deadline.Status.values)}")
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(status=Deadline.Status.OPEN, due_at__lt=now)
    elif overdue is False:
        qs = qs.exclude(status=Deadline.Status.OPEN, due_at__lt=now)
    return [_out(d, now) for d in qs.order_by("due_at", "pk")[: max(1, min(limit, 1000))]]


@router.get("/{int:pk}", response=DeadlineOut)
def deadline_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(_get(request, pk), timezone.now())


@router.post("/{int:pk}/complete", response=DeadlineOut)
def complete(request: HttpRequest, pk: int, payload: CompleteIn) -> dict[str, Any]:
    d = deadline_complete(deadline=_get(request, pk), actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return _out(d, timezone.now())


@router.post("/{int:pk}/cancel", response=DeadlineOut)
def cancel(request: HttpRequest, pk: int, payload: CancelIn) -> dict[str, Any]:
    d = deadline_cancel(deadline=_get(request, pk), actor=request.user, reason=payload.reason)  # type: ignore[arg-type]
    return _out(d, timezone.now())
