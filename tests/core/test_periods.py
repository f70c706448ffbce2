"""Days, months and periods: the one home (core.periods) that every app uses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from wenjiuye.core import periods


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2022, 1, 31), 1, date(2022, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 11, 15), 6, date(2023, 5, 15)),
        (date(2022, 12, 31), 1, date(2023, 1, 31)),
        (date(2022, 3, 31), -1, date(2022, 2, 28)),
        (date(2022, 1, 15), -13, date(2020, 12, 15)),
        (date(2022, 5, 20), 0, date(2022, 5, 20)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected) -> None:
    assert periods.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("period", "months", "expected"),
    [
        ("202201", 1, "202202"),
        ("202212", 1, "202301"),
        ("202301", -1, "202212"),
        ("202006", -30, "201712"),
    ],
)
def test_period_arithmetic(period, months, expected) -> None:
    assert periods.period_add(period, months) == expected
    assert periods.index_to_period(periods.period_to_index(expected)) == expected


@pytest.mark.parametrize("bad", ["2022", "202213", "202200", "20x201", "2022-1"])
def test_a_malformed_period_is_refused(bad) -> None:
    with pytest.raises(ValueError, match="not a period"):
        periods.period_to_index(bad)


def test_period_of_and_period_end() -> None:
    assert periods.period_of(date(2024, 2, 29)) == "202402"
    assert periods.period_end("202402") == date(2024, 2, 29)
    assert periods.period_end("202302") == date(2023, 2, 28)
    assert periods.period_to_index("2024-03") == 2024 * 12 + 2


def test_days_are_the_bureaus(settings) -> None:
    """Midnight UTC on 1 March is 08:00 in Shanghai: the bureau's day, not the server's."""
    settings.TIME_ZONE = "Asia/Shanghai"
    late = datetime(2022, 2, 28, 17, 0, tzinfo=UTC)  # 01:00 on 1 March in Shanghai
    assert periods.local_day(late) == date(2022, 3, 1)
    start, end = periods.day_start(date(2022, 3, 1)), periods.end_of_day(date(2022, 3, 1))
    assert (end - start).total_seconds() == 24 * 3600 - 1
    assert start.astimezone(UTC) == datetime(2022, 2, 28, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2022-03-01", date(2022, 3, 1)), ("", date(2000, 1, 1)), ("2022-13-01", date(2000, 1, 1))],
)
def test_parse_day_falls_back_to_the_default(text, expected) -> None:
    assert periods.parse_day(text, date(2000, 1, 1)) == expected
