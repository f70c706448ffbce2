"""Charts of the pages, drawn in the browser by the vendored Apache ECharts (``static/wenjiuye/vendor/echarts``).

A chart is a container ``<div class="chart" data-chart-options="ID">`` and its options as JSON in
``<script type="application/json" id="ID">`` (Django's ``json_script``: the page's CSP is
``script-src 'self'``, so nothing inline runs); ``static/wenjiuye/charts.js`` draws every
container of the page with the SVG renderer. The options built here are data only; ``charts.js``
adds what JSON cannot carry: x labels spaced to fit the width (the last period always shown) and
tooltips with each value and its unit. The same numbers are in a table (``<details>``) that needs
no JavaScript.

Units: each series has one (``units={"登记失业人数": "人"}``). ``"%"`` means the values are shares
(0.029) and shows them as percentages ("2.9%") on the axis, in tooltips and in the table. A chart
has at most two units: the first on the left axis, the second on a right axis. Labels that are
periods (``YYYYMM``) are shown as ``YYYY-MM``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.templatetags.static import static
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PERCENT = "%"
COLOURS = ["#b3261e", "#1f5fa8", "#2e7d32", "#8e6c00", "#6a3d9a", "#00796b"]
FONT = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'

Values = Sequence[float | int | None]


def period_label(label: str) -> str:
    """``"202212"`` → ``"2022-12"``; any other label unchanged."""
    text = str(label)
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return f"{text[:4]}-{text[4:]}"
    return text


def format_value(value: float | int | None, unit: str = "", digits: int = 1) -> str:
    """A value as the table and tooltips show it: shares as "2.9%", counts as "14人", "—" if missing."""
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{value * 100:.{digits}f}%"
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + unit


def chart_options(
    labels: Sequence[str],
    series: Mapping[str, Values],
    *,
    kind: str = "line",
    units: Mapping[str, str] | None = None,
    digits: int = 1,
    stack: bool = False,
) -> dict[str, Any]:
    """The JSON ``charts.js`` draws: ``option`` (plain ECharts options) and ``series`` (each one's
    unit and decimals, for tooltips). Raises ``ValueError`` for more than two units (a caller bug)."""
    if kind not in ("line", "bar"):
        raise ValueError(f"unknown chart kind {kind!r}")
    units = units or {}
    axis_units: list[str] = []
    for name in series:
        unit = units.get(name, "")
        if unit not in axis_units:
            axis_units.append(unit)
    if len(axis_units) > 2:
        raise ValueError(f"a chart has at most two units, not {axis_units!r}")
    y_axes = [_y_axis(unit, index) for index, unit in enumerate(axis_units)]
    two_axes = len(y_axes) == 2
    option: dict[str, Any] = {
        "animation": False,
        "color": COLOURS,
        "textStyle": {"fontFamily": FONT},
        "aria": {"enabled": True},
        # The legend on its own line at the top; the plot starts below it and the axis names.
        "legend": {"top": 0, "type": "scroll", "itemGap": 16},
        "grid": {"top": 64, "left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "tooltip": {
            "trigger": "axis",
            "confine": True,
            "axisPointer": {"type": "shadow" if kind == "bar" else "line"},
        },
        "xAxis": {
            "type": "category",
            "data": [period_label(label) for label in labels],
            "boundaryGap": True,
            "axisTick": {"show": True, "alignWithLabel": True},
            "axisLabel": {"interval": 0},
        },
        "yAxis": y_axes,
        "series": [],
    }
    if two_axes:
        option["grid"]["right"] = 8
    meta = []
    for name, values in series.items():
        unit = units.get(name, "")
        data = [_plotted(v, unit) for v in values]
        item: dict[str, Any] = {
            "name": name,
            "type": kind,
            "data": data,
            "yAxisIndex": axis_units.index(unit),
        }
        if kind == "line":
            item.update(connectNulls=False, showSymbol=True, symbolSize=6)
        elif stack:
            item["stack"] = "total"
        option["series"].append(item)
        meta.append({"unit": unit, "digits": digits if unit == PERCENT else 2})
    return {"option": option, "series": meta}


def _y_axis(unit: str, index: int) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "type": "value",
        "name": unit,
        "nameTextStyle": {"align": "right" if index == 0 else "left"},
        "position": "left" if index == 0 else "right",
        "axisLine": {"show": True},
        "axisTick": {"show": True},
        "splitLine": {"show": index == 0},
        "axisLabel": {"formatter": "{value}%" if unit == PERCENT else "{value}"},
    }
    if index == 1:
        axis["alignTicks"] = True
    return axis


def _plotted(value: float | int | None, unit: str) -> float | int | None:
    """Shares are plotted in percentage points, so the axis ticks are round percentages."""
    if value is None:
        return None
    if unit == PERCENT:
        return round(value * 100, 6)
    return value


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Values],
    *,
    units: Mapping[str, str] | None = None,
    title: str = "",
    height: int = 320,
    digits: int = 1,
) -> SafeString:
    """A line chart of one or more series over ``labels``; ``None`` values break the line.

    An empty string when there is nothing to draw."""
    return _chart(
        labels, series, kind="line", units=units, title=title, height=height, digits=digits
    )


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Values],
    *,
    units: Mapping[str, str] | None = None,
    title: str = "",
    height: int = 320,
    digits: int = 1,
    stack: bool = False,
) -> SafeString:
    """A bar chart of one or more series over ``labels`` (side by side, or stacked)."""
    return _chart(
        labels,
        series,
        kind="bar",
        units=units,
        title=title,
        height=height,
        digits=digits,
        stack=stack,
    )


def _chart(
    labels: Sequence[str],
    series: Mapping[str, Values],
    *,
    kind: str,
    units: Mapping[str, str] | None,
    title: str,
    height: int,
    digits: int,
    stack: bool = False,
) -> SafeString:
    if not labels or not any(v is not None for s in series.values() for v in s):
        return mark_safe("")  # noqa: S308 (a constant)
    payload = chart_options(labels, series, kind=kind, units=units, digits=digits, stack=stack)
    element_id = f"chart-{uuid.uuid4().hex[:12]}"
    caption = format_html("<figcaption>{}</figcaption>", title) if title else ""
    return format_html(
        '<figure class="chart-figure">{caption}'
        '<div class="chart" data-chart-options="{id}" data-chart-height="{height}"{aria}></div>'
        "{options}"
        '<noscript><p class="chart-noscript">{noscript}</p></noscript>'
        "{table}</figure>"
        '<link rel="stylesheet" href="{css}">'
        '<script src="{js}" data-echarts="{echarts}" defer></script>',
        caption=caption,
        id=element_id,
        height=int(height),
        aria=format_html(' aria-label="{}"', title) if title else "",
        options=json_script(payload, element_id),
        noscript=_("图表需要浏览器启用 JavaScript;数据见下方数据表。"),
        table=_table(labels, series, units or {}, digits),
        css=static("wenjiuye/charts.css"),
        js=static("wenjiuye/charts.js"),
        echarts=static("wenjiuye/vendor/echarts/echarts.min.js"),
    )


def _table(
    labels: Sequence[str], series: Mapping[str, Values], units: Mapping[str, str], digits: int
) -> SafeString:
    """The chart's numbers, one row a label, for readers without JavaScript (or who want them)."""

    def header(name: str) -> str:
        unit = units.get(name, "")
        return f"{name}({unit})" if unit else name

    head = format_html_join("", "<th>{}</th>", ((header(name),) for name in series))
    rows = format_html_join(
        "",
        "<tr><th>{}</th>{}</tr>",
        (
            (
                period_label(label),
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        (format_value(_at(values, i), units.get(name, ""), digits),)
                        for name, values in series.items()
                    ),
                ),
            )
            for i, label in enumerate(labels)
        ),
    )
    return format_html(
        '<details class="chart-data"><summary>{}</summary><div class="chart-table">'
        '<table class="grid"><thead><tr><th>{}</th>{}</tr></thead><tbody>{}</tbody></table>'
        "</div></details>",
        _("数据表"),
        _("期间") if all(period_label(label) != str(label) for label in labels) else "",
        head,
        rows,
    )


def _at(values: Values, index: int) -> float | int | None:
    return values[index] if index < len(values) else None
