"""Tiered assistance (分级帮扶, U2): which tier a case is in on a day, and why.

The rules are the policy parameter ``assistance.tier.rules`` (a list; each rule names a tier and
one condition: ``age_min`` [optionally with ``gender``], ``unemployed_months_min``, or ``flag`` —
a hardship flag of the case). The tiers with their service package and contact frequency are
``assistance.tier.packages``. The case gets the highest-ranked tier among the rules it matches;
no match is the lowest tier, with that as its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from wenjiuye.assistance.models import Case
from wenjiuye.core.policy import Policy

FLAGS = ("disability", "zero_employment_household", "low_income")


@dataclass
class TierResult:
    tier: str
    label: str
    service: str
    contact_days: int
    reasons: list[dict[str, Any]] = field(default_factory=list)
    policy: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "label": self.label,
            "service": self.service,
            "contact_days": self.contact_days,
            "reasons": self.reasons,
            "policy": self.policy,
        }


def full_months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (2022-01-31 → 2022-02-28 is 0, → 2022-03-01 is 1)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_from_id(id_number: str, fallback: date) -> date:
    """The birth date written in a resident ID number (18 digits: positions 7-14, GB 11643; 15
    digits: YYMMDD at 7-12, 19YY), else ``fallback`` (the stored birth date)."""
    number = (id_number or "").strip()
    text = ""
    if len(number) == 18 and number[6:14].isdigit():
        text = number[6:14]
    elif len(number) == 15 and number.isdigit():
        text = "19" + number[6:12]
    if text:
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            pass
    return fallback


def _matches(rule: dict[str, Any], facts: dict[str, Any]) -> str | None:
    """The evidence text when ``rule`` matches ``facts``, else ``None``."""
    if "age_min" in rule:
        gender = rule.get("gender")
        if gender and facts["gender"] != gender:
            return None
        if facts["age"] >= int(rule["age_min"]):
            return f"{facts['age']} 周岁(≥ {rule['age_min']})"
        return None
    if "unemployed_months_min" in rule:
        if facts["unemployed_months"] >= int(rule["unemployed_months_min"]):
            return f"失业 {facts['unemployed_months']} 个月(≥ {rule['unemployed_months_min']})"
        return None
    flag = rule.get("flag")
    if flag in FLAGS and facts.get(flag):
        return "是"
    return None


def tier_for(facts: dict[str, Any], on: date) -> TierResult:
    """The tier for plain facts: ``age``, ``gender``, ``unemployed_months`` and the flags."""
    p = Policy(on)
    packages = sorted(p("assistance.tier.packages"), key=lambda t: t["rank"])
    rules = p("assistance.tier.rules")
    by_tier = {t["tier"]: t for t in packages}
    reasons = []
    for rule in rules:
        evidence = _matches(rule, facts)
        if evidence is not None and rule["tier"] in by_tier:
            reasons.append(
                {
                    "code": rule["code"],
                    "label": rule["label"],
                    "tier": rule["tier"],
                    "evidence": evidence,
                }
            )
    if reasons:
        best = max((by_tier[r["tier"]] for r in reasons), key=lambda t: t["rank"])
    else:
        best = packages[0]
        reasons = [
            {"code": "default", "label": "未命中其他认定规则", "tier": best["tier"], "evidence": ""}
        ]
    return TierResult(
        tier=best["tier"],
        label=best["label"],
        service=best["service"],
        contact_days=int(best["contact_days"]),
        reasons=reasons,
        policy=p.cites(),
    )


def case_facts(case: Case, on: date) -> dict[str, Any]:
    household_low_income = bool(case.household and case.household.low_income)
    return {
        # 年龄按身份证出生日期计算: the ID number wins over a stored birth date that disagrees
        "age": age_on(birth_date_from_id(case.person.id_number, case.person.birth_date), on),
        "gender": case.person.gender,
        "unemployed_months": full_months_between(case.registered_on, on),
        "disability": case.disability,
        "zero_employment_household": case.zero_employment_household,
        "low_income": case.low_income or household_low_income,
    }


def case_tier(case: Case, on: date) -> TierResult:
    """The tier of ``case`` on ``on`` with the rules it matched (its reasons)."""
    return tier_for(case_facts(case, on), on)


def tier_labels(on: date) -> list[tuple[str, str]]:
    packages = sorted(Policy(on)("assistance.tier.packages"), key=lambda t: t["rank"])
    return [(t["tier"], t["label"]) for t in packages]
