"""What the register pays: UI benefit, unemployment subsidy and temporary living allowance by
the policy in force, and the ``benefit_payments`` file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from wenjiuye.demo.model import INVOLUNTARY, Registration
from wenjiuye.demo.people import People
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, write_table, yuan

MAX_SUBSIDY_MONTHS = 6


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
