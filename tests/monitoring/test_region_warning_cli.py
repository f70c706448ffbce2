"""`wenjiuye calc region-warning`: the Sahm-form rule on any published monthly series."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# The U.S. civilian unemployment rate (UNRATE, %), 2019-01..2020-05, as FRED publishes it
# (dates as the first of the month). The Sahm rule is known to have triggered in April 2020.
UNRATE = [4.0, 3.8, 3.8, 3.7, 3.6, 3.6, 3.7, 3.6, 3.5, 3.6, 3.6, 3.6, 3.5, 3.5, 4.4, 14.8, 13.2]


def run(tmp_path, text: str, **extra: str) -> dict:
    path = tmp_path / "series.csv"
    path.write_text(text, encoding="utf-8")
    args = [
        "calc",
        "region-warning",
        "--csv",
        str(path),
        "--period-column",
        "DATE",
        "--value-column",
        "RATE",
    ]
    for k, v in extra.items():
        args += [f"--{k.replace('_', '-')}", v]
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def months(n: int, start_year: int = 2019) -> list[str]:
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}-01" for i in range(n)]


def test_a_published_series_triggers_where_the_rule_is_known_to(tmp_path):
    text = "DATE,RATE\n" + "".join(
        f"{d},{v}\n" for d, v in zip(months(len(UNRATE)), UNRATE, strict=True)
    )
    result = run(tmp_path, text)
    assert result["triggers"] == ["2020-04-01"]
    by_period = {r["period"]: r["indicator"] for r in result["values"]}
    assert by_period["2019-01-01"] is None  # no 3-month average yet
    assert by_period["2020-03-01"] == pytest.approx(4.4 / 3 + 7.0 / 3 - 3.5333333333, abs=1e-6)


def test_missing_values_make_their_windows_undefined_never_zero(tmp_path):
    values = ["5.0"] * 14 + [".", "6.0", "6.0", "6.0"]
    text = "DATE,RATE\n" + "".join(
        f"{d},{v}\n" for d, v in zip(months(len(values)), values, strict=True)
    )
    result = run(tmp_path, text)
    undefined = [r["period"] for r in result["values"] if r["indicator"] is None]
    assert {"2020-03-01", "2020-04-01", "2020-05-01"} <= set(undefined)
    assert result["triggers"] == ["2020-06-01"]  # first defined window after the gap: 6.0 − 5.0


def test_a_month_absent_from_the_file_is_a_missing_value(tmp_path):
    dates = months(18)
    del dates[10]
    text = "DATE,RATE\n" + "".join(f"{d},4.0\n" for d in dates)
    result = run(tmp_path, text)
    assert len(result["values"]) == 18
    assert next(r for r in result["values"] if r["period"] == "2019-11")["indicator"] is None


def test_threshold_is_inclusive(tmp_path):
    values = [4.0] * 15 + [4.5] * 3
    text = "DATE,RATE\n" + "".join(f"{d},{v}\n" for d, v in zip(months(18), values, strict=True))
    assert run(tmp_path, text)["triggers"] == ["2020-06-01"]  # exactly 0.5 points
    assert run(tmp_path, text, threshold="0.51")["triggers"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DATE,OTHER\n2020-01-01,1\n", "没有列 RATE"),
        ("DATE,RATE\n2020-01-01,abc\n", "not a number"),
    ],
)
def test_bad_input_exits_2_with_a_reason(tmp_path, text, message):
    with pytest.raises(CommandError, match=message) as excinfo:
        run(tmp_path, text)
    assert excinfo.value.returncode == 2
