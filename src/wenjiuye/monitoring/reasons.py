"""Why a flag fired, as text: ``reason_zh`` pieces and the ``evidence`` JSON object.

Both are built with portable string functions, so they are identical on DuckDB and Spark.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import ibis
import ibis.expr.types as ir


def show(value: Any) -> ir.StringValue:
    """Display text of a value for reason_zh (ints as digits; floats with 1 decimal)."""
    if not isinstance(value, ir.Value):
        return ibis.literal(display(value))
    if isinstance(value, ir.IntegerValue):
        return value.cast("string").fill_null("—")
    if isinstance(value, ir.FloatingValue | ir.DecimalValue):
        return value.cast("decimal(20,1)").cast("string").fill_null("—")
    return value.cast("string").fill_null("—")


def show2(value: ir.NumericValue) -> ir.StringValue:
    """A float with two decimals (rates in percent, percentage points)."""
    return value.cast("decimal(20,2)").cast("string").fill_null("—")


def display(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def pct(num: ir.IntegerValue, den: ir.IntegerValue) -> ir.StringValue:
    """num/den as a percentage with one decimal, by integer arithmetic (identical on engines)."""
    tenths = (num * 2000 + den) // (den * 2).nullif(0)
    return ((tenths // 10).cast("string") + "." + (tenths % 10).cast("string")).fill_null("—")


def pct_text(share: float) -> str:
    return f"{share * 100:g}%"


def concat(*parts: Any) -> ir.StringValue:
    out: ir.StringValue | None = None
    for part in parts:
        piece = part if isinstance(part, ir.Value) else ibis.literal(str(part))
        out = piece if out is None else out + piece
    assert out is not None
    return out


def json_object(fields: Mapping[str, Any]) -> ir.StringValue:
    """A JSON object string built with portable string functions (identical on DuckDB and Spark).

    Integers print as digits, floats as fixed 6-decimal numbers, dates as "YYYY-MM-DD".
    """
    parts: list[Any] = []
    for i, (key, value) in enumerate(fields.items()):
        parts.append(("{" if i == 0 else ", ") + json.dumps(key) + ": ")
        parts.append(_json_value(value))
    parts.append("}" if fields else "{}")
    return concat(*parts)


def _json_value(value: Any) -> ir.StringValue | str:
    if not isinstance(value, ir.Value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, ir.BooleanValue):
        return value.ifelse("true", "false").fill_null("null")
    if isinstance(value, ir.IntegerValue):
        return value.cast("string").fill_null("null")
    if isinstance(value, ir.FloatingValue | ir.DecimalValue):
        return value.cast("decimal(24,6)").cast("string").fill_null("null")
    if isinstance(value, ir.DateValue):
        return ('"' + value.cast("string") + '"').fill_null("null")
    escaped = value.cast("string").replace("\\", "\\\\").replace('"', '\\"')
    return ('"' + escaped + '"').fill_null("null")
