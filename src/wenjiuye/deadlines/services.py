"""Creating, closing and firing deadlines. Every change is audited in the same transaction.

A deadline's reminders and escalations are :class:`DeadlineStep` rows created with it. The worker
(:func:`deadlines_tick`, every minute) fires each due step exactly once: it claims the step with a
conditional UPDATE (``fired_at IS NULL``) inside the transaction that writes the inbox messages and
queues the external deliveries, so a crash at any moment either leaves the step unclaimed (fired by
the next pass) or fired with all its messages. External channels are then at least once (see
:mod:`wenjiuye.notify.services`).

Escalation tiers resolve to users when the step fires:

- ``assignee``: the deadline's assignee; without one, the ``county`` tier;
- ``county``: active ``county_officer`` users whose region is the deadline's county (the first six
  digits of its region code), plus whoever is on the county work group's duty shift at that time
  (24小时值守, O2);
- ``county_head``: the county bureau head. Roles have no "head", so this is the county work
  group's members (``core.Member``) with position 总负责人/负责人/组长 who have a system account;
  when none is registered, the ``county`` tier;
- ``city_office``: active ``city_office`` users.

A tier that resolves to nobody falls back to the next wider one (finally ``city_office``), so an
escalation never goes nowhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core import labels
from wenjiuye.core.audit import record_event
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import DutyShift, Event, Member, Region, Unit, User, WorkGroup
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap, Role
from wenjiuye.core.scope import can
from wenjiuye.deadlines.models import Deadline, DeadlineStep
from wenjiuye.deadlines.selectors import due_steps, subject_key
from wenjiuye.notify.services import notify_users, notify_webhooks

REMINDERS_KEY = "deadline.default_reminders_minutes"
ESCALATION_KEY = "deadline.escalation_path"
TIERS = {t.value for t in DeadlineStep.Tier}


def deadline_create(
    *,
    kind: str,
    title: str,
    clause: str,
    subject: models.Model,
    region: Region | str,
    due_at: datetime,
    actor: User | None = None,
    unit: Unit | None = None,
    assignee: User | None = None,
    policy: dict[str, Any] | None = None,
    reminders: list[int] | None = None,
    escalation: list[dict[str, Any]] | None = None,
) -> Deadline:
    """The deadline ``kind`` for ``subject``; created once, returned as is when it exists.

    ``policy`` records the parameter values and versions the due time came from (use
    :func:`wenjiuye.core.policy.policy_cite`), so that the deadline shows why it exists.
    """
    if timezone.is_naive(due_at):
        raise ValidationError({"due_at": _("期限必须带时区")})
    subject_type, subject_id = subject_key(subject)
    region_obj = region if isinstance(region, Region) else Region.objects.get(pk=region)
    now = timezone.now()
    cited = dict(policy or {})
    if reminders is None:
        reminders = _default(REMINDERS_KEY, now, cited) or []
    if escalation is None:
        escalation = _default(ESCALATION_KEY, now, cited) or []
    reminders = _valid_reminders(reminders)
    escalation = _valid_escalation(escalation)
    with transaction.atomic():
        deadline, created = Deadline.objects.get_or_create(
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            defaults={
                "title": title,
                "clause": clause,
                "subject_repr": str(subject)[:200],
                "region": region_obj,
                "unit": unit,
                "assignee": assignee,
                "due_at": due_at,
                "policy": cited,
                "reminders": reminders,
                "escalation": escalation,
                "created_at": now,
            },
        )
        if created:
            _plan_steps(deadline, now)
            record_event(
                actor=actor,
                action=Event.Action.CREATE,
                obj=deadline,
                region_code=region_obj.code,
                changes={"kind": kind, "due_at": due_at.isoformat(), "clause": clause},
            )
    return deadline


#: deadlines about the assistance ledger (a case, a registration, a referred laid-off worker),
#: which case workers (grid workers too) may complete
CASE_SUBJECTS = ("assistance.case", "assistance.pendingregistration", "response.layoffworker")


def may_close(user: User, deadline: Deadline, *, cancel: bool = False) -> bool:
    """May ``user`` complete (or, ``cancel``, withdraw) ``deadline``? The bureau's writers in its
    region; a deadline about the assistance ledger is also completed by the case workers of its
    region, but only the bureau withdraws one (the supervised do not silence their supervision)."""
    cap = Cap.CASE_WORK if deadline.subject_type in CASE_SUBJECTS and not cancel else Cap.WRITE
    return can(user, cap, deadline.region_id)


def _close(
    deadline: Deadline, actor: User, status: str, note: str, *, consequence: bool = False
) -> Deadline:
    withdraw = status == Deadline.Status.CANCELLED and not consequence
    if not may_close(actor, deadline, cancel=withdraw):
        raise PermissionDenied(_("无权办结该事项"))
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.status != Deadline.Status.OPEN:
            raise ValidationError({"status": _("该事项已办结或已撤销")})
        locked.status = status
        locked.completed_at = timezone.now()
        locked.completed_by = actor
        locked.completion_note = note[:500]
        locked.save(update_fields=["status", "completed_at", "completed_by", "completion_note"])
        skipped = DeadlineStep.objects.filter(
            deadline=locked, fired_at__isnull=True, skipped_at__isnull=True
        ).update(skipped_at=locked.completed_at)
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.region_id,
            changes={"status": [Deadline.Status.OPEN, status], "steps_skipped": skipped},
            note=note,
        )
    return locked


def deadline_complete(*, deadline: Deadline, actor: User, note: str = "") -> Deadline:
    return _close(deadline, actor, Deadline.Status.DONE, note)


def deadline_cancel(
    *, deadline: Deadline, actor: User, reason: str, consequence: bool = False
) -> Deadline:
    """Withdraw ``deadline``: the bureau's decision; or, ``consequence``, what another service's
    rule does when its subject changes (a case that finds work no longer needs its contact
    deadline), which whoever may complete the deadline may cause."""
    if not reason.strip():
        raise ValidationError({"reason": _("撤销须说明理由")})
    return _close(deadline, actor, Deadline.Status.CANCELLED, reason, consequence=consequence)


# --- Planning the steps -------------------------------------------------------------------


def _default(key: str, now: datetime, cited: dict[str, Any]) -> Any:
    """The policy default in force today, cited into the deadline's policy values."""
    try:
        version = policy_get(key, on=timezone.localdate(now))
    except PolicyNotInForce:
        return None
    cited[key] = policy_cite(version)
    return version.value


def _valid_reminders(reminders: list[int]) -> list[int]:
    out = []
    for m in reminders:
        if isinstance(m, bool) or not isinstance(m, int) or m <= 0:
            raise ValidationError(
                {"reminders": _("提醒时点应为到期前的正整数分钟:%(m)s") % {"m": repr(m)}}
            )
        out.append(m)
    return sorted(set(out), reverse=True)


def _valid_escalation(escalation: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for level in escalation:
        after = level.get("after_minutes") if isinstance(level, dict) else None
        to = level.get("to") if isinstance(level, dict) else None
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ValidationError(
                {
                    "escalation": _("督办时点应为逾期后的非负整数分钟:%(level)s")
                    % {"level": repr(level)}
                }
            )
        if to not in TIERS:
            raise ValidationError(
                {
                    "escalation": _("督办对象应为 %(value)s 之一:%(to)s")
                    % {"value": "、".join(sorted(TIERS)), "to": repr(to)}
                }
            )
        out.append({"after_minutes": after, "to": to})
    return sorted(out, key=lambda e: e["after_minutes"])


def _plan_steps(deadline: Deadline, now: datetime) -> None:
    """One step per reminder (still ahead of ``now``) and per escalation level."""
    steps = [
        DeadlineStep(
            deadline=deadline,
            kind=DeadlineStep.Kind.REMINDER,
            seq=i,
            offset_minutes=-m,
            fire_at=deadline.due_at - timedelta(minutes=m),
            tier=DeadlineStep.Tier.ASSIGNEE,
        )
        for i, m in enumerate(deadline.reminders, start=1)
        if deadline.due_at - timedelta(minutes=m) > now
    ]
    steps += [
        DeadlineStep(
            deadline=deadline,
            kind=DeadlineStep.Kind.ESCALATION,
            seq=i,
            offset_minutes=e["after_minutes"],
            fire_at=deadline.due_at + timedelta(minutes=e["after_minutes"]),
            tier=e["to"],
        )
        for i, e in enumerate(deadline.escalation, start=1)
    ]
    DeadlineStep.objects.bulk_create(steps)


# --- Who a tier is ------------------------------------------------------------------------

FALLBACK = {
    DeadlineStep.Tier.ASSIGNEE: DeadlineStep.Tier.COUNTY,
    DeadlineStep.Tier.COUNTY_HEAD: DeadlineStep.Tier.COUNTY,
    DeadlineStep.Tier.COUNTY: DeadlineStep.Tier.CITY_OFFICE,
}
HEAD_POSITIONS = [Member.Position.HEAD, Member.Position.LEADER, Member.Position.GROUP_LEADER]


def tier_users(tier: str, deadline: Deadline, at: datetime | None = None) -> list[User]:
    """The active users a step of ``tier`` notifies for ``deadline`` (see the module doc)."""
    now = at or timezone.now()
    county = deadline.region_id[:6]
    users: list[User] = []
    if tier == DeadlineStep.Tier.ASSIGNEE:
        users = [deadline.assignee] if deadline.assignee else []
    elif tier == DeadlineStep.Tier.COUNTY:
        users = list(
            User.objects.filter(role=Role.COUNTY_OFFICER, region_id=county, is_active=True)
        )
        shift = (
            DutyShift.objects.filter(
                work_group__region_id=county, starts_at__lte=now, ends_at__gt=now
            )
            .select_related("on_duty")
            .first()
        )
        if shift is not None:
            users.append(shift.on_duty)
    elif tier == DeadlineStep.Tier.COUNTY_HEAD:
        group = WorkGroup.objects.filter(region_id=county).first()
        if group is not None:
            users = [
                m.user
                for m in group.members.filter(
                    position__in=HEAD_POSITIONS, user__isnull=False, working_group__isnull=True
                ).select_related("user")
                if m.user is not None
            ]
    elif tier == DeadlineStep.Tier.CITY_OFFICE:
        users = list(User.objects.filter(role=Role.CITY_OFFICE, is_active=True))
    users = [u for u in dict.fromkeys(users) if u.is_active]
    if not users and tier in FALLBACK:
        return tier_users(FALLBACK[DeadlineStep.Tier(tier)], deadline, now)
    return users


# --- Firing -------------------------------------------------------------------------------


def _span(minutes: int) -> str:
    days, rest = divmod(abs(minutes), 1440)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{days}天" if days else "",
        f"{hours}小时" if hours else "",
        f"{mins}分钟" if mins else "",
    ]
    return "".join(parts) or "0分钟"


def step_message(step: DeadlineStep) -> tuple[str, str]:
    """Subject and body of the message a step sends (Chinese)."""
    d = step.deadline
    due = timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M")
    who = "、".join(
        x
        for x in [
            str(d.unit or ""),
            labels.label("user", d.assignee.username) if d.assignee else "",
        ]
        if x
    )
    if step.kind == DeadlineStep.Kind.REMINDER:
        subject = f"【到期提醒】{d.title}"
        body = f"{d.subject_repr}:须于 {due} 前办结,还剩 {_span(-step.offset_minutes)}。依据 {d.clause}。"
    else:
        subject = f"【逾期督办】{d.title}"
        body = (
            f"{d.subject_repr}:期限 {due} 已逾期{_span(step.offset_minutes) if step.offset_minutes else ''},"
            f"第{step.seq}级督办({step.get_tier_display()})。"
            f"责任方:{who or d.region.name}。依据 {d.clause}。"
        )
    return subject, body


def _channels() -> tuple[str, ...]:
    return tuple(getattr(settings, "DEADLINES_NOTIFY_CHANNELS", ("inbox", "email")))


def step_fire(*, step_id: int, at: datetime | None = None) -> bool:
    """Fire one due step exactly once; False when it was fired, skipped or closed meanwhile."""
    now = at or timezone.now()
    with transaction.atomic():
        # Only columns of the step's own row, so that the UPDATE's WHERE is re-checked on the
        # locked row (PostgreSQL) and is serialised by the write lock (SQLite). Closing a
        # deadline sets skipped_at on its pending steps in the closing transaction.
        claimed = DeadlineStep.objects.filter(
            pk=step_id, fired_at__isnull=True, skipped_at__isnull=True
        ).update(fired_at=now)
        if not claimed:
            return False
        step = DeadlineStep.objects.select_related(
            "deadline", "deadline__region", "deadline__unit", "deadline__assignee"
        ).get(pk=step_id)
        deadline = step.deadline
        users = tier_users(step.tier, deadline, now)
        subject, body = step_message(step)
        link = f"/deadlines/{deadline.pk}/"
        notify_users(
            users=users, subject=subject, body=body, link=link, ref=step, channels=_channels()
        )
        if step.kind == DeadlineStep.Kind.ESCALATION:
            notify_webhooks(
                subject=subject,
                body=body,
                region=deadline.region,
                unit=deadline.unit,
                link=link,
                ref=step,
            )
        step.recipients = [u.get_username() for u in users]
        step.save(update_fields=["recipients"])
        record_event(
            actor=None,
            action=Event.Action.UPDATE,
            obj=deadline,
            region_code=deadline.region_id,
            changes={
                "step": step.pk,
                "kind": step.kind,
                "seq": step.seq,
                "tier": step.tier,
                "recipients": step.recipients,
            },
            note=subject,
        )
    return True


def deadlines_tick(*, at: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """One pass of the worker: fire every due step (each in its own transaction)."""
    now = at or timezone.now()
    fired = {"reminder": 0, "escalation": 0}
    for step_id, kind in list(due_steps(now).values_list("pk", "kind")[:limit]):
        if step_fire(step_id=step_id, at=now):
            fired[kind] += 1
    return fired
