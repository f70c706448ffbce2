"""Pages of the duty roster (值班表, O2): who is on duty now and the shifts (filters, pages,
download), create, detail with handover, delete, and the audited reveal of the full duty phone.

Out of scope → 404 (the selectors), in scope but without ``Cap.WRITE`` (``Cap.VIEW_PERSONAL``
for the reveal) → 403, invalid input → 400 with the reason. The duty phone is masked on every
page except the answer of the reveal POST.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, TextChoices
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wenjiuye.core import duty, labels
from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.listing import Column, Filter, ListSpec, listing, xlsx_response
from wenjiuye.core.models import DutyShift, User, WorkGroup
from wenjiuye.core.periods import add_months, day_start
from wenjiuye.core.policy import policy_cite
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Users shown as "name (unit) · region"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{person(obj)} · {labels.label('region', obj.region_id)}"


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


class DutyState(TextChoices):
    """A shift's state as the list shows and filters it."""

    UPCOMING = "upcoming", gettext_lazy("未开始")
    NOW = "now", gettext_lazy("值班中")
    PENDING = "pending", gettext_lazy("已结束未交接")
    HANDED = "handed", gettext_lazy("已交接")


def shift_state(shift: DutyShift, at: datetime) -> DutyState:
    if shift.starts_at > at:
        return DutyState.UPCOMING
    if shift.handed_over_to_id is not None:
        return DutyState.HANDED
    return DutyState.NOW if at < shift.ends_at else DutyState.PENDING


def _in_state(qs: QuerySet[DutyShift], value: str) -> QuerySet[DutyShift]:
    now = timezone.now()
    started = qs.filter(starts_at__lte=now)
    return {
        DutyState.UPCOMING: lambda: qs.filter(starts_at__gt=now),
        DutyState.HANDED: lambda: started.filter(handed_over_to__isnull=False),
        DutyState.NOW: lambda: started.filter(handed_over_to__isnull=True, ends_at__gt=now),
        DutyState.PENDING: lambda: started.filter(handed_over_to__isnull=True, ends_at__lte=now),
    }[DutyState(value)]()


def _starting_in(qs: QuerySet[DutyShift], period: str) -> QuerySet[DutyShift]:
    first = date(int(period[:4]), int(period[4:]), 1)
    return qs.filter(starts_at__gte=day_start(first), starts_at__lt=day_start(add_months(first, 1)))


def _group_choices(user: User) -> list[tuple[str, str]]:
    return [(g.region_id, g.name) for g in duty.work_groups_for(user)]


def person(user: User | None) -> str:
    """A person on a roster by name and unit (never the login name alone)."""
    return labels.label("user", user.username) if user is not None else ""


SHIFTS = ListSpec(
    name="duty-shifts",
    title=gettext_lazy("值班表"),
    columns=[
        Column(gettext_lazy("工作专班"), lambda s: s.work_group.name),
        Column(gettext_lazy("开始时间"), lambda s: s.starts_at),
        Column(gettext_lazy("结束时间"), lambda s: s.ends_at),
        Column(gettext_lazy("状态"), lambda s: shift_state(s, timezone.now()).label),
        Column(gettext_lazy("值班人"), lambda s: person(s.on_duty)),
        Column(gettext_lazy("值班电话"), lambda s: s.phone, personal="phone"),
        Column(gettext_lazy("接班人"), lambda s: person(s.handed_over_to)),
        Column(gettext_lazy("交接班记录"), lambda s: s.handover_notes),
    ],
    filters=[
        Filter(
            "county",
            gettext_lazy("工作专班"),
            "work_group__region_id",
            choices=_group_choices,
        ),
        Filter("state", gettext_lazy("状态"), _in_state, choices=DutyState.choices),
        Filter("month", gettext_lazy("开始月份"), _starting_in, kind="period"),
    ],
    search=[
        "on_duty__first_name",
        "on_duty__last_name",
        "on_duty__username",
        "handed_over_to__first_name",
        "handed_over_to__last_name",
        "handover_notes",
    ],
    search_label=gettext_lazy("值班人、接班人或交接记录"),
    sorts={"starts": "starts_at", "group": ("work_group__region__sort_order", "starts_at")},
    default_sort="-starts",
)


def _policy_note() -> dict[str, Any]:
    """The maximum shift length in force now, cited by name (409 when none is: core.errors)."""
    return labels.policy_shown(policy_cite(duty.max_hours(timezone.now())))


@login_required
def duty_list(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user
    result = listing(request, duty.duty_shifts_for(user), SHIFTS)
    if result.export:
        return xlsx_response(request, result.rows, SHIFTS)
    groups = list(duty.work_groups_for(user))
    county = next((f.value for f in result.filters if f.name == "county"), "")
    shown = [g for g in groups if not county or g.region_id == county]
    now = timezone.now()
    running = duty.duty_shifts_for(user).filter(starts_at__lte=now, ends_at__gt=now)
    current = {s.work_group_id: s for s in running}
    on_duty = [
        {
            "group": g,
            "shift": current.get(g.pk),
            "phone": duty.shift_phone(current[g.pk]) if g.pk in current else "",
        }
        for g in shown
    ]
    rows = [
        {"shift": s, "phone": duty.shift_phone(s), "state": shift_state(s, now)}
        for s in result.page
    ]
    return render(
        request,
        "core/duty/list.html",
        {
            "listing": result,
            "page": result.page,
            "rows": rows,
            "on_duty": on_duty,
            "may_write": can(user, Cap.WRITE) and bool(groups),
            "policy": _policy_note(),
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
