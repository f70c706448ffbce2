"""Benchmark of intake and monitoring on generated contributions (the intake issue's benchmark).

    .venv/bin/python bench/monitor.py [--rows 1000000,10000000,30000000] [--json]
                                      [--memory-limit 3GB] [--pandas-max-gib 12] [--keep DIR]

For each ``--rows`` size a seeded lake is generated and written by the lake's ``write_lake``:
up to 1 M rows it is one city-month of N insured plus the previous month (2 N rows); above, about
1 M insured × round(N / 1 M) months. Plus enterprises, separation filings, registrations and benefit
payments, with layoffs, SI breaks, arrears and job moves so every rule and cross-match has work.

Phases (each in its own child process, so each peak RSS is its own):

* ``lake write``   — the Parquet write of the generated lake (``wenjiuye.intake.lake.write_lake``,
  the writer ``ingest`` uses; generation excluded);
* ``ingest``       — ``ingest_file`` of one month's contributions CSV (1 M rows) on a throw-away
  SQLite store (Django set up in the child; migrations not timed). Sizes ≤ 1 M only (``--ingest
  all`` for every size: it is always one month's file);
* ``engine month, no derived store`` — ``run_monitoring(…, derived=False)`` for the last month,
  every output: reads the 14 months of history from the contributions (the first run on a lake);
* ``engine previous month`` — ``run_monitoring`` for the month before the last, starting from an
  empty derived store (``lake/_derived``): what last month's run cost, and it leaves the stored
  per-month aggregates that month's run uses;
* ``engine month`` — ``run_monitoring`` on DuckDB for the last month, every output (reads the
  month before, the month and the stored history);
* ``engine month (same work)`` — the same with ``outputs=[enterprise_month, enterprise_flags,
  crossmatches]`` (still every rule of those outputs: 9 enterprise rules, 4 cross-matches);
* ``engine all months`` — every month, every output, as ``monitor_run`` runs it: above
  ``ONE_RUN_MAX_ROWS`` (5 M) contribution rows ``run_monitoring_by_month`` (one period run after
  another on the derived store), each month's outputs written to Parquet before the next; below,
  one all-months ``run_monitoring``;
* ``hand SQL`` — baseline (b), the engine's floor: hand-written DuckDB SQL computing, for the last
  month, the per-employer headcount / joiners / leavers / arrears, the ``layoff_suspected`` and
  ``si_break`` flags and the ``registered_but_contributing`` / ``benefit_while_contributing``
  cross-matches; its row counts are asserted equal to the engine's;
* ``pandas`` — baseline (a): the same work in plain pandas (pyarrow → pandas, groupby/merge), counts
  asserted equal; skipped (and said so) when its estimated memory exceeds ``--pandas-max-gib``.

A benchmark reports: targets are marked ✓/✗, never asserted. ``--json`` prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONTH_ROWS = 1_000_000  # insured per month above 1 M rows
FIRST_PIDX = 2023 * 12  # 202301
SAME_OUTPUTS = ["enterprise_month", "enterprise_flags", "crossmatches"]
# The same runs with the compiled-SQL cache emptied first: what the first run of a deployment
# costs. The phases without this mark find their statements compiled by the run before, as
# every month's run does in the steady state (the months are parameters of the statements).
COLD_MONTH = "engine month, first run (compiles)"
COLD_SAME = "engine month (same work), first run (compiles)"
COUNTED = ("enterprise_month", "layoff_suspected", "si_break", "rbc", "bwc")
TARGET_MONTH_SECONDS = 5.0
TARGET_PANDAS_RATIO = 5.0
TARGET_HAND_RATIO = 1.5
TARGET_PEAK_GIB = 4.0
PANDAS_BYTES_PER_ROW = 1_200  # object-string frames, groupby and merges (measured ≈ 1 KB at 1 M)


# ---------------------------------------------------------------------------------------------
# Layout and generation
# ---------------------------------------------------------------------------------------------
def layout(rows: int) -> tuple[int, int]:
    """(insured per month, months) for a size."""
    if rows <= MONTH_ROWS:
        return rows, 2
    months = max(2, round(rows / MONTH_ROWS))
    return rows // months, months


def label(pidx: int) -> str:
    return f"{pidx // 12:04d}{pidx % 12 + 1:02d}"


def month_start(pidx: int) -> date:
    return date(pidx // 12, pidx % 12 + 1, 1)


def month_end(pidx: int) -> date:
    return month_start(pidx + 1) - timedelta(days=1)


def resident_ids(n: int) -> pa.Array:
    """``n`` distinct valid GB 11643 numbers of 410421 (宝丰县), born 1960 on, 1000 per day."""
    idx = np.arange(n, dtype=np.int64)
    born = np.datetime64("1960-01-01") + (idx // 1000).astype("timedelta64[D]")
    months = born.astype("datetime64[M]")
    ymd = (
        (born.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
        + (months.astype(np.int64) % 12 + 1) * 100
        + (born - months).astype(np.int64)
        + 1
    )
    body = 410421 * 10**11 + ymd * 1000 + idx % 1000
    total = np.zeros(n, dtype=np.int64)
    rest = body.copy()
    for position in range(16, -1, -1):  # digit i (0-based from the left) weighs 2^(17-i) mod 11
        total += (rest % 10) * pow(2, 17 - position, 11)
        rest //= 10
    check = np.array(list("10X98765432"))[total % 11]
    return pc.binary_join_element_wise(pc.cast(pa.array(body), pa.string()), pa.array(check), "")


def usccs(n: int) -> pa.Array:
    from wenjiuye.core.identifiers import uscc_check_char  # noqa: PLC0415

    firsts = [f"91410421MA{i:07d}" for i in range(n)]
    return pa.array([f + uscc_check_char(f) for f in firsts])


def make_lake(root: Path, rows: int) -> dict[str, Any]:
    """Generate the lake under ``root``; returns what was written and the write time."""
    from wenjiuye.intake.lake import write_lake  # noqa: PLC0415

    persons, months = layout(rows)
    rng = np.random.default_rng(7)
    firms = max(persons // 50, 10)
    extra = persons // 30  # monthly churn: ~3.3 % leave, as many join
    pool = persons + months * extra
    ids = resident_ids(pool)
    firm_ids = usccs(firms)
    base_firm = rng.integers(0, firms, pool)
    alt_firm = rng.integers(0, firms, pool)
    move_month = rng.integers(0, 10 * months, pool)  # job change after that month (~10 %/month)
    person_u = rng.random(pool)
    firm_index = np.arange(firms)
    layoff_month = np.where(firm_index % 50 == 0, rng.integers(1, months + 1, firms), 10**6)
    break_month = np.where(firm_index % 173 == 1, rng.integers(1, months + 1, firms), 10**6)
    status_dict = pa.array(["paid", "arrears"])
    t_write = 0.0
    n_rows = 0
    for m in range(months):
        pidx = FIRST_PIDX + m
        idx = np.arange(m * extra, m * extra + persons)
        emp = np.where(m >= move_month[idx], alt_firm[idx], base_firm[idx])
        keep = ~((m >= layoff_month[emp]) & (person_u[idx] < 0.3))  # 30 % laid off for good
        idx, emp = idx[keep], emp[keep]
        arrears = (rng.random(idx.size) < 0.02) | (m >= break_month[emp])
        n = idx.size
        table = pa.table(
            {
                "period": pa.array(np.full(n, label(pidx))),
                "uscc": firm_ids.take(pa.array(emp)),
                "person_id": ids.take(pa.array(idx)),
                "base": pa.array(np.round(3000 + 4000 * person_u[idx], 2)),
                "status": pa.DictionaryArray.from_arrays(
                    pa.array(arrears.astype(np.int8)), status_dict
                ).cast(pa.string()),
            }
        )
        t0 = time.perf_counter()
        write_lake({"si_contributions": table}, root)
        t_write += time.perf_counter() - t0
        n_rows += n
    # side tables: enterprises, filings, registrations, benefit payments
    first, last = FIRST_PIDX, FIRST_PIDX + months - 1
    regions = np.array(["410421", "410422", "410423", "410402"])[firm_index % 4]
    enterprises = pa.table(
        {
            "uscc": firm_ids,
            "name": pc.binary_join_element_wise("企业", pc.cast(firm_ids, pa.string()), ""),
            "region_code": pa.array(regions),
            "industry": pa.array(np.full(firms, "C")),
            "employees": pa.array(np.full(firms, 50, dtype=np.int64)),
            "export_oriented": pa.array((firm_index % 7 == 0).astype(np.int64)),
        }
    )
    # separation filings for some of each month's leavers (dated in their last month)
    sep_idx, sep_dates = [], []
    for m in range(1, months):
        leaving = np.arange((m - 1) * extra, m * extra)
        chosen = rng.choice(leaving, size=max(1, leaving.size // 10), replace=False)
        sep_idx.append(chosen)
        sep_dates.append(np.full(chosen.size, month_end(first + m - 1), dtype="datetime64[D]"))
    s_idx = np.concatenate(sep_idx)
    filings = pa.table(
        {
            "person_id": ids.take(pa.array(s_idx)),
            "uscc": firm_ids.take(pa.array(base_firm[s_idx])),
            "kind": pa.array(np.full(s_idx.size, "separation")),
            "date": pa.array(np.concatenate(sep_dates)),
            "reason": pa.array(np.where(rng.random(s_idx.size) < 0.05, "退休", "合同到期")),
        }
    )
    # registrations: 3 % of the pool (many still insured: the cross-matches have work)
    n_reg = max(10, pool * 3 // 100)
    r_idx = rng.choice(pool, size=n_reg, replace=False)
    span = (month_end(last) - month_start(first)).days
    reg_on = np.datetime64(month_start(first)) + rng.integers(-60, span, n_reg).astype(
        "timedelta64[D]"
    )
    ended = reg_on + rng.integers(30, 300, n_reg).astype("timedelta64[D]")
    open_ = rng.random(n_reg) < 0.5
    registrations = pa.table(
        {
            "person_id": ids.take(pa.array(r_idx)),
            "name": pa.array(np.full(n_reg, "某某")),
            "region_code": pa.array(np.array(["410421", "410422"])[r_idx % 2]),
            "registered_on": pa.array(reg_on),
            "ended_on": pa.array(ended, mask=open_),
            "end_reason": pa.array(np.where(open_, "", "就业")),
        }
    )
    # benefit payments: each month, a third of the registered persons are paid
    b_person, b_period = [], []
    for m in range(months):
        chosen = r_idx[rng.random(n_reg) < 1 / 3]
        b_person.append(chosen)
        b_period.append(np.full(chosen.size, label(first + m)))
    b_idx = np.concatenate(b_person)
    payments = pa.table(
        {
            "person_id": ids.take(pa.array(b_idx)),
            "period": pa.array(np.concatenate(b_period)),
            "kind": pa.array(np.where(rng.random(b_idx.size) < 0.9, "ui_benefit", "subsidy")),
            "amount": pa.array(np.full(b_idx.size, 1650.0)),
        }
    )
    t0 = time.perf_counter()
    write_lake(
        {
            "enterprises": enterprises,
            "employment_filings": filings,
            "unemployment_registrations": registrations,
            "benefit_payments": payments,
        },
        root,
    )
    t_write += time.perf_counter() - t0
    return {
        "seconds": t_write,
        "contribution_rows": n_rows,
        "persons": persons,
        "months": months,
        "firms": firms,
        "filings": filings.num_rows,
        "registrations": n_reg,
        "payments": payments.num_rows,
        "period": label(last),
    }


# ---------------------------------------------------------------------------------------------
# Phases (each run in a child process)
# ---------------------------------------------------------------------------------------------
def _engine_counts(out: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if "enterprise_month" in out:
        counts["enterprise_month"] = out["enterprise_month"].num_rows
    if "enterprise_flags" in out:
        codes = pc.value_counts(out["enterprise_flags"]["code"]).to_pylist()
        by = {c["values"]: c["counts"] for c in codes}
        counts["layoff_suspected"] = by.get("layoff_suspected", 0)
        counts["si_break"] = by.get("si_break", 0)
    if "crossmatches" in out:
        codes = pc.value_counts(out["crossmatches"]["code"]).to_pylist()
        by = {c["values"]: c["counts"] for c in codes}
        counts["rbc"] = by.get("registered_but_contributing", 0)
        counts["bwc"] = by.get("benefit_while_contributing", 0)
    return counts


def phase_engine(
    root: Path,
    period: str | None,
    outputs: list[str] | None,
    limit: str,
    *,
    derived: bool = True,
    cold: bool = False,
) -> dict:
    """One ``run_monitoring``; ``cold`` empties the compiled-SQL cache first (a first run)."""
    # libraries are imported before the clock on both sides (the hand SQL imports duckdb first)
    import ibis.backends.duckdb  # noqa: F401, PLC0415

    from wenjiuye.intake.lake import connect_duckdb  # noqa: PLC0415
    from wenjiuye.monitoring.engines import SQL_CACHE_DIR, run_monitoring  # noqa: PLC0415

    if cold:
        shutil.rmtree(root / "lake" / SQL_CACHE_DIR, ignore_errors=True)
    t0 = time.perf_counter()
    con = connect_duckdb(memory_limit=limit or None, temp_directory=root.parent / "duckdb-tmp")
    out = run_monitoring(con, root / "lake", period=period, outputs=outputs, derived=derived)
    seconds = time.perf_counter() - t0
    result = {"seconds": seconds, "rows": {k: v.num_rows for k, v in out.items()}}
    if period is not None:
        result["counts"] = _engine_counts(out)
    return result


def phase_engine_all(root: Path, limit: str) -> dict:
    """Every month, every output, as ``monitor_run`` does it: on a lake of more than
    ``ONE_RUN_MAX_ROWS`` contribution rows the months one after another
    (``run_monitoring_by_month``), each month's outputs written to Parquet before the next;
    on a smaller lake one all-months ``run_monitoring``, its outputs written to Parquet."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    from wenjiuye.intake.lake import connect_duckdb  # noqa: PLC0415
    from wenjiuye.monitoring.engines import (  # noqa: PLC0415
        ONE_RUN_MAX_ROWS,
        lake_contribution_rows,
        run_monitoring,
        run_monitoring_by_month,
    )

    t0 = time.perf_counter()
    lake = root / "lake"
    con = connect_duckdb(memory_limit=limit or None, temp_directory=root.parent / "duckdb-tmp")
    by_month = lake_contribution_rows(lake) > ONE_RUN_MAX_ROWS
    runs = run_monitoring_by_month(con, lake) if by_month else [(None, run_monitoring(con, lake))]
    out_dir = root / "results"
    rows: dict[str, int] = {}
    n = 0
    for period, out in runs:
        folder = out_dir / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        for name, table in out.items():
            if name != "run":
                pq.write_table(table, folder / f"{name}.parquet")
                rows[name] = rows.get(name, 0) + table.num_rows
        n += 1
        del out
    seconds = time.perf_counter() - t0
    shutil.rmtree(out_dir, ignore_errors=True)
    return {"seconds": seconds, "rows": rows, "runs": n, "by_month": by_month}


HAND_SQL = """
CREATE TEMP TABLE pe AS
SELECT uscc, person_id, period,
       max((status = 'paid')::INT) AS paid, max((status = 'arrears')::INT) AS arrears
FROM read_parquet({files}, hive_partitioning = true, hive_types_autocast = false)
GROUP BY ALL;

CREATE TEMP TABLE em AS
WITH present AS (
  SELECT bool_or(period = '{prev}') AS prev_present, bool_or(period = '{back}') AS k_present
  FROM (SELECT DISTINCT period FROM pe)
), cur AS (
  SELECT uscc, count(*) AS hc, sum(arrears) AS ar, sum(paid) AS pd
  FROM pe WHERE period = '{period}' GROUP BY uscc
), prv AS (
  SELECT uscc, count(*) AS hc, sum(paid) AS pd FROM pe WHERE period = '{prev}' GROUP BY uscc
), stay AS (
  SELECT c.uscc, count(*) AS n
  FROM pe c JOIN pe p ON c.uscc = p.uscc AND c.person_id = p.person_id
  WHERE c.period = '{period}' AND p.period = '{prev}' GROUP BY c.uscc
), kb AS (
  SELECT uscc, count(*) AS kh FROM pe WHERE period = '{back}' GROUP BY uscc
), keys AS (
  SELECT coalesce(cur.uscc, prv.uscc) AS uscc, coalesce(cur.hc, 0) AS hc, coalesce(prv.hc, 0) AS ph,
         coalesce(cur.ar, 0) AS ar, coalesce(cur.pd, 0) AS pd, coalesce(prv.pd, 0) AS ppd
  FROM cur FULL OUTER JOIN prv ON cur.uscc = prv.uscc
)
SELECT keys.uscc, hc AS headcount,
       CASE WHEN prev_present THEN ph END AS prev_headcount,
       CASE WHEN prev_present THEN hc - coalesce(stay.n, 0) END AS joiners,
       CASE WHEN prev_present THEN ph - coalesce(stay.n, 0) END AS leavers,
       ar AS arrears_persons, pd AS paid_persons,
       CASE WHEN prev_present THEN ppd END AS prev_paid_persons,
       CASE WHEN k_present THEN coalesce(kb.kh, 0) END AS headcount_k_before
FROM keys CROSS JOIN present
LEFT JOIN stay ON stay.uscc = keys.uscc
LEFT JOIN kb ON kb.uscc = keys.uscc
WHERE hc > 0 OR (prev_present AND ph > 0);

CREATE TEMP TABLE layoff_suspected AS
WITH d AS (
  SELECT *, prev_headcount - headcount AS dec, headcount_k_before - headcount AS dec_k FROM em
), m AS (
  SELECT *,
    coalesce(dec >= {min_people} OR (dec >= {small_people}
             AND dec / nullif(prev_headcount, 0) >= {min_share} - 1e-9), false) AS monthly,
    coalesce(dec_k >= {min_people} OR (dec_k >= {small_people}
             AND dec_k / nullif(headcount_k_before, 0) >= {min_share} - 1e-9), false)
      AND coalesce(dec > 0, false) AS rolling
  FROM d
)
SELECT uscc, CASE WHEN monthly AND rolling THEN greatest(dec, dec_k) WHEN monthly THEN dec
                  ELSE dec_k END AS people
FROM m WHERE monthly OR rolling;

CREATE TEMP TABLE si_break AS
SELECT uscc, prev_headcount AS people FROM em
WHERE prev_headcount >= {break_min} AND prev_paid_persons > 0 AND paid_persons = 0;

CREATE TEMP TABLE paid AS
SELECT person_id, min(uscc) AS paid_uscc, count(DISTINCT uscc) AS paid_employers
FROM pe WHERE period = '{period}' AND paid = 1 GROUP BY person_id;

CREATE TEMP TABLE rbc AS
SELECT r.person_id, r.registered_on, r.region_code, p.paid_uscc, p.paid_employers
FROM (
  SELECT person_id, max(registered_on) AS registered_on, max(region_code) AS region_code
  FROM read_parquet('{root}/unemployment_registrations/*.parquet')
  WHERE registered_on <= DATE '{start}' AND (ended_on IS NULL OR ended_on >= DATE '{end}')
  GROUP BY person_id
) r JOIN paid p USING (person_id);

CREATE TEMP TABLE bwc AS
SELECT b.person_id, b.kind, b.kinds, b.amount, p.paid_uscc, e.region_code
FROM (
  SELECT person_id, min(kind) AS kind, count(DISTINCT kind) AS kinds, sum(amount) AS amount
  FROM read_parquet('{root}/benefit_payments/period={period}/*.parquet')
  WHERE person_id IS NOT NULL GROUP BY person_id
) b JOIN paid p USING (person_id)
LEFT JOIN (SELECT uscc, max(region_code) AS region_code
           FROM read_parquet('{root}/enterprises/*.parquet') GROUP BY uscc) e
  ON e.uscc = p.paid_uscc;
"""


def _months_needed(period: str) -> tuple[str, str, str, int]:
    from wenjiuye.core.periods import period_to_index  # noqa: PLC0415
    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    pidx = period_to_index(period)
    k = RuleParams().layoff_rolling_months
    return label(pidx), label(pidx - 1), label(pidx - k), pidx


def phase_hand(root: Path, period: str, limit: str) -> dict:
    import duckdb  # noqa: PLC0415

    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    p = RuleParams()
    period, prev, back, pidx = _months_needed(period)
    lake = root / "lake"
    folders = [lake / "si_contributions" / f"period={x}" for x in (period, prev, back)]
    files = [str(f / "*.parquet") for f in folders if f.is_dir()]
    sql = HAND_SQL.format(
        files="[" + ", ".join(f"'{f}'" for f in files) + "]",
        root=lake,
        period=period,
        prev=prev,
        back=back,
        start=month_start(pidx),
        end=month_end(pidx),
        min_people=p.layoff_min_people,
        small_people=p.layoff_small_firm_min_people,
        min_share=p.layoff_min_share,
        break_min=p.si_break_min_insured,
    )
    t0 = time.perf_counter()
    con = duckdb.connect()
    if limit:
        con.execute(f"SET memory_limit = '{limit}'")
    con.execute(f"SET temp_directory = '{root.parent / 'duckdb-tmp'}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(sql)
    # fetch the results as the engine does (Arrow tables)
    tables = {name: con.table(name).to_arrow_table() for name in ("em", *COUNTED[1:])}
    seconds = time.perf_counter() - t0
    counts = {"enterprise_month": tables["em"].num_rows}
    counts.update({name: tables[name].num_rows for name in COUNTED[1:]})
    return {"seconds": seconds, "counts": counts}


def phase_pandas(root: Path, period: str) -> dict:
    import pandas as pd  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from wenjiuye.monitoring.params import RuleParams  # noqa: PLC0415

    p = RuleParams()
    period, prev, back, pidx = _months_needed(period)
    lake = root / "lake"
    t0 = time.perf_counter()
    frames = []
    for x in (period, prev, back):
        folder = lake / "si_contributions" / f"period={x}"
        if folder.is_dir():
            df = pq.read_table(folder, columns=["uscc", "person_id", "status"]).to_pandas()
            df["period"] = x
            frames.append(df)
    c = pd.concat(frames, ignore_index=True)
    c["paid"] = (c["status"] == "paid").astype("int64")
    c["arrears"] = (c["status"] == "arrears").astype("int64")
    pe = c.groupby(["uscc", "person_id", "period"], as_index=False, sort=False)[
        ["paid", "arrears"]
    ].max()
    del c
    present = set(pe["period"].unique())
    prev_present, k_present = prev in present, back in present
    cur_pe, prv_pe = pe[pe["period"] == period], pe[pe["period"] == prev]
    cur = cur_pe.groupby("uscc").agg(hc=("person_id", "size"), ar=("arrears", "sum"))
    cur["pd"] = cur_pe.groupby("uscc")["paid"].sum()
    prv = prv_pe.groupby("uscc").agg(ph=("person_id", "size"), ppd=("paid", "sum"))
    stay = (
        cur_pe[["uscc", "person_id"]]
        .merge(prv_pe[["uscc", "person_id"]], on=["uscc", "person_id"])
        .groupby("uscc")
        .size()
        .rename("stay")
    )
    kb = pe[pe["period"] == back].groupby("uscc").size().rename("kb")
    em = cur.join(prv, how="outer").join(stay).join(kb)
    em = em.fillna(0).astype("int64")
    em = em[(em["hc"] > 0) | (prev_present & (em["ph"] > 0))]
    em["joiners"] = em["hc"] - em["stay"]
    em["leavers"] = em["ph"] - em["stay"]

    def meets(d: pd.Series, base: pd.Series) -> pd.Series:
        share = d / base.where(base != 0)
        return (d >= p.layoff_min_people) | (
            (d >= p.layoff_small_firm_min_people) & (share >= p.layoff_min_share - 1e-9)
        )

    dec = em["ph"] - em["hc"]
    monthly = meets(dec, em["ph"]) if prev_present else pd.Series(False, index=em.index)
    rolling = (
        meets(em["kb"] - em["hc"], em["kb"]) & (dec > 0) & prev_present
        if k_present
        else pd.Series(False, index=em.index)
    )
    layoff = em[monthly | rolling]
    si_break = (
        em[(em["ph"] >= p.si_break_min_insured) & (em["ppd"] > 0) & (em["pd"] == 0)]
        if prev_present
        else em.iloc[:0]
    )
    paid = (
        cur_pe[cur_pe["paid"] == 1]
        .groupby("person_id")["uscc"]
        .agg(paid_uscc="min", paid_employers="nunique")
    )
    regs = pq.read_table(lake / "unemployment_registrations").to_pandas()
    start, end = pd.Timestamp(month_start(pidx)), pd.Timestamp(month_end(pidx))
    reg_on, ended = pd.to_datetime(regs["registered_on"]), pd.to_datetime(regs["ended_on"])
    regs = regs[(reg_on <= start) & (ended.isna() | (ended >= end))]
    regs = regs.groupby("person_id").agg(
        registered_on=("registered_on", "max"), region_code=("region_code", "max")
    )
    rbc = regs.join(paid, how="inner")
    bp = pq.read_table(lake / "benefit_payments" / f"period={period}").to_pandas()
    bp = (
        bp[bp["person_id"].notna()]
        .groupby("person_id")
        .agg(kind=("kind", "min"), kinds=("kind", "nunique"), amount=("amount", "sum"))
    )
    ent = pq.read_table(lake / "enterprises", columns=["uscc", "region_code"]).to_pandas()
    ent = ent.groupby("uscc")["region_code"].max()
    bwc = bp.join(paid, how="inner")
    bwc = bwc.merge(ent, left_on="paid_uscc", right_index=True, how="left")
    seconds = time.perf_counter() - t0
    counts = {
        "enterprise_month": len(em),
        "layoff_suspected": len(layoff),
        "si_break": len(si_break),
        "rbc": len(rbc),
        "bwc": len(bwc),
    }
    return {"seconds": seconds, "counts": counts, "loaded_rows": int(len(pe))}


def phase_ingest(root: Path, period: str) -> dict:
    """``ingest_file`` of the last month's contributions as a CSV, on a throw-away store."""
    import pyarrow.csv as pacsv  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    home = root.parent / "home"
    home.mkdir(exist_ok=True)
    os.environ["WENJIUYE_HOME"] = str(home)
    os.environ["DJANGO_SETTINGS_MODULE"] = "wenjiuye.settings"
    os.environ.pop("DATABASE_URL", None)
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from wenjiuye.intake.services import ingest_file  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    table = pq.read_table(root / "lake" / "si_contributions" / f"period={period}")
    table = table.add_column(0, "period", pa.array(np.full(table.num_rows, period)))
    csv_path = root.parent / f"si_contributions_{period}.csv"
    pacsv.write_csv(table, csv_path)
    del table
    t0 = time.perf_counter()
    result = ingest_file(path=csv_path, kind="si_contributions")
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "rows": result.rows,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "csv_mib": csv_path.stat().st_size / 2**20,
    }


def run_phase(args: argparse.Namespace) -> None:
    """Child entry point: run one phase and print its result (with own peak RSS) as JSON."""
    root = Path(args.root)
    phase = args.phase
    if phase == "gen":
        out = make_lake(root / "lake", int(args.rows))
    elif phase == "ingest":
        out = phase_ingest(root, args.period)
    elif phase == "engine_nostore":
        out = phase_engine(root, args.period, None, args.memory_limit, derived=False)
    elif phase == "engine_prev":
        from wenjiuye.core.periods import period_to_index  # noqa: PLC0415

        prev = label(period_to_index(args.period) - 1)
        out = phase_engine(root, prev, None, args.memory_limit)
    elif phase in ("engine_month", "engine_month_cold"):
        cold = phase.endswith("_cold")
        out = phase_engine(root, args.period, None, args.memory_limit, cold=cold)
    elif phase in ("engine_same", "engine_same_cold"):
        cold = phase.endswith("_cold")
        out = phase_engine(root, args.period, SAME_OUTPUTS, args.memory_limit, cold=cold)
    elif phase == "engine_all":
        out = phase_engine_all(root, args.memory_limit)
    elif phase == "hand":
        out = phase_hand(root, args.period, args.memory_limit)
    elif phase == "pandas":
        out = phase_pandas(root, args.period)
    else:
        raise SystemExit(f"unknown phase {phase}")
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out))


def child(phase: str, root: Path, args: argparse.Namespace, **extra: Any) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--phase",
        phase,
        "--root",
        str(root),
        "--memory-limit",
        args.memory_limit,
    ]
    for key, value in extra.items():
        cmd += [f"--{key}", str(value)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout)[-2000:]
        return {"error": f"phase {phase} failed (exit {proc.returncode}): {tail}"}
    return json.loads(lines[-1][len("RESULT ") :])


# ---------------------------------------------------------------------------------------------
# Driver and report
# ---------------------------------------------------------------------------------------------
def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def bench_size(rows: int, args: argparse.Namespace, log: Any) -> dict:
    persons, months = layout(rows)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wjy-bench-"))
    root = base / f"rows-{rows}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    size: dict[str, Any] = {"rows": rows, "persons": persons, "months": months, "phases": {}}
    phases = size["phases"]
    try:
        log(f"[{rows:,}] generating the lake ({persons:,} insured × {months} months)…")
        gen = child("gen", root, args, rows=rows)
        phases["lake write"] = gen
        if "error" in gen:
            return size
        period = gen["period"]
        size.update(
            period=period,
            contribution_rows=gen["contribution_rows"],
            lake_mib=sum(f.stat().st_size for f in (root / "lake").rglob("*")) / 2**20,
        )
        if args.ingest == "all" or (args.ingest == "small" and rows <= MONTH_ROWS):
            log(f"[{rows:,}] ingest_file of one month's CSV…")
            phases["ingest (CSV → lake)"] = child("ingest", root, args, period=period)
        order = [
            ("engine month, no derived store", "engine_nostore"),
            ("engine previous month (fills the derived store)", "engine_prev"),
            (COLD_MONTH, "engine_month_cold"),
            ("engine month", "engine_month"),
            (COLD_SAME, "engine_same_cold"),
            ("engine month (same work)", "engine_same"),
            ("hand SQL", "hand"),
        ]
        for name, phase in order:
            log(f"[{rows:,}] {name}…")
            phases[name] = child(phase, root, args, period=period)
        loaded = gen["contribution_rows"] / months * min(months, 3)
        est_gib = loaded * PANDAS_BYTES_PER_ROW / 2**30
        size["pandas_estimated_gib"] = est_gib
        if est_gib > args.pandas_max_gib:
            phases["pandas"] = {
                "skipped": f"estimated {est_gib:.1f} GiB > --pandas-max-gib {args.pandas_max_gib}"
            }
        else:
            log(f"[{rows:,}] pandas…")
            phases["pandas"] = child("pandas", root, args, period=period)
        if not args.skip_all_months:
            log(f"[{rows:,}] engine all months…")
            phases["engine all months"] = child("engine_all", root, args)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    check_counts(size)
    size["targets"] = targets(size)
    return size


def check_counts(size: dict) -> None:
    phases = size["phases"]
    engine = phases.get("engine month (same work)", {}).get("counts")
    full = phases.get("engine month", {}).get("counts")
    size["counts"] = {"engine": engine}
    mismatches = []
    if engine and full and engine != full:
        mismatches.append(f"engine same-work {engine} != engine month {full}")
    for name in ("hand SQL", "pandas"):
        counts = phases.get(name, {}).get("counts")
        size["counts"][name] = counts
        if counts and engine and counts != engine:
            mismatches.append(f"{name} {counts} != engine {engine}")
    size["counts_equal"] = not mismatches
    size["count_mismatches"] = mismatches


def _sec(phases: dict, name: str) -> float | None:
    return phases.get(name, {}).get("seconds")


def targets(size: dict) -> list[dict]:
    ph = size["phases"]
    out = []

    def add(text: str, value: float | None, ok: bool | None, shown: str) -> None:
        out.append({"target": text, "value": value, "met": ok, "shown": shown})

    if size["rows"] <= MONTH_ROWS:
        for name, label in (("engine month", "engine month"), (COLD_MONTH, "first run")):
            t = _sec(ph, name)
            add(
                f"one city-month monitored < {TARGET_MONTH_SECONDS:.0f} s ({label}, all outputs)",
                t,
                None if t is None else t < TARGET_MONTH_SECONDS,
                "n/a" if t is None else f"{t:.2f} s",
            )
    r = ratio(_sec(ph, "pandas"), _sec(ph, "engine month (same work)"))
    add(
        f"≥ {TARGET_PANDAS_RATIO:.0f}× faster than pandas (pandas / engine, same work)",
        r,
        None if r is None else r >= TARGET_PANDAS_RATIO,
        "skipped" if r is None else f"{r:.1f}×",
    )
    for name, label in (("engine month (same work)", "same work"), (COLD_SAME, "first run")):
        r = ratio(_sec(ph, name), _sec(ph, "hand SQL"))
        add(
            f"within {TARGET_HAND_RATIO}× of hand SQL (engine / hand SQL, {label})",
            r,
            None if r is None else r <= TARGET_HAND_RATIO,
            "n/a" if r is None else f"{r:.2f}×",
        )
    if size["rows"] >= 30_000_000:
        for name in ("engine month, no derived store", "engine month", "engine all months"):
            peak = ph.get(name, {}).get("peak_mib")
            add(
                f"peak memory < {TARGET_PEAK_GIB:.0f} GiB at 30 M rows ({name})",
                peak,
                None if peak is None else peak < TARGET_PEAK_GIB * 1024,
                "n/a" if peak is None else f"{peak / 1024:.2f} GiB",
            )
    return out


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def print_size(size: dict) -> None:
    ph = size["phases"]
    print()
    print(
        f"== {size['rows']:,} rows: {size['persons']:,} insured × {size['months']} months "
        f"({size.get('contribution_rows', 0):,} contribution rows, lake "
        f"{size.get('lake_mib', 0):,.0f} MiB), reported month {size.get('period')} =="
    )
    engine_same = _sec(ph, "engine month (same work)")
    hand = _sec(ph, "hand SQL")
    pandas = _sec(ph, "pandas")
    print(f"{'phase':<48} {'seconds':>9} {'peak MiB':>9}  ratio")
    for name, res in ph.items():
        if "error" in res:
            print(f"{name:<48} FAILED: {res['error']}")
            continue
        if "skipped" in res:
            print(f"{name:<48} {'—':>9} {'—':>9}  skipped: {res['skipped']}")
            continue
        t = res["seconds"]
        note = ""
        if name.startswith("engine"):
            parts = []
            r = ratio(t, hand)
            if r:
                parts.append(f"engine / hand SQL = {r:.2f}×")
            r = ratio(pandas, t)
            if r and name != "engine all months":
                parts.append(f"pandas / engine = {r:.1f}×")
            note = ", ".join(parts)
        elif name == "pandas" and engine_same:
            note = f"pandas / engine (same work) = {t / engine_same:.1f}×"
        elif name == "hand SQL":
            note = "floor (baseline b)"
        elif name == "ingest (CSV → lake)":
            note = (
                f"{res['rows']:,} rows, {res['rows'] / t:,.0f} rows/s, {res['rejected']} rejected"
            )
        elif name == "lake write":
            note = "Parquet write only (write_lake), generation excluded"
        print(f"{name:<48} {t:>9.2f} {res['peak_mib']:>9,.0f}  {note}")
    counts = size.get("counts", {}).get("engine")
    if counts:
        print(
            "rows for the month (engine = hand SQL = pandas): "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )
    for t in size.get("targets", []):
        print(f"  {mark(t['met'])} {t['target']}: {t['shown']}")
    for m in size.get("count_mismatches", []):
        print(f"  ✗ row counts differ: {m}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", default="1000000", help="comma list of sizes (rows)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit ('' = none)")
    parser.add_argument("--pandas-max-gib", type=float, default=12.0)
    parser.add_argument("--ingest", choices=["small", "all", "none"], default="small")
    parser.add_argument("--skip-all-months", action="store_true")
    parser.add_argument("--keep", help="keep the generated lakes under this folder")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    sizes = [int(x.replace("_", "")) for x in args.rows.split(",") if x.strip()]
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpus": os.cpu_count(),
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        "duckdb_memory_limit": args.memory_limit or None,
        "sizes": [],
    }
    for rows in sizes:
        size = bench_size(rows, args, log)
        report["sizes"].append(size)
        if not args.json:
            print_size(size)
            sys.stdout.flush()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    # a baseline that does other work measures nothing: equal row counts are asserted (after
    # the report is printed, so the figures are not lost)
    mismatches = [m for s in report["sizes"] for m in s["count_mismatches"]]
    assert not mismatches, "; ".join(mismatches)


if __name__ == "__main__":
    main()
