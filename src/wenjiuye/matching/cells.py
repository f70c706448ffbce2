"""One value of an input cell, as the matching engine reads it: text, a day, a number or a flag.

pandas gives ``None``, ``NaN`` or ``NaT`` for an empty cell; each reader answers the empty value
of its kind. :func:`as_day` also reads a day typed on the command line (``wenjiuye match --on``).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """An empty cell: ``None``, ``NaN`` or ``NaT``."""
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def as_text(value: Any) -> str:
    """The cell as stripped text (empty: ``""``)."""
    return "" if is_missing(value) else str(value).strip()


def as_day(value: Any) -> date | None:
    """The cell as a day: a date, a datetime, a timestamp or ISO text (``/`` allowed); empty:
    ``None``. Text that is no day raises ``ValueError``."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    return date.fromisoformat(text.replace("/", "-")[:10])


def as_number(value: Any) -> float | None:
    """The cell as a number (empty or not a number: ``None``)."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def as_flag(value: Any) -> bool:
    """The cell as a yes/no (empty: no)."""
    return False if is_missing(value) else bool(value)
