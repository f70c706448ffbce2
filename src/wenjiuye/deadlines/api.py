"""JSON API of deadlines, mounted under /api/deadlines/ by wenjiuye.api."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from wenjiuye.core.types import request_user
from wenjiuye.deadlines import selectors
from wenjiuye.deadlines.selectors import deadline_dict
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete

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


@router.get("/", response=list[DeadlineOut])
def deadline_list(
    request: HttpRequest, status: str | None = None, overdue: bool | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    now = timezone.now()
    qs = selectors.deadlines_filtered(
        user=request_user(request), status=status, overdue=overdue, at=now
    )
    return [deadline_dict(d, at=now) for d in qs[: max(1, min(limit, 1000))]]


@router.get("/{int:pk}", response=DeadlineOut)
def deadline_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return deadline_dict(selectors.deadline_get(user=request_user(request), pk=pk))


@router.post("/{int:pk}/complete", response=DeadlineOut)
def complete(request: HttpRequest, pk: int, payload: CompleteIn) -> dict[str, Any]:
    user = request_user(request)
    d = deadline_complete(
        deadline=selectors.deadline_get(user=user, pk=pk), actor=user, note=payload.note
    )
    return deadline_dict(d)


@router.post("/{int:pk}/cancel", response=DeadlineOut)
def cancel(request: HttpRequest, pk: int, payload: CancelIn) -> dict[str, Any]:
    user = request_user(request)
    d = deadline_cancel(
        deadline=selectors.deadline_get(user=user, pk=pk), actor=user, reason=payload.reason
    )
    return deadline_dict(d)
