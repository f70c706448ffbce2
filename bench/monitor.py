"""Monitoring speed on generated contributions (a first step towards the intake issue's benchmark).

    .venv/bin/python bench/monitor.py [--persons 1000000]

Prints, for one city-month of ``--persons`` insured (two months in the lake):
- the full monitoring run for that month on DuckDB (every output), and its peak memory;
- the Ibis ``enterprise_month`` output against the named baseline **hand-written DuckDB SQL**
  computing the same per-employer headcount, joiners, leavers and persons in arrears, as a ratio
  (the engine's floor: 1.0 means no overhead).
Still to come (intake issue): 10 M / 30 M rows, the pandas baseline, the ingest time.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from wenjiuye.monitoring.engines import connect_duckdb, run_monitoring, write_lake

HAND_SQL = """
WITH c AS (
  SELECT uscc, person_id, period, max(status = 'arrears')::INT AS arrears
  FROM read_parquet('{root}/si_contributions/period=*/*.parquet', hive_partitioning = true, hive_types_autocast = false)
  GROUP BY ALL
), cur AS (SELECT * FROM c WHERE period = '{period}'), prev AS (SELECT * FROM c WHERE period = '{prev}')
SELECT coalesce(cur.uscc, prev.uscc) AS uscc,
       count(cur.person_id) AS headcount,
       count(*) FILTER (WHERE cur.person_id IS NOT NULL AND prev.person_id IS NULL) AS joiners,
       count(*) FILTER (WHERE cur.person_id IS NULL) AS leavers,
       coalesce(sum(cur.arrears), 0) AS arrears_persons
FROM cur FULL OUTER JOIN prev ON cur.uscc = prev.uscc AND cur.person_id = prev.person_id
GROUP BY 1
"""


def make_lake(root: Path, persons: int) -> None:
    rng = np.random.default_rng(7)
    firms = max(persons // 50, 10)
    extra = persons // 30
    ids = np.char.add("4104211990", np.char.zfill(np.arange(persons + 2 * extra).astype(str), 8))
    firm_ids = np.char.add("91410421MA", np.char.zfill(np.arange(firms).astype(str), 8))
    employer = rng.integers(0, firms, persons + 2 * extra)
    frames = []
    for period, lo in (("202401", 0), ("202402", extra)):
        hi = lo + persons
        frames.append(
            pa.table(
                {
                    "period": pa.array([period] * persons),
                    "uscc": pa.array(firm_ids[employer[lo:hi]]),
                    "person_id": pa.array(ids[lo:hi]),
                    "base": pa.array(np.full(persons, 4000.0)),
                    "status": pa.array(np.where(rng.random(persons) < 0.02, "arrears", "paid")),
                }
            )
        )
    regions = np.where(np.arange(firms) % 2 == 0, "410421", "410422")
    enterprises = pa.table({"uscc": firm_ids, "name": firm_ids, "region_code": regions})
    write_lake({"si_contributions": pa.concat_tables(frames), "enterprises": enterprises}, root)


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _, t_gen = timed(lambda: make_lake(root, args.persons))
        print(f"lake: {args.persons:,} insured × 2 months written in {t_gen:.1f} s")
        _, t_full = timed(lambda: run_monitoring(connect_duckdb(), root, period="202402"))
        print(f"full monitoring run, one month, DuckDB: {t_full:.2f} s")
        ibis_em, t_ibis = timed(
            lambda: run_monitoring(
                connect_duckdb(), root, period="202402", outputs=["enterprise_month"]
            )
        )
        hand, t_hand = timed(
            lambda: duckdb.sql(
                HAND_SQL.format(root=root, period="202402", prev="202401")
            ).fetch_arrow_table()
        )
        assert ibis_em["enterprise_month"].num_rows == hand.num_rows
        print(
            f"enterprise_month: Ibis {t_ibis:.2f} s vs hand-written DuckDB SQL {t_hand:.2f} s "
            f"→ ratio {t_ibis / t_hand:.2f}× the floor"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
