"""The ``unemployment_rising`` rule (Sahm-rule form) for any published monthly series.

Pure Python, for analysts who hold a published rate series (a CSV of the surveyed urban
unemployment rate, a county's registered rate, …) rather than the lake. It is the same rule the
engine applies to the registered unemployment rate of each region:

* ``average(t)`` = mean of the ``window`` values ending at month ``t``; undefined (``None``) if any
  of them is missing — a missing value is never read as zero;
* ``lowest(t)`` = the lowest defined ``average`` of the ``lookback`` months before ``t``
  (``t - lookback`` … ``t - 1``); undefined if none of them is defined;
* ``indicator(t)`` = ``average(t) - lowest(t)``;
* a *trigger* is a month whose indicator reaches ``threshold`` while the previous defined indicator
  was below it (or there was none).

Periods may be ``YYYYMM`` / ``YYYY-MM`` strings, ``YYYYMM`` integers or dates; months absent from
the list count as missing values. Labels that are not months (e.g. quarters) are taken as
consecutive in the order given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from typing import Any

EPSILON = 1e-9


def _month_index(period: Any) -> int | None:
    if isinstance(period, date):
        return period.year * 12 + period.month - 1
    text = str(period).strip().replace("-", "").replace("/", "")
    if len(text) == 8 and text.isdigit():  # a date such as 2020-01-01 names its month
        text = text[:6]
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return int(text[:4]) * 12 + int(text[4:]) - 1
    return None


def _label_like(example: Any, index: int) -> Any:
    year, month = divmod(index, 12)
    month += 1
    if isinstance(example, date):
        return date(year, month, 1)
    if isinstance(example, int):
        return year * 100 + month
    text = str(example).strip()
    if "-" in text:
        return f"{year:04d}-{month:02d}"
    if "/" in text:
        return f"{year:04d}/{month:02d}"
    return f"{year:04d}{month:02d}"


MISSING_MARKS = {"", ".", "..", "-", "—", "na", "n/a", "nan", "null", "none", "缺失", "无"}


def _value(v: Any) -> float | None:
    """A number, or ``None`` for the marks published series use for a missing value."""
    if v is None:
        return None
    if isinstance(v, str):
        v = v.strip()
        if v.lower() in MISSING_MARKS:
            return None
    try:
        number = float(v)
    except ValueError as exc:
        raise ValueError(f"not a number: {v!r}") from exc
    return None if math.isnan(number) else number


def sahm_style(
    values: Iterable[tuple[Any, float | str | None]],
    threshold: float = 0.5,
    window: int = 3,
    lookback: int = 12,
) -> dict[str, list[Any]]:
    """Apply the rule to ``values`` = [(period, value or None), …].

    Returns ``{"values": [{"period": p, "indicator": x or None}, …], "triggers": [p, …]}``, one
    entry per month from the first to the last period (gaps filled with ``None`` values).
    """
    if window < 1 or lookback < 1:
        raise ValueError("window and lookback must be at least 1")
    pairs = list(values)
    if not pairs:
        return {"values": [], "triggers": []}

    indexes = [_month_index(p) for p, _ in pairs]
    series: list[tuple[Any, float | None]]
    if all(i is not None for i in indexes):
        by_index: dict[int, float | None] = {}
        labels: dict[int, Any] = {}
        for (period, v), i in zip(pairs, indexes, strict=True):
            assert i is not None
            if i in by_index:
                raise ValueError(f"period {period!r} appears twice")
            by_index[i] = _value(v)
            labels[i] = period
        example = pairs[0][0]
        series = [
            (labels.get(i, _label_like(example, i)), by_index.get(i))
            for i in range(min(by_index), max(by_index) + 1)
        ]
    else:
        series = [(p, _value(v)) for p, v in pairs]

    raw = [v for _, v in series]
    averages: list[float | None] = []
    for t in range(len(raw)):
        chunk = raw[t - window + 1 : t + 1] if t >= window - 1 else []
        if len(chunk) == window and all(v is not None for v in chunk):
            averages.append(sum(v for v in chunk if v is not None) / window)
        else:
            averages.append(None)

    out_values: list[dict[str, Any]] = []
    triggers: list[Any] = []
    previous: float | None = None
    for t, (period, _) in enumerate(series):
        before = [a for a in averages[max(0, t - lookback) : t] if a is not None]
        indicator: float | None = None
        if averages[t] is not None and before:
            indicator = round(averages[t] - min(before), 12)  # type: ignore[operator]
        out_values.append({"period": period, "indicator": indicator})
        if indicator is not None:
            if indicator >= threshold - EPSILON and (
                previous is None or previous < threshold - EPSILON
            ):
                triggers.append(period)
            previous = indicator
    return {"values": out_values, "triggers": triggers}
