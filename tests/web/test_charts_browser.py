"""Charts on a county page in a real browser (ECharts, SVG renderer), at desktop and phone width:
axis labels drawn, the latest period labelled inside the chart, the legend clear of the plot, a
tooltip with values and units on hover, no console error (a CSP refusal is one), no horizontal
scroll; and without JavaScript, the numbers in a table.

Screenshots are kept in ``$WENJIUYE_ARTIFACTS/charts/`` when that variable is set, else in the
test's own temporary folder (pytest keeps the last three runs' folders).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.web.pages import login, password_of

pytestmark = pytest.mark.browser

COUNTY = "410421"  # 宝丰县, the demo county officer's


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = (
        Path(os.environ["WENJIUYE_ARTIFACTS"]) / "charts"
        if os.environ.get("WENJIUYE_ARTIFACTS")
        else tmp_path
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def watch_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of the page (the browser's own favicon request
    aside: the site has none)."""
    errors: list[str] = []

    def console(msg) -> None:
        if msg.type == "error" and not (msg.location or {}).get("url", "").endswith("favicon.ico"):
            errors.append(msg.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.mark.parametrize("width", [1366, 390])
def test_county_charts_draw_with_axes_legend_and_tooltips(live_app, browser, artifacts, width):
    url = live_app["url"]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = watch_errors(page)
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    page.goto(f"{url}/monitoring/regions/{COUNTY}/")
    page.wait_for_selector(".chart[data-chart-ready] svg")
    assert page.locator("h1").inner_text().startswith("宝丰县")
    assert page.locator("[data-testid=region-level]").inner_text()  # a level, or 暂无预警
    charts = page.locator(".chart[data-chart-ready]")
    assert charts.count() == 2 and charts.locator("svg").count() == 2

    chart = charts.first  # 登记失业率 (%) with 登记失业人数 (人) on a right axis
    chart.scroll_into_view_if_needed()
    options = json.loads(
        page.locator(f"#{chart.get_attribute('data-chart-options')}").text_content()
    )
    periods = options["option"]["xAxis"]["data"]
    texts = [t.strip() for t in chart.locator("svg text").all_text_contents()]
    assert any(re.fullmatch(r"\d+(\.\d+)?%", t) for t in texts), texts  # percent axis labels
    assert "%" in texts and "人" in texts  # both axes named by their unit
    assert "登记失业率" in texts and "登记失业人数" in texts  # the legend
    assert periods[-1] in texts  # the latest month is always labelled

    geometry = page.evaluate(
        """(id) => {
            const el = document.querySelector(`.chart[data-chart-options="${id}"]`);
            const chart = echarts.getInstanceByDom(el);
            const grid = chart.getModel().getComponent("grid").coordinateSystem.getRect();
            const box = el.getBoundingClientRect();
            const rect = (t) => { const r = t.getBoundingClientRect();
                return {left: r.left - box.left, right: r.right - box.left,
                        top: r.top - box.top, bottom: r.bottom - box.top}; };
            const texts = [...el.querySelectorAll("svg text")];
            return {
                width: box.width, height: box.height,
                grid: {x: grid.x, y: grid.y, width: grid.width, height: grid.height},
                texts: texts.map((t) => ({text: t.textContent.trim(), ...rect(t)})),
            };
        }""",
        chart.get_attribute("data-chart-options"),
    )
    by_text = {t["text"]: t for t in geometry["texts"]}
    last = by_text[periods[-1]]
    assert last["right"] <= geometry["width"] + 0.5 and last["bottom"] <= geometry["height"] + 0.5
    assert last["left"] >= 0
    for name in ("登记失业率", "登记失业人数"):  # the legend is above the plot, not on it
        assert by_text[name]["bottom"] <= geometry["grid"]["y"], (name, geometry["grid"])

    grid = geometry["grid"]
    box = chart.bounding_box()
    page.mouse.move(box["x"] + grid["x"] + grid["width"] * 0.7, box["y"] + grid["y"] + 10)
    tip = page.locator(".chart-tip").first
    tip.wait_for(state="visible")
    tip_text = tip.inner_text()
    assert re.search(r"登记失业率\s*(\d+\.\d%|—)", tip_text), tip_text
    assert re.search(r"登记失业人数\s*(\d[\d,]*人|—)", tip_text), tip_text
    assert re.search(r"\d{4}-\d{2}", tip_text)  # the month under the pointer
    page.screenshot(path=str(artifacts / f"county-{COUNTY}-{width}-tooltip.png"), full_page=True)

    scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width == 390:
        assert scroll[0] <= scroll[1], scroll  # no horizontal scroll on a phone
    page.set_viewport_size({"width": min(width, 1000) - 100, "height": 900})  # charts follow it
    page.wait_for_function(
        "(w) => document.querySelector('.chart[data-chart-ready] svg').getAttribute('width') < w",
        arg=geometry["width"],
    )
    assert errors == [], errors
    context.close()


def test_without_javascript_the_numbers_are_in_a_table(live_app, browser, artifacts):
    url = live_app["url"]
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    page.goto(f"{url}/monitoring/regions/{COUNTY}/")
    figure = page.locator(".chart-figure").first
    assert "启用 JavaScript" in figure.locator("noscript").text_content()
    figure.locator("details summary").click()
    table = figure.locator("details table")
    assert table.is_visible()
    assert "登记失业率(%)" in table.locator("thead").inner_text()
    cells = table.locator("tbody td").all_inner_texts()
    assert any(re.fullmatch(r"\d+\.\d%", c) for c in cells), cells
    assert any(re.fullmatch(r"\d[\d,]*人", c) for c in cells), cells
    page.screenshot(path=str(artifacts / f"county-{COUNTY}-no-javascript.png"), full_page=True)
    context.close()
