"""Boundary tests of every indicator and rule, on small hand-made tables run on DuckDB.

Given a few employers, persons and events; when the monitor runs; then exactly the expected flags
fire, with the documented figures, levels and parameters.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from tests.monitoring.conftest import (
    CITY,
    COUNTY,
    OTHER_COUNTY,
    Data,
    evidence,
    flags,
    month_end,
    month_start,
    periods,
    run_duckdb,
)
from wenjiuye.core.periods import period_to_index
from wenjiuye.monitoring.crossmatches import CROSSMATCH_CODES
from wenjiuye.monitoring.enterprise_rules import ENTERPRISE_FLAG_CODES
from wenjiuye.monitoring.expressions import Monitor
from wenjiuye.monitoring.params import InvalidRuleParams, RuleParams
from wenjiuye.monitoring.region_rules import REGION_FLAG_CODES

# Ibis 12 calls DuckDB's deprecated fetch_arrow_table(); not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


def fired(result: dict[str, pd.DataFrame], code: str, period: str | None = None) -> set[str]:
    df = flags(result, code)
    if period is not None:
        df = df[df["period"] == period]
    return set(df["uscc"])


def row(result: dict[str, pd.DataFrame], code: str, uscc: str, period: str) -> pd.Series:
    df = flags(result, code)
    df = df[(df["uscc"] == uscc) & (df["period"] == period)]
    assert len(df) == 1, df
    return df.iloc[0]


# ---------------------------------------------------------------------------------------------
# enterprise_month
# ---------------------------------------------------------------------------------------------
def test_enterprise_month_counts_distinct_persons_and_flows(data: Data):
    data.staff("F1", {"202401": 10, "202402": 8})
    data.contribution("202402", "F1", "NEW1").contribution("202402", "F1", "NEW2")
    data.contribution("202402", "F1", "F100000", "arrears")  # a duplicate row of a person
    result = run_duckdb(data)
    em = result["enterprise_month"].set_index(["uscc", "period"])

    jan = em.loc[("F1", "202401")]
    assert jan["headcount"] == 10
    assert pd.isna(jan["prev_headcount"]) and pd.isna(jan["joiners"]) and pd.isna(jan["leavers"])

    feb = em.loc[("F1", "202402")]
    assert (feb["headcount"], feb["prev_headcount"]) == (10, 10)
    assert (feb["joiners"], feb["leavers"], feb["net_change"]) == (2, 2, 0)
    assert (feb["arrears_persons"], feb["paid_persons"]) == (1, 10)


def test_month_without_any_contribution_is_missing_not_zero(data: Data):
    data.staff("GAP", {"202401": 30, "202403": 30})  # nobody at all in 202402
    result = run_duckdb(data)
    em = result["enterprise_month"]
    assert list(em["period"]) == ["202401", "202403"]
    assert pd.isna(em.iloc[1]["prev_headcount"])  # the month before is missing
    assert flags(result, "layoff_suspected").empty
    assert flags(result, "si_break").empty
    rm = result["region_month"].query("region_level == 'county' and period == '202402'").iloc[0]
    assert pd.isna(rm["insured_employment"]) and pd.isna(rm["registered_unemployment_rate"])


# ---------------------------------------------------------------------------------------------
# layoff_suspected
# ---------------------------------------------------------------------------------------------
def test_layoff_19_persons_is_not_flagged_and_20_is(data: Data):
    data.staff("A19", {"202401": 300, "202402": 281})
    data.staff("A20", {"202401": 300, "202402": 280})
    result = run_duckdb(data)
    assert fired(result, "layoff_suspected") == {"A20"}
    r = row(result, "layoff_suspected", "A20", "202402")
    assert r["level"] == 3
    assert evidence(r)["decrease"] == 20 and evidence(r)["basis"] == "monthly"
    assert "净减少20人" in r["reason_zh"]
    assert json.loads(r["params"])["layoff_min_people"] == 20


def test_layoff_exactly_ten_percent_is_flagged(data: Data):
    data.staff("B100", {"202401": 100, "202402": 90})  # 10 / 100 = exactly 10 %
    data.staff("B50", {"202401": 50, "202402": 45})  # 5 / 50 = exactly 10 %, 5 persons
    data.staff("B101", {"202401": 101, "202402": 91})  # 10 / 101 = 9.9 %
    result = run_duckdb(data)
    assert fired(result, "layoff_suspected") == {"B100", "B50"}
    r = row(result, "layoff_suspected", "B100", "202402")
    assert r["level"] == 4  # fired by the share test only
    assert evidence(r)["share"] == pytest.approx(0.1)
    assert "减幅10.0%" in r["reason_zh"]


def test_layoff_small_firm_needs_five_persons(data: Data):
    data.staff("S4", {"202401": 40, "202402": 36})  # 10 % but only 4 persons
    data.staff("S5", {"202401": 40, "202402": 35})  # 12.5 % and 5 persons
    data.staff("S3", {"202401": 30, "202402": 27})  # exactly 10 %, 3 persons
    result = run_duckdb(data)
    assert fired(result, "layoff_suspected") == {"S5"}


def test_layoff_over_rolling_three_months(data: Data):
    data.staff("R", {"202401": 100, "202402": 96, "202403": 92, "202404": 88})  # 4 a month
    data.staff("ONCE", {"202401": 100, "202402": 75, "202403": 75, "202404": 75})
    result = run_duckdb(data)
    rolled = flags(result, "layoff_suspected").query("uscc == 'R'")
    assert list(rolled["period"]) == ["202404"]  # 12 of 100 over three months
    ev = evidence(rolled.iloc[0])
    assert ev["basis"] == "rolling" and ev["decrease_k"] == 12 and ev["headcount_k_before"] == 100
    assert "近3个月参保人数净减少12人" in rolled.iloc[0]["reason_zh"]
    # a one-off drop is flagged once, not again while the headcount stays flat
    assert list(flags(result, "layoff_suspected").query("uscc == 'ONCE'")["period"]) == ["202402"]


def test_layoff_levels_follow_the_plan_thresholds(data: Data):
    data.staff("L200", {"202401": 1000, "202402": 800})
    data.staff("L199", {"202401": 1000, "202402": 801})
    data.staff("L50", {"202401": 300, "202402": 250})
    data.staff("L49", {"202401": 300, "202402": 251})
    result = run_duckdb(data)
    levels = flags(result, "layoff_suspected").set_index("uscc")["level"].to_dict()
    assert levels == {"L200": 1, "L199": 2, "L50": 2, "L49": 3}


def test_layoff_thresholds_come_from_params(data: Data):
    data.staff("A20", {"202401": 300, "202402": 280})
    result = run_duckdb(data, RuleParams(layoff_min_people=21, layoff_min_share=0.5))
    assert flags(result, "layoff_suspected").empty


# ---------------------------------------------------------------------------------------------
# si_arrears, si_break
# ---------------------------------------------------------------------------------------------
def test_si_arrears_share_people_and_consecutive_months(data: Data):
    data.staff("AR15", {"202401": 15, "202402": 15}, arrears={"202402": 3})  # 20 %, 3 persons
    data.staff("AR10", {"202401": 10, "202402": 10}, arrears={"202402": 2})  # 20 %, 2 persons
    data.staff("AR14", {"202401": 15, "202402": 15}, arrears={"202402": 2})  # 13 %
    data.staff("AR2M", {"202401": 100, "202402": 100}, arrears={"202401": 1, "202402": 1})
    result = run_duckdb(data)
    assert fired(result, "si_arrears", "202401") == set()
    assert fired(result, "si_arrears", "202402") == {"AR15", "AR2M"}
    assert evidence(row(result, "si_arrears", "AR15", "202402"))["by_share"] is True
    streak = evidence(row(result, "si_arrears", "AR2M", "202402"))
    assert streak["consecutive_months"] == 2 and streak["by_share"] is False


def test_si_arrears_streak_is_broken_by_a_month_without_arrears(data: Data):
    data.staff(
        "ARX", {"202401": 50, "202402": 50, "202403": 50}, arrears={"202401": 1, "202403": 1}
    )
    assert fired(run_duckdb(data), "si_arrears") == set()


def test_si_break_9_vs_10_insured_last_month(data: Data):
    data.staff("SB10", {"202401": 10})
    data.staff("SB9", {"202401": 9})
    data.staff("SBA", {"202401": 12, "202402": 12}, arrears={"202402": 12})  # all in arrears
    data.staff("KEEP", {"202401": 5, "202402": 5})
    result = run_duckdb(data)
    assert fired(result, "si_break") == {"SB10", "SBA"}
    r = row(result, "si_break", "SB10", "202402")
    assert r["level"] == 3 and evidence(r)["prev_headcount"] == 10
    assert "上月参保10人,本月无人正常缴费" in r["reason_zh"]


def test_si_break_level_by_headcount(data: Data):
    data.staff("BIG", {"202401": 200})
    data.staff("MID", {"202401": 50})
    data.staff("KEEP", {"202401": 5, "202402": 5})
    levels = flags(run_duckdb(data), "si_break").set_index("uscc")["level"].to_dict()
    assert levels == {"BIG": 1, "MID": 2}


# ---------------------------------------------------------------------------------------------
# labour cases
# ---------------------------------------------------------------------------------------------
def _calendar(data: Data, first: str = "202401", count: int = 3) -> None:
    data.staff("CAL", dict.fromkeys(periods(first, count), 3))


def test_wage_arrears_case_on_day_90_counts_and_day_91_does_not(data: Data):
    _calendar(data)
    end = month_end("202403")  # 2024-03-31
    data.case("W90", "WA", "wage_arrears", 10, end - timedelta(days=90))  # 2024-01-01
    data.case("W91", "WB", "wage_arrears", 10, end - timedelta(days=91))  # 2023-12-31
    data.case("WF", "WC", "wage_arrears", 10, date(2024, 4, 1))  # after the month end
    result = run_duckdb(data)
    assert fired(result, "wage_arrears", "202403") == {"WA"}
    assert fired(result, "wage_arrears", "202401") == {"WA", "WB"}


def test_wage_arrears_levels_by_people(data: Data):
    _calendar(data)
    for uscc, people in (("W100", 100), ("W99", 99), ("W50", 50), ("W49", 49)):
        data.case(f"c{uscc}", uscc, "wage_arrears", people, date(2024, 3, 15))
    data.case("cD", "WD", "dispute", 500, date(2024, 3, 15))  # not a wage-arrears case
    result = run_duckdb(data)
    levels = flags(result, "wage_arrears").query("period == '202403'")
    assert levels.set_index("uscc")["level"].to_dict() == {"W100": 1, "W99": 2, "W50": 2, "W49": 3}


def test_frequent_disputes_2_vs_3_cases_and_day_90_vs_91(data: Data):
    _calendar(data)
    end = month_end("202403")
    inside = date(2024, 3, 1)
    data.case("a1", "D2", "dispute", 1, inside).case("a2", "D2", "complaint", 1, inside)
    for i, kind in enumerate(("dispute", "complaint", "petition")):
        data.case(f"b{i}", "D3", kind, 2, inside)
    data.case("c1", "D91", "dispute", 1, inside).case("c2", "D91", "dispute", 1, inside)
    data.case("c3", "D91", "wage_arrears", 1, end - timedelta(days=91))
    data.case("d1", "D90", "dispute", 1, inside).case("d2", "D90", "dispute", 1, inside)
    data.case("d3", "D90", "wage_arrears", 1, end - timedelta(days=90))
    result = run_duckdb(data)
    assert fired(result, "frequent_disputes", "202403") == {"D3", "D90"}
    ev = evidence(row(result, "frequent_disputes", "D3", "202403"))
    assert (ev["cases"], ev["dispute"], ev["complaint"], ev["petition"]) == (3, 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# enterprise events and operations
# ---------------------------------------------------------------------------------------------
def test_stoppage_until_resumed(data: Data):
    _calendar(data)
    data.staff("ST", dict.fromkeys(periods("202401", 3), 20))
    data.event("ST", date(2024, 1, 10), "stoppage").event("ST", date(2024, 2, 5), "resumed")
    data.staff("ST2", dict.fromkeys(periods("202401", 3), 60))
    data.event("ST2", date(2024, 1, 10), "stoppage")
    data.event("ST3", date(2024, 2, 10), "stoppage").event("ST3", date(2024, 2, 10), "resumed")
    data.event("ST4", date(2024, 1, 10), "stoppage").event("ST4", date(2024, 1, 20), "resumed")
    data.event("ST4", date(2024, 3, 2), "stoppage")
    result = run_duckdb(data)
    stop = flags(result, "stoppage")
    assert sorted(stop.query("uscc == 'ST'")["period"]) == ["202401"]
    assert sorted(stop.query("uscc == 'ST2'")["period"]) == ["202401", "202402", "202403"]
    assert stop.query("uscc == 'ST3'").empty  # resumed the same day
    assert sorted(stop.query("uscc == 'ST4'")["period"]) == ["202403"]
    r = row(result, "stoppage", "ST2", "202402")
    assert r["level"] == 2 and evidence(r)["people"] == 60
    assert r["reason_zh"].startswith("2024-01-10报告停产停工")


def test_bankruptcy_flagged_for_the_lookback_after_the_event(data: Data):
    _calendar(data, "202401", 6)
    data.staff("BK", dict.fromkeys(periods("202401", 2), 250))
    data.event("BK", date(2024, 2, 15), "bankruptcy")
    data.enterprise("BK0", employees=30).event("BK0", date(2024, 3, 1), "bankruptcy")
    result = run_duckdb(data)
    bk = flags(result, "bankruptcy")
    assert sorted(bk.query("uscc == 'BK'")["period"]) == ["202402", "202403", "202404"]
    assert bk.query("uscc == 'BK'")["level"].tolist() == [1, 1, 1]
    assert set(bk.query("uscc == 'BK0'")["level"]) == {3}  # 30 employees from the registry


def test_export_drop_exactly_30_percent(data: Data):
    _calendar(data, "202401", 1)
    data.operations("EX30", "202301", export=100.0).operations("EX30", "202401", export=70.0)
    data.operations("EX29", "202301", export=100.0).operations("EX29", "202401", export=71.0)
    data.operations("EXD", "202301", export=123.45).operations("EXD", "202401", export=86.415)
    data.operations("EX0", "202301", export=0.0).operations("EX0", "202401", export=0.0)
    data.operations("EXM", "202401", export=10.0)  # no year-before value
    data.operations("EXN", "202301", export=100.0).operations("EXN", "202401", output=5.0)
    data.operations("OUT", "202301", output=1000.0).operations("OUT", "202401", output=600.0)
    result = run_duckdb(data)
    assert fired(result, "export_drop") == {"EX30", "EXD"}
    assert fired(result, "output_drop") == {"OUT"}
    r = row(result, "export_drop", "EX30", "202401")
    assert evidence(r)["drop_share"] == pytest.approx(0.3) and r["level"] == 4
    assert "下降30.0%" in r["reason_zh"]


# ---------------------------------------------------------------------------------------------
# region_month
# ---------------------------------------------------------------------------------------------
def _region_data(data: Data) -> Data:
    data.enterprise("F1", COUNTY).enterprise("F2", OTHER_COUNTY)
    data.staff("F1", {"202401": 10, "202402": 8}, prefix="a")
    data.contribution("202402", "F1", "n0").contribution("202402", "F1", "n1")
    data.contribution("202402", "F1", "b00004")  # moved from F2: not new employment
    data.staff("F2", {"202401": 5, "202402": 4}, prefix="b")
    town = COUNTY + "100"
    data.registration("u1", date(2024, 1, 5), region=town)
    data.registration("u2", date(2024, 1, 10), date(2024, 2, 10), region=town)
    data.registration("u3", date(2024, 2, 20), date(2024, 2, 29), region=town)
    data.registration("u4", date(2024, 2, 1), region=OTHER_COUNTY)
    data.posting("p1", 6, date(2024, 1, 20), date(2024, 2, 10))
    data.posting("p2", 4, date(2024, 2, 15))  # no closing date: open 30 days
    data.posting("p3", 100, date(2024, 2, 1), region=None, city="绍兴")  # partner city
    data.posting("p4", 50, date(2023, 11, 1))  # closed (by default) before January
    data.benefit("u1", "202402").benefit("u4", "202402").benefit("u1", "202401", "subsidy")
    return data


def test_region_month_indicators(data: Data):
    rm = run_duckdb(_region_data(data))["region_month"]
    rm = rm.set_index(["region_level", "region_code", "period"])
    feb = rm.loc[("county", COUNTY, "202402")]
    assert feb["insured_employment"] == 11
    assert feb["new_employment"] == 2  # n0, n1 (b00004 was insured in the city last month)
    assert (feb["position_leavers"], feb["prev_positions"]) == (2, 10)
    assert feb["job_loss_rate"] == pytest.approx(0.2)
    assert (feb["unemployed_stock"], feb["unemployed_inflow"], feb["unemployed_outflow"]) == (
        1,
        1,
        2,
    )
    assert feb["registered_unemployment_rate"] == pytest.approx(1 / 12)
    assert feb["recruitment_demand"] == 10
    assert feb["demand_supply_ratio"] == pytest.approx(10.0)
    assert feb["ui_benefit_recipients"] == 1

    jan = rm.loc[("county", COUNTY, "202401")]
    assert pd.isna(jan["new_employment"]) and pd.isna(jan["job_loss_rate"])
    assert (jan["unemployed_stock"], jan["unemployed_inflow"]) == (2, 2)
    assert jan["registered_unemployment_rate"] == pytest.approx(2 / 12)
    assert (jan["recruitment_demand"], jan["demand_supply_ratio"]) == (6, 3.0)
    assert jan["ui_benefit_recipients"] == 0  # a subsidy is not the UI benefit

    other = rm.loc[("county", OTHER_COUNTY, "202402")]
    assert (other["insured_employment"], other["position_leavers"], other["unemployed_stock"]) == (
        4,
        1,
        1,
    )

    city = rm.loc[("city", CITY, "202402")]
    assert (city["insured_employment"], city["new_employment"]) == (15, 2)
    assert city["job_loss_rate"] == pytest.approx(3 / 15)
    assert city["registered_unemployment_rate"] == pytest.approx(2 / 17)
    assert city["ui_benefit_recipients"] == 2


# ---------------------------------------------------------------------------------------------
# region_flags
# ---------------------------------------------------------------------------------------------
def _rates(
    data: Data, rates: list[float | None], first: str = "202301", total: int = 10_000
) -> list[str]:
    """A county whose registered unemployment rate is ``rates[i]`` % in month i (insured +
    registered = ``total``); ``None`` = a month with no contribution data at all."""
    months = periods(first, len(rates))
    data.enterprise("RATE", COUNTY)
    for i, (period, rate) in enumerate(zip(months, rates, strict=True)):
        stock = round((rate if rate is not None else 4.0) * total / 100)
        if rate is not None:
            data.staff("RATE", {period: total - stock}, prefix="p", register=False)
        nxt = (
            month_start(months[i + 1]) if i + 1 < len(months) else month_end(period) + timedelta(1)
        )
        for j in range(stock):
            data.registration(f"u{period}{j:05d}", month_start(period), nxt)
    return months


def test_unemployment_rising_at_exactly_half_a_point(data: Data):
    months = _rates(data, [4.0] * 12 + [4.5] * 3)
    result = run_duckdb(data)
    rising = flags(result, "unemployment_rising", "region_flags").query("region_level == 'county'")
    assert list(rising["period"]) == [months[14]]
    r = rising.iloc[0]
    assert r["value"] == pytest.approx(0.5)
    assert evidence(r)["lowest_ma_pct"] == pytest.approx(4.0)
    assert "高0.50个百分点" in r["reason_zh"]


def test_unemployment_rising_not_at_049_points(data: Data):
    _rates(data, [4.0] * 12 + [4.49] * 3)
    assert flags(run_duckdb(data), "unemployment_rising", "region_flags").empty


def test_unemployment_window_with_a_missing_month_is_undefined(data: Data):
    months = _rates(data, [4.0] * 12 + [None, 4.5, 4.5, 4.5])
    result = run_duckdb(data)
    rm = result["region_month"].query("region_level == 'county'").set_index("period")
    assert pd.isna(rm.loc[months[12], "registered_unemployment_rate"])  # not 100 %, not 0
    rising = flags(result, "unemployment_rising", "region_flags").query("region_level == 'county'")
    # the windows ending in months 13..15 contain the missing month: undefined, so the first
    # defined average (month 16) is the first that can fire
    assert list(rising["period"]) == [months[15]]
    assert evidence(rising.iloc[0])["lookback_defined_months"] == 9  # months 4..12 of 4..15


def test_new_employment_falling_three_months_running(data: Data):
    new = [100, 100, 100, 90, 80, 70, 60]  # new persons in months 2..8
    months = periods("202401", 8)
    staff = {months[0]: 500}
    total = 500
    for period, n in zip(months[1:], new, strict=True):
        total += n
        staff[period] = total
    data.staff("GROW", staff)
    data.staff("FLAT", dict.fromkeys(months, 40), region=OTHER_COUNTY)
    result = run_duckdb(data)
    falling = flags(result, "new_employment_falling", "region_flags")
    county = falling.query("region_level == 'county'")
    assert set(county["region_code"]) == {COUNTY}
    assert list(county["period"]) == [months[6], months[7]]
    ev = evidence(county.iloc[0])
    assert (ev["ma_3_months_before"], ev["ma"]) == (100.0, 80.0)


@pytest.mark.parametrize(
    ("new", "flagged"),
    [
        ([100, 100, 100, 90, 80, 70], True),  # 100 → 80: exactly the 20 % minimum fall
        ([100, 100, 100, 95, 90, 85], False),  # 100 → 90: falling, but by 10 % only
        ([9, 9, 9, 6, 4, 2], False),  # a big fall, but from fewer than 10 persons a month
    ],
)
def test_new_employment_falling_needs_a_material_fall_from_a_material_base(
    data: Data, new, flagged
):
    months = periods("202401", len(new) + 1)
    total = 500
    staff = {months[0]: total}
    for period, n in zip(months[1:], new, strict=True):
        total += n
        staff[period] = total
    data.staff("GROW", staff)
    falling = flags(run_duckdb(data), "new_employment_falling", "region_flags")
    assert (not falling.query("region_level == 'county'").empty) is flagged


def test_layoff_enterprises_rising(data: Data):
    months = periods("202401", 5)
    for uscc in ("L1", "L2"):
        data.staff(uscc, {**dict.fromkeys(months[:4], 100), months[4]: 75})
    data.staff("L3", {**dict.fromkeys(months[:4], 100), months[4]: 75}, region=OTHER_COUNTY)
    result = run_duckdb(data)
    rising = flags(result, "layoff_enterprises_rising", "region_flags")
    got = {(r.region_level, r.region_code, r.period) for r in rising.itertuples()}
    assert got == {("county", COUNTY, months[4]), ("city", CITY, months[4])}
    assert evidence(rising.query("region_level == 'city'").iloc[0])["enterprises"] == 3


def test_layoff_enterprises_rising_needs_a_defined_baseline(data: Data):
    for uscc in ("L4", "L5"):
        data.staff(uscc, {"202401": 100, "202402": 70, "202403": 70})
    assert flags(run_duckdb(data), "layoff_enterprises_rising", "region_flags").empty


def test_returned_unemployed_rising_for_points_and_counties(data: Data):
    _calendar(data, "202401", 5)
    for period, v1, v2 in zip(periods("202401", 4), (1, 2, 3, 4), (1, 2, 2, 3), strict=True):
        data.point("VP1", COUNTY + "101", period, v1).point("VP2", COUNTY + "102", period, v2)
    data.point("VP1", COUNTY + "101", "202405", 5)
    for period, v in (("202401", 1), ("202402", 2), ("202404", 3), ("202405", 4)):
        data.point("VP3", OTHER_COUNTY + "101", period, v)  # 202403 not reported
    result = run_duckdb(data)
    rising = flags(result, "returned_unemployed_rising", "region_flags")
    got = {(r.region_level, r.point_id, r.region_code, r.period) for r in rising.itertuples()}
    assert got == {
        ("point", "VP1", COUNTY + "101", "202404"),
        ("point", "VP1", COUNTY + "101", "202405"),
        ("county", None, COUNTY, "202404"),  # 2 → 4 → 5 → 7, both points reporting
    }


# ---------------------------------------------------------------------------------------------
# crossmatches
# ---------------------------------------------------------------------------------------------
def cross(result: dict[str, pd.DataFrame], code: str) -> pd.DataFrame:
    return flags(result, code, "crossmatches")


def test_unregistered_separation_59_60_61_days(data: Data):
    _calendar(data, "202401", 4)  # the data end: 2024-04-30
    d = date(2024, 1, 10)
    for person, days in (("X59", 59), ("X60", 60), ("X61", 61)):
        data.contribution("202401", "SEP", person)
        data.filing(person, "SEP", "separation", d, "协商解除")
        data.registration(person, d + timedelta(days=days))
    result = run_duckdb(data)
    got = cross(result, "unregistered_separation")
    assert list(got["person_id"]) == ["X61"]
    r = got.iloc[0]
    assert (r["period"], r["uscc"], r["level"]) == ("202401", "SEP", 4)
    ev = evidence(r)
    assert (ev["source"], ev["separation_date"], ev["window_end"]) == (
        "filing",
        "2024-01-10",
        "2024-03-10",
    )
    assert "60天内" in r["reason_zh"]


def test_unregistered_separation_cases(data: Data):
    _calendar(data, "202401", 4)
    d = date(2024, 1, 10)
    for person in ("XRE", "XRE2", "XRET", "XOPEN"):
        data.contribution("202401", "SEP", person)
    data.filing("XRE", "SEP", "separation", d).contribution("202403", "NEW", "XRE")
    data.filing("XRE2", "SEP", "separation", d).contribution("202404", "NEW", "XRE2")
    data.filing("XRET", "SEP", "separation", d, "退休")
    data.filing("XOPEN", "SEP", "separation", d).registration("XOPEN", date(2023, 12, 1))
    data.contribution("202403", "SEP", "XLATE").filing(
        "XLATE", "SEP", "separation", date(2024, 3, 15)
    )
    for period in ("202401", "202402"):
        data.contribution(period, "SEP", "XGONE")  # stops after February, no filing
    for period in ("202402", "202403"):
        data.contribution(period, "SEP", "XGONE2")  # stops after March: window not passed
    result = run_duckdb(data)
    got = cross(result, "unregistered_separation").set_index("person_id")
    assert set(got.index) == {"XRE2", "XGONE"}
    gone = evidence(got.loc["XGONE"])
    assert (got.loc["XGONE", "period"], gone["source"], gone["separation_date"]) == (
        "202402",
        "contributions",
        "2024-02-29",
    )


def test_registered_but_contributing_paid_vs_arrears(data: Data):
    _calendar(data, "202401", 2)
    data.registration("RBC_PAID", date(2023, 12, 1)).contribution("202401", "EMP", "RBC_PAID")
    data.registration("RBC_ARR", date(2023, 12, 1))
    data.contribution("202401", "EMP", "RBC_ARR", "arrears")
    data.registration("RBC_MID", date(2024, 1, 15))  # registered in the month it left
    data.contribution("202401", "EMP", "RBC_MID").contribution("202402", "EMP", "RBC_MID")
    data.registration("RBC_END", date(2023, 12, 1), date(2024, 1, 20))  # found a job
    data.contribution("202401", "EMP", "RBC_END")
    result = run_duckdb(data)
    got = cross(result, "registered_but_contributing")
    assert {(r.person_id, r.period) for r in got.itertuples()} == {
        ("RBC_PAID", "202401"),
        ("RBC_MID", "202402"),
    }
    assert set(got["uscc"]) == {"EMP"}


def test_benefit_while_contributing(data: Data):
    _calendar(data, "202401", 2)
    data.benefit("BWC1", "202402").contribution("202402", "EMP", "BWC1")
    data.benefit("BWC2", "202402").contribution("202402", "EMP", "BWC2", "arrears")
    data.benefit("BWC3", "202402", "subsidy").contribution("202401", "EMP", "BWC3")
    data.benefit("BWC4", "202402", "temp_allowance").contribution("202402", "EMP", "BWC4")
    result = run_duckdb(data)
    got = cross(result, "benefit_while_contributing")
    assert set(got["person_id"]) == {"BWC1", "BWC4"}
    assert "领取临时生活补助" in got.set_index("person_id").loc["BWC4", "reason_zh"]


def test_at_risk_workers_of_a_layoff_enterprise(data: Data):
    data.staff("S5", {"202401": 40, "202402": 35})
    data.staff("OK", {"202401": 40, "202402": 40})
    got = cross(run_duckdb(data), "at_risk_worker")
    assert len(got) == 35 and set(got["uscc"]) == {"S5"} and set(got["period"]) == {"202402"}


# ---------------------------------------------------------------------------------------------
# warnings, params, API
# ---------------------------------------------------------------------------------------------
def test_warnings_map_every_flag_to_a_graded_level(data: Data):
    data.staff("L200", {"202401": 1000, "202402": 800})
    data.staff("S5", {"202401": 40, "202402": 35})
    data.case("c", "W", "wage_arrears", 120, date(2024, 2, 1))
    result = run_duckdb(data)
    w = result["warnings"]
    total = sum(len(result[k]) for k in ("enterprise_flags", "region_flags", "crossmatches"))
    assert len(w) == total
    top = w.iloc[0]
    assert (top["level"], top["level_name"], top["colour_zh"], top["colour"]) == (
        1,
        "Ⅰ级",
        "红色",
        "red",
    )
    by = w.set_index(["subject_id", "code", "period"])
    assert by.loc[("L200", "layoff_suspected", "202402"), "code_zh"] == "疑似规模裁员"
    assert by.loc[("S5", "layoff_suspected", "202402"), "level_name"] == "Ⅳ级"
    assert by.loc[("W", "wage_arrears", "202402"), "level"] == 1
    assert set(w.query("subject_type == 'person'")["colour"]) == {"blue"}


def test_period_filter_on_the_runner_and_on_one_expression(data: Data):
    data.staff("A20", {"202401": 300, "202402": 280, "202403": 250})
    result = run_duckdb(data, period="202403")
    assert set(result["enterprise_month"]["period"]) == {"202403"}
    assert fired(result, "layoff_suspected") == {"A20"}
    expr = Monitor(data.tables(), RuleParams()).enterprise_flags("202402")
    assert set(expr.to_pandas()["period"]) == {"202402"}


def test_codes_and_outputs_are_complete():
    assert len(ENTERPRISE_FLAG_CODES) == 9 and len(REGION_FLAG_CODES) == 4
    assert len(CROSSMATCH_CODES) == 4
    assert set(Monitor.OUTPUTS) == {
        "enterprise_month",
        "region_month",
        "enterprise_flags",
        "region_flags",
        "crossmatches",
        "warnings",
    }
    assert period_to_index("2024-03") == period_to_index("202403") == 2024 * 12 + 2
    with pytest.raises(ValueError):
        period_to_index("202413")


def test_params_from_policy_keys_and_field_names():
    params = RuleParams.from_mapping(
        {
            "layoff.art41.min_people": "25",
            "layoff.art41.min_ratio": 0.15,
            "monitoring.unregistered_separation.window_days": 45,
            "layoff.report_province.min_people": 300,
            "arrears_min_people": 4,
            "unrelated.key": 1,
        }
    )
    assert (params.layoff_min_people, params.layoff_min_share) == (25, 0.15)
    assert params.unregistered_window_days == 45 and params.arrears_min_people == 4
    assert params.level_layoff_red_min_people == params.level_headcount_red_min_people == 300
    assert (
        RuleParams.policy_keys()["si_break_min_insured"]
        == "monitoring.si_break.min_insured_last_month"
    )
    assert json.loads(params.to_json(["layoff_min_people"])) == {"layoff_min_people": 25}
    assert RuleParams().effective_export_drop_share == 0.30
    with pytest.raises(InvalidRuleParams):
        RuleParams.from_mapping({"unrelated.key": 1}, strict=True)
    with pytest.raises(InvalidRuleParams):
        RuleParams(layoff_min_share=10)  # a ratio, not a percentage
    with pytest.raises(InvalidRuleParams):
        RuleParams(level_si_arrears=5)
