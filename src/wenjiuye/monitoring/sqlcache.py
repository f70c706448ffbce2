"""Compiled-SQL cache: compile an Ibis expression once per structure, not once per run.

Compiling the monitoring expressions to SQL (Ibis rewrites and sqlglot) costs about as much
Python time as DuckDB spends executing a city-month, and every run builds the same expressions
again (a new process each time: the ``monitor`` command, the worker, the benchmark). The cache
keys a compiled statement by the expression's *structure* and stores it with its table names
replaced by placeholders, so the next run with the same structure fills in its own table names
instead of compiling.

The key is a SHA-256 of a canonical serialization of the expression graph (every node's class
and every argument that is not a node, in a fixed order; tables and Ibis parameters by position
and type, not by name or value), of the Ibis and sqlglot versions and of the dialect. Two
expressions with the same key compile to the same SQL up to table names and parameter values, so
a hit is the SQL Ibis would have produced (compiling with the parameter values); anything that
cannot be serialized deterministically (an argument whose text names a memory address) is
compiled every time. A different rule parameter or plan is a different structure, so a different
key: nothing is ever served stale. The monitor passes the months a run depends on as Ibis
parameters (``Monitor(parametrize=True)``), so next month's run has this month's structure.
Entries are small text files, written atomically; deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import sqlglot
from ibis.common.graph import Graph, Node

_LEAVES = (ops.DatabaseTable, ops.InMemoryTable, ops.UnboundTable)
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
_PLACEHOLDER = "\x00wjy-table-{}\x00"
_PARAM = "\x00wjy-param-{}\x00"
# A parameter is compiled as this number plus its position, then replaced by a placeholder.
_SENTINEL = 987_654_320_000
_SENTINEL_TEXT = str(_SENTINEL)[:8]
_VERSION = f"ibis={ibis.__version__};sqlglot={sqlglot.__version__};v2"


class _Unstable(Exception):
    """The expression holds an argument without a deterministic text."""


def _encode(value: Any, ids: Mapping[Node, int]) -> str:
    if isinstance(value, Node):
        return f"#{ids[value]}"
    if isinstance(value, tuple | list):
        return "(" + ",".join(_encode(v, ids) for v in value) + ")"
    if isinstance(value, Mapping):
        items = ",".join(f"{k!r}:{_encode(v, ids)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(_encode(v, ids) for v in value)) + "}"
    text = f"{type(value).__qualname__}:{value!r}"
    if _ADDRESS.search(text):
        raise _Unstable(text)
    return text


def fingerprint(
    expr: ir.Expr, dialect: str
) -> tuple[str, list[str], list[ops.ScalarParameter]] | None:
    """The structural key of ``expr``, its table names and its parameters, each in the order the
    key numbers them (``None`` when the expression cannot be keyed deterministically)."""
    graph, _ = Graph.from_bfs(expr.op()).toposort()
    ids: dict[Node, int] = {}
    names: list[str] = []
    position: dict[str, int] = {}
    params: list[ops.ScalarParameter] = []
    digest = hashlib.sha256(f"{_VERSION};{dialect}\n".encode())
    try:
        for node in graph:
            if isinstance(node, _LEAVES):
                if node.name not in position:
                    position[node.name] = len(names)
                    names.append(node.name)
                text = f"{type(node).__name__}[T{position[node.name]}]{node.schema!r}"
            elif isinstance(node, ops.ScalarParameter):
                text = f"Param[P{len(params)}]{node.dtype!r}"
                params.append(node)
            else:
                args = ",".join(_encode(a, ids) for a in node.__args__)
                text = f"{type(node).__qualname__}({args})"
            ids[node] = len(ids)
            digest.update(text.encode())
            digest.update(b"\n")
    except _Unstable:
        return None
    return digest.hexdigest(), names, params


class SQLCache:
    """Compiled SQL per expression structure, in ``folder`` (no folder: compile every time).

    ``hits`` and ``misses`` count the lookups of this instance. The folder keeps at most
    ``max_entries`` statements: when a write passes it, the least recently used half goes (a hit
    refreshes an entry's time).
    """

    def __init__(self, folder: str | Path | None, *, max_entries: int = 4096) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def sql(
        self,
        con: ibis.BaseBackend,
        expr: ir.Table,
        params: Mapping[ir.Scalar, Any] | None = None,
    ) -> str:
        """The SQL of ``expr`` on ``con`` with the parameter values ``params`` (what
        ``con.compile(expr, params=params)`` gives), from the cache when its structure was seen
        before."""
        if self.folder is None:
            return str(con.compile(expr, params=params))
        key = fingerprint(expr, str(getattr(con, "name", type(con).__name__)))
        if key is None:
            self.misses += 1
            return str(con.compile(expr, params=params))
        digest, names, used = key
        given = {k.op() if isinstance(k, ir.Expr) else k: v for k, v in (params or {}).items()}
        values = [given[p] for p in used]  # KeyError: a parameter without a value
        if not all(type(v) is int and v >= 0 for v in values):
            self.misses += 1  # only counts (month indexes) are filled in as text
            return str(con.compile(expr, params=params))
        path = self.folder / f"{digest}.sql"
        try:
            template = path.read_text(encoding="utf-8")
            os.utime(path)
        except OSError:  # absent (or just pruned by another run): compile
            template = None
        if template is not None:
            self.hits += 1
            return _fill(template, names, values)
        self.misses += 1
        sentinels = {p.to_expr(): _SENTINEL + i for i, p in enumerate(used)}
        template = _template(str(con.compile(expr, params=sentinels)), names, len(used))
        if template is None:
            return str(con.compile(expr, params=params))
        self._write(path, template)
        return _fill(template, names, values)

    def _write(self, path: Path, template: str) -> None:
        """Keep ``template`` (best effort: a read-only or full disk only costs the next run a
        compilation)."""
        assert self.folder is not None
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(template, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return
        entries = list(self.folder.glob("*.sql"))
        if len(entries) > self.max_entries:
            by_age = sorted(entries, key=_mtime)
            for old in by_age[: len(entries) - self.max_entries // 2]:
                try:
                    old.unlink(missing_ok=True)
                except OSError:
                    break


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _template(sql: str, names: list[str], n_params: int) -> str | None:
    """``sql`` with every quoted table name and every parameter's sentinel number replaced by
    placeholders; ``None`` when a name or sentinel also appears in another form (it could then
    not be filled in safely)."""
    if "\x00" in sql:
        return None
    out = sql
    for i, name in enumerate(names):
        out = out.replace(f'"{name}"', _PLACEHOLDER.format(i))
    for i in range(n_params):
        out = re.sub(rf"(?<![\w.]){_SENTINEL + i}(?![\w.])", _PARAM.format(i), out)
    if _SENTINEL_TEXT in out or any(name in out for name in names):
        return None
    return out


def _fill(template: str, names: list[str], values: list[int]) -> str:
    out = template
    for i, name in enumerate(names):
        out = out.replace(_PLACEHOLDER.format(i), f'"{name}"')
    for i, value in enumerate(values):
        out = out.replace(_PARAM.format(i), str(value))
    return out
