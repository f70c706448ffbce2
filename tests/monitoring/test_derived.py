"""The derived store: per-month aggregates kept under ``lake/_derived`` so a one-month run reads the
month's partitions and the stored history; results must equal a run that reads everything."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from tests.monitoring.conftest import periods, synthetic_city
from tests.monitoring.test_engines import OUTPUTS, assert_same
from wenjiuye.core.periods import period_to_index
from wenjiuye.intake.lake import write_lake
from wenjiuye.monitoring.derived import DERIVED_DIR, DerivedStore, lake_months, plan_run
from wenjiuye.monitoring.engines import (
    history_months,
    lake_run_info,
    run_monitoring,
    run_monitoring_by_month,
)
from wenjiuye.monitoring.params import RuleParams

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

PRESENT = [m for m in periods("202301", 18) if m != "202302"]


def _month(full: dict[str, pa.Table], period: str) -> dict[str, pa.Table]:
    return {k: v.filter(pc.equal(v["period"], period)) for k, v in full.items() if k in OUTPUTS}


def _plan(root, period: str, outputs=OUTPUTS):
    params = RuleParams()
    plan = plan_run(root, params, period, history_months(params), list(outputs))
    assert plan is not None
    return DerivedStore(root).attach_history(plan)


def test_month_after_month_runs_equal_the_full_run(tmp_path):
    write_lake(synthetic_city().frames(), tmp_path)
    full = run_monitoring("duckdb", tmp_path, derived=False)
    assert not (tmp_path / DERIVED_DIR).exists()
    # the first run has nothing stored: it reads its 14 months of history and stores them
    first = _plan(tmp_path, "202403")
    assert first.history_until is None
    assert first.contribution_periods[0] == "202301"  # 202403 - 14 = 202301
    one = run_monitoring("duckdb", tmp_path, period="202403")
    assert_same(one, _month(full, "202403"))
    stored = sorted(p.name for p in (tmp_path / DERIVED_DIR / "enterprise_month").iterdir())
    # 202301 is the first month of the lake (final); 202302 is missing; up to 202405 (the
    # unregistered-separation window of 202403, 2024-03-31 + 60 days = 2024-05-30, is read)
    assert stored == [f"period={m}" for m in PRESENT if m <= "202405"]
    # the next months read the month before and the window after it, the rest is stored
    for period in ("202404", "202405", "202406"):
        plan = _plan(tmp_path, period)
        t = period_to_index(period)
        assert plan.history_until is not None
        assert period_to_index(plan.history_until) == t - 1
        assert plan.contribution_periods[0] == plan.history_until
        assert len(plan.history["enterprise_month"]) == len(
            [m for m in PRESENT if t - 14 <= period_to_index(m) < t]
        )
        one = run_monitoring("duckdb", tmp_path, period=period)
        assert_same(one, _month(full, period))


def test_a_run_reads_only_the_partitions_it_needs(tmp_path):
    write_lake(synthetic_city().frames(), tmp_path)
    run_monitoring("duckdb", tmp_path)  # an all-months run stores every month
    plan = _plan(tmp_path, "202401")
    # the month before, the month, and the 60-day window after 202401-31 (up to 2024-03-31)
    assert plan.contribution_periods == ["202312", "202401", "202402", "202403"]
    assert plan.contributions_until == "202403"
    assert plan.to_store == []  # all already stored
    # enterprise outputs only: the region history is not needed
    plan = _plan(tmp_path, "202401", ["enterprise_month", "crossmatches"])
    assert set(plan.history) == {"enterprise_month"}


def test_a_republished_period_is_recomputed(tmp_path):
    data = synthetic_city()
    write_lake(data.frames(), tmp_path)
    run_monitoring("duckdb", tmp_path)
    store = DerivedStore(tmp_path)
    months = lake_months(tmp_path)
    pidx = period_to_index("202403")
    assert store.has("enterprise_month", pidx, months)
    # a corrected re-export of 202403 without one employer's contributions
    frames = data.frames()
    contrib = frames["si_contributions"]
    victim = sorted(contrib.loc[contrib["period"] == "202403", "uscc"].unique())[0]
    corrected = contrib[(contrib["period"] == "202403") & (contrib["uscc"] != victim)]
    write_lake({"si_contributions": corrected}, tmp_path)
    months = lake_months(tmp_path)
    # the month and the month after it no longer match what they were computed from
    assert not store.has("enterprise_month", pidx, months)
    assert not store.has("enterprise_month", pidx + 1, months)
    assert store.has("enterprise_month", pidx - 1, months)
    plan = _plan(tmp_path, "202405")
    assert plan.history_until == "202402"  # the stored stretch ends before 202403
    assert plan.to_store == [period_to_index(m) for m in ("202403", "202404")]  # the rest: kept
    fresh = run_monitoring("duckdb", tmp_path, derived=False)
    for period in ("202404", "202405"):
        one = run_monitoring("duckdb", tmp_path, period=period)
        assert_same(one, _month(fresh, period))
    em = fresh["enterprise_month"].to_pandas()
    assert victim in set(em.loc[em["period"] == "202402", "uscc"])
    assert (em.loc[(em["period"] == "202403") & (em["uscc"] == victim), "headcount"] == 0).all()
    # the store was refreshed by the runs
    months = lake_months(tmp_path)
    assert store.has("enterprise_month", pidx, months)


def test_invalidate_removes_the_period_and_the_month_after(tmp_path):
    write_lake(synthetic_city().frames(), tmp_path)
    run_monitoring("duckdb", tmp_path)
    removed = DerivedStore(tmp_path).invalidate(["202403"])
    assert sorted(p.parent.name + "/" + p.name for p in removed) == [
        "enterprise_month/period=202403",
        "enterprise_month/period=202404",
        "region_month/period=202403",
        "region_month/period=202404",
    ]
    plan = _plan(tmp_path, "202405")
    assert plan.history_until == "202402"


@pytest.mark.slow
def test_an_all_months_run_month_by_month_equals_the_full_run(tmp_path):
    # the lake has a missing month (202302): it is run too (its region rows exist)
    write_lake(synthetic_city().frames(), tmp_path)
    full = run_monitoring("duckdb", tmp_path, derived=False)
    parts = list(run_monitoring_by_month("duckdb", tmp_path))
    assert [p for p, _ in parts] == periods("202301", 18)
    joined = {k: pa.concat_tables([r[k] for _, r in parts]) for k in OUTPUTS}
    assert all(joined[k].num_rows > 0 for k in OUTPUTS)
    assert_same(joined, full)
    info = lake_run_info(tmp_path)
    run = full["run"].to_pylist()[0]
    assert info == {
        "first_period": run["first_period"],
        "last_period": run["last_period"],
        "data_end": run["data_end"],
        "missing": json.loads(run["missing_periods"]),
    }
    assert info["missing"] == ["202302"]
    # the runs filled the derived store month by month: every present month is stored
    stored = sorted(p.name for p in (tmp_path / DERIVED_DIR / "enterprise_month").iterdir())
    assert stored == [f"period={m}" for m in PRESENT]


def test_a_run_removes_what_a_republished_period_made_stale(tmp_path):
    """The intake knows nothing of the store: the next run that uses it prunes the stored months
    whose fingerprints no longer match (the re-published month and the month after it)."""
    data = synthetic_city()
    write_lake(data.frames(), tmp_path)
    run_monitoring("duckdb", tmp_path)
    contrib = data.frames()["si_contributions"]
    march = contrib[contrib["period"] == "202403"]
    write_lake({"si_contributions": march.iloc[1:]}, tmp_path)
    stale = [
        tmp_path / DERIVED_DIR / table / f"period={m}"
        for table in ("enterprise_month", "region_month")
        for m in ("202403", "202404")
    ]
    assert all(len(list(folder.glob("*.parquet"))) == 1 for folder in stale)
    removed = DerivedStore(tmp_path).prune(lake_months(tmp_path))
    assert sorted(p.parent for p in removed) == sorted(stale)
    assert not any(folder.exists() for folder in stale)
    # a period run prunes too, then stores the months it recomputed
    write_lake({"si_contributions": march}, tmp_path)
    run_monitoring("duckdb", tmp_path, period="202406")
    months = lake_months(tmp_path)
    store = DerivedStore(tmp_path)
    assert all(store.has("enterprise_month", period_to_index(m), months) for m in PRESENT)
    assert all(len(list(f.glob("*.parquet"))) == 1 for f in stale)
