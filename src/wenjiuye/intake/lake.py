"""The Parquet lake: ``$WENJIUYE_HOME/lake/<kind>/period=YYYYMM/batch-<id>.parquet``.

Only the high-volume kinds live here; every file is written once, by one import batch, and a
corrected re-export of a period replaces that period's files (the originals stay archived).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from wenjiuye.intake.contract import KINDS

# kind -> (column that gives the period, Arrow schema of the canonical columns)
LAKE_KINDS: dict[str, tuple[str, pa.Schema]] = {
    "si_contributions": (
        "period",
        pa.schema(
            [
                ("period", pa.string()),
                ("uscc", pa.string()),
                ("person_id", pa.string()),
                ("base", pa.float64()),
                ("status", pa.string()),
                ("name", pa.string()),
            ]
        ),
    ),
    "employment_filings": (
        "date",
        pa.schema(
            [
                ("person_id", pa.string()),
                ("uscc", pa.string()),
                ("kind", pa.string()),
                ("date", pa.date32()),
                ("reason", pa.string()),
            ]
        ),
    ),
    "benefit_payments": (
        "period",
        pa.schema(
            [
                ("person_id", pa.string()),
                ("period", pa.string()),
                ("kind", pa.string()),
                ("amount", pa.float64()),
            ]
        ),
    ),
    "enterprise_operations": (
        "period",
        pa.schema(
            [
                ("period", pa.string()),
                ("uscc", pa.string()),
                ("output_value", pa.float64()),
                ("export_value", pa.float64()),
                ("orders_index", pa.float64()),
                ("electricity", pa.float64()),
            ]
        ),
    ),
}
FLUSH_ROWS = 100_000


def lake_root() -> Path:
    return Path(settings.WENJIUYE_LAKE or Path(settings.WENJIUYE_HOME) / "lake")


def period_of(kind: str, row: dict[str, Any]) -> str:
    column = LAKE_KINDS[kind][0]
    value = row[column]
    return value if isinstance(value, str) else f"{value.year:04d}{value.month:02d}"


def _plain(value: Any) -> Any:
    return float(value) if value is not None and hasattr(value, "as_tuple") else value


def _plain_column(values: list[Any], type_: pa.DataType) -> list[Any]:
    """Decimals (parsed amounts) as floats in floating-point columns; other values as they are."""
    if pa.types.is_floating(type_):
        return [None if v is None else float(v) for v in values]
    return [_plain(v) for v in values] if any(hasattr(v, "as_tuple") for v in values) else values


class StagedWriter:
    """Writes accepted rows, grouped by period, to Parquet files in a staging folder.

    Rows are buffered per period and flushed every ``FLUSH_ROWS`` rows, so memory stays bounded.
    A ``period`` column is not stored in the files: like every hive-partitioned lake, readers take
    it from the folder name (``period=YYYYMM``).
    """

    def __init__(self, kind: str, staging: Path) -> None:
        self.kind = kind
        full = LAKE_KINDS[kind][1]
        self.schema = pa.schema([f for f in full if f.name != "period"])
        self.staging = staging
        self.names = self.schema.names
        self.source = LAKE_KINDS[kind][0]
        # per period, one list of values per column (columnar buffers: no dict per row)
        self.buffers: dict[str, list[list[Any]]] = {}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.buffered = 0

    def add(self, row: dict[str, Any]) -> None:
        value = row[self.source]
        period = value if isinstance(value, str) else f"{value.year:04d}{value.month:02d}"
        columns = self.buffers.get(period)
        if columns is None:
            columns = self.buffers[period] = [[] for _ in self.names]
        for column, name in zip(columns, self.names, strict=True):
            column.append(row.get(name))
        self.buffered += 1
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for period, columns in self.buffers.items():
            if not columns[0]:
                continue
            if period not in self.writers:
                folder = self.staging / f"period={period}"
                folder.mkdir(parents=True, exist_ok=True)
                self.writers[period] = pq.ParquetWriter(folder / "part.parquet", self.schema)
            arrays = [
                pa.array(_plain_column(values, field.type), type=field.type)
                for values, field in zip(columns, self.schema, strict=True)
            ]
            self.writers[period].write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.buffers = {p: [[] for _ in self.names] for p in self.buffers}
        self.buffered = 0

    def close(self) -> list[str]:
        self.flush()
        for writer in self.writers.values():
            writer.close()
        return sorted(self.writers)


def lake_files(kind: str, period: str) -> list[Path]:
    folder = lake_root() / kind / f"period={period}"
    return sorted(folder.glob("batch-*.parquet")) if folder.is_dir() else []


def lake_publish(kind: str, staging: Path, batch_id: int, periods: Iterable[str]) -> list[Path]:
    """Move a batch's staged files into the lake, removing what they replace; returns removed files."""
    removed: list[Path] = []
    periods = list(periods)
    for period in periods:
        folder = lake_root() / kind / f"period={period}"
        folder.mkdir(parents=True, exist_ok=True)
        old = lake_files(kind, period)
        target = folder / f"batch-{batch_id}.parquet"
        shutil.move(staging / f"period={period}" / "part.parquet", target)
        for path in old:
            path.unlink()
            removed.append(path)
    if kind == "si_contributions":
        # the monitoring engine's stored per-month aggregates of these periods (and of the month
        # after each) were computed from the replaced files (they would not be used anyway: their
        # fingerprints no longer match)
        from wenjiuye.monitoring.derived import DerivedStore  # noqa: PLC0415 (loads Ibis)

        DerivedStore(lake_root()).invalidate(periods)
    return removed


# --- Snapshots of the store kinds, so that the monitoring engines read one lake ----------------

ARROW_OF_TYPE = {
    "date": pa.date32(),
    "count": pa.int64(),
    "amount": pa.float64(),
    "flag": pa.int64(),
}


def snapshot_schema(kind: str) -> pa.Schema:
    return pa.schema(
        [(c.name, ARROW_OF_TYPE.get(c.type, pa.string())) for c in KINDS[kind].columns]
    )


def snapshot_write(kind: str, rows: Iterable[dict[str, Any]]) -> Path:
    """Write the current records of a store kind as ``lake/<kind>/current.parquet`` (atomically)."""
    schema = snapshot_schema(kind)
    folder = lake_root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(
        [{name: _plain(_flag(row.get(name))) for name in schema.names} for row in rows],
        schema=schema,
    )
    tmp = folder / ".current.parquet.tmp"
    pq.write_table(table, tmp)
    target = folder / "current.parquet"
    tmp.replace(target)
    return target


def _flag(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value
