"""Days, months and periods, in one place.

A period is a month as the bureau's files write it: ``YYYYMM``. A month index is ``year * 12 +
month - 1`` (what the monitoring engine computes on). Days are in the bureau's time zone
(``TIME_ZONE``).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from django.utils import timezone


def today() -> date:
    """Today in the bureau's time zone."""
    return timezone.localdate()


def parse_day(text: str, default: date) -> date:
    """A ``YYYY-MM-DD`` query value, or ``default`` when it is empty or not a date (a page's
    ``?on=`` filter)."""
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def local_day(at: datetime) -> date:
    """The bureau's calendar day of the moment ``at``."""
    return timezone.localtime(at).date()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the bureau's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in the bureau's time zone."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, on the month's last day when the month is shorter
    (01-31 + 1 → 02-28/29; 08-31 + 6 → 02-28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_of(day: date) -> str:
    """The period ``YYYYMM`` that ``day`` lies in."""
    return f"{day.year:04d}{day.month:02d}"


def period_to_index(period: str | int) -> int:
    """'202403' or '2024-03' → 2024 * 12 + 2."""
    text = str(period).replace("-", "").strip()
    if len(text) != 6 or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        raise ValueError(f"not a period YYYYMM: {period!r}")
    return int(text[:4]) * 12 + int(text[4:]) - 1


def index_to_period(index: int) -> str:
    """A month index back to ``YYYYMM``."""
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def period_add(period: str, months: int) -> str:
    """``period`` plus ``months`` (negative goes back)."""
    return index_to_period(period_to_index(period) + months)


def period_end(period: str) -> date:
    """The last day of the month ``YYYYMM``."""
    year, month = int(period[:4]), int(period[4:])
    return date(year, month, calendar.monthrange(year, month)[1])
