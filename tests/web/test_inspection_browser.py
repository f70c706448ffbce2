"""The county inspection (U8) on the quickstart city, in a real browser: the city office sees every
county with the four dimensions, downloads the Excel file and reads it back."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.web.pages import login, password_of

pytestmark = pytest.mark.browser


def test_the_city_office_inspects_every_county(live_app, page):
    url = live_app["url"]
    login(page, url, "office", password_of(live_app, "office"))
    page.goto(url + "/assistance/")
    page.click("nav.tabs >> text=检查评估")
    page.wait_for_selector("[data-testid=inspection]")
    counties = page.locator("[data-testid=inspection] tbody tr[data-county]")
    assert counties.count() >= 10  # Pingdingshan's counties, cities and districts
    codes = [counties.nth(i).get_attribute("data-county") for i in range(counties.count())]
    assert "410421" in codes and all(c.startswith("4104") for c in codes)
    with page.expect_download() as download:
        page.click("text=下载 Excel")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "检查评估" in book.sheetnames
    sheet = book["检查评估"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert (
        header[0] == "县(市、区)" and header[-1] == "行政区划代码"
    )  # the name first, the code last
    rows = {row[-1]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[-1]}
    assert rows["410421"] == "宝丰县"
    assert set(rows) == set(codes)
