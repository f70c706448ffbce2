"""The enterprise file: everything the system holds about one enterprise, in the user's scope.

Each part is read through its own app's scoped selector, so the file never shows a layoff
report, visit, opinion item or incident the user could not open on its own page; the enterprise
itself is found through ``registry.selectors.enterprise_get`` (404 outside the user's scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from wenjiuye.core import labels
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.incidents.models import Incident
from wenjiuye.incidents.selectors import incident_list
from wenjiuye.intake.contract import KINDS
from wenjiuye.intake.models import EnterpriseEvent, LabourCase
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, LedgerEntry
from wenjiuye.monitoring.selectors import enterprise_history, headcount_chart
from wenjiuye.opinion.models import OpinionItem
from wenjiuye.opinion.selectors import opinion_list
from wenjiuye.registry.models import Enterprise
from wenjiuye.registry.selectors import enterprise_get
from wenjiuye.response.models import LayoffReport, Visit
from wenjiuye.response.selectors import layoff_list, visit_list


@dataclass
class Contact:
    """Someone named to follow the enterprise (O2: 指定专人对接), with what for."""

    name: str
    ledgers: list[str] = field(default_factory=list)


@dataclass
class EnterpriseFile:
    enterprise: Enterprise
    months: list[EnterpriseMonth]
    chart: SafeString
    flags: list[Flag]
    entries: list[LedgerEntry]
    contacts: list[Contact]
    layoffs: QuerySet[LayoffReport]
    visits: QuerySet[Visit]
    opinion: QuerySet[OpinionItem]
    incidents: QuerySet[Incident]
    labour_cases: list[dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def latest(self) -> EnterpriseMonth | None:
        return self.months[-1] if self.months else None


def _enum_names(kind: str, column: str) -> dict[str, str]:
    """Chinese names of a data-contract enum ("dispute" → "劳动争议")."""
    (col,) = [c for c in KINDS[kind].columns if c.name == column]
    return {
        canonical: spelling for spelling, canonical in col.choices.items() if spelling != canonical
    }


def enterprise_flags(uscc: str) -> list[Flag]:
    """Every flag the enterprise has had, newest month first: one per month and warning type,
    from the latest run that computed that month."""
    newest: dict[tuple[str, str], Flag] = {}
    flags = Flag.objects.filter(subject_type=Flag.Subject.ENTERPRISE, subject_id=uscc)
    for flag in flags.order_by("run_id"):
        newest[(flag.period, flag.code)] = flag
    return sorted(newest.values(), key=lambda f: (f.period, -f.level), reverse=True)


def _contacts(entries: list[LedgerEntry]) -> list[Contact]:
    out: dict[str, Contact] = {}
    for entry in entries:
        if entry.contact is None or entry.status == LedgerEntry.Status.CLOSED:
            continue
        name = labels.label("user", entry.contact.get_username())
        contact = out.setdefault(name, Contact(name))
        contact.ledgers.append(str(entry.get_ledger_display()))
    return list(out.values())


def enterprise_file(*, user: User, uscc: str) -> EnterpriseFile:
    enterprise = enterprise_get(user=user, uscc=uscc)
    months = list(enterprise_history(uscc=uscc))
    entries = list(
        scoped(
            LedgerEntry.objects.filter(
                subject_type=Flag.Subject.ENTERPRISE, subject_id=uscc
            ).select_related("contact"),
            user,
            field="region_code",
        ).order_by("status", "ledger", "-last_confirmed")
    )
    case_kinds = _enum_names("labour_cases", "kind")
    event_kinds = _enum_names("enterprise_events", "kind")
    return EnterpriseFile(
        enterprise=enterprise,
        months=months,
        chart=headcount_chart(months),
        flags=enterprise_flags(uscc),
        entries=entries,
        contacts=_contacts(entries),
        layoffs=layoff_list(user=user).filter(enterprise=enterprise).order_by("-created_at"),
        visits=visit_list(user=user).filter(enterprise=enterprise).order_by("-visited_on"),
        opinion=opinion_list(user=user).filter(enterprises=enterprise).order_by("-received_at"),
        incidents=incident_list(user=user).filter(enterprise=enterprise).order_by("-occurred_at"),
        labour_cases=[
            {"case": c, "kind": case_kinds.get(c.kind, labels.label("labour_case", c.kind))}
            for c in LabourCase.objects.filter(uscc=uscc).order_by("-filed_on", "case_id")
        ],
        events=[
            {"event": e, "kind": event_kinds.get(e.kind, labels.label("enterprise_event", e.kind))}
            for e in EnterpriseEvent.objects.filter(uscc=uscc).order_by("-date")
        ],
    )
