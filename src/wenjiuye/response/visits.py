"""Visits to enterprises (E1, E2) and the key-concern ledger entry each visit updates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.models import Event, User
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.monitoring import ledger
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.registry.models import Enterprise
from wenjiuye.response.models import Visit


@transaction.atomic
def visit_create(*, actor: User, enterprise: Enterprise, **values: Any) -> Visit:
    """Record a visit (E1, E2) and update the enterprise's key-concern ledger entry: an open entry
    gains the visit as a note and is confirmed for the visit's month; otherwise an entry opens."""
    require(actor, Cap.WRITE, enterprise.region_id)
    visit = Visit(enterprise=enterprise, created_by=actor, **values)
    policies = set(visit.policies_briefed)
    if not policies <= set(Visit.PolicyBriefed.values):
        raise ValidationError({"policies_briefed": _("未知的宣讲政策")})
    if not set(visit.measures) <= set(Visit.Measure.values):
        raise ValidationError({"measures": _("未知的稳岗措施")})
    if visit.visited_on > today():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    if visit.next_visit_on is not None and visit.next_visit_on <= visit.visited_on:
        raise ValidationError({"next_visit_on": _("下次走访日期应晚于本次走访日期")})
    visit.full_clean(exclude=["created_by", "enterprise"])
    visit.save()
    record_event(
        actor=actor,
        action=Event.Action.CREATE,
        obj=visit,
        region_code=enterprise.region_id,
        changes=diff({}, snapshot(visit, [f for f in VISIT_FIELDS])),
    )
    _ledger_note(actor, visit)
    return visit


VISIT_FIELDS = [
    "enterprise_id",
    "visited_on",
    "visitors",
    "difficulties",
    "policies_briefed",
    "measures",
    "handbook_given",
    "outcome",
    "next_visit_on",
]


def visit_summary(visit: Visit) -> str:
    briefed = "、".join(str(Visit.PolicyBriefed(v).label) for v in visit.policies_briefed)
    measures = "、".join(str(Visit.Measure(v).label) for v in visit.measures)
    parts = [
        f"{visit.visited_on:%Y-%m-%d} 走访({visit.visitors})",
        f"困难:{visit.difficulties}" if visit.difficulties else "",
        f"宣讲:{briefed}" if briefed else "",
        f"措施:{measures}" if measures else "",
        "已发放裁员工作手册" if visit.handbook_given else "",
        f"结果:{visit.outcome}" if visit.outcome else "",
    ]
    return ";".join(p for p in parts if p)


def _ledger_note(actor: User, visit: Visit) -> LedgerEntry:
    enterprise = visit.enterprise
    period = visit.visited_on.strftime("%Y%m")
    summary = visit_summary(visit)
    entry = (
        LedgerEntry.objects.select_for_update()
        .filter(
            ledger=LedgerEntry.Ledger.KEY_ENTERPRISE,
            subject_type="enterprise",
            subject_id=enterprise.uscc,
            group="",
        )
        .exclude(status=LedgerEntry.Status.CLOSED)
        .first()
    )
    if entry is None:
        return ledger.ledger_add(
            actor=actor,
            ledger=LedgerEntry.Ledger.KEY_ENTERPRISE,
            subject_type="enterprise",
            subject_id=enterprise.uscc,
            region_code=enterprise.region_id,
            reason=_("走访发现困难:%(d)s") % {"d": visit.difficulties[:100]}
            if visit.difficulties
            else _("走访重点企业"),
            period=period,
            name=enterprise.name,
            note=summary,
        )
    require(actor, Cap.WRITE, entry.region_code)
    before = snapshot(entry, ledger.FIELDS)
    entry.note = "\n".join(filter(None, [entry.note, summary]))
    entry.last_confirmed = max(entry.last_confirmed, period)
    entry.save(update_fields=["note", "last_confirmed", "updated_at"])
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=entry,
        region_code=entry.region_code,
        changes=diff(before, snapshot(entry, ledger.FIELDS)),
        note=_("走访记录 %(pk)s") % {"pk": visit.pk},
    )
    return entry
