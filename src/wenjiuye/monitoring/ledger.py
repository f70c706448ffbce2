"""The key lists and the risk ledger (M6–M9): fed by monitoring runs, kept by officers.

- Every flag of a run feeds the ledgers its code belongs to (``LEDGERS_OF_CODE``): an open entry
  for the same subject gains the reason, its evidence and the later period (``last_confirmed``);
  otherwise a new entry opens. A flag no later than the period of a closed entry is old news.
- Open unemployment registrations feed the key-group list (group 失业人员, source 失业登记).
- Village monitoring points reporting returned migrants still without work feed the key-group
  list (group 返乡农民工, one entry per point: the reports are counts, not names — M5).
- Records of other parts that are risk sources — public opinion, mass incidents (M6, E9) — cite
  themselves as evidence on the subject's entry (``ledger_cite``), once per record.
- Officers add entries by hand and move them to 跟踪处置中 or close them with a reason.
Every change writes an audit event in the same transaction; entries are never deleted.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.periods import period_end
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require, scoped
from wenjiuye.intake.models import MonitoringPointReport, UnemploymentRegistration
from wenjiuye.monitoring.models import Flag, LedgerEntry, MonitoringRun
from wenjiuye.registry.models import Enterprise

L = LedgerEntry.Ledger
ENTERPRISE_CODES = (
    "layoff_suspected", "si_arrears", "si_break", "wage_arrears", "frequent_disputes",
    "stoppage", "bankruptcy", "output_drop", "export_drop",
)  # fmt: skip
REGION_CODES = ("new_employment_falling", "unemployment_rising", "layoff_enterprises_rising")
LEDGERS_OF_CODE: dict[str, tuple[str, ...]] = {
    **{code: (L.KEY_ENTERPRISE, L.RISK) for code in ENTERPRISE_CODES},
    **{code: (L.KEY_REGION, L.RISK) for code in REGION_CODES},
    "returned_unemployed_rising": (L.RISK,),
    "registered_but_contributing": (L.RISK,),
    "benefit_while_contributing": (L.RISK,),
    "unregistered_separation": (L.KEY_GROUP,),
    # at_risk_worker: shown with its enterprise; too many persons for a list of their own
}
GROUP_UNEMPLOYED = "失业人员"
GROUP_RETURNED_MIGRANTS = "返乡农民工"
FIELDS = [
    "reasons",
    "evidence",
    "level",
    "last_confirmed",
    "status",
    "closed_reason",
    "contact_id",
    "note",
]


def _audit(
    actor: User | None, entry: LedgerEntry, before: dict[str, Any] | None, note: str = ""
) -> None:
    """The entry's history: one event per change, in the change's transaction."""
    action = Event.Action.CREATE if before is None else Event.Action.UPDATE
    changes = diff(before or {}, snapshot(entry, FIELDS))
    record_event(
        actor=actor,
        action=action,
        obj=entry,
        region_code=entry.region_code,
        changes=changes,
        note=note,
    )


class LedgerError(DomainError):
    """A ledger change the rules refuse, with a message for the user."""


def _names(flags: list[Flag]) -> dict[tuple[str, str], str]:
    usccs = {f.subject_id for f in flags if f.subject_type == Flag.Subject.ENTERPRISE}
    codes = {f.subject_id for f in flags if f.subject_type == Flag.Subject.REGION}
    persons = {f.subject_id for f in flags if f.subject_type == Flag.Subject.PERSON}
    out: dict[tuple[str, str], str] = {}
    for uscc, name in Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "name"):
        out[("enterprise", uscc)] = name
    for code, name in Region.objects.filter(code__in=codes).values_list("code", "name"):
        out[("region", code)] = name
    for pid, name in UnemploymentRegistration.objects.filter(person_id__in=persons).values_list(
        "person_id", "name"
    ):
        out[("person", pid)] = name
    return out


def _group_of(flag: Flag) -> str:
    return GROUP_UNEMPLOYED if flag.subject_type == Flag.Subject.PERSON else ""


@transaction.atomic
def ledger_sync_run(*, run: MonitoringRun, actor: User | None = None) -> dict[str, int]:
    """Feed a run's flags into the ledgers; returns how many entries were opened and updated."""
    flags = list(run.flags.order_by("period", "level"))
    names = _names(flags)
    counts = {"opened": 0, "updated": 0, "unchanged": 0}
    for flag in flags:
        for ledger in LEDGERS_OF_CODE.get(flag.code, ()):
            key = {
                "ledger": ledger,
                "subject_type": flag.subject_type,
                "subject_id": flag.subject_id,
                "group": _group_of(flag),
            }
            entry = (
                LedgerEntry.objects.filter(**key).exclude(status=LedgerEntry.Status.CLOSED).first()
            )
            if entry is None:
                closed = (
                    LedgerEntry.objects.filter(**key, status=LedgerEntry.Status.CLOSED)
                    .order_by("-last_confirmed")
                    .first()
                )
                if closed is not None and flag.period <= closed.last_confirmed:
                    counts["unchanged"] += 1
                    continue
                entry = LedgerEntry(
                    **key,
                    name=names.get((flag.subject_type, flag.subject_id), ""),
                    region_code=flag.region_code,
                    reasons=[flag.code],
                    evidence={
                        flag.code: {**flag.evidence, "period": flag.period, "reason": flag.reason}
                    },
                    level=flag.level,
                    first_flagged=flag.period,
                    last_confirmed=flag.period,
                    source=LedgerEntry.Source.MONITORING,
                )
                entry.save()
                _audit(actor, entry, None, note=_("第 %(run)s 次监测运行") % {"run": run.pk})
                counts["opened"] += 1
                continue
            before = snapshot(entry, FIELDS)
            if flag.code not in entry.reasons:
                entry.reasons = [*entry.reasons, flag.code]
            shown = entry.evidence.get(flag.code)
            if shown is None or flag.period >= shown.get("period", ""):  # keep the latest month's
                entry.evidence = {
                    **entry.evidence,
                    flag.code: {**flag.evidence, "period": flag.period, "reason": flag.reason},
                }
            entry.level = min(entry.level or flag.level, flag.level)
            entry.last_confirmed = max(entry.last_confirmed, flag.period)
            if not diff(before, snapshot(entry, FIELDS)):
                counts["unchanged"] += 1
                continue
            entry.save(
                update_fields=["reasons", "evidence", "level", "last_confirmed", "updated_at"]
            )
            _audit(actor, entry, before, note=_("第 %(run)s 次监测运行") % {"run": run.pk})
            counts["updated"] += 1
    return counts


@transaction.atomic
def ledger_sync_registrations(*, period: str, actor: User | None = None) -> int:
    """Open key-group entries for registrations open at the end of ``period`` (source: 失业登记)."""
    end = period_end(period)
    open_regs = UnemploymentRegistration.objects.filter(registered_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=end)
    )
    live = set(
        LedgerEntry.objects.filter(ledger=L.KEY_GROUP, group=GROUP_UNEMPLOYED)
        .exclude(status=LedgerEntry.Status.CLOSED)
        .values_list("subject_id", flat=True)
    )
    opened = 0
    for reg in open_regs.exclude(person_id__in=live):
        entry = LedgerEntry.objects.create(
            ledger=L.KEY_GROUP,
            subject_type=Flag.Subject.PERSON,
            subject_id=reg.person_id,
            name=reg.name,
            region_code=reg.region_code,
            group=GROUP_UNEMPLOYED,
            reasons=["registered_unemployed"],
            evidence={
                "registered_unemployed": {
                    "registered_on": reg.registered_on.isoformat(),
                    "source": "失业登记",
                }
            },
            first_flagged=period,
            last_confirmed=period,
            source=LedgerEntry.Source.MONITORING,
        )
        _audit(actor, entry, None, note="失业登记")
        opened += 1
    return opened


@transaction.atomic
def ledger_sync_point_reports(*, period: str, actor: User | None = None) -> int:
    """Key-group entries for monitoring points whose ``period`` report has returned migrants
    still without work (group 返乡农民工). An open entry is confirmed with the new counts; a point
    reporting none leaves its entry for an officer to close. Returns the entries opened."""
    opened = 0
    reports = MonitoringPointReport.objects.filter(period=period, returned_unemployed__gt=0)
    for rep in reports.order_by("point_id"):
        evidence = {
            "returned_unemployed": {
                "period": period,
                "returned": rep.returned,
                "returned_unemployed": rep.returned_unemployed,
                "outbound": rep.outbound,
                "source": "村级监测点月报",
            }
        }
        entry = (
            LedgerEntry.objects.filter(
                ledger=L.KEY_GROUP,
                subject_type=Flag.Subject.POINT,
                subject_id=rep.point_id,
                group=GROUP_RETURNED_MIGRANTS,
            )
            .exclude(status=LedgerEntry.Status.CLOSED)
            .first()
        )
        if entry is None:
            entry = LedgerEntry.objects.create(
                ledger=L.KEY_GROUP,
                subject_type=Flag.Subject.POINT,
                subject_id=rep.point_id,
                name=_("监测点 %(point)s 返乡未就业 %(n)s 人")
                % {"point": rep.point_id, "n": rep.returned_unemployed},
                region_code=rep.region_code,
                group=GROUP_RETURNED_MIGRANTS,
                reasons=["returned_unemployed"],
                evidence=evidence,
                first_flagged=period,
                last_confirmed=period,
                source=LedgerEntry.Source.MONITORING,
            )
            _audit(actor, entry, None, note="村级监测点月报")
            opened += 1
        elif period > entry.last_confirmed:
            before = snapshot(entry, FIELDS)
            entry.evidence = {**entry.evidence, **evidence}
            entry.last_confirmed = period
            entry.save(update_fields=["evidence", "last_confirmed", "updated_at"])
            _audit(actor, entry, before, note="村级监测点月报")
    return opened


def _cites(entry: LedgerEntry, reason: str, key: str, pk: Any) -> bool:
    items = (entry.evidence.get(reason) or {}).get("items", [])
    return any(c.get(key) == pk for c in items)


@transaction.atomic
def ledger_cite(
    *,
    actor: User | None,
    ledger: str,
    subject_type: str,
    subject_id: str,
    region_code: str,
    name: str,
    reason: str,
    reason_text: str,
    period: str,
    key: str,
    citation: dict[str, Any],
    note: str = "",
) -> LedgerEntry:
    """A record of another part (an opinion item, an incident) is evidence that a subject belongs
    on ``ledger``: the subject's open entry gains ``reason`` (once) and ``citation`` under
    ``evidence[reason]["items"]`` (once per record, told by ``citation[key]``); without an open
    entry a new one opens (source 监测预警). The caller has checked the actor's rights on the record.
    """
    match = {"ledger": ledger, "subject_type": subject_type, "subject_id": subject_id, "group": ""}
    entry = LedgerEntry.objects.filter(**match).exclude(status=LedgerEntry.Status.CLOSED).first()
    if entry is not None and _cites(entry, reason, key, citation[key]):
        return entry
    before = snapshot(entry, FIELDS) if entry is not None else None
    if entry is None:
        entry = LedgerEntry(
            **match,
            name=name,
            region_code=region_code,
            first_flagged=period,
            last_confirmed=period,
            source=LedgerEntry.Source.MONITORING,
            note=note,
        )
    if reason not in entry.reasons:
        entry.reasons = [*entry.reasons, reason]
    evidence = dict(entry.evidence.get(reason) or {})
    evidence.update(reason=reason_text, period=max(evidence.get("period", ""), period))
    evidence["items"] = [*evidence.get("items", []), citation]
    entry.evidence = {**entry.evidence, reason: evidence}
    entry.last_confirmed = max(entry.last_confirmed, period)
    entry.full_clean()
    entry.save()
    _audit(actor, entry, before, note=note)
    return entry


@transaction.atomic
def ledger_add(
    *,
    actor: User,
    ledger: str,
    subject_type: str,
    subject_id: str,
    region_code: str,
    reason: str,
    period: str,
    name: str = "",
    group: str = "",
    note: str = "",
) -> LedgerEntry:
    """An officer's own entry (e.g. after a visit); an open entry for the subject gains the reason."""
    require(actor, Cap.WRITE, region_code)
    if not reason.strip():
        raise LedgerError(_("请填写列入原因"))
    existing = (
        LedgerEntry.objects.filter(
            ledger=ledger, subject_type=subject_type, subject_id=subject_id, group=group
        )
        .exclude(status=LedgerEntry.Status.CLOSED)
        .first()
    )
    if existing is not None:
        require(actor, Cap.WRITE, existing.region_code)
        before = snapshot(existing, FIELDS)
        existing.reasons = [*existing.reasons, f"manual:{reason}"]
        existing.note = "\n".join(filter(None, [existing.note, note]))
        existing.last_confirmed = max(existing.last_confirmed, period)
        existing.save(update_fields=["reasons", "note", "last_confirmed", "updated_at"])
        _audit(actor, existing, before)
        return existing
    entry = LedgerEntry(
        ledger=ledger,
        subject_type=subject_type,
        subject_id=subject_id,
        name=name,
        region_code=region_code,
        group=group,
        reasons=[f"manual:{reason}"],
        first_flagged=period,
        last_confirmed=period,
        source=LedgerEntry.Source.MANUAL,
        note=note,
        contact=actor,
    )
    entry.full_clean()
    entry.save()
    _audit(actor, entry, None)
    return entry


@transaction.atomic
def ledger_set_status(
    *, actor: User, entry: LedgerEntry, status: str, reason: str = ""
) -> LedgerEntry:
    """Follow up or close an entry; closing needs a reason. A closed entry stays closed."""
    require(actor, Cap.WRITE, entry.region_code)
    if entry.status == LedgerEntry.Status.CLOSED:
        raise LedgerError(_("该条目已销号;如风险再次出现,监测或人工录入将新建条目"))
    if status not in LedgerEntry.Status.values:
        raise LedgerError(_("未知状态"))
    if status == LedgerEntry.Status.CLOSED and not reason.strip():
        raise LedgerError(_("销号须填写原因"))
    before = snapshot(entry, FIELDS)
    entry.status = status
    if status == LedgerEntry.Status.CLOSED:
        entry.closed_reason, entry.closed_at = reason.strip(), timezone.now()
    entry.save(update_fields=["status", "closed_reason", "closed_at", "updated_at"])
    _audit(actor, entry, before, note=reason)
    return entry


@transaction.atomic
def ledger_assign(*, actor: User, entry: LedgerEntry, contact: User) -> LedgerEntry:
    """Name the person who follows this entry (O2: 指定专人对接重点关注企业、重点地区)."""
    require(actor, Cap.WRITE, entry.region_code)
    if not (can(contact, Cap.WRITE, entry.region_code)):
        raise LedgerError(_("对接联系人须为该区域有处置权限的用户"))
    before = snapshot(entry, FIELDS)
    entry.contact = contact
    entry.save(update_fields=["contact", "updated_at"])
    _audit(actor, entry, before)
    return entry


def ledger_list(*, user: User, ledger: str, status: str | None = None) -> QuerySet[LedgerEntry]:
    qs = scoped(LedgerEntry.objects.filter(ledger=ledger), user, field="region_code")
    return qs.filter(status=status) if status else qs


def entry_as_dict(entry: LedgerEntry) -> dict[str, Any]:
    key = {
        "enterprise": "uscc",
        "region": "region_code",
        "point": "point_id",
        "person": "person_id",
    }[entry.subject_type]
    return {
        key: entry.subject_id,
        "name": entry.name,
        "region_code": entry.region_code,
        "group": entry.group or None,
        "reasons": entry.reasons,
        "level": entry.level,
        "evidence": entry.evidence,
        "first_flagged": entry.first_flagged,
        "last_confirmed": entry.last_confirmed,
        "status": entry.status,
        "closed_reason": entry.closed_reason or None,
        "contact": entry.contact.get_username() if entry.contact else None,
        "source": entry.source,
    }
