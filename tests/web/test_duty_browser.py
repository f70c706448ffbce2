"""The duty roster after quickstart, in a real browser: the county officer sees their own county on
duty now with the phone masked, reveals it (audited), and sees no other county's roster."""

from __future__ import annotations

import pytest

from tests.web.pages import login, password_of

pytestmark = pytest.mark.browser


def test_the_county_officer_sees_who_is_on_duty_and_reveals_the_phone(live_app, page):
    assert live_app["quickstart"]["duty_shifts"] == 6  # city, 宝丰, 叶县 × today and tomorrow
    url = live_app["url"]
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    page.click("nav >> text=值班表")
    page.wait_for_selector("[data-testid=duty-now]")
    rows = page.locator("[data-testid=duty-now-row]")
    assert rows.count() == 1  # only the county's own work group
    assert "宝丰县人社局" in page.inner_text("[data-testid=on-duty-now]")
    masked = page.inner_text("[data-testid=duty-phone]")
    assert masked != "0375-6000000" and "*" in masked
    page.click("[data-testid=on-duty-now] a")
    with page.expect_navigation():
        page.click("form[action$='/reveal/'] button[type=submit]")
    assert "0375-6000000" in page.content()
