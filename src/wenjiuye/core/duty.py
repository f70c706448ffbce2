"""The 24-hour duty roster (值班表) of the work groups (O2).

"各县(市、区)……工作专班,实行24小时值守" — every county (and the city) work group keeps a
roster of duty shifts. A shift names the person on duty and the duty phone; at its end the
person records the handover (交接班记录) and who took over.

Rules (services refuse with a Chinese ``ValidationError``):

- a shift ends after it starts and lasts at most ``duty.shift.max_hours`` (policy parameter,
  read at the shift's start date; exactly the maximum is allowed);
- shifts of one work group never overlap (a shift may start when the previous one ends);
- the person on duty — and the person taking over — is an active user of the work group's own
  region: a county user of that county for a county work group, a city-level user for the
  city's work group;
- writes need ``Cap.WRITE`` in the work group's region; only a shift that has not started may
  be deleted, with a reason. Every write is audited in its own transaction.

Reading is scoped like every record: a county user sees the work group of their county, city
users, leaders, auditors and administrators see all. The duty phone (by default the on-duty
person's own mobile, so personal data) is masked for every reader; a user who may see personal
data in the work group's region reveals it with :func:`duty_phone_reveal`, and each reveal is an
audited ``VIEW_UNMASKED`` event.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core import labels
from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.identifiers import mask_phone
from wenjiuye.core.models import DutyShift, Event, PolicyParameter, User, WorkGroup
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require, scoped

MAX_HOURS_KEY = "duty.shift.max_hours"
PHONE_RE = re.compile(r"[0-9+\-() ]{3,20}")


# --- Selectors ----------------------------------------------------------------------------


def work_groups_for(user: User) -> QuerySet[WorkGroup]:
    """The work groups in the user's scope (by the work group's region code)."""
    return scoped(WorkGroup.objects.select_related("region"), user, field="region__code").order_by(
        "region__sort_order", "region__code"
    )


def work_group_get(*, user: User, pk: int) -> WorkGroup:
    """The work group, or 404 when it does not exist or lies outside the user's scope."""
    group = work_groups_for(user).filter(pk=pk).first()
    if group is None:
        raise Http404(_("工作专班不存在或不在您的管辖范围内"))
    return group


def duty_shifts_for(
    user: User,
    *,
    county: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[DutyShift]:
    """The shifts the user may read; ``county`` a work group's region code; ``start``/``end``
    keep the shifts that overlap ``[start, end)``."""
    qs = scoped(
        DutyShift.objects.select_related("work_group__region", "on_duty", "handed_over_to"),
        user,
        field="work_group__region__code",
    )
    if county:
        qs = qs.filter(work_group__region_id=county)
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs


def duty_shift_get(*, user: User, pk: int) -> DutyShift:
    """The shift, or 404 when it does not exist or lies outside the user's scope."""
    shift = duty_shifts_for(user).filter(pk=pk).first()
    if shift is None:
        raise Http404(_("值班记录不存在或不在您的管辖范围内"))
    return shift


def duty_now(region_code: str, at: datetime | None = None) -> DutyShift | None:
    """The shift of the work group of ``region_code`` covering the moment ``at`` (default now):
    ``starts_at <= at < ends_at``. Not scoped: for services (escalation) and callers that
    checked the scope already."""
    moment = at or timezone.now()
    return (
        DutyShift.objects.filter(
            work_group__region_id=region_code, starts_at__lte=moment, ends_at__gt=moment
        )
        .select_related("work_group__region", "on_duty")
        .first()
    )


def may_reveal(user: User, shift: DutyShift) -> bool:
    """May ``user`` reveal the full duty phone (``Cap.VIEW_PERSONAL`` in the work group's
    region)? Whether the user sees the shift at all is the selectors' business."""
    return can(user, Cap.VIEW_PERSONAL, shift.work_group.region_id)


def shift_phone(shift: DutyShift) -> str:
    """The duty phone as every page and API read shows it: masked. The full number only comes
    from :func:`duty_phone_reveal`."""
    return mask_phone(shift.phone)


def person_label(user: User | None) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name}({user.username})" if name else user.username


def shift_as_dict(shift: DutyShift, *, user: User, at: datetime | None = None) -> dict[str, Any]:
    moment = at or timezone.now()
    return {
        "id": shift.pk,
        "work_group_id": shift.work_group_id,
        "work_group": shift.work_group.name,
        "region_code": shift.work_group.region_id,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
        "on_duty_id": shift.on_duty_id,
        "on_duty": person_label(shift.on_duty),
        "phone": shift_phone(shift),
        "phone_masked": True,
        "may_reveal": may_reveal(user, shift),
        "on_duty_now": shift.starts_at <= moment < shift.ends_at,
        "handover_notes": shift.handover_notes,
        "handed_over_to_id": shift.handed_over_to_id,
        "handed_over_to": person_label(shift.handed_over_to),
    }


def on_duty_candidates(user: User) -> QuerySet[User]:
    """Active users who may be put on duty in a work group the user sees."""
    regions = work_groups_for(user).values_list("region_id", flat=True)
    return User.objects.filter(is_active=True, region_id__in=list(regions)).order_by(
        "region_id", "username"
    )


def handover_candidates(shift: DutyShift) -> QuerySet[User]:
    """Active users of the work group's region who may take the shift over (not its own)."""
    return (
        User.objects.filter(is_active=True, region_id=shift.work_group.region_id)
        .exclude(pk=shift.on_duty_id)
        .order_by("username")
    )


def account_get(pk: int, what: str) -> User:
    """The account ``pk`` named as ``what`` (值班人, 接班人), else a refusal naming it."""
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise ValidationError(_("%(what)s账号不存在") % {"what": what})
    return person


def max_hours(on: datetime) -> PolicyParameter:
    """The version of ``duty.shift.max_hours`` in force on the (local) day of ``on``."""
    return policy_get(MAX_HOURS_KEY, on=timezone.localdate(on))


# --- Validation ---------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours}小时{mins}分钟" if mins else f"{hours}小时"


def _check_person(work_group: WorkGroup, person: User | None, what: str) -> None:
    if person is None or not person.is_active or person.region_id != work_group.region_id:
        raise ValidationError(
            _(
                "%(what)s须为%(region)s的在岗用户:"
                "县级工作专班由本县(市、区)用户值班,市级工作专班由市级用户值班"
            )
            % {"what": what, "region": work_group.region}
        )


def _check_times(work_group: WorkGroup, starts_at: datetime, ends_at: datetime) -> PolicyParameter:
    if ends_at <= starts_at:
        raise ValidationError(_("结束时间必须晚于开始时间"))
    version = max_hours(starts_at)
    limit = timedelta(hours=float(version.value))
    if ends_at - starts_at > limit:
        raise ValidationError(
            _("班次时长%(span)s超过上限%(max)s小时(政策参数 %(key)s,%(clause)s)")
            % {
                "span": _span(ends_at - starts_at),
                "max": version.value,
                "key": version.key,
                "clause": version.clause,
            }
        )
    clash = (
        DutyShift.objects.filter(
            work_group=work_group, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .select_related("on_duty")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("与已排班次重叠:%(start)s 至 %(end)s,值班人 %(who)s(编号 %(pk)s)")
            % {
                "start": _local(clash.starts_at),
                "end": _local(clash.ends_at),
                "who": person_label(clash.on_duty),
                "pk": clash.pk,
            }
        )
    return version


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone and not PHONE_RE.fullmatch(phone):
        raise ValidationError(_("值班电话只能包含数字、空格和 + - ( ),长度3至20位"))
    return phone


# --- Services -----------------------------------------------------------------------------


def duty_shift_create(
    *,
    actor: User,
    work_group: WorkGroup,
    starts_at: datetime,
    ends_at: datetime,
    on_duty: User | None,
    phone: str = "",
) -> DutyShift:
    """Put ``on_duty`` on duty for ``work_group`` from ``starts_at`` to ``ends_at``.

    Without ``phone`` the person's own phone is the duty phone.
    """
    require(actor, Cap.WRITE, work_group.region_id)
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    phone = _check_phone(phone)
    _check_person(work_group, on_duty, _("值班人"))
    assert on_duty is not None
    with transaction.atomic():
        # Serialise the roster of one work group so that two concurrent entries cannot overlap.
        locked = WorkGroup.objects.select_for_update().get(pk=work_group.pk)
        version = _check_times(locked, starts_at, ends_at)
        shift = DutyShift.objects.create(
            work_group=locked,
            starts_at=starts_at,
            ends_at=ends_at,
            on_duty=on_duty,
            phone=phone or on_duty.phone,
        )
        cite = policy_cite(version)
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=shift,
            region_code=locked.region_id,
            changes=diff({}, snapshot(shift)),
            note=f"{labels.label('policy', cite['key'])}:{cite['value']}{cite['unit']}({cite['clause']})",
        )
    return shift


def duty_shift_handover(
    *, actor: User, shift: DutyShift, notes: str, handed_over_to: User | None
) -> DutyShift:
    """Record the handover of a shift that has started: the notes and who took over."""
    require(actor, Cap.WRITE, shift.work_group.region_id)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError(_("请填写交接班记录"))
    with transaction.atomic():
        locked = (
            DutyShift.objects.select_for_update(of=("self",))
            .select_related("work_group__region", "on_duty", "handed_over_to")
            .get(pk=shift.pk)
        )
        if locked.starts_at > timezone.now():
            raise ValidationError(_("该班次尚未开始,不能交接班"))
        if locked.handed_over_to_id is not None:
            raise ValidationError(
                _("该班次已交接给 %(who)s,不能重复交接")
                % {"who": person_label(locked.handed_over_to)}
            )
        _check_person(locked.work_group, handed_over_to, _("接班人"))
        assert handed_over_to is not None
        if handed_over_to.pk == locked.on_duty_id:
            raise ValidationError(_("接班人不能是本班次的值班人"))
        before = snapshot(locked)
        locked.handover_notes = notes
        locked.handed_over_to = handed_over_to
        locked.save(update_fields=["handover_notes", "handed_over_to"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.work_group.region_id,
            changes=diff(before, snapshot(locked)),
            note=_("交接班"),
        )
    return locked


def duty_shift_delete(*, actor: User, shift: DutyShift, reason: str) -> None:
    """Delete a shift that has not started; the reason goes to the audit log."""
    require(actor, Cap.WRITE, shift.work_group.region_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写删除原因"))
    with transaction.atomic():
        locked = DutyShift.objects.select_for_update().select_related("work_group").get(pk=shift.pk)
        if locked.starts_at <= timezone.now():
            raise ValidationError(_("班次已开始,不能删除(可在交接班记录中说明)"))
        record_event(
            actor=actor,
            action=Event.Action.DELETE,
            obj=locked,
            region_code=locked.work_group.region_id,
            changes=diff(snapshot(locked), {}),
            note=reason,
        )
        locked.delete()


@transaction.atomic
def duty_phone_reveal(*, actor: User, shift: DutyShift, ip: str | None = None) -> str:
    """The full duty phone, for a user who may see personal data in the work group's region
    (else ``PermissionDenied``); the view is audited as one ``VIEW_UNMASKED`` event."""
    require(actor, Cap.VIEW_PERSONAL, shift.work_group.region_id)
    record_event(
        actor=actor,
        action=Event.Action.VIEW_UNMASKED,
        obj=shift,
        region_code=shift.work_group.region_id,
        note=_("值班电话"),
        ip=ip,
    )
    return shift.phone
