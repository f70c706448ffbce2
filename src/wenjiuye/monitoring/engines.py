"""Run the monitoring expressions on DuckDB (embedded default) or Spark, over the Parquet lake.

The lake is read and written by :mod:`wenjiuye.intake.lake` (its layout is described there); this
module keeps the engine's own files beside it (``_derived``, ``_sqlcache``). Nothing here needs
Django settings: the lead's ``wenjiuye monitor`` command calls :func:`run_monitoring`.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from wenjiuye.core.periods import index_to_period, period_to_index
from wenjiuye.intake.lake import backend_name, connect_duckdb, open_lake, write_lake
from wenjiuye.monitoring.derived import DerivedStore, RunPlan, lake_months, plan_run
from wenjiuye.monitoring.expressions import Monitor
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.sqlcache import SQLCache

SQL_CACHE_DIR = "_sqlcache"  # under the lake: compiled SQL per expression structure


# ---------------------------------------------------------------------------------------------
# Backends (the lake opens on any: :func:`wenjiuye.intake.lake.open_lake`)
# ---------------------------------------------------------------------------------------------
def connect_spark(session: Any | None = None, *, master: str = "local[2]") -> ibis.BaseBackend:
    """An Ibis PySpark backend; creates a small local session when none is given."""
    if session is None:
        from pyspark.sql import SparkSession  # noqa: PLC0415 (Spark is an optional extra)

        session = (
            SparkSession.builder.master(master)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
    return ibis.pyspark.connect(session)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
class _Materializer:
    """Cache intermediate results on the backend (DuckDB temp tables; Spark cached views).

    Ibis 12's ``create_table``/``drop_table`` emit ``DROP TABLE IF EXISTS`` without the table
    name under the pinned sqlglot 30.x, so DuckDB tables are created with plain SQL, compiled
    through the :class:`~wenjiuye.monitoring.sqlcache.SQLCache` (no folder: compiled each time).
    """

    def __init__(self, con: ibis.BaseBackend, sql_cache: SQLCache | None = None) -> None:
        self.con = con
        self.created: list[tuple[str, str]] = []
        self._frames: list[Any] = []
        self._token = uuid.uuid4().hex[:8]
        self.duckdb = backend_name(con) == "duckdb"
        self.sql_cache = sql_cache or SQLCache(None)
        self.params: dict[Any, int] = {}  # the monitor's parameter values (DuckDB only)

    def _duckdb_sql(self, expr: ir.Table) -> str:
        """The SQL of ``expr`` (compiled or from the cache), its in-memory tables registered."""
        self.con._run_pre_execute_hooks(expr)  # noqa: SLF001 (what to_pyarrow does first)
        return self.sql_cache.sql(self.con, expr, self.params)

    def fetch(self, expr: ir.Table) -> pa.Table:
        """The result of ``expr`` as Arrow (``to_pyarrow``; on DuckDB through the SQL cache)."""
        if not self.duckdb:
            return self.con.to_pyarrow(expr)
        from ibis.backends.duckdb.converter import DuckDBPyArrowData  # noqa: PLC0415

        table = self.con.con.sql(self._duckdb_sql(expr)).to_arrow_table()
        return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)

    def __call__(self, name: str, expr: ir.Table) -> ir.Table:
        table_name = f"wjy_{name}_{self._token}"
        backend = backend_name(self.con)
        if backend == "duckdb":
            sql = self._duckdb_sql(expr)
            self.con.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{table_name}" AS {sql}')
            self.created.append(("table", table_name))
            return self._typed(self.con.table(table_name), expr)
        if backend == "pyspark":
            # A cached view keeps its lineage, and Spark re-analyses the whole chain of views at
            # every later query (minutes on a small city); a local checkpoint cuts it.
            view = f"{table_name}_v"
            self.con.create_view(view, expr, overwrite=True)
            self.created.append(("view", view))
            session = _spark_session(self.con)
            frame = session.table(f"`{view}`").localCheckpoint(eager=True)
            frame.createOrReplaceTempView(table_name)
            self.created.append(("view", table_name))
            self._frames.append(frame)
            return self._typed(self.con.table(table_name), expr)
        return expr

    @staticmethod
    def _typed(table: ir.Table, expr: ir.Table) -> ir.Table:
        """The stored table with the expression's column types (an engine may store an Ibis
        int64 literal as a 32-bit integer, which would break later unions)."""
        schema = expr.schema()
        if table.schema() == schema:
            return table
        return table.cast(schema)

    def release(self) -> None:
        backend = backend_name(self.con)
        q = '"' if backend == "duckdb" else "`"
        for kind, name in reversed(self.created):
            if kind == "table":
                self.con.raw_sql(f"DROP TABLE IF EXISTS {q}{name}{q}")
            else:
                self.con.raw_sql(f"DROP VIEW IF EXISTS {q}{name}{q}")
        self.created.clear()
        for frame in self._frames:
            frame.unpersist()
        self._frames.clear()


def _spark_session(con: ibis.BaseBackend) -> Any:
    session = getattr(con, "_session", None)
    if session is None:
        from pyspark.sql import SparkSession  # noqa: PLC0415 (Spark is an optional extra)

        session = SparkSession.getActiveSession()
    return session


def history_months(params: RuleParams) -> int:
    """Months of contribution history before a reported period that its rules need.

    The unemployment rule reads the moving averages of the ``lookback`` months before, each over
    ``avg`` months (a rate needs no month before); new employment needs the month before each of
    its ``avg + falling`` months; the layoff-enterprises baseline needs layoff flags ``baseline``
    months back, each with its rolling window.
    """
    return max(
        params.unemployment_lookback_months + params.unemployment_avg_months - 1,
        params.new_employment_avg_months + params.new_employment_falling_months,
        params.layoff_enterprises_baseline_months + params.layoff_rolling_months,
        params.arrears_consecutive_months - 1,
    )


def resolve_backend(con_or_engine: ibis.BaseBackend | str) -> ibis.BaseBackend:
    if isinstance(con_or_engine, str):
        engine = con_or_engine.lower()
        if engine == "duckdb":
            return connect_duckdb()
        if engine in ("spark", "pyspark"):
            return connect_spark()
        raise ValueError(f"unknown engine {con_or_engine!r} (duckdb or spark)")
    return con_or_engine


def run_tables(
    con_or_engine: ibis.BaseBackend | str,
    tables: Mapping[str, Any],
    params: RuleParams | None = None,
    period: str | None = None,
    *,
    as_pandas: bool = False,
    since_period: str | None = None,
    outputs: Sequence[str] | None = None,
) -> dict[str, pa.Table | pd.DataFrame]:
    """Execute the outputs over ``tables`` (kind -> Ibis table, pandas or pyarrow) on a backend.

    Returns ``enterprise_month``, ``region_month``, ``enterprise_flags``, ``region_flags``,
    ``crossmatches``, ``warnings`` (or only those named in ``outputs``) and ``run`` (one row:
    engine, data range, period, parameters).
    """
    wanted = list(Monitor.OUTPUTS if outputs is None else outputs)
    unknown = set(wanted) - set(Monitor.OUTPUTS)
    if unknown:
        raise ValueError(f"unknown outputs: {sorted(unknown)}")
    con = resolve_backend(con_or_engine)
    params = params or RuleParams()
    if period is not None:
        period = index_to_period(period_to_index(period))
        if since_period is None:
            since_period = index_to_period(period_to_index(period) - history_months(params))
    return _execute(
        con, tables, params, period, wanted, as_pandas=as_pandas, since_period=since_period
    )


def _execute(
    con: ibis.BaseBackend,
    tables: Mapping[str, Any],
    params: RuleParams,
    period: str | None,
    wanted: Sequence[str],
    *,
    as_pandas: bool,
    since_period: str | None,
    plan: RunPlan | None = None,
    store: DerivedStore | None = None,
    sql_cache: SQLCache | None = None,
) -> dict[str, pa.Table | pd.DataFrame]:
    materializer = _Materializer(con, sql_cache)
    try:
        monitor = Monitor(
            tables,
            params,
            materialize=materializer,
            since_period=since_period,
            focus_period=period,
            parametrize=materializer.duckdb,
            **(plan.monitor_kwargs(con) if plan is not None else {}),
        )
        materializer.params = monitor.param_values  # filled as the expressions are built
        results: dict[str, pa.Table | pd.DataFrame] = {}
        for name in wanted:
            results[name] = materializer.fetch(getattr(monitor, name)(period))
        cal = monitor.calendar
        bounds = materializer.fetch(
            cal.aggregate(
                first=cal.period.min(),
                last=cal.period.max(),
                data_end=cal.data_end.max(),
                missing=cal.period.collect(where=~cal.present),
            )
        ).to_pylist()
        info = bounds[0] if bounds else {}
        data_end = info.get("data_end")
        results["run"] = pa.table(
            {
                "engine": [backend_name(con)],
                "period": [period],
                "first_period": [info.get("first")],
                "last_period": [info.get("last")],
                "data_end": [data_end.isoformat() if isinstance(data_end, date) else None],
                "missing_periods": [json.dumps(sorted(info.get("missing") or []))],
                "params": [params.to_json()],
            }
        )
        if plan is not None and store is not None and plan.to_store:
            store.save(materializer.fetch, monitor, plan)
    finally:
        materializer.release()
    if as_pandas:
        return {k: v.to_pandas() for k, v in results.items()}
    return results


def run_monitoring(
    con_or_engine: ibis.BaseBackend | str,
    lake_root: str | Path,
    params: RuleParams | None = None,
    period: str | None = None,
    *,
    as_pandas: bool = False,
    outputs: Sequence[str] | None = None,
    derived: bool = True,
    sql_cache: bool | SQLCache = True,
) -> dict[str, pa.Table | pd.DataFrame]:
    """Open the lake at ``lake_root`` on DuckDB or Spark and execute the monitoring outputs.

    ``con_or_engine`` is an Ibis backend (DuckDB or PySpark) or "duckdb" / "spark". With a
    ``period`` (YYYYMM) the outputs are that month's rows only, and rows older than the history
    every rule of that month needs are not read.

    With ``derived`` (the default) the run keeps per-month aggregates (enterprise × month and
    the region indicators computed from contributions) under ``<lake>/_derived/`` and a period
    run reads them for its history instead of the history's contribution rows: it then reads
    the contribution partitions of the month before, the month itself and the months the
    unregistered-separation window needs after it. A stored month is used only while the
    contribution partitions (and the enterprises) it was computed from are unchanged, so a
    re-published period is recomputed. ``derived=False`` reads everything from the lake.

    With ``sql_cache`` (the default) a DuckDB run keeps the SQL it compiles under
    ``<lake>/_sqlcache/`` and the next run whose expressions have the same structure uses it
    instead of compiling again (:mod:`wenjiuye.monitoring.sqlcache`); an ``SQLCache`` instance
    may be given instead (its ``hits`` and ``misses`` then count the run's lookups).
    """
    con = resolve_backend(con_or_engine)
    params = params or RuleParams()
    wanted = list(Monitor.OUTPUTS if outputs is None else outputs)
    unknown = set(wanted) - set(Monitor.OUTPUTS)
    if unknown:
        raise ValueError(f"unknown outputs: {sorted(unknown)}")
    root = Path(lake_root)
    if period is not None:
        period = index_to_period(period_to_index(period))
    if isinstance(sql_cache, SQLCache):
        cache = sql_cache
    else:
        cache = SQLCache(root / SQL_CACHE_DIR if sql_cache else None)
    plan = plan_run(root, params, period, history_months(params), wanted) if derived else None
    if plan is None:
        since = None
        if period is not None:
            since = index_to_period(period_to_index(period) - history_months(params))
        tables = open_lake(con, root)
        return _execute(
            con,
            tables,
            params,
            period,
            wanted,
            as_pandas=as_pandas,
            since_period=since,
            sql_cache=cache,
        )
    store = DerivedStore(root)
    store.prune(plan.months)
    plan = store.attach_history(plan)
    tables = open_lake(con, root, partitions={"si_contributions": plan.contribution_periods})
    return _execute(
        con,
        tables,
        params,
        period,
        wanted,
        as_pandas=as_pandas,
        since_period=plan.since_period,
        plan=plan,
        store=store,
        sql_cache=cache,
    )


def run_monitoring_by_month(
    con_or_engine: ibis.BaseBackend | str,
    lake_root: str | Path,
    params: RuleParams | None = None,
    *,
    as_pandas: bool = False,
    outputs: Sequence[str] | None = None,
) -> Iterator[tuple[str | None, dict[str, pa.Table | pd.DataFrame]]]:
    """Every month of the lake, one period run after another: yields ``(period, results)``.

    The concatenation of the yielded outputs equals ``run_monitoring(…, period=None)`` (the same
    rows; each output ordered by period first), but only one month's results exist at a time and
    each run reads the month's partitions and the derived store, which the runs fill in
    calendar order (the first one reads its history from the contributions). So an all-months
    run over a large lake needs the memory of a monthly run, not of every output of every month.
    Every calendar month is run, the missing ones included (their region rows exist). ``run`` of
    each result describes that period run; :func:`lake_run_info` describes the whole lake. A lake
    without contribution partitions yields one all-months result with period ``None``.
    """
    con = resolve_backend(con_or_engine)
    params = params or RuleParams()
    root = Path(lake_root)
    months = lake_months(root)
    if not months:
        yield None, run_monitoring(con, root, params, None, as_pandas=as_pandas, outputs=outputs)
        return
    for pidx in range(min(months), max(months) + 1):
        period = index_to_period(pidx)
        yield (
            period,
            run_monitoring(con, root, params, period, as_pandas=as_pandas, outputs=outputs),
        )


# An all-months run over more contribution rows than this is best run month by month.
ONE_RUN_MAX_ROWS = 5_000_000


def lake_contribution_rows(lake_root: str | Path) -> int:
    """Contribution rows in the lake (from the Parquet footers, nothing read)."""
    months = lake_months(Path(lake_root))
    return sum(pq.read_metadata(f).num_rows for files in months.values() for f in files)


def lake_run_info(lake_root: str | Path) -> dict[str, Any]:
    """The data range of the lake's contributions, as the ``run`` row of an all-months run
    reports it: first / last period, ``data_end`` (ISO date) and the missing months."""
    months = lake_months(Path(lake_root))
    if not months:
        return {"first_period": None, "last_period": None, "data_end": None, "missing": []}
    lo, hi = min(months), max(months)
    nxt = hi + 1
    end = date(nxt // 12, nxt % 12 + 1, 1).toordinal() - 1
    return {
        "first_period": index_to_period(lo),
        "last_period": index_to_period(hi),
        "data_end": date.fromordinal(end).isoformat(),
        "missing": [index_to_period(m) for m in range(lo, hi + 1) if m not in months],
    }


def write_and_run(
    frames: Mapping[str, pd.DataFrame | pa.Table],
    con_or_engine: ibis.BaseBackend | str = "duckdb",
    params: RuleParams | None = None,
    period: str | None = None,
) -> dict[str, pa.Table | pd.DataFrame]:
    """Convenience for analysts and tests: write ``frames`` to a temporary lake and run."""
    with tempfile.TemporaryDirectory(prefix="wenjiuye-lake-") as tmp:
        write_lake(frames, tmp)
        return run_monitoring(con_or_engine, tmp, params, period)
