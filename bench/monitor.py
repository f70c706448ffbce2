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
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from monitor_baselines import phase_hand, phase_pandas
from monitor_lake import MONTH_ROWS, label, layout, make_lake

SAME_OUTPUTS = ["enterprise_month", "enterprise_flags", "crossmatches"]
# The same runs with the compiled-SQL cache emptied first: what the first run of a deployment
# costs. The phases without this mark find their statements compiled by the run before, as
# every month's run does in the steady state (the months are parameters of the statements).
COLD_MONTH = "engine month, first run (compiles)"
COLD_SAME = "engine month (same work), first run (compiles)"
TARGET_MONTH_SECONDS = 5.0
TARGET_PANDAS_RATIO = 5.0
TARGET_HAND_RATIO = 1.5
TARGET_PEAK_GIB = 4.0
PANDAS_BYTES_PER_ROW = 1_200  # object-string frames, groupby and merges (measured ≈ 1 KB at 1 M)


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
