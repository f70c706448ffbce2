"""The lake layout, and one set of expressions giving the same results on DuckDB and on Spark."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.monitoring.conftest import Data, add_rates, periods, synthetic_city
from wenjiuye.intake.lake import connect_duckdb, open_lake, write_lake
from wenjiuye.monitoring.crossmatches import CROSSMATCH_CODES
from wenjiuye.monitoring.engines import history_months, run_monitoring, run_tables
from wenjiuye.monitoring.enterprise_rules import ENTERPRISE_FLAG_CODES
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.region_rules import REGION_FLAG_CODES

# Ibis 12 calls DuckDB's deprecated fetch_arrow_table(); not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

OUTPUTS = (
    "enterprise_month",
    "region_month",
    "enterprise_flags",
    "region_flags",
    "crossmatches",
    "warnings",
)


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def normalise(table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Rows sorted, floats rounded to 9 decimals, JSON columns parsed and re-serialised."""
    df = table.to_pandas() if isinstance(table, pa.Table) else table.copy()
    for col in df.columns:
        if col in ("evidence", "params"):
            df[col] = [json.dumps(_round(json.loads(v)), sort_keys=True) for v in df[col]]
        elif pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].round(9)
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    if df.empty:
        return df.reset_index(drop=True)
    key = df.astype(str).apply("|".join, axis=1)
    return df.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def assert_same(
    left: dict[str, Any], right: dict[str, Any], names: tuple[str, ...] | list[str] = OUTPUTS
) -> None:
    for name in names:
        a, b = normalise(left[name]), normalise(right[name])
        assert list(a.columns) == list(b.columns), name
        assert len(a) == len(b), f"{name}: {len(a)} != {len(b)} rows"
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)


# ---------------------------------------------------------------------------------------------
# the lake
# ---------------------------------------------------------------------------------------------
def test_write_lake_layout_replace_and_idempotence(tmp_path):
    contributions = pd.DataFrame(
        {
            "period": ["202401", "202401", "2024-02"],
            "uscc": ["U1", "U2", "U1"],
            "person_id": ["P1", "P2", "P1"],
            "base": [4000.0, 4000.0, 4100.0],
            "status": ["paid", "arrears", "paid"],
        }
    )
    filings = pd.DataFrame(
        {
            "person_id": ["P2"],
            "uscc": ["U2"],
            "kind": ["separation"],
            "date": [pd.Timestamp("2024-01-15").date()],
            "reason": [None],
        }
    )
    enterprises = pd.DataFrame({"uscc": ["U1"], "name": ["甲"], "region_code": ["410421"]})
    written = write_lake(
        {
            "si_contributions": contributions,
            "employment_filings": filings,
            "enterprises": enterprises,
        },
        tmp_path,
    )
    files = sorted(p.relative_to(tmp_path).parent.as_posix() for ps in written.values() for p in ps)
    assert files == [
        "employment_filings/period=202401",
        "enterprises",
        "si_contributions/period=202401",
        "si_contributions/period=202402",
    ]
    part = pq.read_table(written["si_contributions"][0])
    assert "period" not in part.column_names and part.num_rows == 2
    # the same rows again: nothing new; a corrected period replaces the old one
    again = write_lake({"si_contributions": contributions}, tmp_path)
    assert again["si_contributions"] == written["si_contributions"]
    corrected = contributions.iloc[:1]
    write_lake({"si_contributions": corrected}, tmp_path)
    jan = list((tmp_path / "si_contributions" / "period=202401").glob("*.parquet"))
    assert len(jan) == 1 and pq.read_table(jan[0]).num_rows == 1
    write_lake({"enterprises": enterprises}, tmp_path)  # a snapshot: written again, still one
    assert len(list((tmp_path / "enterprises").glob("*.parquet"))) == 1


def test_open_lake_on_duckdb_reads_the_partition_as_text(tmp_path):
    data = synthetic_city()
    write_lake(data.frames(), tmp_path)
    con = connect_duckdb()
    tables = open_lake(con, tmp_path)
    assert set(tables) == set(data.frames())
    contributions = tables["si_contributions"]
    periods = con.to_pandas(contributions.select("period").distinct())["period"]
    assert sorted(periods)[:2] == ["202301", "202303"]  # 202302 is the missing month
    assert con.to_pandas(contributions.count().as_table()).iloc[0, 0] == len(
        data.rows["si_contributions"]
    )


def test_run_on_the_lake_equals_run_on_memory_tables(tmp_path):
    data = synthetic_city()
    write_lake(data.frames(), tmp_path)
    from_lake = run_monitoring(connect_duckdb(), tmp_path)
    in_memory = run_tables(connect_duckdb(), data.tables())
    assert_same(from_lake, in_memory)
    run = from_lake["run"].to_pylist()[0]
    assert (run["engine"], run["first_period"], run["last_period"]) == (
        "duckdb",
        "202301",
        "202406",
    )
    assert json.loads(run["missing_periods"]) == ["202302"]
    assert json.loads(run["params"]) == RuleParams().as_dict()


def test_a_period_run_equals_the_full_run_filtered_to_that_period(tmp_path):
    data = synthetic_city()
    write_lake(data.frames(), tmp_path)
    full = run_monitoring("duckdb", tmp_path)
    for period in ("202402", "202405"):
        one = run_monitoring("duckdb", tmp_path, period=period)
        filtered = {
            k: v.filter(pa.compute.equal(v["period"], period))
            for k, v in full.items()
            if k in OUTPUTS
        }
        assert_same(one, filtered)
    assert history_months(RuleParams()) == 14


def test_the_history_read_for_a_period_is_enough_for_the_unemployment_rule(tmp_path):
    # the lowest 3-month average (3.0 %) is the earliest one the rule of month 15 looks at
    data = Data()
    months = periods("202301", 15)
    add_rates(data, "RATE", "410421", [3.0] * 3 + [4.0] * 12, months, 1000)
    write_lake(data.frames(), tmp_path)
    full = run_monitoring("duckdb", tmp_path, outputs=["region_flags"])["region_flags"]
    one = run_monitoring("duckdb", tmp_path, period=months[14], outputs=["region_flags"])
    rising = one["region_flags"].to_pandas().query("region_level == 'county'")
    assert list(rising["value"].round(9)) == [1.0]  # 4.0 - 3.0, not 4.0 - 3.33
    assert_same(
        {"region_flags": one["region_flags"]},
        {"region_flags": full.filter(pa.compute.equal(full["period"], months[14]))},
        ["region_flags"],
    )


def test_every_rule_has_a_positive_case_in_the_synthetic_city():
    result = run_tables(connect_duckdb(), synthetic_city().tables(), as_pandas=True)
    assert set(result["enterprise_flags"]["code"]) == set(ENTERPRISE_FLAG_CODES)
    assert set(result["region_flags"]["code"]) == set(REGION_FLAG_CODES)
    assert set(result["crossmatches"]["code"]) == set(CROSSMATCH_CODES)
    ef = result["enterprise_flags"]
    negatives = {"A19", "S4", "AR10", "W91F", "D2F", "EX29"}
    flagged = {
        (u, c)
        for u, c in zip(ef["uscc"], ef["code"], strict=True)
        if c in ("layoff_suspected", "si_arrears", "frequent_disputes", "export_drop")
    }
    assert not {u for u, _ in flagged} & negatives
    assert set(ef.query("code == 'wage_arrears' and period == '202403'")["uscc"]) == {"W90F"}


# ---------------------------------------------------------------------------------------------
# DuckDB and Spark
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_duckdb_and_spark_give_identical_results(tmp_path, spark_con):
    write_lake(synthetic_city().frames(), tmp_path)
    duck = run_monitoring(connect_duckdb(), tmp_path)
    spark = run_monitoring(spark_con, tmp_path)
    assert spark["run"].to_pylist()[0]["engine"] == "pyspark"
    assert set(duck["enterprise_flags"].column("code").to_pylist()) == set(ENTERPRISE_FLAG_CODES)
    assert_same(duck, spark)


@pytest.mark.slow
def test_duckdb_and_spark_agree_for_one_period(tmp_path, spark_con):
    write_lake(synthetic_city().frames(), tmp_path)
    # Spark first, on an empty derived store: it reads the history and stores the months
    spark = run_monitoring(spark_con, tmp_path, period="202405")
    duck = run_monitoring(connect_duckdb(), tmp_path, period="202405", derived=False)
    assert_same(duck, spark)
    assert duck["region_flags"].num_rows > 0
    assert (tmp_path / "_derived" / "enterprise_month" / "period=202405").is_dir()
    # the next month on Spark takes its history from what the Spark run stored
    spark = run_monitoring(spark_con, tmp_path, period="202406")
    duck = run_monitoring(connect_duckdb(), tmp_path, period="202406", derived=False)
    assert_same(duck, spark)
