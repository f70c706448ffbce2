"""Pages of the duty roster (值班表, O2): list, create, detail with handover, delete, and the
audited reveal of the full duty phone.

Out of scope → 404 (the selectors), in scope but without ``Cap.WRITE`` (``Cap.VIEW_PERSONAL``
for the reveal) → 403, invalid input → 400 with the reason. The duty phone is masked on every
page except the answer of the reveal POST.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenjiuye.core import duty
from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.models import DutyShift, User, WorkGroup
from wenjiuye.core.policy import policy_cite
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
UPCOMING_DAYS = 14
PAST_DAYS = 30


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Users shown as "name (username) · region code"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{duty.person_label(obj)} · {obj.region_id}"


class ShiftForm(forms.Form):
    work_group: forms.ModelChoiceField[WorkGroup] = forms.ModelChoiceField(
        queryset=WorkGroup.objects.none(), label=gettext_lazy("工作专班")
    )
    starts_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DT)
    ends_at = forms.DateTimeField(label=gettext_lazy("结束时间"), widget=DT)
    on_duty = PersonChoiceField(queryset=User.objects.none(), label=gettext_lazy("值班人"))
    phone = forms.CharField(
        label=gettext_lazy("值班电话"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("不填则使用值班人的手机号"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["work_group"]
        person = self.fields["on_duty"]
        assert isinstance(group, forms.ModelChoiceField)
        assert isinstance(person, forms.ModelChoiceField)
        group.queryset = duty.work_groups_for(user)
        person.queryset = duty.on_duty_candidates(user)


class HandoverForm(forms.Form):
    handed_over_to = PersonChoiceField(queryset=User.objects.none(), label=gettext_lazy("接班人"))
    notes = forms.CharField(
        label=gettext_lazy("交接班记录"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, shift: DutyShift, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handed_over_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = duty.handover_candidates(shift)


class DeleteForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("删除原因"), max_length=500)


def _rows(shifts: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {
            "shift": s,
            "phone": duty.shift_phone(s),
            "now": s.starts_at <= now < s.ends_at,
        }
        for s in shifts
    ]


def _policy_note() -> dict[str, Any]:
    """The maximum shift length in force now, cited (409 when none is: see core.errors)."""
    return policy_cite(duty.max_hours(timezone.now()))


@login_required
def duty_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    groups = list(duty.work_groups_for(user))
    county = request.GET.get("county") or None
    if county and county not in {g.region_id for g in groups}:
        return HttpResponse(_("未知的县(市、区)或不在您的管辖范围内"), status=400)
    shown = [g for g in groups if county is None or g.region_id == county]
    now = timezone.now()
    upcoming = duty.duty_shifts_for(
        user, county=county, start=now, end=now + timedelta(days=UPCOMING_DAYS)
    ).order_by("starts_at")
    past = (
        duty.duty_shifts_for(user, county=county, start=now - timedelta(days=PAST_DAYS))
        .filter(ends_at__lte=now)
        .order_by("-starts_at")
    )
    current = {s.work_group_id: s for s in upcoming if s.starts_at <= now}
    on_duty = [
        {
            "group": g,
            "shift": current.get(g.pk),
            "phone": duty.shift_phone(current[g.pk]) if g.pk in current else "",
        }
        for g in shown
    ]
    return render(
        request,
        "core/duty/list.html",
        {
            "on_duty": on_duty,
            "upcoming": _rows(upcoming),
            "past": _rows(past),
            "groups": groups,
            "county": county,
            "show_filter": len(groups) > 1,
            "may_write": can(user, Cap.WRITE) and bool(groups),
            "policy": _policy_note(),
            "upcoming_days": UPCOMING_DAYS,
            "past_days": PAST_DAYS,
        },
    )


@login_required
def duty_create(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require(user, Cap.WRITE)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        raw_group = request.POST.get("work_group", "")
        if raw_group.isdigit():
            group = duty.work_group_get(user=user, pk=int(raw_group))  # 404 out of scope
            require(user, Cap.WRITE, group.region_id)  # 403
        form = ShiftForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                shift = duty.duty_shift_create(
                    actor=user,
                    work_group=data["work_group"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    on_duty=data["on_duty"],
                    phone=data["phone"],
                )
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                return redirect("duty:detail", pk=shift.pk)
        else:
            errors = error_messages(form)
        status = 400
    else:
        initial: dict[str, Any] = {}
        groups = list(duty.work_groups_for(user)[:2])
        if len(groups) == 1:
            initial["work_group"] = groups[0]
        form = ShiftForm(user=user, initial=initial)
    return render(
        request,
        "core/duty/create.html",
        {"form": form, "errors": errors, "policy": _policy_note()},
        status=status,
    )


def _detail(
    request: AuthedHttpRequest,
    shift: DutyShift,
    *,
    errors: list[str] | None = None,
    revealed: str | None = None,
    **forms_: Any,
) -> dict[str, Any]:
    """The detail page's context; ``revealed`` the full phone returned by the audited reveal."""
    user = request.user
    now = timezone.now()
    may_write = can(user, Cap.WRITE, shift.work_group.region_id)
    return {
        "shift": shift,
        "phone": duty.shift_phone(shift) if revealed is None else revealed,
        "phone_masked": revealed is None,
        "may_reveal": revealed is None and bool(shift.phone) and duty.may_reveal(user, shift),
        "now": shift.starts_at <= now < shift.ends_at,
        "may_handover": may_write and shift.starts_at <= now and shift.handed_over_to_id is None,
        "may_delete": may_write and shift.starts_at > now,
        "handover_form": forms_.get("handover_form") or HandoverForm(shift=shift),
        "delete_form": forms_.get("delete_form") or DeleteForm(),
        "history": events_for(shift)[:30],
        "errors": errors or [],
    }


@login_required
def duty_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    shift = duty.duty_shift_get(user=request.user, pk=pk)
    return render(request, "core/duty/detail.html", _detail(request, shift))


@login_required
@require_POST
def duty_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The detail page with the full duty phone; 404 out of scope, 403 without
    ``Cap.VIEW_PERSONAL`` in the work group's region; each reveal is audited."""
    shift = duty.duty_shift_get(user=request.user, pk=pk)
    phone = duty.duty_phone_reveal(
        actor=request.user, shift=shift, ip=request.META.get("REMOTE_ADDR")
    )
    return render(request, "core/duty/detail.html", _detail(request, shift, revealed=phone))


@login_required
@require_POST
def duty_handover(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    shift = duty.duty_shift_get(user=user, pk=pk)
    require(user, Cap.WRITE, shift.work_group.region_id)
    form = HandoverForm(request.POST, shift=shift)
    if form.is_valid():
        try:
            duty.duty_shift_handover(
                actor=user,
                shift=shift,
                notes=form.cleaned_data["notes"],
                handed_over_to=form.cleaned_data["handed_over_to"],
            )
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("duty:detail", pk=shift.pk)
    else:
        errors = error_messages(form)
    shift.refresh_from_db()
    return render(
        request,
        "core/duty/detail.html",
        _detail(request, shift, errors=errors, handover_form=form),
        status=400,
    )


@login_required
@require_POST
def duty_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    shift = duty.duty_shift_get(user=user, pk=pk)
    require(user, Cap.WRITE, shift.work_group.region_id)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            duty.duty_shift_delete(actor=user, shift=shift, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("duty:list")
    else:
        errors = error_messages(form)
    return render(
        request,
        "core/duty/detail.html",
        _detail(request, shift, errors=errors, delete_form=form),
        status=400,
    )
