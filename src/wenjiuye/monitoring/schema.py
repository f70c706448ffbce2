"""The engine's inputs: the data contract's columns it reads, typed as the lake stores them.

The types are not restated here: they are the lake's (:func:`wenjiuye.intake.lake.lake_schema`,
the producer's side), as Ibis type names.
"""

from __future__ import annotations

from typing import TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from wenjiuye.intake.lake import lake_schema

TableLike: TypeAlias = ir.Table | pd.DataFrame | pa.Table

# The columns of each contract kind the engine reads.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "si_contributions": ("period", "uscc", "person_id", "base", "status"),
    "employment_filings": ("person_id", "uscc", "kind", "date", "reason"),
    "unemployment_registrations": (
        "person_id",
        "name",
        "region_code",
        "registered_on",
        "ended_on",
        "end_reason",
    ),
    "benefit_payments": ("person_id", "period", "kind", "amount"),
    "job_postings": ("posting_id", "region_code", "city", "openings", "posted_on", "closes_on"),
    "labour_cases": ("case_id", "uscc", "kind", "people", "filed_on", "closed_on"),
    "enterprise_events": ("uscc", "date", "kind"),
    "enterprise_operations": ("period", "uscc", "output_value", "export_value"),
    "enterprises": ("uscc", "name", "region_code", "industry", "employees", "export_oriented"),
    "monitoring_point_reports": (
        "point_id",
        "region_code",
        "period",
        "outbound",
        "returned",
        "returned_unemployed",
    ),
}


def _input_schema(kind: str) -> pa.Schema:
    lake = lake_schema(kind)
    return pa.schema([lake.field(name) for name in INPUT_COLUMNS[kind]])


# Canonical column types of the inputs (Ibis type names: string, int64, float64, date).
INPUT_SCHEMAS: dict[str, dict[str, str]] = {
    kind: {f.name: str(ibis.dtype(f.type)) for f in _input_schema(kind)} for kind in INPUT_COLUMNS
}


def to_ibis(table: TableLike) -> ir.Table:
    if isinstance(table, ir.Table):
        return table
    return ibis.memtable(table)


def empty_input(kind: str) -> ir.Table:
    """An empty table with the canonical columns of ``kind``."""
    return ibis.memtable(_input_schema(kind).empty_table())


def conform(kind: str, table: TableLike | None) -> ir.Table:
    """Select and cast the canonical columns of ``kind``; absent optional columns become NULL."""
    if table is None:
        return empty_input(kind)
    t = to_ibis(table)
    cols: dict[str, ir.Value] = {}
    for name, typ in INPUT_SCHEMAS[kind].items():
        if name in t.columns:
            col = t[name]
            if name == "period":
                col = col.cast("string").replace("-", "")
            elif typ == "date" and not isinstance(col, ir.DateValue):
                col = col.cast("date")
            elif str(col.type()).rstrip("!") != typ:
                col = col.cast(typ)
            cols[name] = col
        else:
            cols[name] = ibis.null(typ)
    return t.select(**cols)
