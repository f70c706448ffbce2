"""What the register pays: UI benefit, unemployment subsidy and temporary living allowance by
the policy in force, and the ``benefit_payments`` file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wenjiuye.demo.model import INVOLUNTARY, Registration
from wenjiuye.demo.people import People
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, write_table, yuan

MAX_SUBSIDY_MONTHS = 6
#: The dated policy amounts the payments read (anchor of each kind of payment).
POLICY_AMOUNTS = {
    "subsidy": "unemployment_subsidy.monthly.low",
    "temp_allowance": "temporary_allowance.monthly",
}


def ui_months(profile: CityProfile, reg: Registration) -> int:
    """Months of UI benefit a registration is entitled to (0: none), by the policy in force
    when registering: an involuntary separation and enough insured years, by duration band."""
    policy = profile.policy_value
    minimum = policy("ui.benefit.min_contribution_years", reg.registered_on)
    bands = policy("ui.benefit.duration_bands", reg.registered_on)
    years = reg.insured_months / 12
    if reg.reason not in INVOLUNTARY or minimum is None or not bands or years < minimum:
        return 0
    return max((b["max_months"] for b in bands if years >= b["min_years"]), default=0)


def payments(
    reg: Registration, *, profile: CityProfile, timeline: Timeline, migrant: bool
) -> Iterator[tuple[int, str, int]]:
    """(month, kind, amount) paid on one registration, each month from the month after
    registering to the month it ends (or the window's last month):

    - 失业保险金 ``ui_benefit`` while entitled (:func:`ui_months`), at the profile's monthly
      amount; after that, while the subsidy policy is in force, 失业补助金 ``subsidy`` at the
      low tier;
    - other insured people registering while the policy is in force: 临时生活补助
      ``temp_allowance`` for migrants insured fewer months than the policy says, else
      失业补助金 at the tier of their insured months.

    Subsidy and allowance amounts, tiers, months and effective dates are the policy's
    parameters; the subsidy is paid for at most :data:`MAX_SUBSIDY_MONTHS` months.
    """
    policy, t, M = profile.policy_value, timeline, len(timeline)
    on = reg.registered_on
    entitled = ui_months(profile, reg)
    allowance_below = policy("temporary_allowance.insured_below_months", on)
    allowance = migrant and allowance_below is not None and reg.insured_months < allowance_below
    limits = {
        "subsidy": MAX_SUBSIDY_MONTHS,
        "temp_allowance": policy("temporary_allowance.months", on) or 0,
    }
    paid = {"subsidy": 0, "temp_allowance": 0}
    end = t.index(reg.ended_on) if reg.ended_on else M - 1
    for k in range(max(reg.month + 1, 0), min(end, M - 1) + 1):
        first = t.first(k)
        if entitled:
            if k <= reg.month + entitled:
                yield k, "ui_benefit", profile.ui_benefit(first.year)
                continue
            kind, tier = "subsidy", "low"  # UI benefit ran out, still unemployed
        elif reg.insured_months == 0 or policy("unemployment_subsidy.monthly.low", on) is None:
            return  # never insured, or not a new case under the subsidy policy
        elif allowance:
            kind, tier = "temp_allowance", ""
        elif reg.insured_months >= (policy("unemployment_subsidy.high.min_months", first) or 12):
            kind, tier = "subsidy", "high"
        elif reg.insured_months >= (policy("unemployment_subsidy.mid.min_months", first) or 6):
            kind, tier = "subsidy", "mid"
        else:
            kind, tier = "subsidy", "low"
        key = (
            "temporary_allowance.monthly" if tier == "" else f"unemployment_subsidy.monthly.{tier}"
        )
        amount = policy(key, first)
        if amount is not None and paid[kind] < limits[kind]:
            paid[kind] += 1
            yield k, kind, amount


def write_benefits(
    *,
    out: Path,
    profile: CityProfile,
    timeline: Timeline,
    people: People,
    registrations: list[Registration],
) -> WrittenFile:
    pid = people.pid
    rows = sorted(
        (
            (pid[reg.person], k, kind, amount)
            for reg in registrations
            for k, kind, amount in payments(
                reg, profile=profile, timeline=timeline, migrant=people.migrant[reg.person] > 0
            )
        ),
        key=lambda b: (b[1], b[0], b[2]),
    )
    return write_table(
        out,
        "benefit_payments",
        ("person_id", "period", "kind", "amount"),
        [(pid, timeline.dash(k), kind, yuan(amount)) for pid, k, kind, amount in rows],
        fmt="utf-8",
    )


def benefit_amounts(profile: CityProfile, timeline: Timeline) -> dict[str, Any]:
    """What the payments of the window rest on, for ``ground_truth.json``: the UI benefit of
    each year (the profile's demo amount, and the year it is carried forward from), and whether
    each dated policy amount is in force at all in the window (outside it nothing is paid)."""
    ui = {}
    for year in timeline.years:
        listed = profile.ui_benefit_year(year)
        ui[str(year)] = {
            "amount": profile.ui_benefit(year),
            "from_year": listed,
            "carried_forward": listed != year,
        }
    rules = {}
    for kind, key in POLICY_AMOUNTS.items():
        entry = profile.policy.get(key)
        start = entry.effective_from if entry else None
        end = entry.effective_to if entry else None
        rules[kind] = {
            "policy_key": key,
            "effective_from": start.isoformat() if start else None,
            "effective_to": end.isoformat() if end else None,
            "paid_in_window": entry is not None
            and any(entry.applies(timeline.first(k)) for k in range(len(timeline))),
        }
    return {
        "ui_benefit_monthly": ui,
        "dated_policy": rules,
        "note": "演示数据:失业保险金按 demo_profile.json 的 ui_benefit_monthly 逐年发放,未列出的年份沿用此前最近一年的金额"
        "(carried_forward),不是省定标准;失业补助金、临时生活补助只在其政策参数的实施期内发放,实施期不在窗口内的(如2022年度标准)不发放,"
        "也不为其编造现行金额。",
    }
