"""The derived store: per-month aggregates kept beside the lake so a one-month run reads little.

A monitoring run computes, for every month it reads, the per-employer aggregates
(``enterprise_month``: headcount, joiners, leavers, persons paid / in arrears, previous month's
counts) and the region indicators that come from contribution rows (insured and new employment,
positions, leavers, joiners per county and city). These are final once the month and the month
before are in the run, and they are what the history of a later month's rules needs. So a run
writes them here::

    lake/_derived/enterprise_month/period=YYYYMM/<fingerprint>.parquet
    lake/_derived/region_month/period=YYYYMM/<fingerprint>.parquet

and a run for a period reads them for its history instead of 14 months of contribution rows.

**Invalidation.** The file name is a fingerprint of what the month was computed from: the version of
the definitions (:data:`DERIVED_VERSION`), the names, sizes and modification times of the
contribution files of the month and of the month before (and, for the region table, of the
``enterprises`` files, which place employers in regions). Re-publishing a period (a corrected
re-export, a new ingest batch) changes the files, so the stored months that depend on it no longer
match and are recomputed from the contribution rows by the next run (which stores them again).
Nothing is trusted by date alone, and the intake knows nothing of this store.

**Clean-up.** Storing a month again replaces its older files; and every run that uses the store
first removes the stored files whose fingerprint no longer matches (:meth:`DerivedStore.prune`:
the months of a re-published period and the month after each, months gone from the lake), so
stale months never outlive the next run.

No Django here.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from wenjiuye.core.periods import index_to_period, period_to_index
from wenjiuye.intake.lake import backend_name, lake_periods
from wenjiuye.monitoring.enterprise_month import EM_STORED_COLUMNS
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.region_month import RM_STORED_COLUMNS

DERIVED_DIR = "_derived"
DERIVED_VERSION = "1"  # bump when the definition of a stored column changes
CONTRIBUTIONS = "si_contributions"
REGION_OUTPUTS = frozenset({"region_month", "region_flags", "warnings"})
TABLES = ("enterprise_month", "region_month")
_PARTITION_PREFIX = "period="


def _month_end(pidx: int) -> date:
    nxt = pidx + 1
    return date(nxt // 12, nxt % 12 + 1, 1) - timedelta(days=1)


def _date_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _file_marks(files: Iterable[Path]) -> list[str]:
    out = []
    for f in sorted(files):
        st = f.stat()
        out.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return out


def lake_months(root: Path) -> dict[int, list[Path]]:
    """The contribution months of the lake that hold at least one row -> their files."""
    months: dict[int, list[Path]] = {}
    for period, files in lake_periods(CONTRIBUTIONS, root).items():
        try:
            months[period_to_index(period)] = files
        except ValueError:
            continue
    return months


@dataclass(frozen=True)
class RunPlan:
    """What a run reads from the lake and from the derived store, and what it stores."""

    months: dict[int, list[Path]]  # every present contribution month of the lake
    period: str | None
    since_period: str | None
    contributions_until: str | None  # last contribution month read (None: the lake's last)
    contribution_periods: list[str]  # the contribution partitions read
    history_until: str | None = None
    history: dict[str, list[Path]] = field(default_factory=dict)  # stored files per table
    to_store: list[int] = field(default_factory=list)  # months computed here and final
    region_history: bool = True

    def monitor_kwargs(self, con: Any) -> dict[str, Any]:
        """Keyword arguments of ``Monitor`` for this plan (the stored history read on ``con``)."""
        kwargs: dict[str, Any] = {
            "present_months": sorted(self.months),
            "contributions_until": self.contributions_until,
        }
        if self.history_until is not None:
            kwargs["history"] = {k: read_stored(con, k, v) for k, v in self.history.items()}
            kwargs["history_until"] = self.history_until
        return kwargs


def read_stored(con: Any, table: str, files: Sequence[Path]) -> Any:
    """Stored files as a table of ``con``: DuckDB scans them; other engines get them in memory."""
    columns = list(EM_STORED_COLUMNS if table == "enterprise_month" else RM_STORED_COLUMNS)
    if backend_name(con) == "duckdb":
        return con.read_parquet([str(f) for f in files]).select(*columns)
    import ibis  # noqa: PLC0415

    return ibis.memtable(pa.concat_tables([pq.read_table(f, columns=columns) for f in files]))


def plan_run(
    root: Path,
    params: RuleParams,
    period: str | None,
    history: int,
    outputs: Sequence[str] = (),
) -> RunPlan | None:
    """The months a run reads (``None``: no contribution partitions, read the lake as it is).

    A period run needs the ``history`` months before it and, for the unregistered-separation
    window, the months up to the one holding ``end of period + unregistered_window_days``.
    """
    months = lake_months(root)
    if not months:
        return None
    if period is None:
        periods = [index_to_period(m) for m in sorted(months)]
        return RunPlan(months, None, None, None, periods, to_store=sorted(months))
    t = period_to_index(period)
    since = t - history
    window_end = _month_end(t) + timedelta(days=params.unregistered_window_days)
    until = min(max(months), max(t, _date_index(window_end)))
    read = [m for m in sorted(months) if since <= m <= until]
    if not read:
        return None
    lo = read[0]
    final = [m for m in read if m > lo or (m - 1) not in months]
    return RunPlan(
        months,
        period,
        index_to_period(since),
        index_to_period(until),
        [index_to_period(m) for m in read],
        to_store=final,
        region_history=bool(REGION_OUTPUTS & set(outputs)),
    )


class DerivedStore:
    """Stored per-month aggregates under ``<lake>/_derived``."""

    def __init__(self, lake_root: Path) -> None:
        self.lake = Path(lake_root)
        self.root = self.lake / DERIVED_DIR

    # -- fingerprints ---------------------------------------------------------------------------
    def fingerprint(self, table: str, pidx: int, months: dict[int, list[Path]]) -> str:
        parts = [DERIVED_VERSION, table, index_to_period(pidx)]
        parts += _file_marks(months.get(pidx, []))
        parts.append("|")
        parts += _file_marks(months.get(pidx - 1, []))
        if table == "region_month":
            parts.append("|")
            ent = self.lake / "enterprises"
            parts += _file_marks(ent.glob("*.parquet") if ent.is_dir() else [])
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]

    def _path(self, table: str, pidx: int, fp: str) -> Path:
        return self.root / table / f"{_PARTITION_PREFIX}{index_to_period(pidx)}" / f"{fp}.parquet"

    def has(self, table: str, pidx: int, months: dict[int, list[Path]]) -> bool:
        return self._path(table, pidx, self.fingerprint(table, pidx, months)).is_file()

    # -- planning -------------------------------------------------------------------------------
    def attach_history(self, plan: RunPlan) -> RunPlan:
        """Use the stored months for the longest stretch of history they cover, from the first
        month of the run up to the month before the period; read contributions after it."""
        if plan.period is None:
            return self._drop_stored(plan)
        t = period_to_index(plan.period)
        read = [period_to_index(p) for p in plan.contribution_periods]
        tables = TABLES if plan.region_history else TABLES[:1]
        covered: int | None = None
        for m in read:
            if m >= t or not all(self.has(x, m, plan.months) for x in tables):
                break
            covered = m
        if covered is None:
            return self._drop_stored(plan)
        history = {
            x: self._files(x, [m for m in read if m <= covered], plan.months) for x in tables
        }
        return self._drop_stored(
            replace(
                plan,
                history_until=index_to_period(covered),
                history=history,
                contribution_periods=[index_to_period(m) for m in read if m >= covered],
                to_store=[m for m in read if m > covered],
            )
        )

    def _drop_stored(self, plan: RunPlan) -> RunPlan:
        todo = [m for m in plan.to_store if not all(self.has(x, m, plan.months) for x in TABLES)]
        return replace(plan, to_store=todo)

    def _files(self, table: str, pidxs: Sequence[int], months: dict[int, list[Path]]) -> list[Path]:
        return [self._path(table, m, self.fingerprint(table, m, months)) for m in pidxs]

    # -- writing --------------------------------------------------------------------------------
    def save(self, fetch: Callable[[Any], pa.Table], monitor: Any, plan: RunPlan) -> None:
        """Store the final months of the run (only the tables the run computed); ``fetch``
        executes an expression to Arrow (the engine's)."""
        months = plan.to_store
        if not months:
            return
        computed = {
            "enterprise_month": "_em" in monitor.__dict__,
            "region_month": "_rm_base" in monitor.__dict__,
        }
        for table, done in computed.items():
            todo = [m for m in months if not self.has(table, m, plan.months)]
            if not done or not todo:
                continue
            data = fetch(monitor.stored_rows(table, todo))
            pidx = data["pidx"]
            for m in todo:
                part = data.filter(pc.equal(pidx, m))
                self._write(table, m, self.fingerprint(table, m, plan.months), part)

    def _write(self, table: str, pidx: int, fp: str, data: pa.Table) -> None:
        target = self._path(table, pidx, fp)
        folder = target.parent
        if folder.is_dir():
            for old in folder.glob("*.parquet"):
                if old != target:
                    old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{fp}.tmp"
        pq.write_table(data, tmp, compression="zstd")
        tmp.replace(target)

    def prune(self, months: dict[int, list[Path]]) -> list[Path]:
        """Remove the stored files that no longer match the lake's contribution ``months``
        (:func:`lake_months`) and the folders they leave empty; returns the removed files.

        A stale file is never read (its fingerprint does not match): this only frees its space.
        """
        removed: list[Path] = []
        for table in TABLES:
            base = self.root / table
            if not base.is_dir():
                continue
            for folder in sorted(base.glob(f"{_PARTITION_PREFIX}*")):
                try:
                    pidx = period_to_index(folder.name[len(_PARTITION_PREFIX) :])
                except ValueError:
                    continue
                current = self._path(table, pidx, self.fingerprint(table, pidx, months))
                for path in sorted(folder.glob("*.parquet")):
                    if path != current:
                        path.unlink()
                        removed.append(path)
                if not any(folder.iterdir()):
                    folder.rmdir()
        return removed

    def invalidate(self, periods: Iterable[str]) -> list[Path]:
        """Remove at once the stored months that depend on the given contribution periods (the
        period and the month after it); returns the removed folders."""
        removed: list[Path] = []
        for period in periods:
            pidx = period_to_index(period)
            for m in (pidx, pidx + 1):
                for table in TABLES:
                    folder = self.root / table / f"{_PARTITION_PREFIX}{index_to_period(m)}"
                    if folder.is_dir():
                        shutil.rmtree(folder)
                        removed.append(folder)
        return removed
