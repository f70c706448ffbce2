"""What the bureau's data holds about a person's benefits: contributions, employment filings and
benefit payments in the lake (:mod:`wenjiuye.intake.lake`), unemployment registrations in the
store. Read for one or many persons at once, with one DuckDB connection.

Nothing here decides anything: :mod:`wenjiuye.assistance.benefit_basis` turns the records into
the benefits engine's input, with the evidence for each fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.assistance.payments import Coverage, Payment, payments_coverage
from wenjiuye.intake.contract import KINDS
from wenjiuye.intake.lake import connect_duckdb, lake_periods, lake_root, open_lake
from wenjiuye.intake.models import UnemploymentRegistration

CONTRIBUTIONS = "si_contributions"
FILINGS = "employment_filings"
PAYMENTS = "benefit_payments"
REGISTRATIONS = "unemployment_registrations"


def source_name(kind: str) -> str:
    """The Chinese name of a data source, as evidence cites it ("社保缴费数据")."""
    return _("%(kind)s数据") % {"kind": KINDS[kind].zh}


@dataclass(frozen=True)
class Contribution:
    period: str  # YYYYMM
    uscc: str
    status: str  # paid | arrears


@dataclass(frozen=True)
class Filing:
    on: date
    uscc: str
    kind: str  # hire | separation
    reason: str


@dataclass
class Records:
    """One person's records. ``*_from``: the first period the lake holds for that kind (any
    person), so that a history that starts there may have begun earlier; ``None``: not loaded."""

    person_id: str
    contributions: list[Contribution] = field(default_factory=list)
    filings: list[Filing] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    registrations: list[UnemploymentRegistration] = field(default_factory=list)
    contributions_from: str | None = None
    filings_from: str | None = None
    payments_coverage: Coverage = None  # first and last periods of the lake's payments

    @property
    def payments_from(self) -> str | None:
        return self.payments_coverage[0] if self.payments_coverage else None


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().date()  # type: ignore[no-any-return]
    return date.fromisoformat(str(value)[:10])


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return ""
    return str(value).strip()


def _first_period(kind: str, root: Path) -> str | None:
    periods = lake_periods(kind, root)
    return min(periods) if periods else None


def records_read(
    person_ids: Iterable[str], *, root: str | Path | None = None
) -> dict[str, Records]:
    """The records of each person in ``person_ids`` (every one gets a :class:`Records`)."""
    ids = sorted(set(person_ids))
    base = Path(root) if root is not None else lake_root()
    out = {pid: Records(person_id=pid) for pid in ids}
    if not ids:
        return out
    firsts = (
        _first_period(CONTRIBUTIONS, base),
        _first_period(FILINGS, base),
        payments_coverage(root=base),
    )
    for rec in out.values():
        rec.contributions_from, rec.filings_from, rec.payments_coverage = firsts
    kinds = (CONTRIBUTIONS, FILINGS, PAYMENTS)
    tables = open_lake(connect_duckdb(), base, kinds=kinds) if base.is_dir() else {}
    table = tables.get(CONTRIBUTIONS)
    if table is not None:
        frame = (
            table.filter(table.person_id.isin(ids))
            .select("person_id", "period", "uscc", "status")
            .execute()
        )
        for row in frame.itertuples(index=False):
            out[str(row.person_id)].contributions.append(
                Contribution(
                    period=_text(row.period), uscc=_text(row.uscc), status=_text(row.status)
                )
            )
    table = tables.get(FILINGS)
    if table is not None:
        frame = (
            table.filter(table.person_id.isin(ids))
            .select("person_id", "uscc", "kind", "date", "reason")
            .execute()
        )
        for row in frame.itertuples(index=False):
            out[str(row.person_id)].filings.append(
                Filing(
                    on=_day(row.date),
                    uscc=_text(row.uscc),
                    kind=_text(row.kind),
                    reason=_text(row.reason),
                )
            )
    table = tables.get(PAYMENTS)
    if table is not None:
        frame = (
            table.filter(table.person_id.isin(ids))
            .select("person_id", "period", "kind", "amount")
            .execute()
        )
        for row in frame.itertuples(index=False):
            out[str(row.person_id)].payments.append(Payment.of(row))
    for reg in UnemploymentRegistration.objects.filter(person_id__in=ids).order_by(
        "registered_on", "pk"
    ):
        out[reg.person_id].registrations.append(reg)
    for rec in out.values():
        rec.contributions.sort(key=lambda c: (c.period, c.uscc))
        rec.filings.sort(key=lambda f: (f.on, f.kind))
        rec.payments.sort(key=lambda p: (p.period, p.kind))
    return out
