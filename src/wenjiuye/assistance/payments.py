"""Benefit payments against decisions (U3, E6): due but unpaid, paid but not due, and each county's
UI-fund spending against its budget.

Payments are the intake kind ``benefit_payments`` in the Parquet lake
(``$WENJIUYE_LAKE/benefit_payments/period=YYYYMM/*.parquet``: person_id, kind, amount), read with
DuckDB through the lake module (:func:`wenjiuye.intake.lake.open_lake`). What is *due* comes from
each case's latest :class:`BenefitDecision`: every eligible benefit is due monthly from the
decision's start period for its number of months, and stops the month the person is employed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from wenjiuye.assistance.benefits import LABELS
from wenjiuye.assistance.models import BenefitDecision, Case, FundBudget
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.periods import period_add, period_of
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import NOTHING, can, scope_prefix, scoped
from wenjiuye.intake.lake import connect_duckdb, lake_root, open_lake
from wenjiuye.registry.models import Person


@dataclass(frozen=True)
class Payment:
    person_id: str
    period: str
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class Due:
    case_id: int
    person_id: str
    kind: str
    period: str
    amount: Decimal
    county: str


def payments_read(
    *, root: str | Path | None = None, first: str = "000000", last: str = "999999"
) -> list[Payment]:
    """Benefit payments in the lake for periods ``first``..``last`` (YYYYMM, inclusive)."""
    con = connect_duckdb()
    tables = open_lake(con, root or lake_root())
    table = tables.get("benefit_payments")
    if table is None:
        return []
    expr = table.filter((table.period >= first) & (table.period <= last)).select(
        "person_id", "period", "kind", "amount"
    )
    frame = expr.execute()
    return [
        Payment(
            person_id=str(row.person_id),
            period=str(row.period),
            kind=str(row.kind),
            amount=Decimal(str(row.amount)).quantize(Decimal("0.01")),
        )
        for row in frame.itertuples(index=False)
    ]


def _latest_decisions(cases: list[Case]) -> dict[int, BenefitDecision]:
    latest: dict[int, BenefitDecision] = {}
    for decision in BenefitDecision.objects.filter(case__in=cases).order_by("on", "at", "pk"):
        latest[decision.case_id] = decision
    return latest


def dues(cases: list[Case], *, first: str, last: str) -> list[Due]:
    """What the cases' latest decisions make due in periods ``first``..``last``."""
    out = []
    decisions = _latest_decisions(cases)
    for case in cases:
        decision = decisions.get(case.pk)
        if decision is None:
            continue
        stop = period_of(case.employed_on) if case.employed_on else "999999"
        for result in decision.results:
            if not result.get("eligible"):
                continue
            for i in range(int(result["months"])):
                period = period_add(decision.start_period, i)
                if period >= stop and case.employed_on and case.employed_on >= decision.on:
                    break
                if first <= period <= last:
                    out.append(
                        Due(
                            case_id=case.pk,
                            person_id=case.person.id_number,
                            kind=result["benefit"],
                            period=period,
                            amount=Decimal(str(result["monthly_amount"])),
                            county=case.county_code,
                        )
                    )
    return out


def _cases_in_scope(user: User) -> list[Case]:
    qs = scoped(Case.objects.select_related("person"), user, field="grid__code")
    return list(qs)


def due_unpaid(*, user: User, as_of: date, root: str | Path | None = None) -> list[dict[str, Any]]:
    """Payments due up to the month before ``as_of`` with no matching payment in the lake."""
    last = period_add(period_of(as_of), -1)
    cases = _cases_in_scope(user)
    by_id = {c.pk: c for c in cases}
    due = dues(cases, first="000000", last=last)
    if not due:
        return []
    paid = {
        (p.person_id, p.kind, p.period)
        for p in payments_read(root=root, first=min(d.period for d in due), last=last)
    }
    rows = []
    for d in due:
        if (d.person_id, d.kind, d.period) in paid:
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


def paid_not_due(
    *, user: User, first: str, last: str, root: str | Path | None = None
) -> list[dict[str, Any]]:
    """Payments in ``first``..``last`` that no decision makes due (wrong person, kind, period, or
    paid after re-employment). Persons outside the registry are shown to city-wide users only."""
    prefix = scope_prefix(user)
    if prefix == NOTHING or not can(user, Cap.READ):
        return []
    payments = payments_read(root=root, first=first, last=last)
    if not payments:
        return []
    cases = _cases_in_scope(user)
    due = {(d.person_id, d.kind, d.period) for d in dues(cases, first=first, last=last)}
    persons = {
        p.id_number: p
        for p in Person.objects.filter(id_number__in={x.person_id for x in payments})
        .select_related("assistance_case")
        .only("id_number", "name", "region_id", "assistance_case__grid_id")
    }
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
        if case is None:
            why = "不在帮扶台账中"
        elif pay.kind not in LABELS:
            why = "未知待遇类型"
        else:
            why = "无有效核定或超出核定期限/已就业"
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
                "why": why,
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
    payments = payments_read(root=root, first=first, last=last)
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
    for d in dues(cases, first=next_period, last=next_period):
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
                "reason": (
                    f"剩余预算 {remaining} 元不足以支付 {next_period} 应发待遇 {need} 元"
                    if warn
                    else ("未设置年度预算" if budget is None else "")
                ),
            }
        )
    return rows
