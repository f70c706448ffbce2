"""Online unemployment registration at the place of residence (U5, E6) in a real browser: without
logging in a wrong ID number is refused with a clear message and nothing is saved; a valid one in
宝丰县 is accepted; the county officer confirms it and the person is on the assistance ledger."""

from __future__ import annotations

import pytest

from tests.factories import make_id
from tests.web.pages import login, password_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "司马网登"
GOOD = make_id("410421", "19700707", 517)
BAD = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")  # wrong check digit
MASKED = GOOD[:4] + "*" * 13 + GOOD[-1:]


def register(page, url: str, id_number: str) -> None:
    page.goto(url + "/public/register/")
    form = "[data-testid=register-form]"
    page.fill(f"{form} input[name=name]", NAME)
    page.fill(f"{form} input[name=id_number]", id_number)
    page.fill(f"{form} input[name=phone]", "13722223333")
    page.select_option(f"{form} select[name=county]", "410421")
    page.wait_for_selector("form[data-townships-loaded='410421']", state="attached")
    streets = [
        v
        for v in page.locator(f"{form} select[name=street] option").evaluate_all(
            "os => os.map(o => o.value)"
        )
        if v.startswith("410421")
    ]
    if streets:  # the reference data may divide the county into townships
        page.select_option(f"{form} select[name=street]", streets[0])
    page.select_option(f"{form} select[name=education]", "senior")
    page.fill(f"{form} input[name=desired_job]", "叉车司机")
    page.select_option(f"{form} select[name=wants_training]", "1")
    page.check(f"{form} [data-testid=consent] input[type=checkbox]")
    with page.expect_navigation():
        page.click(f"{form} [data-testid=register-submit]")


def pending_rows(page, url: str):
    page.goto(url + "/assistance/pending/")
    return page.locator("[data-testid=pending-row]", has_text=NAME)


def test_online_registration_refuses_a_bad_id_and_lands_on_the_ledger_once_confirmed(
    live_app, page
):
    url = live_app["url"]

    # No login: a wrong check digit is refused in Chinese, the entries are kept, nothing saved.
    register(page, url, BAD)
    assert page.url == url + "/public/register/"
    assert page.locator("[data-testid=register-done]").count() == 0
    message = page.inner_text("[data-testid=error-id_number]")
    assert "公民身份号码有误" in message and "校验码错误" in message
    assert page.input_value("[data-testid=register-form] input[name=name]") == NAME

    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    assert pending_rows(page, url).count() == 0
    page.context.clear_cookies()

    # No login: a valid ID number in 宝丰县 is accepted; the answer shows it masked.
    register(page, url, GOOD)
    done = page.inner_text("[data-testid=register-done]")
    assert NAME in done and MASKED in done and GOOD not in page.content()
    assert "等待所在县(市、区)人社部门确认" in done

    # The county officer sees it pending (masked) and confirms it: a case is opened.
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    rows = pending_rows(page, url)
    assert rows.count() == 1
    assert MASKED in rows.inner_text() and "叉车司机" in rows.inner_text()
    assert "宝丰县" in rows.inner_text()
    rows.locator("input[name=note]").fill("材料齐全")
    with page.expect_navigation():
        rows.locator("button[value=confirm]").click()
    assert "/assistance/cases/" in page.url
    case_url = page.url
    assert "已确认登记,已建立帮扶台账" in page.inner_text("[data-testid=message]")
    assert NAME in page.inner_text("h1")
    assert page.inner_text("[data-testid=id-number]") == MASKED
    assert pending_rows(page, url).count() == 0  # no longer pending

    # The person is on the assistance case list, ID masked, source online.
    page.goto(url + "/assistance/?q=" + NAME)
    case = page.locator("[data-testid=case]", has_text=NAME)
    assert case.count() == 1
    assert case.locator("[data-testid=case-id]").inner_text() == MASKED
    assert case.locator("td").last.inner_text().strip() == "网上自主登记"  # the source column
    assert GOOD not in page.content()
    with page.expect_navigation():
        case.locator("a").first.click()
    assert page.url == case_url
    page.screenshot(path=str(live_app["home"] / "online-registration-case.png"), full_page=True)
