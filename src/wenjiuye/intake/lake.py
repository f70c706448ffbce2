"""The Parquet lake (``$WENJIUYE_LAKE``, by default ``$WENJIUYE_HOME/lake``), read and written here.

Layout::

    lake/<kind>/period=YYYYMM/batch-<id>.parquet    the high-volume kinds (LAKE_KINDS)
    lake/<kind>/current.parquet                     a snapshot of a store kind's current records

Every file has its kind's columns of the data contract (:mod:`wenjiuye.intake.contract`), typed by
:data:`ARROW_OF_TYPE` (:func:`lake_schema`); a partitioned file does not store ``period``: like
every hive-partitioned lake, readers take it from the folder name. A partitioned file is written
once, by one import batch, and a corrected re-export of a period replaces that period's files (the
originals stay archived). :func:`write_lake` writes tables of accepted rows the same way (tests,
the benchmark, analysts); :func:`open_lake` reads every kind as a table of an Ibis backend (the
monitoring engines, the assistance payments).

The monitoring engine's derived store (``lake/_derived``) notices replaced periods itself: its
stored months carry a fingerprint of the files they were computed from.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

from wenjiuye.core.errors import DomainError
from wenjiuye.intake.contract import KINDS

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

# The Arrow type of each contract column type (the others are text).
ARROW_OF_TYPE = {
    "date": pa.date32(),
    "count": pa.int64(),
    "amount": pa.float64(),
    "flag": pa.int64(),
}
PARTITION_COLUMN = "period"
# kind -> the column that gives a row's period (the other kinds are snapshots)
LAKE_KINDS: dict[str, str] = {
    "si_contributions": "period",
    "employment_filings": "date",
    "benefit_payments": "period",
    "enterprise_operations": "period",
}
SNAPSHOT = "current.parquet"
FLUSH_ROWS = 100_000


class LakeError(DomainError):
    """A table cannot be written to the lake (unknown kind, missing or empty period column)."""


def lake_root() -> Path:
    return Path(settings.WENJIUYE_LAKE or Path(settings.WENJIUYE_HOME) / "lake")


def lake_schema(kind: str) -> pa.Schema:
    """The Arrow schema of a contract kind's columns, in contract order."""
    return pa.schema(
        [(c.name, ARROW_OF_TYPE.get(c.type, pa.string())) for c in KINDS[kind].columns]
    )


def _plain(value: Any) -> Any:
    return float(value) if value is not None and hasattr(value, "as_tuple") else value


def _plain_column(values: list[Any], type_: pa.DataType) -> list[Any]:
    """Decimals (parsed amounts) as floats in floating-point columns; other values as they are."""
    if pa.types.is_floating(type_):
        return [None if v is None else float(v) for v in values]
    return [_plain(v) for v in values] if any(hasattr(v, "as_tuple") for v in values) else values


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly the columns of ``schema``, cast to their types (missing: null)."""
    arrays = []
    for field in schema:
        if field.name not in table.column_names:
            arrays.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table[field.name]
        arrays.append(column if column.type == field.type else pc.cast(column, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _period_values(kind: str, source: str, table: pa.Table) -> pa.Array:
    """Each row's period (YYYYMM): the ``period`` column (YYYYMM or YYYY-MM), or the month of
    the date column ``source``."""
    if source not in table.column_names:
        raise LakeError(f"{kind}: column {source!r} is required to partition the lake")
    column = table[source]
    if source == PARTITION_COLUMN:
        text = pc.replace_substring(pc.cast(column, pa.string()), "-", "")
    else:
        if not pa.types.is_date(column.type) and not pa.types.is_timestamp(column.type):
            column = pc.cast(column, pa.date32())
        text = pc.strftime(column, format="%Y%m")
    if text.null_count:
        raise LakeError(f"{kind}: {text.null_count} rows have no {source}")
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


class StagedWriter:
    """Writes accepted rows, grouped by period, to Parquet files in a staging folder.

    Rows (:meth:`add`) are buffered per period and flushed every ``FLUSH_ROWS`` rows, so memory
    stays bounded; rows already in columns (:meth:`add_table`) are written as they come. The
    ``period`` column is not stored in the files (it is the folder's name).
    """

    def __init__(self, kind: str, staging: Path) -> None:
        self.kind = kind
        self.schema = pa.schema([f for f in lake_schema(kind) if f.name != PARTITION_COLUMN])
        self.staging = staging
        self.names = self.schema.names
        self.source = LAKE_KINDS[kind]
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

    def add_table(self, table: pa.Table) -> None:
        """Accepted rows as an Arrow table of the kind's columns (missing ones are null)."""
        periods = _period_values(self.kind, self.source, table)
        body = _conform(table, self.schema)
        for period in sorted(pc.unique(periods).to_pylist()):
            self._writer(period).write_table(body.filter(pc.equal(periods, period)))

    def _writer(self, period: str) -> pq.ParquetWriter:
        if period not in self.writers:
            folder = self.staging / f"{PARTITION_COLUMN}={period}"
            folder.mkdir(parents=True, exist_ok=True)
            self.writers[period] = pq.ParquetWriter(folder / "part.parquet", self.schema)
        return self.writers[period]

    def flush(self) -> None:
        for period, columns in self.buffers.items():
            if not columns[0]:
                continue
            arrays = [
                pa.array(_plain_column(values, field.type), type=field.type)
                for values, field in zip(columns, self.schema, strict=True)
            ]
            self._writer(period).write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.buffers = {p: [[] for _ in self.names] for p in self.buffers}
        self.buffered = 0

    def close(self) -> list[str]:
        self.flush()
        for writer in self.writers.values():
            writer.close()
        return sorted(self.writers)


def _batch_path(root: Path, kind: str, period: str, batch_id: int | str) -> Path:
    return root / kind / f"{PARTITION_COLUMN}={period}" / f"batch-{batch_id}.parquet"


def lake_files(kind: str, period: str, root: Path | None = None) -> list[Path]:
    folder = (root or lake_root()) / kind / f"{PARTITION_COLUMN}={period}"
    return sorted(folder.glob("batch-*.parquet")) if folder.is_dir() else []


def lake_periods(kind: str, root: Path | None = None) -> dict[str, list[Path]]:
    """The periods of a partitioned kind that hold at least one row -> their files (from the
    Parquet footers: no row is read)."""
    base = (root or lake_root()) / kind
    periods: dict[str, list[Path]] = {}
    if not base.is_dir():
        return periods
    for folder in base.glob(f"{PARTITION_COLUMN}=*"):
        files = sorted(folder.glob("*.parquet"))
        if files and sum(pq.read_metadata(f).num_rows for f in files) > 0:
            periods[folder.name.split("=", 1)[1]] = files
    return periods


def lake_publish(
    kind: str,
    staging: Path,
    batch_id: int | str,
    periods: Iterable[str],
    root: Path | None = None,
) -> list[Path]:
    """Move a batch's staged files into the lake, removing what they replace; returns removed files.

    A batch published again (the same id: the same content) keeps its file as it is.
    """
    base = root or lake_root()
    removed: list[Path] = []
    for period in periods:
        target = _batch_path(base, kind, period, batch_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = [path for path in lake_files(kind, period, base) if path != target]
        if not target.exists():
            shutil.move(staging / f"{PARTITION_COLUMN}={period}" / "part.parquet", target)
        for path in old:
            path.unlink()
            removed.append(path)
    return removed


def snapshot_write(
    kind: str, rows: Iterable[dict[str, Any]] | pa.Table, root: Path | None = None
) -> Path:
    """Write the current records of a store kind (dicts, or an Arrow table of its columns) as
    ``lake/<kind>/current.parquet`` (atomically)."""
    schema = lake_schema(kind)
    folder = (root or lake_root()) / kind
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(rows, pa.Table):
        table = _conform(rows, schema)
    else:
        table = pa.Table.from_pylist(
            [{name: _plain(_flag(row.get(name))) for name in schema.names} for row in rows],
            schema=schema,
        )
    tmp = folder / f".{SNAPSHOT}.tmp"
    pq.write_table(table, tmp)
    target = folder / SNAPSHOT
    tmp.replace(target)
    return target


def _flag(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _content_id(staging: Path, periods: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for period in periods:
        digest.update(period.encode())
        digest.update((staging / f"{PARTITION_COLUMN}={period}" / "part.parquet").read_bytes())
    return digest.hexdigest()[:16]


def write_lake(frames: Mapping[str, Any], root: str | Path | None = None) -> dict[str, list[Path]]:
    """Write tables of accepted rows (kind -> pandas or Arrow table) to the lake as ``ingest``
    does, and return the files written per kind.

    A partitioned kind goes through :class:`StagedWriter` and :func:`lake_publish` as one batch
    whose id is a hash of its content (so writing the same rows twice changes nothing): each period
    it holds replaces the lake's files of that period. Any other kind becomes its snapshot
    (:func:`snapshot_write`). Columns outside the contract are not stored; missing ones are null.
    """
    base = Path(root) if root is not None else lake_root()
    written: dict[str, list[Path]] = {}
    for kind, frame in frames.items():
        if kind not in KINDS:
            raise LakeError(f"unknown kind {kind!r}")
        table = (
            frame
            if isinstance(frame, pa.Table)
            else pa.Table.from_pandas(frame, preserve_index=False)
        )
        if kind not in LAKE_KINDS:
            written[kind] = [snapshot_write(kind, table, base)]
            continue
        base.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=base))
        try:
            writer = StagedWriter(kind, staging)
            writer.add_table(table)
            periods = writer.close()
            batch_id = _content_id(staging, periods)
            lake_publish(kind, staging, batch_id, periods, base)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        written[kind] = [_batch_path(base, kind, p, batch_id) for p in periods]
    return written


# --- Reading: every kind as a table of an Ibis backend ------------------------------------------


def connect_duckdb(
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | Path | None = None,
) -> ibis.BaseBackend:
    """An in-memory DuckDB connection; ``memory_limit`` (e.g. "4GB") bounds memory, spilling
    large joins and aggregates to ``temp_directory``."""
    import ibis  # noqa: PLC0415 (reading the lake loads Ibis; writing it does not)

    con = ibis.duckdb.connect()
    if memory_limit:
        con.raw_sql(f"SET memory_limit = '{memory_limit}'")
    if threads:
        con.raw_sql(f"SET threads = {int(threads)}")
    if temp_directory:
        con.raw_sql(f"SET temp_directory = '{Path(temp_directory)}'")
    con.raw_sql("SET preserve_insertion_order = false")
    return con


def backend_name(con: ibis.BaseBackend) -> str:
    return str(getattr(con, "name", type(con).__name__))


def _has_parquet(folder: Path) -> bool:
    return folder.is_dir() and any(folder.rglob("*.parquet"))


def _read_partitions(
    con: ibis.BaseBackend, root: Path, kind: str, periods: Sequence[str]
) -> ir.Table | None:
    """Only the given partitions of a partitioned kind (``None`` when none of them exists)."""
    import ibis  # noqa: PLC0415

    folders = [root / kind / f"{PARTITION_COLUMN}={p}" for p in periods]
    folders = [f for f in folders if _has_parquet(f)]
    if not folders:
        return None
    if backend_name(con) == "duckdb":
        files = [str(f) for folder in folders for f in sorted(folder.glob("*.parquet"))]
        return con.read_parquet(
            files, hive_partitioning=True, hive_types_autocast=False, union_by_name=True
        )
    parts = []
    for folder in folders:
        t = con.read_parquet(str(folder), mergeSchema="true")
        parts.append(t.mutate(**{PARTITION_COLUMN: ibis.literal(folder.name.split("=", 1)[1])}))
    out = parts[0]
    for part in parts[1:]:
        out = out.union(part, distinct=False)
    return out


def open_lake(
    con: ibis.BaseBackend,
    root: str | Path | None = None,
    *,
    partitions: Mapping[str, Sequence[str]] | None = None,
    kinds: Iterable[str] | None = None,
) -> dict[str, ir.Table]:
    """Register every kind present under ``root`` (by default the lake) as a table of ``con``;
    absent kinds are left out. ``partitions`` restricts a partitioned kind to the given periods
    (YYYYMM); ``kinds`` to the given kinds (default: all)."""
    base = Path(root) if root is not None else lake_root()
    name = backend_name(con)
    tables: dict[str, ir.Table] = {}
    wanted = set(kinds) if kinds is not None else None
    for kind in KINDS:
        if wanted is not None and kind not in wanted:
            continue
        folder = base / kind
        if not _has_parquet(folder):
            continue
        if partitions and kind in partitions:
            some = _read_partitions(con, base, kind, partitions[kind])
            if some is not None:
                tables[kind] = some
            continue
        if name == "duckdb":
            if kind in LAKE_KINDS:
                t = con.read_parquet(
                    str(folder / f"{PARTITION_COLUMN}=*" / "*.parquet"),
                    hive_partitioning=True,
                    hive_types_autocast=False,
                    union_by_name=True,
                )
            else:
                t = con.read_parquet(str(folder / "*.parquet"), union_by_name=True)
        elif name == "pyspark":
            # partition discovery reads period=YYYYMM from the path (inferred as a number;
            # the monitor's ``conform`` casts it back to text)
            t = con.read_parquet(str(folder), mergeSchema="true")
        else:
            t = con.read_parquet(str(folder / "**" / "*.parquet"))
        tables[kind] = t
    return tables
