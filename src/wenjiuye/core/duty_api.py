"""JSON API of the duty roster (值班表, O2), to be mounted under /api/duty/ by wenjiuye.api.

Errors: 404 out of scope, 403 without ``Cap.WRITE`` in the work group's region (without
``Cap.VIEW_PERSONAL`` for the reveal), 400 with the reason for invalid input
(``ValidationError``), 409 when the policy parameter is not in force. Every answer shows the duty
phone masked; ``POST /shifts/{pk}/reveal`` answers the full phone and audits the view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from wenjiuye.core import duty
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import request_user

router = Router()

MAX_ROWS = 500


class ShiftIn(Schema):
    work_group_id: int
    starts_at: datetime
    ends_at: datetime
    on_duty_id: int
    phone: str = ""


class HandoverIn(Schema):
    handed_over_to_id: int
    notes: str


class DeleteIn(Schema):
    reason: str


@router.get("/shifts")
def shift_list(
    request: HttpRequest,
    county: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    user = request_user(request)
    shifts = duty.duty_shifts_for(user, county=county, start=start, end=end).order_by("-starts_at")
    return [duty.shift_as_dict(s, user=user) for s in shifts[:MAX_ROWS]]


@router.get("/shifts/{pk}")
def shift_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    return duty.shift_as_dict(duty.duty_shift_get(user=user, pk=pk), user=user)


@router.post("/shifts/{pk}/reveal")
def shift_reveal(request: HttpRequest, pk: int) -> dict[str, str]:
    user = request_user(request)
    shift = duty.duty_shift_get(user=user, pk=pk)
    phone = duty.duty_phone_reveal(actor=user, shift=shift, ip=request.META.get("REMOTE_ADDR"))
    return {"phone": phone}


@router.post("/shifts")
def shift_create(request: HttpRequest, payload: ShiftIn) -> dict[str, Any]:
    user = request_user(request)
    group = duty.work_group_get(user=user, pk=payload.work_group_id)
    require(user, Cap.WRITE, group.region_id)
    shift = duty.duty_shift_create(
        actor=user,
        work_group=group,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        on_duty=duty.account_get(payload.on_duty_id, _("值班人")),
        phone=payload.phone,
    )
    return duty.shift_as_dict(shift, user=user)


@router.post("/shifts/{pk}/handover")
def shift_handover(request: HttpRequest, pk: int, payload: HandoverIn) -> dict[str, Any]:
    user = request_user(request)
    shift = duty.duty_shift_get(user=user, pk=pk)
    require(user, Cap.WRITE, shift.work_group.region_id)
    shift = duty.duty_shift_handover(
        actor=user,
        shift=shift,
        notes=payload.notes,
        handed_over_to=duty.account_get(payload.handed_over_to_id, _("接班人")),
    )
    return duty.shift_as_dict(shift, user=user)


@router.post("/shifts/{pk}/delete")
def shift_delete(request: HttpRequest, pk: int, payload: DeleteIn) -> dict[str, Any]:
    user = request_user(request)
    shift = duty.duty_shift_get(user=user, pk=pk)
    require(user, Cap.WRITE, shift.work_group.region_id)
    duty.duty_shift_delete(actor=user, shift=shift, reason=payload.reason)
    return {"id": pk, "deleted": True}
