"""The demo city, end to end: generated files → `ingest` → lake → DuckDB monitoring run.

Every planted scenario of ``ground_truth.json`` is flagged with the right reason and level;
the quiet control group raises nothing. (Spark agreement is proven in test_engines.py.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.db import transaction
from django.test import override_settings

from tests.monitoring.test_engines import assert_same
from wenjiuye.core.reference import PACKAGED_CITY_DIR, reference_load_default
from wenjiuye.demo.generator import demo_generate
from wenjiuye.intake.lake import connect_duckdb
from wenjiuye.intake.services import ingest_file, store_snapshots_write
from wenjiuye.monitoring.engines import run_monitoring

# The mark makes pytest-django create the test database, which the module fixture fills once.
pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("demo-home")
    with django_db_blocker.unblock(), override_settings(WENJIUYE_HOME=home), transaction.atomic():
        reference_load_default()
        demo = demo_generate(
            out=home / "demo", city_dir=PACKAGED_CITY_DIR, scale="small", seed=2022
        )
        results = [ingest_file(path=f.path, kind=f.kind) for f in demo.files]
        store_snapshots_write()
        out = run_monitoring(connect_duckdb(), Path(home) / "lake", as_pandas=True)
        transaction.set_rollback(True)  # leave the test database as it was
    return {
        "truth": json.loads(demo.ground_truth.read_text(encoding="utf-8")),
        "ingested": results,
        "lake": Path(home) / "lake",
        **out,
    }


def scenario(city: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(s for s in city["truth"]["scenarios"] if s["type"] == kind)


def codes_of(frame: pd.DataFrame, column: str, value: str) -> set[str]:
    return set(frame.loc[frame[column] == value, "code"])


def test_every_demo_row_is_accepted_by_the_intake(city):
    assert all(r.rejected == 0 and r.accepted == r.rows > 0 for r in city["ingested"])


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("layoff_30pct_2m", 3),  # ≥ 20 persons a month; the month of the largest cut may rise
        ("contributions_stop", 3),
        ("arrears", 3),
        ("wage_arrears_cluster", 3),  # 32 persons: below the plan's 50-person threshold
        ("export_drop", 4),
    ],
)
def test_planted_enterprise_scenarios_are_flagged(city, kind, level):
    s = scenario(city, kind)
    flags = city["enterprise_flags"]
    mine = flags[flags["uscc"] == s["uscc"]]
    assert set(s["expected_flags"]) <= set(mine["code"])
    for code in s["expected_flags"]:
        assert mine.loc[mine["code"] == code, "level"].max() >= level
        assert mine.loc[mine["code"] == code, "reason_zh"].str.len().min() > 0
    allowed = set(s["expected_flags"]) | set(s.get("also_acceptable_flags", []))
    if kind == "contributions_stop":
        allowed.add("stoppage")  # the planted stoppage event without resumption
    assert set(mine["code"]) <= allowed


def test_layoff_levels_follow_the_size_of_the_cut(city):
    s = scenario(city, "layoff_30pct_2m")
    flags = city["enterprise_flags"]
    mine = flags[(flags["uscc"] == s["uscc"]) & (flags["code"] == "layoff_suspected")]
    assert set(mine["period"]) == set(s["periods"])
    assert set(mine["level"]) <= {2, 3}  # 27 persons → Ⅲ; 54 over the rolling window → Ⅱ


def test_planted_region_scenarios_are_flagged(city):
    rf = city["region_flags"]
    climb = scenario(city, "county_unemployment_climb")
    rising = rf[(rf["region_code"] == climb["region_code"]) & (rf["code"] == "unemployment_rising")]
    assert not rising.empty and set(rising["level"]) == {2}
    point = scenario(city, "returned_unemployed_rise")
    at_point = rf[
        (rf["point_id"] == point["point_id"]) & (rf["code"] == "returned_unemployed_rising")
    ]
    assert set(point["periods"][3:]) <= set(at_point["period"])


def test_no_quiet_county_raises_a_region_flag(city):
    rf = city["region_flags"]
    planted = {
        scenario(city, "county_unemployment_climb")["region_code"],
        scenario(city, "returned_unemployed_rise")["county_region_code"],
    }
    counties = rf[rf["region_level"] == "county"]
    assert set(counties["region_code"]) <= planted


@pytest.mark.parametrize(
    "kind", ["benefit_while_contributing", "registered_but_contributing", "unregistered_separation"]
)
def test_planted_person_scenarios_are_flagged(city, kind):
    s = scenario(city, kind)
    cm = city["crossmatches"]
    flagged = set(cm.loc[cm["code"] == kind, "person_id"])
    assert set(s["person_ids"]) <= flagged
    assert (cm.loc[cm["code"] == kind, "level"] == 4).all()


def test_unregistered_separation_boundary_59_and_61_days(city):
    s = scenario(city, "unregistered_separation")
    cm = city["crossmatches"]
    flagged = set(cm.loc[cm["code"] == "unregistered_separation", "person_id"])
    for control in s["boundary_controls"]:
        assert (control["person_id"] in flagged) is (control["days"] == 61), control


def test_workers_remaining_at_the_layoff_firm_are_at_risk(city):
    s = scenario(city, "layoff_30pct_2m")
    cm = city["crossmatches"]
    at_risk = set(cm.loc[(cm["code"] == "at_risk_worker") & (cm["uscc"] == s["uscc"]), "person_id"])
    assert set(s["remaining_person_ids"]) <= at_risk


def test_the_control_group_raises_nothing(city):
    controls = {e["uscc"] for e in city["truth"]["controls"]["enterprises"]}
    assert len(controls) >= 20
    assert not controls & set(city["enterprise_flags"]["uscc"])
    assert not controls & set(city["crossmatches"]["uscc"].dropna())


def test_background_raises_only_what_it_may(city):
    background = city["truth"]["background"]
    planted = {s.get("uscc") for s in city["truth"]["scenarios"]}
    late = {e["uscc"] for e in background["late_payments"]}
    unplanted = city["enterprise_flags"][~city["enterprise_flags"]["uscc"].isin(planted)]
    assert set(unplanted["uscc"]) <= late
    assert set(unplanted["code"]) <= {"si_arrears"}
    retired = set(background["retirements"]["person_ids"])
    cm = city["crossmatches"]
    assert not retired & set(cm.loc[cm["code"] == "unregistered_separation", "person_id"])


@pytest.mark.slow
def test_duckdb_and_spark_agree_on_the_demo_city(city, spark_con):
    spark = run_monitoring(spark_con, city["lake"], as_pandas=True)
    duck = {name: city[name] for name in spark}
    assert_same(duck, spark)
    assert len(spark["enterprise_flags"]) > 0 and len(spark["crossmatches"]) > 0
