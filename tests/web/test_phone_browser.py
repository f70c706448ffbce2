"""Phones and desktops in a real browser: the grid worker's day (login → 今日待办 → a case →
record a contact) at 390 px and at 1366 px, and the public registration on a phone (the township
list follows the county, the personal-information notice and consent), with no horizontal page
scroll at 390 px and a screenshot of every step kept as a test artifact."""

from __future__ import annotations

import csv

import pytest

from tests.factories import CITY_DIR, make_id
from tests.raw_codes import codes_in_text
from tests.web.pages import (
    DESKTOP,
    PHONE,
    app_python,
    assert_no_horizontal_scroll,
    login,
    password_of,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# Through the services, as the grid worker: two visits written up 40 days late (their next
# contacts are overdue), help started 10 days ago (the one-week promise is overdue) and a job
# found a month ago (the first follow-up is due today). Cases of 宝丰县, the grid worker's county.
SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from wenjiuye.assistance import services
from wenjiuye.assistance.models import Case
from wenjiuye.core.models import User
from wenjiuye.core.periods import add_months, today
grid = User.objects.get(username="grid")
cases = list(
    Case.objects.filter(grid__code__startswith=grid.region_id, status="registered")
    .select_related("person").order_by("pk")[:4]
)
late = timezone.now() - timedelta(days=40)
for case in cases[:2]:
    services.contact_add(case=case, actor=grid, channel="visit", at=late, note="补录")
services.case_set_status(
    case=cases[2], actor=grid, status="being_helped", on=today() - timedelta(days=10)
)
services.case_set_status(
    case=cases[3], actor=grid, status="employed", on=add_months(today(), -1),
    employer="宝丰机械厂", job="钳工",
)
print(json.dumps({"contacts": [c.person.name for c in cases[:2]], "week": cases[2].person.name,
                  "follow_up": cases[3].person.name}))
"""


@pytest.fixture(scope="module")
def work(live_app) -> dict:
    return app_python(live_app, SETUP)


def _no_raw_codes(page) -> None:
    """No code in the page's own words (the change history, written from events, is the
    history include's to render and is left out here)."""
    parts = [page.inner_text("main h1")]
    for section in page.locator("main section").all():
        if section.locator("h2", has_text="变更记录").count() == 0:
            parts.append(section.inner_text())
    text = "\n".join(parts)
    assert not codes_in_text(text), codes_in_text(text)[:5]


@pytest.mark.parametrize(
    ("size", "which"), [(PHONE, 0), (DESKTOP, 1)], ids=["phone-390", "desktop-1366"]
)
def test_the_grid_workers_day(live_app, browser, work, size, which):
    url = live_app["url"]
    tag = f"grid-{size['width']}"
    phone = size["width"] <= PHONE["width"]
    context = browser.new_context(viewport=size, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, url, "grid", password_of(live_app, "grid"))

        # Home is 今日待办: overdue contacts, the one-week promise, today's follow-up; counts.
        assert page.url == url + "/assistance/today/"
        assert int(page.inner_text("[data-testid=count-overdue]").split()[-1]) >= 2
        # (the phone's run has already recorded a contact for the first case)
        for name in (*work["contacts"][which:], work["week"], work["follow_up"]):
            assert page.locator("[data-testid=task]", has_text=name).count() == 1, name
        assert "今日到期" in page.inner_text("[data-testid=today-follow_up]")
        _no_raw_codes(page)
        if phone:
            assert_no_horizontal_scroll(page)
            # the header is one line; the menu opens from its button
            assert page.locator("header.top").bounding_box()["height"] < 80
            assert not page.is_visible("[data-testid=nav-today]")
        screenshot(page, f"{tag}-today")
        if phone:
            page.click("[data-testid=nav-button]")
            assert page.is_visible("[data-testid=nav-today]")
            assert page.locator("[data-testid=nav-import]").count() == 0
            screenshot(page, f"{tag}-menu", full_page=False)
            page.click("[data-testid=nav-button]")
        else:
            assert page.is_visible("[data-testid=nav-today]")  # the menu is a bar
            assert page.locator("[data-testid=nav-button]").is_hidden()

        # A case from the list.
        name = work["contacts"][which]
        with page.expect_navigation():
            page.locator("[data-testid=task]", has_text=name).locator("a").click()
        assert "/assistance/cases/" in page.url and name in page.inner_text("h1")
        if phone:
            assert_no_horizontal_scroll(page)
        _no_raw_codes(page)
        screenshot(page, f"{tag}-case")

        # Record a contact: saved, on the case, and off today's list.
        form = page.locator("[data-testid=contact-form]")
        form.locator("select[name=channel]").select_option("phone")
        form.locator("input[name=note]").fill("电话联系,已推送两个岗位")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "联系记录已保存" in page.inner_text("[data-testid=message]")
        assert "电话联系,已推送两个岗位" in page.inner_text("[data-testid=contacts]")
        if phone:
            assert_no_horizontal_scroll(page)
        screenshot(page, f"{tag}-contact-saved")
        page.goto(url + "/assistance/today/")
        assert page.locator("[data-testid=task]", has_text=name).count() == 0
    finally:
        context.close()


JIAXIAN = "410425"  # no other browser test registers anyone in 郏县


@pytest.fixture(scope="module")
def jiaxian(live_app) -> list[str]:
    """The names of 郏县's townships in the packaged reference data (``townships.csv``), in order;
    quickstart loaded them all."""
    with (CITY_DIR / "townships.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["parent_code"] == JIAXIAN]
    assert {r["code"] for r in rows} == {
        c for c in live_app["region_codes"] if len(c) == 9 and c.startswith(JIAXIAN)
    }
    return [r["name"] for r in sorted(rows, key=lambda r: int(r["sort_order"]))]


ZHONGTOU = "410425101"  # 冢头镇, a township of 郏县


def _fill(page, id_number: str, name: str) -> None:
    form = "[data-testid=register-form]"
    page.fill(f"{form} input[name=name]", name)
    page.fill(f"{form} input[name=id_number]", id_number)
    page.fill(f"{form} input[name=phone]", "13655556666")
    page.select_option(f"{form} select[name=education]", "college")
    page.fill(f"{form} input[name=desired_job]", "电商客服")
    page.select_option(f"{form} select[name=wants_training]", "1")


def test_public_registration_on_a_phone(live_app, browser, jiaxian):
    url = live_app["url"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(url + "/public/register/")
        assert page.is_visible("[data-testid=pipl-notice]")
        assert page.locator("[data-testid=street-reload]").is_hidden()  # the script does it
        assert_no_horizontal_scroll(page)
        screenshot(page, "register-390-form")

        _fill(page, make_id("410425", "19920202", 731), "欧阳手机")
        page.select_option("select[name=county]", "410425")
        page.wait_for_selector("form[data-townships-loaded='410425']", state="attached")
        options = page.locator("select[name=street] option").all_inner_texts()
        assert options[1:] == jiaxian and "冢头镇" in jiaxian
        page.select_option("select[name=street]", ZHONGTOU)

        # Not without consent: refused with the reason, the entries kept.
        with page.expect_navigation():
            page.click("[data-testid=register-submit]")
        assert "勾选同意" in page.inner_text("[data-testid=error-consent]")
        assert page.input_value("input[name=name]") == "欧阳手机"
        assert page.input_value("select[name=street]") == ZHONGTOU
        assert_no_horizontal_scroll(page)
        screenshot(page, "register-390-no-consent")

        page.check("[data-testid=consent] input[type=checkbox]")
        with page.expect_navigation():
            page.click("[data-testid=register-submit]")
        assert "等待所在县(市、区)人社部门确认" in page.inner_text("[data-testid=register-done]")
        assert_no_horizontal_scroll(page)
        screenshot(page, "register-390-done")
    finally:
        context.close()


def test_public_registration_without_javascript(live_app, browser, jiaxian):
    """No script: the button under the county loads its townships from the server."""
    url = live_app["url"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(url + "/public/register/")
        _fill(page, make_id("410425", "19930303", 732), "上官无脚本")
        page.select_option("select[name=county]", "410425")
        assert page.locator("select[name=street] option").count() == 1
        with page.expect_navigation():
            page.click("[data-testid=street-reload] button")
        assert page.input_value("input[name=name]") == "上官无脚本"
        assert page.locator("select[name=street] option").all_inner_texts()[1:] == jiaxian
        page.select_option("select[name=street]", ZHONGTOU)
        page.check("[data-testid=consent] input[type=checkbox]")
        screenshot(page, "register-390-no-js")
        with page.expect_navigation():
            page.click("[data-testid=register-submit]")
        assert page.locator("[data-testid=register-done]").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("username", ["office", "grid"])
def test_every_page_of_the_menu_fits_a_phone(live_app, browser, username):
    """Every page a role's menu offers, at 390 px: no horizontal page scroll (wide tables scroll
    inside their own box), and a screenshot of each."""
    url = live_app["url"]
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, url, username, password_of(live_app, username))
        links = page.locator("[data-testid=nav] a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        assert len(links) >= (20 if username == "office" else 6), links
        for link in dict.fromkeys(links):
            response = page.goto(url + link)
            assert response is not None and response.status == 200, link
            assert_no_horizontal_scroll(page)
            screenshot(page, f"menu-{username}-390{link.rstrip('/').replace('/', '-') or '-home'}")
    finally:
        context.close()
