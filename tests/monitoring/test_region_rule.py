"""The Sahm-style rule on published series, against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest

from tests.monitoring.factories import periods
from wenjiuye.monitoring.region_rule import sahm_style


def indicators(result: dict) -> list[float | None]:
    return [v["indicator"] for v in result["values"]]


def test_hand_computed_series():
    # months 1..12 at 3.5 %, then 3.6, 4.0, 4.2, 4.4
    values = list(zip(periods("202301", 16), [3.5] * 12 + [3.6, 4.0, 4.2, 4.4], strict=True))
    result = sahm_style(values)
    got = indicators(result)
    # averages are defined from month 3; the first indicator needs one earlier average (month 4)
    assert got[:3] == [None, None, None]
    assert got[3:12] == [0.0] * 9
    # month 13: (3.5+3.5+3.6)/3 - 3.5; month 14: (3.5+3.6+4.0)/3 - 3.5; …
    assert got[12] == pytest.approx(0.1 / 3)
    assert got[13] == pytest.approx(0.2)
    assert got[14] == pytest.approx(4.3 / 3 - 1.0)
    assert got[15] == pytest.approx(0.7)
    assert result["triggers"] == ["202404"]
    assert [v["period"] for v in result["values"]] == [p for p, _ in values]


def test_exactly_the_threshold_triggers_and_just_below_does_not():
    at = sahm_style(list(zip(periods("202301", 15), [4.0] * 12 + [4.5] * 3, strict=True)))
    assert at["triggers"] == ["202403"] and indicators(at)[-1] == pytest.approx(0.5)
    below = sahm_style(list(zip(periods("202301", 15), [4.0] * 12 + [4.49] * 3, strict=True)))
    assert below["triggers"] == [] and indicators(below)[-1] == pytest.approx(0.49)


def test_published_series_with_gaps():
    # a published monthly rate: 2020-05 not published, 2020-08 blank; labels as "YYYY-MM"
    series = [
        ("2020-01", "5.3"),
        ("2020-02", 6.2),
        ("2020-03", 5.9),
        ("2020-04", 6.0),
        ("2020-06", 5.7),
        ("2020-07", 5.7),
        ("2020-08", ""),
        ("2020-09", 5.4),
        ("2020-10", 5.3),
        ("2020-11", 5.2),
        ("2020-12", 5.2),
    ]
    result = sahm_style(series, threshold=0.2)
    by = {v["period"]: v["indicator"] for v in result["values"]}
    assert list(by) == [f"2020-{m:02d}" for m in range(1, 13)]  # the gap month is listed
    # averages: Mar (5.3+6.2+5.9)/3 = 5.8, Apr 6.033…; May..Jul touch the gap, Aug..Oct the blank
    assert by["2020-03"] is None  # nothing before to compare with
    assert by["2020-04"] == pytest.approx((6.2 + 5.9 + 6.0) / 3 - 5.8)
    for month in ("2020-05", "2020-06", "2020-07", "2020-08", "2020-09", "2020-10"):
        assert by[month] is None
    # Nov: (5.4+5.3+5.2)/3 = 5.3 against the lowest earlier average 5.8 → -0.5
    assert by["2020-11"] == pytest.approx(5.3 - 5.8)
    assert by["2020-12"] == pytest.approx((5.3 + 5.2 + 5.2) / 3 - 5.3)
    assert result["triggers"] == ["2020-04"]


def test_missing_month_like_the_engine():
    rates = [4.0] * 12 + [None, 4.5, 4.5, 4.5]
    months = periods("202301", 16)
    result = sahm_style(list(zip(months, rates, strict=True)))
    assert indicators(result)[12:15] == [None, None, None]
    assert result["triggers"] == [months[15]]


def test_triggers_only_on_crossing_from_below():
    values = [4.0] * 12 + [5.0] * 4 + [4.0] * 6 + [5.0] * 3
    months = periods("202001", len(values))
    result = sahm_style(list(zip(months, values, strict=True)), lookback=3)
    got = indicators(result)
    crossings = [months[i] for i in range(len(got)) if got[i] is not None and got[i] >= 0.5]
    assert crossings[0] == result["triggers"][0] == months[13]
    # falls back below in month 17, crosses again in month 24 (4.667 - 4.0)
    assert len(result["triggers"]) == 2 and result["triggers"][1] == months[23]


def test_other_period_forms():
    dated = sahm_style([(date(2024, m, 1), 4.0) for m in (1, 2, 3, 5)], lookback=1)
    assert [v["period"] for v in dated["values"]][3] == date(2024, 4, 1)
    ints = sahm_style([(202401, 1.0), (202403, 2.0)], window=1, lookback=1)
    assert [v["period"] for v in ints["values"]] == [202401, 202402, 202403]
    quarters = sahm_style([("2024Q1", 4.0), ("2024Q2", 4.6)], window=1, lookback=1)
    assert quarters["triggers"] == ["2024Q2"]
    assert sahm_style([]) == {"values": [], "triggers": []}
    with pytest.raises(ValueError):
        sahm_style([("202401", 1.0), ("2024-01", 2.0)])
    with pytest.raises(ValueError):
        sahm_style([("202401", 1.0)], window=0)
