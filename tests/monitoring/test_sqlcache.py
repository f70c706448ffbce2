"""The compiled-SQL cache: a hit must be exactly the SQL Ibis would compile, never a stale one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import ibis
import pytest

from tests.monitoring.conftest import synthetic_city
from tests.monitoring.test_engines import OUTPUTS, assert_same
from wenjiuye.intake.lake import connect_duckdb, write_lake
from wenjiuye.monitoring.engines import SQL_CACHE_DIR, run_monitoring
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.sqlcache import SQLCache, fingerprint

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")


class CheckingCache(SQLCache):
    """Every answer of the cache compared with a fresh compilation of the same expression."""

    def __init__(self, folder):
        super().__init__(folder)
        self.checked = 0

    def sql(self, con, expr, params=None):
        sql = super().sql(con, expr, params)
        assert sql == str(con.compile(expr, params=params))
        self.checked += 1
        return sql


def _people(con, name: str, rows: list[tuple[str, int]]):
    values = ", ".join(f"('{p}', {n})" for p, n in rows)
    con.raw_sql(f'CREATE TEMP TABLE "{name}" AS SELECT * FROM (VALUES {values}) AS v(person_id, n)')
    return con.table(name)


def test_the_same_structure_on_other_tables_is_one_entry_filled_with_their_names(tmp_path):
    con = connect_duckdb()
    cache = SQLCache(tmp_path)
    a = _people(con, "people_a", [("P1", 1), ("P2", 5)])
    b = _people(con, "people_b", [("P3", 7)])
    assert "people_a" in cache.sql(con, a.filter(a.n > 2).select("person_id"))
    sql_b = cache.sql(con, b.filter(b.n > 2).select("person_id"))
    assert (cache.hits, cache.misses) == (1, 1)
    assert sql_b == str(con.compile(b.filter(b.n > 2).select("person_id")))
    assert '"people_b"' in sql_b and "people_a" not in sql_b
    assert con.con.sql(sql_b).fetchall() == [("P3",)]
    assert len(list(tmp_path.glob("*.sql"))) == 1
    # the entry holds placeholders, not the first run's table names
    assert "people_a" not in next(tmp_path.glob("*.sql")).read_text(encoding="utf-8")


def test_a_different_literal_column_or_operation_is_a_different_key():
    t = ibis.table({"person_id": "string", "n": "int64"}, name="t")
    keys = {
        fingerprint(expr, "duckdb")[0]  # type: ignore[index]
        for expr in (
            t.filter(t.n > 2),
            t.filter(t.n > 3),
            t.filter(t.n >= 2),
            t.filter(t.n > 2.0),
            t.filter(t.person_id == "2"),
            t.filter(t.n > 2).select("person_id"),
        )
    }
    assert len(keys) == 6
    # the same expression built twice, and on another table of the same schema: one key
    u = ibis.table({"person_id": "string", "n": "int64"}, name="u")
    assert (
        fingerprint(t.filter(t.n > 2), "duckdb")[0] == fingerprint(u.filter(u.n > 2), "duckdb")[0]
    )  # type: ignore[index]
    # another dialect or another schema: another key
    assert fingerprint(t, "duckdb")[0] != fingerprint(t, "pyspark")[0]  # type: ignore[index]
    v = ibis.table({"person_id": "string", "n": "int32"}, name="v")
    assert fingerprint(t, "duckdb")[0] != fingerprint(v, "duckdb")[0]  # type: ignore[index]


def test_a_name_that_appears_outside_quotes_is_not_cached(tmp_path):
    con = connect_duckdb()
    cache = SQLCache(tmp_path)
    t = _people(con, "people_c", [("P1", 1)])
    expr = t.mutate(label=ibis.literal("people_c"))  # the table's name as a string value
    assert cache.sql(con, expr) == str(con.compile(expr))
    assert not list(tmp_path.glob("*.sql"))


def test_monitoring_from_the_cache_equals_compiling(tmp_path):
    """Every statement of a city run, served from the cache, is what Ibis compiles; results
    with and without the cache are the same; a changed parameter is not served stale."""
    write_lake(synthetic_city().frames(), tmp_path)
    fresh = run_monitoring("duckdb", tmp_path, period="202403", sql_cache=False, derived=False)
    assert not (tmp_path / SQL_CACHE_DIR).exists()
    first = CheckingCache(tmp_path / SQL_CACHE_DIR)
    run_monitoring("duckdb", tmp_path, period="202403", sql_cache=first, derived=False)
    assert first.misses > 0 and first.checked == first.hits + first.misses
    second = CheckingCache(tmp_path / SQL_CACHE_DIR)
    cached = run_monitoring("duckdb", tmp_path, period="202403", sql_cache=second, derived=False)
    assert second.misses == 0 and second.hits == first.hits + first.misses
    assert_same(cached, fresh, OUTPUTS)
    # a stricter layoff rule: new structure, new statements, other results
    strict = RuleParams(layoff_min_people=10_000, layoff_min_share=1.0)
    third = CheckingCache(tmp_path / SQL_CACHE_DIR)
    out = run_monitoring(
        "duckdb", tmp_path, strict, period="202403", sql_cache=third, derived=False
    )
    assert third.misses > 0
    expected = run_monitoring(
        "duckdb", tmp_path, strict, period="202403", sql_cache=False, derived=False
    )
    assert_same(out, expected, OUTPUTS)
    codes = set(out["enterprise_flags"]["code"].to_pylist())
    assert "layoff_suspected" in set(fresh["enterprise_flags"]["code"].to_pylist())
    assert "layoff_suspected" not in codes


def test_the_folder_is_pruned_and_may_be_deleted_at_any_time(tmp_path):
    con = connect_duckdb()
    cache = SQLCache(tmp_path, max_entries=4)
    t = _people(con, "people_d", [("P1", 1)])
    for i in range(5):
        cache.sql(con, t.filter(t.n > i))
    assert len(list(tmp_path.glob("*.sql"))) == 2  # the 5th write passed 4: the newest 2 kept
    for entry in tmp_path.glob("*.sql"):
        entry.unlink()
    assert cache.sql(con, t.filter(t.n > 4)) == str(con.compile(t.filter(t.n > 4)))


RUN = """
import json, sys
from wenjiuye.monitoring.engines import SQL_CACHE_DIR, run_monitoring
from wenjiuye.monitoring.sqlcache import SQLCache
cache = SQLCache(sys.argv[1] + "/" + SQL_CACHE_DIR)
run_monitoring("duckdb", sys.argv[1], period="202403", sql_cache=cache)
print(json.dumps([cache.hits, cache.misses]))
"""


def test_the_keys_are_the_same_in_another_process(tmp_path):
    """The point of the cache: the next process (another hash seed) finds every statement."""
    write_lake(synthetic_city().frames(), tmp_path)

    def run(seed: str) -> list[int]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", RUN, str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    hits, misses = run("1")
    assert misses > 0
    # the derived store the first run filled changes the plan: run once more to settle it
    run("2")
    hits, misses = run("3")
    assert misses == 0 and hits > 0


def test_next_month_uses_this_month_statements(tmp_path):
    """The months a run depends on are parameters: once the derived store is in its steady
    state, a new month's run compiles nothing, and its results equal a run without the cache."""
    write_lake(synthetic_city().frames(), tmp_path)
    for period in ("202403", "202404", "202405"):
        run_monitoring("duckdb", tmp_path, period=period)
    cache = CheckingCache(tmp_path / SQL_CACHE_DIR)
    out = run_monitoring("duckdb", tmp_path, period="202406", sql_cache=cache)
    assert cache.misses == 0 and cache.hits > 0
    expected = run_monitoring("duckdb", tmp_path, period="202406", sql_cache=False)
    assert_same(out, expected, OUTPUTS)


def test_a_folder_that_cannot_be_written_only_costs_a_compilation(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    con = connect_duckdb()
    cache = SQLCache(blocker / "sql")
    t = _people(con, "people_e", [("P1", 1)])
    assert cache.sql(con, t.filter(t.n > 0)) == str(con.compile(t.filter(t.n > 0)))
    assert cache.misses == 1 and blocker.is_file()
