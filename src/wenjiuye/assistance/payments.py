"""Benefit payments against decisions (U3): due but unpaid, paid but not due, and each county's
UI-fund spending against its budget.

Payments are the intake kind ``benefit_payments`` in the Parquet lake
(``$WENJIUYE_LAKE/benefit_payments/period=YYYYMM/*.parquet``: person_id, kind, amount), read with
DuckDB through the lake module (:func:`wenjiuye.intake.lake.open_lake`). A payment in the lake is
paid, whichever file brought it. What is *due* comes from each case's latest
:class:`BenefitDecision` (:func:`benefit_months`): each eligible benefit runs for its months in a
row from the entitlement's first month, and never before it, after it, or from the month the
person is employed; a month it holds is paid when the lake has that person's payment of that
kind for it. No lake means nothing was paid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.assistance.benefits import LABELS, UI_BENEFIT, BenefitInput
from wenjiuye.assistance.models import BenefitDecision, Case, FundBudget
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.periods import period_add, period_of
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import NOTHING, can, scope_prefix, scoped
from wenjiuye.intake.lake import connect_duckdb, lake_periods, lake_root, open_lake
from wenjiuye.registry.models import Person

#: (person ID, benefit kind) -> the periods the lake holds a payment for
Paid = dict[tuple[str, str], set[str]]
#: the first and last periods of the payments the lake holds (``None``: none at all)
Coverage = tuple[str, str] | None


@dataclass(frozen=True)
class Payment:
    person_id: str
    period: str
    kind: str
    amount: Decimal

    @classmethod
    def of(cls, row: Any) -> Payment:
        """A payment from a lake row (person_id, period, kind, amount)."""
        return cls(
            person_id=str(row.person_id),
            period=str(row.period),
            kind=str(row.kind),
            amount=Decimal(str(row.amount)).quantize(Decimal("0.01")),
        )


@dataclass(frozen=True)
class Due:
    case_id: int
    person_id: str
    kind: str
    period: str
    amount: Decimal
    county: str
    paid: bool = False
    #: the period lies outside the months of payments the lake holds: not judged
    not_judged: bool = False
    #: the month of re-employment: may be paid (in part), never listed as unpaid
    optional: bool = False


def payments_read(
    *, root: str | Path | None = None, first: str = "000000", last: str = "999999"
) -> list[Payment]:
    """Benefit payments in the lake for periods ``first``..``last`` (YYYYMM, inclusive)."""
    con = connect_duckdb()
    tables = open_lake(con, root or lake_root(), kinds=["benefit_payments"])
    table = tables.get("benefit_payments")
    if table is None:
        return []
    expr = table.filter((table.period >= first) & (table.period <= last)).select(
        "person_id", "period", "kind", "amount"
    )
    return [Payment.of(row) for row in expr.execute().itertuples(index=False)]


def payments_coverage(*, root: str | Path | None = None) -> Coverage:
    """The first and last periods the lake holds payments for (``None``: none loaded)."""
    periods = lake_periods("benefit_payments", Path(root) if root is not None else None)
    return (min(periods), max(periods)) if periods else None


def coverage_of(payments: list[Payment]) -> Coverage:
    periods = [p.period for p in payments]
    return (min(periods), max(periods)) if periods else None


def month_text(period: str) -> str:
    """``202209`` → ``2022-09``, as pages and evidence write a month."""
    return f"{period[:4]}-{period[4:]}"


def yuan(value: Any) -> str:
    """An amount as pages write it: ``12,240 元``, ``1,530.50 元``."""
    text = f"{Decimal(str(value)):,.2f}"
    return (text[:-3] if text.endswith(".00") else text) + " 元"


def paid_index(payments: list[Payment]) -> Paid:
    paid: Paid = defaultdict(set)
    for pay in payments:
        paid[(pay.person_id, pay.kind)].add(pay.period)
    return paid


def due_starts(inp: BenefitInput, registered_on: date) -> tuple[str, str]:
    """The periods a decision's benefits are due from: the later of the separation and
    registration months (the UI benefit), and for a person whose UI benefit ran out
    (领取失业保险金期满) not before the month of the day after it ran out (the subsidy follows the
    UI benefit, it does not overlap it)."""
    spell = max(inp.separation_date or registered_on, registered_on)
    start = spell
    if inp.ui_expired and inp.ui_expired_on is not None:
        start = max(start, inp.ui_expired_on + timedelta(days=1))
    return period_of(spell), period_of(start)


def _latest_decisions(cases: list[Case]) -> dict[int, BenefitDecision]:
    latest: dict[int, BenefitDecision] = {}
    for decision in BenefitDecision.objects.filter(case__in=cases).order_by("on", "at", "pk"):
        latest[decision.case_id] = decision
    return latest


def entitled_months(result: dict[str, Any], inputs: dict[str, Any]) -> int:
    """The months a decided benefit runs for, months drawn before the decision included (a
    decision made before ``entitled_months`` was kept: its months plus the UI months drawn)."""
    if "entitled_months" in result:
        return int(result["entitled_months"])
    if not result.get("eligible"):
        return 0
    drawn = int(inputs.get("ui_months_drawn") or 0) if result["benefit"] == UI_BENEFIT else 0
    return int(result["months"]) + drawn


def benefit_months(
    *,
    case: Case,
    kind: str,
    start: str,
    months: int,
    monthly: Decimal,
    paid: set[str],
    coverage: Coverage,
    stop: str | None = None,
    past: bool = False,
) -> list[Due]:
    """The months one decided benefit holds, each marked paid or not; ``optional`` months may be
    paid but are never listed as unpaid.

    The benefit runs ``months`` months in a row from its first month: the first month paid in the
    nominal window ``start``..``start+months-1`` (the fund's own record of when it began).
    Without one (nothing paid yet, or ``start`` before the payments the lake holds), from
    ``start`` (the later of separation and registration; 《社会保险法》 art. 50: the UI period
    runs from the registration day), where funds begin in that month or in the next: the first
    month and the month after the last are then optional. Months outside the ``coverage`` of the
    lake's payments are not judged (not loaded yet, or before the data begins; no payments at all
    in the lake: every month is judged, nothing was paid). ``stop``: the month of re-employment, the last one held, optional. ``past``: a UI
    benefit that ran out, every month of it optional."""
    window_end = period_add(start, months - 1) if months > 0 else start
    paid_in_window = sorted(p for p in paid if start <= p <= window_end)
    known = coverage is None or start >= coverage[0]
    if known and paid_in_window:
        first, slack = paid_in_window[0], False
    else:
        first, slack = start, True
    out = []
    for i in range(months + 1 if slack else months):
        period = period_add(first, i)
        if stop is not None and period > stop:
            break
        out.append(
            Due(
                case_id=case.pk,
                person_id=case.person.id_number,
                kind=kind,
                period=period,
                amount=monthly,
                county=case.county_code,
                paid=period in paid,
                not_judged=coverage is not None and not coverage[0] <= period <= coverage[1],
                optional=past or period == stop or (slack and i in (0, months)),
            )
        )
    return out


def decision_months(
    case: Case,
    *,
    start_period: str,
    results: list[dict[str, Any]],
    inputs: dict[str, Any],
    paid: Paid,
    coverage: Coverage,
    stop: str | None = None,
) -> list[Due]:
    """Every month the benefits of one decision (stored or proposed) hold: its eligible benefits,
    and a UI benefit that ran out (its past months, so that what was paid for them is due)."""
    out: list[Due] = []
    for result in results:
        kind = str(result["benefit"])
        n = entitled_months(result, inputs)
        if not result.get("eligible") and not (kind == UI_BENEFIT and n > 0):
            continue
        out += benefit_months(
            case=case,
            kind=kind,
            start=str(result.get("start_period") or start_period),
            months=n,
            monthly=Decimal(str(result["monthly_amount"])),
            paid=paid.get((case.person.id_number, kind), set()),
            coverage=coverage,
            stop=stop,
            past=not result.get("eligible"),
        )
    return out


def employment_stop(case: Case, decision: BenefitDecision) -> str | None:
    """The month re-employment ends what a decision makes due: the decision's own day of
    re-employment (from the data, or as corrected), or the ledger's employment day when it
    comes after the decision."""
    months = []
    day = (decision.inputs or {}).get("reemployed_on")
    if day:
        months.append(period_of(date.fromisoformat(str(day))))
    if case.employed_on and case.employed_on >= decision.on:
        months.append(period_of(case.employed_on))
    return min(months) if months else None


def dues(
    cases: list[Case],
    *,
    first: str,
    last: str,
    payments: list[Payment] | None = None,
    root: str | Path | None = None,
) -> list[Due]:
    """What the cases' latest decisions make due in periods ``first``..``last``, each month marked
    paid or not against ``payments`` (default: every payment in the lake)."""
    if payments is None:
        payments = payments_read(root=root)
    paid = paid_index(payments)
    coverage = coverage_of(payments)
    out = []
    decisions = _latest_decisions(cases)
    for case in cases:
        decision = decisions.get(case.pk)
        if decision is None:
            continue
        months = decision_months(
            case,
            start_period=decision.start_period,
            results=decision.results,
            inputs=decision.inputs or {},
            paid=paid,
            coverage=coverage,
            stop=employment_stop(case, decision),
        )
        out += [d for d in months if first <= d.period <= last]
    return out


def _cases_in_scope(user: User) -> list[Case]:
    qs = scoped(Case.objects.select_related("person"), user, field="grid__code")
    return list(qs)


def due_unpaid(*, user: User, as_of: date, root: str | Path | None = None) -> list[dict[str, Any]]:
    """Months due up to the month before ``as_of`` with no payment of that benefit in the lake:
    never a month before the entitlement's first, after its last, already paid, or before the
    first month of payments the lake holds."""
    last = period_add(period_of(as_of), -1)
    cases = _cases_in_scope(user)
    by_id = {c.pk: c for c in cases}
    rows = []
    for d in dues(cases, first="000000", last=last, root=root):
        if d.paid or d.not_judged or d.optional:
            continue
        case = by_id[d.case_id]
        rows.append(
            {
                "case_id": d.case_id,
                "name": case.person.name,
                "id_number": mask_id(d.person_id),
                "county": d.county,
                "benefit": d.kind,
                "label": LABELS.get(d.kind, d.kind),
                "period": d.period,
                "amount": d.amount,
            }
        )
    return sorted(rows, key=lambda r: (r["period"], r["county"], r["case_id"]))


def _why_not_due(pay: Payment, case: Case | None, decision: BenefitDecision | None) -> str:
    if case is None:
        return _("不在帮扶台账中")
    if pay.kind not in LABELS:
        return _("未知待遇类型")
    if decision is None:
        return _("尚未核定待遇")
    spell = str((decision.basis or {}).get("spell_from") or decision.start_period)
    if pay.period < spell:
        return _("早于本次核定的失业期间(属前次失业)")
    if not any(r.get("eligible") and r.get("benefit") == pay.kind for r in decision.results):
        return _("核定结论为不符合%(benefit)s条件") % {"benefit": LABELS[pay.kind]}
    stop = employment_stop(case, decision)
    if stop is not None and pay.period >= stop:
        return _("已就业后发放")
    return _("超出核定期限")


def paid_not_due(
    *, user: User, first: str, last: str, root: str | Path | None = None
) -> list[dict[str, Any]]:
    """Payments in ``first``..``last`` that no decision makes due (wrong person, kind, period, or
    paid after re-employment). Persons outside the registry are shown to city-wide users only."""
    prefix = scope_prefix(user)
    if prefix == NOTHING or not can(user, Cap.READ):
        return []
    every = payments_read(root=root)
    payments = [p for p in every if first <= p.period <= last]
    if not payments:
        return []
    cases = _cases_in_scope(user)
    due = {
        (d.person_id, d.kind, d.period) for d in dues(cases, first=first, last=last, payments=every)
    }
    decisions = _latest_decisions(cases)
    persons = {
        p.id_number: p
        for p in Person.objects.filter(id_number__in={x.person_id for x in payments})
        .select_related("assistance_case")
        .only("id_number", "name", "region_id", "assistance_case__grid_id")
    }
    in_scope = {c.pk for c in cases}
    rows = []
    for pay in payments:
        if (pay.person_id, pay.kind, pay.period) in due:
            continue
        person = persons.get(pay.person_id)
        case = getattr(person, "assistance_case", None) if person else None
        region = (case.grid_id if case else None) or (person.region_id if person else None)
        if region is None:
            if len(prefix) >= 6:
                continue
        elif not str(region).startswith(prefix):
            continue
        decision = decisions.get(case.pk) if case is not None and case.pk in in_scope else None
        rows.append(
            {
                "case_id": case.pk if case else None,
                "name": person.name if person else "",
                "id_number": mask_id(pay.person_id),
                "county": str(region or "")[:6],
                "benefit": pay.kind,
                "label": LABELS.get(pay.kind, pay.kind),
                "period": pay.period,
                "amount": pay.amount,
                "why": _why_not_due(pay, case, decision),
            }
        )
    return sorted(rows, key=lambda r: (r["period"], r["county"], r["id_number"]))


def fund_status(
    *, user: User, year: int, as_of: date, root: str | Path | None = None
) -> list[dict[str, Any]]:
    """Per county in scope: the year's UI-fund budget, spending so far (payments of the year up to
    ``as_of``'s month for persons of that county), the remainder, next month's due payments and a
    warning when the remainder would not cover them."""
    prefix = scope_prefix(user)
    if prefix == NOTHING or not can(user, Cap.READ):
        return []
    counties = Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE])
    if prefix:
        counties = counties.filter(code__startswith=prefix[:6])
    budgets = {b.county_id: b.amount for b in FundBudget.objects.filter(year=year)}
    this = period_of(as_of)
    first, last = f"{year:04d}01", min(this, f"{year:04d}12")
    every = payments_read(root=root)
    payments = [p for p in every if first <= p.period <= last]
    ids = {p.person_id for p in payments}
    region_of: dict[str, str] = {}
    for person in Person.objects.filter(id_number__in=ids).select_related("assistance_case"):
        case = getattr(person, "assistance_case", None)
        region_of[person.id_number] = str((case.grid_id if case else None) or person.region_id)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    for pay in payments:
        spent[region_of.get(pay.person_id, "")[:6]] += pay.amount
    next_period = period_add(this, 1)
    cases = _cases_in_scope(user)
    upcoming: dict[str, Decimal] = defaultdict(Decimal)
    for d in dues(cases, first=next_period, last=next_period, payments=every):
        upcoming[d.county] += d.amount
    rows = []
    for county in counties:
        budget = budgets.get(county.code)
        used = spent.get(county.code, Decimal(0))
        remaining = budget - used if budget is not None else None
        need = upcoming.get(county.code, Decimal(0))
        warn = remaining is not None and remaining < need
        rows.append(
            {
                "county": county.code,
                "name": county.name,
                "year": year,
                "budget": budget,
                "spent": used,
                "remaining": remaining,
                "next_period": next_period,
                "next_month_due": need,
                "warning": warn,
                "spent_share": (used / budget) if budget else None,
                "reason": (
                    _("剩余预算 %(remaining)s 元不足以支付 %(month)s 应发待遇 %(need)s 元")
                    % {"remaining": remaining, "month": month_text(next_period), "need": need}
                    if warn
                    else (_("未设置年度预算") if budget is None else "")
                ),
            }
        )
    return rows
