"""Small portable Ibis helpers of the monitoring expressions: months, regions, numbers, dates.

A month is an integer *period index* ``pidx = year * 12 + month - 1`` (in Python:
:func:`wenjiuye.core.periods.period_to_index`), so ``pidx - 1`` is the
previous month and ``pidx - 12`` the same month a year before. Every division goes through
``nullif(0)`` (Spark runs with ANSI mode, where ``x / 0`` raises), and every "at least a share"
comparison tolerates ``EPSILON`` of floating-point error.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

EPSILON = 1e-9
FAR_FUTURE = "9999-12-31"


# -- months -------------------------------------------------------------------------------------
def period_index(col: ir.Value) -> ir.IntegerValue:
    text = col.cast("string").replace("-", "")
    return text.substr(0, 4).cast("int64") * 12 + text.substr(4, 2).cast("int64") - 1


def date_index(col: ir.DateValue) -> ir.IntegerValue:
    return col.year().cast("int64") * 12 + col.month().cast("int64") - 1


def period_label(pidx: ir.IntegerValue) -> ir.StringValue:
    return (pidx // 12).cast("string") + ((pidx % 12) + 1).cast("string").lpad(2, "0")


# -- regions ------------------------------------------------------------------------------------
def county_of(code: ir.StringValue) -> ir.StringValue:
    """A person's or an employer's county: the first 6 digits of the region code."""
    return code.substr(0, 6)


def city_of(code: ir.StringValue) -> ir.StringValue:
    """The prefecture-level city: the first 4 digits + '00'."""
    return code.substr(0, 4) + "00"


# -- numbers ------------------------------------------------------------------------------------
def int_lit(value: int) -> ir.IntegerScalar:
    return ibis.literal(value, "int64")


def as_flag(cond: ir.BooleanValue) -> ir.IntegerValue:
    """1 where ``cond`` holds, else 0 (NULL counts as false)."""
    return cond.fill_null(False).ifelse(1, 0).cast("int64")


def ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return num.cast("float64") / den.cast("float64").nullif(0)


def at_least(value: ir.NumericValue, threshold: float) -> ir.BooleanValue:
    return (value >= threshold - EPSILON).fill_null(False)


def level_by(people: ir.IntegerValue, red: int, orange: int, else_: int = 3) -> ir.IntegerValue:
    """Warning level 1 from ``red`` people on, 2 from ``orange``, else ``else_``."""
    return ibis.cases(
        (people >= red, int_lit(1)),
        (people >= orange, int_lit(2)),
        else_=int_lit(else_),
    )


# -- dates --------------------------------------------------------------------------------------
def add_days(d: ir.DateValue, days: int) -> ir.DateValue:
    # DuckDB types ``date + INTERVAL`` as a timestamp while Ibis says date (and so elides a
    # plain cast to date): go through an explicit timestamp cast.
    return (d + ibis.interval(days=days)).cast("timestamp").cast("date")


def add_months(d: ir.DateValue, months: int) -> ir.DateValue:
    return (d + ibis.interval(months=months)).cast("timestamp").cast("date")
