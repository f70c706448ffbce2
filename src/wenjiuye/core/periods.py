"""Monthly periods as the bureau's files write them: ``YYYYMM``."""

from __future__ import annotations

import calendar
from datetime import date


def period_end(period: str) -> date:
    """The last day of the month ``YYYYMM``."""
    year, month = int(period[:4]), int(period[4:])
    return date(year, month, calendar.monthrange(year, month)[1])
