"""The demo's months: index 0 is the first period, ``len - 1`` the last.

A demo is dated by its last month: ``--end YYYYMM`` (a fixed window, for reproducible tests), or
``--as-of DATE`` (default today), whose window ends in the last complete month before ``DATE``
(:func:`end_before`); everything in the files is dated inside the window, so the same ``end``
gives the same files whatever the day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from wenjiuye.core.i18n import gettext as _
from wenjiuye.demo.profile import DemoError

_PERIOD = re.compile(r"^(\d{4})(\d{2})$")


def end_before(as_of: date) -> str:
    """The last complete month before ``as_of`` as ``YYYYMM`` (2026-12-08 → 202611; 2026-12-01 →
    202611: November is complete on the first of December)."""
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    return f"{year:04d}{month:02d}"


class Timeline:
    def __init__(self, end: str, months: int) -> None:
        match = _PERIOD.match(end)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise DemoError(_("--end 应为 YYYYMM:%(end)s") % {"end": repr(end)})
        year, month = int(match.group(1)), int(match.group(2))
        serial = year * 12 + month - 1 - (months - 1)
        self.ym: list[tuple[int, int]] = [divmod(serial + i, 12) for i in range(months)]
        self.ym = [(y, m + 1) for y, m in self.ym]
        self.years = sorted({y for y, _ in self.ym})
        self.year_index = [self.years.index(y) for y, _ in self.ym]
        self.periods = [f"{y}{m:02d}" for y, m in self.ym]
        self.start = self.first(0)
        self.end = self.last(months - 1)

    def __len__(self) -> int:
        return len(self.ym)

    def days(self, i: int) -> int:
        y, m = self.month(i)
        return calendar.monthrange(y, m)[1]

    def month(self, i: int) -> tuple[int, int]:
        """(year, month) of month ``i``; ``i`` may lie outside the window."""
        y, m = divmod(self.ym[0][0] * 12 + self.ym[0][1] - 1 + i, 12)
        return y, m + 1

    def day(self, i: int, d: int) -> date:
        y, m = self.month(i)
        return date(y, m, d)

    def first(self, i: int) -> date:
        return self.day(i, 1)

    def last(self, i: int) -> date:
        return self.day(i, self.days(i))

    def index(self, day: date) -> int:
        return (day.year - self.ym[0][0]) * 12 + day.month - self.ym[0][1]

    def dash(self, i: int) -> str:
        y, m = self.month(i)
        return f"{y}-{m:02d}"
