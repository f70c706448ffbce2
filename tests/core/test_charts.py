"""The chart options core.charts builds for charts.js (ECharts) and the markup around them."""

from __future__ import annotations

import json
import re

import pytest

from wenjiuye.core.charts import (
    bar_chart,
    chart_options,
    format_value,
    line_chart,
    period_label,
)

PERIODS = ["202211", "202212", "202301"]


def payload_of(html: str) -> dict:
    """The JSON of the one chart in ``html``, found through its container's data attribute."""
    (element_id,) = re.findall(r'data-chart-options="([^"]+)"', html)
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, html
    return json.loads(match.group(1))


def test_shares_are_plotted_and_shown_as_percentages():
    out = chart_options(PERIODS, {"登记失业率": [0.0292, 0.031, None]}, units={"登记失业率": "%"})
    option = out["option"]
    assert option["series"][0]["data"] == [2.92, 3.1, None]
    (axis,) = option["yAxis"]
    assert axis["axisLabel"]["formatter"] == "{value}%" and axis["name"] == "%"
    assert out["series"] == [{"unit": "%", "digits": 1}]
    assert format_value(0.0292, "%") == "2.9%" and format_value(0.0292, "%", 2) == "2.92%"


def test_each_series_keeps_its_unit_for_the_tooltip_and_the_axis():
    out = chart_options(
        PERIODS,
        {"参保人数": [10, 12, 9], "欠缴人数": [1, 0, 2]},
        units={
            "参保人数": "人",
            "欠缴人数": "人",
        },
    )
    option = out["option"]
    assert len(option["yAxis"]) == 1 and option["yAxis"][0]["name"] == "人"
    assert option["yAxis"][0]["axisLabel"]["formatter"] == "{value}"
    assert [s["yAxisIndex"] for s in option["series"]] == [0, 0]
    assert out["series"] == [{"unit": "人", "digits": 2}, {"unit": "人", "digits": 2}]
    assert format_value(1234, "人") == "1,234人" and format_value(0.5, "倍") == "0.5倍"
    assert format_value(None, "人") == "—"


def test_axes_have_ticks_and_the_legend_sits_above_the_plot():
    option = chart_options(PERIODS, {"参保人数": [10, 12, 9]})["option"]
    assert option["xAxis"]["axisTick"]["show"] and option["yAxis"][0]["axisTick"]["show"]
    assert option["yAxis"][0]["axisLine"]["show"]
    assert option["legend"]["top"] == 0 and option["grid"]["top"] >= 48
    assert option["grid"]["containLabel"] is True  # rotated last label inside the chart
    assert option["tooltip"]["trigger"] == "axis" and option["tooltip"]["confine"] is True


def test_two_units_get_a_second_axis_on_the_right():
    option = chart_options(
        PERIODS,
        {"登记失业率": [0.03, 0.04, 0.05], "登记失业人数": [12, 14, 20]},
        units={"登记失业率": "%", "登记失业人数": "人"},
    )["option"]
    left, right = option["yAxis"]
    assert (left["name"], left["position"]) == ("%", "left")
    assert (right["name"], right["position"]) == ("人", "right")
    assert right["alignTicks"] is True and right["splitLine"]["show"] is False
    assert [s["yAxisIndex"] for s in option["series"]] == [0, 1]
    assert option["series"][0]["data"] == [3.0, 4.0, 5.0] and option["series"][1]["data"] == [
        12,
        14,
        20,
    ]


def test_three_units_are_a_caller_bug():
    with pytest.raises(ValueError, match="two units"):
        chart_options(
            PERIODS, {"a": [1], "b": [2], "c": [3]}, units={"a": "%", "b": "人", "c": "元"}
        )


def test_periods_are_shown_as_year_and_month():
    option = chart_options(PERIODS, {"x": [1, 2, 3]})["option"]
    assert option["xAxis"]["data"] == ["2022-11", "2022-12", "2023-01"]
    assert period_label("202213") == "202213" and period_label("宝丰县") == "宝丰县"


def test_bars_and_stacks():
    option = chart_options(PERIODS, {"a": [1, 2, 3], "b": [1, 1, 1]}, kind="bar", stack=True)[
        "option"
    ]
    assert {s["type"] for s in option["series"]} == {"bar"}
    assert {s["stack"] for s in option["series"]} == {"total"}
    assert option["tooltip"]["axisPointer"]["type"] == "shadow"
    assert '"type": "bar"' in bar_chart(PERIODS, {"a": [1, 2, 3]})


def test_the_markup_runs_no_inline_script_and_names_its_options():
    html = line_chart(PERIODS, {"参保人数": [10, 12, 9]}, units={"参保人数": "人"}, title="参保")
    scripts = re.findall(r"<script([^>]*)>", html)
    assert len(scripts) == 2
    for attrs in scripts:  # JSON data, or a file of our own origin: nothing for the CSP to allow
        assert 'type="application/json"' in attrs or 'src="/static/wenjiuye/charts.js"' in attrs
    assert 'data-echarts="/static/wenjiuye/vendor/echarts/echarts.min.js"' in html
    assert payload_of(html)["option"]["series"][0]["data"] == [10, 12, 9]
    assert "<figcaption>参保</figcaption>" in html


def test_without_javascript_the_numbers_are_in_a_table():
    html = line_chart(
        PERIODS,
        {"登记失业率": [0.0292, None, 0.031], "登记失业人数": [12, 14, 1500]},
        units={"登记失业率": "%", "登记失业人数": "人"},
    )
    table = html[html.index("<details") : html.index("</details>")]
    assert "<th>登记失业率(%)</th><th>登记失业人数(人)</th>" in table
    assert "<tr><th>2022-11</th><td>2.9%</td><td>12人</td></tr>" in table
    assert "<tr><th>2022-12</th><td>—</td><td>14人</td></tr>" in table
    assert "<td>1,500人</td>" in table and "<th>期间</th>" in table
    assert "<noscript>" in html


def test_labels_and_names_are_escaped_everywhere():
    evil = '</script><img src=x onerror="alert(1)">'
    html = line_chart([evil, "202212"], {evil: [1, 2]})
    assert evil not in html and "<img" not in html
    assert "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html  # the table
    payload = payload_of(html)  # JSON escapes <, > and &: the script element cannot be closed
    assert payload["option"]["xAxis"]["data"][0] == evil
    assert payload["option"]["series"][0]["name"] == evil
    title = line_chart(PERIODS, {"a": [1, 2, 3]}, title="<b>标题</b>")
    assert "<b>" not in title and "&lt;b&gt;标题&lt;/b&gt;" in title


def test_nothing_to_draw_is_no_chart():
    assert line_chart([], {"a": []}) == ""
    assert line_chart(PERIODS, {"a": [None, None, None]}) == ""


def test_each_chart_of_a_page_has_its_own_options():
    first, second = (line_chart(PERIODS, {"a": [1, 2, 3]}) for _ in range(2))
    assert payload_of(first) == payload_of(second)
    assert re.findall(r'data-chart-options="([^"]+)"', first) != re.findall(
        r'data-chart-options="([^"]+)"', second
    )
