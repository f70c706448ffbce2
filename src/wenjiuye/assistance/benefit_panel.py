"""The benefits block of a case's page: what the data held says (facts with their evidence, the
entitlement the engine computes from them, the parameters in force), the decision kept (confirmed
or corrected, beside the data), and the months each decided benefit holds, paid or not.

Everything here is a read; codes never reach the page: benefits, reasons, users and policy keys
are given by their Chinese names, amounts with 元, shares as fractions for ``|percent``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.assistance.benefit_basis import FIELDS, Basis, Evidence, case_basis
from wenjiuye.assistance.benefit_records import records_read
from wenjiuye.assistance.benefits import LABELS, SEPARATION_REASONS, UI_BENEFIT, assess_dict
from wenjiuye.assistance.models import BenefitDecision, Case
from wenjiuye.assistance.payments import (
    Due,
    decision_months,
    due_starts,
    employment_stop,
    month_text,
    paid_index,
    yuan,
)
from wenjiuye.core.labels import label
from wenjiuye.core.periods import period_add, period_of

MONTH_FIELDS = {
    "contribution_months",
    "ui_months_drawn",
    "prior_unclaimed_months",
    "contribution_months_province",
}


def fact_text(name: str, value: Any, *, assumed: bool = False) -> str:
    """A fact of the engine's input in words (``assumed``: a stand-in nothing depends on)."""
    if assumed:
        return _("未认定(不影响核定结果)")
    if value is None or value == "":
        return _("数据未载明") if name != "contribution_months_province" else _("同累计缴费月数")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if name == "separation_reason":
        return SEPARATION_REASONS.get(str(value), str(value))
    if name in MONTH_FIELDS:
        return _("%(n)s 个月") % {"n": value}
    return str(value)


def sentence(e: Evidence) -> str:
    """The evidence with its source: "缴费 36 个月(2019-03 至 2022-02,来源:社保缴费数据)"."""
    if e.text.endswith(")"):
        return e.text[:-1] + _(",来源:%(s)s)") % {"s": e.source}
    return e.text + _("(来源:%(s)s)") % {"s": e.source}


def value_text(cite: dict[str, Any]) -> str:
    """A policy parameter's value with its unit, in words."""
    value, unit = cite.get("value"), cite.get("unit") or ""
    if (
        isinstance(value, list)
        and value
        and isinstance(value[0], dict)
        and "max_months" in value[0]
    ):
        return ";".join(
            _("满 %(y)s 年:%(m)s 个月") % {"y": b["min_years"], "m": b["max_months"]}
            for b in sorted(value, key=lambda b: b["min_years"])
        )
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if unit == "比例" and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if unit == "月":
        unit = _("个月")
    return f"{value} {unit}".strip()


def parameters(cites: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The parameters cited, once each, by their Chinese names."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for c in cites:
        key = (str(c["key"]), str(c.get("effective_from")))
        if key in seen:
            continue
        until = c.get("effective_to")
        seen[key] = {
            "name": label("policy", c["key"]),
            "value": value_text(c),
            "dates": (
                _("%(a)s 至 %(b)s") % {"a": c["effective_from"], "b": until}
                if until
                else _("%(a)s 起") % {"a": c["effective_from"]}
            ),
            "clause": str(c.get("clause") or ""),
            "source": str(c.get("source") or ""),
        }
    return sorted(seen.values(), key=lambda p: p["name"])


@dataclass
class Schedule:
    """The months one benefit holds."""

    label: str
    months: list[Due]
    last: str  # the last month judged (the month before the page's day)

    @property
    def due(self) -> list[Due]:
        """The months due (the month of re-employment, paid or not, is not one of them)."""
        return [d for d in self.months if not d.optional]

    @property
    def count(self) -> int:
        return len(self.due)

    @property
    def first_month(self) -> str:
        return month_text(self.due[0].period) if self.due else "—"

    @property
    def last_month(self) -> str:
        return month_text(self.due[-1].period) if self.due else "—"

    @property
    def stop_month(self) -> str:
        """The month of re-employment, when it ends the benefit early."""
        return next((month_text(d.period) for d in self.months if d.optional), "")

    @property
    def paid(self) -> int:
        return sum(1 for d in self.due if d.paid)

    @property
    def unpaid(self) -> list[str]:
        return [
            month_text(d.period)
            for d in self.due
            if not d.paid and not d.not_judged and d.period <= self.last
        ]

    @property
    def not_judged(self) -> int:
        return sum(1 for d in self.due if d.not_judged and d.period <= self.last)

    @property
    def paid_share(self) -> float:
        return self.paid / self.count if self.count else 0.0


@dataclass
class Outcome:
    """One benefit of a result list, in words."""

    label: str
    verdict: str
    eligible: bool
    monthly: str
    months: str
    total: str
    reason: str


@dataclass
class Panel:
    basis: Basis
    facts: list[dict[str, Any]]
    proposal: list[Outcome] | None
    proposal_schedule: list[Schedule]
    parameters: list[dict[str, str]]
    decision: BenefitDecision | None = None
    decided: list[Outcome] = field(default_factory=list)
    decided_by: str = ""
    corrections: list[dict[str, str]] = field(default_factory=list)
    schedule: list[Schedule] = field(default_factory=list)
    decision_parameters: list[dict[str, str]] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [str(FIELDS[name]) for name in self.basis.missing]


def outcomes(results: list[dict[str, Any]]) -> list[Outcome]:
    out = []
    for b in results:
        eligible = bool(b.get("eligible"))
        verdict = (
            _("符合")
            if eligible
            else (_("政策不在实施期") if not b.get("in_force", True) else _("不符合"))
        )
        out.append(
            Outcome(
                label=LABELS.get(b["benefit"], b["benefit"]),
                verdict=verdict,
                eligible=eligible,
                monthly=yuan(b["monthly_amount"]) if eligible else "—",
                months=_("%(n)s 个月") % {"n": b["months"]} if eligible else "—",
                total=yuan(b["total"]) if eligible else "—",
                reason=str(b.get("reason", "")),
            )
        )
    return out


def _schedules(months: list[Due], last: str) -> list[Schedule]:
    by_kind: dict[str, list[Due]] = {}
    for d in months:
        by_kind.setdefault(d.kind, []).append(d)
    return [Schedule(LABELS.get(k, k), v, last) for k, v in by_kind.items()]


def _facts(basis: Basis) -> list[dict[str, Any]]:
    out = []
    for name, title in FIELDS.items():
        evidence = [sentence(e) for e in basis.evidence if e.field == name]
        if name == "contribution_months_province" and not evidence:
            continue  # shown only when the data says something of its own
        if name in ("ui_expired", "ui_expired_on") and not basis.values.get("ui_expired"):
            continue
        if name == "prior_unclaimed_months" and not basis.values.get(name):
            continue
        out.append(
            {
                "name": str(title),
                "value": fact_text(name, basis.values.get(name), assumed=name in basis.assumed),
                "evidence": evidence,
                "missing": name in basis.missing,
            }
        )
    extra = [sentence(e) for e in basis.evidence if e.field == ""]
    if extra:
        out.append({"name": _("其他待遇发放"), "value": "", "evidence": extra, "missing": False})
    return out


def benefits_panel(case: Case, *, on: date, root: str | Path | None = None) -> Panel:
    """The block as of ``on``: months up to the one before ``on`` are judged paid or unpaid."""
    pid = case.person.id_number
    rec = records_read([pid], root=root)[pid]
    basis = case_basis(case, on=on, records=rec)
    paid = paid_index(rec.payments)
    last = period_add(period_of(on), -1)
    proposal = None
    proposal_schedule: list[Schedule] = []
    cites = list(basis.policy)
    if not basis.missing:
        inp = basis.input()
        result = assess_dict(inp)
        spell, start = due_starts(inp, basis.registered_on)
        for b in result["benefits"]:
            b["start_period"] = spell if b["benefit"] == UI_BENEFIT else start
            cites += b["policy"]
        proposal = outcomes(result["benefits"])
        proposal_schedule = _schedules(
            decision_months(
                case,
                start_period=start,
                results=result["benefits"],
                inputs=result["input"],
                paid=paid,
                coverage=rec.payments_coverage,
                stop=period_of(basis.reemployed_on) if basis.reemployed_on else None,
            ),
            last,
        )
    panel = Panel(
        basis=basis,
        facts=_facts(basis),
        proposal=proposal,
        proposal_schedule=proposal_schedule,
        parameters=parameters(cites),
    )
    decision = BenefitDecision.objects.filter(case=case).select_related("decided_by").first()
    if decision is None:
        return panel
    stop = employment_stop(case, decision)
    panel.decision = decision
    panel.decided = outcomes(decision.results)
    panel.decided_by = (
        label("user", decision.decided_by.get_username()) if decision.decided_by else ""
    )
    assumed = set((decision.basis or {}).get("assumed", []))
    panel.corrections = [
        {
            "name": str(FIELDS.get(name, name)),
            "data": fact_text(name, pair[0], assumed=name in assumed),
            "officer": fact_text(name, pair[1]),
        }
        for name, pair in (decision.corrections or {}).items()
    ]
    panel.schedule = _schedules(
        decision_months(
            case,
            start_period=decision.start_period,
            results=decision.results,
            inputs=decision.inputs or {},
            paid=paid,
            coverage=rec.payments_coverage,
            stop=stop,
        ),
        last,
    )
    panel.decision_parameters = parameters(
        [c for b in decision.results for c in b.get("policy", [])]
        + list((decision.basis or {}).get("policy", []))
    )
    return panel
