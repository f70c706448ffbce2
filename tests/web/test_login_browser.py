"""The printed demo logins work in a real browser, and each role lands on its own scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.pages import login

pytestmark = pytest.mark.browser


def test_quickstart_prints_a_login_for_every_role(live_app):
    roles = {u["role"] for u in live_app["quickstart"]["users"]}
    assert {
        "市稳就业工作专班办公室",
        "县(市、区)人社局工作人员",
        "网格员",
        "领导(只读)",
        "审计员",
        "系统管理员",
        "工作组成员",
    } <= roles


@pytest.mark.parametrize(
    ("username", "role", "scope"),
    [
        ("office", "市稳就业工作专班办公室", "平顶山市"),
        ("baofeng", "县(市、区)人社局工作人员", "宝丰县"),
    ],
)
def test_printed_login_works(live_app, page, username, role, scope):
    user = next(u for u in live_app["quickstart"]["users"] if u["username"] == username)
    login(page, live_app["url"], username, user["password"])
    page.wait_for_selector("[data-testid=role]")
    assert page.inner_text("[data-testid=role]") == role
    assert scope in page.inner_text("[data-testid=scope]")
    assert page.title().startswith("稳就业")
    page.screenshot(path=str(live_app["home"] / f"home-{username}.png"))


def test_county_user_sees_only_own_enterprises(live_app, page):
    user = next(u for u in live_app["quickstart"]["users"] if u["username"] == "baofeng")
    login(page, live_app["url"], "baofeng", user["password"])
    page.goto(live_app["url"] + "/enterprises/")
    cells = page.locator("table.grid tbody tr td:nth-child(3)").all_inner_texts()
    assert cells, "the demo city has enterprises in 宝丰县"
    assert set(cells) == {"宝丰县"}


def test_wrong_password_shows_a_chinese_error(live_app, page):
    login(page, live_app["url"], "leader", "not-the-password")
    assert "用户名或密码错误" in page.inner_text("[role=alert]")


def test_stylesheet_is_served_and_applied(live_app, page):
    page.goto(live_app["url"] + "/login/")
    assert page.request.get(live_app["url"] + "/static/wenjiuye/site.css").status == 200
    border = page.eval_on_selector("header.top", "e => getComputedStyle(e).borderBottomStyle")
    assert border == "solid"


def test_office_follows_a_planted_layoff_from_the_key_list_to_closing(live_app, page):
    truth = json.loads(Path(live_app["quickstart"]["ground_truth"]).read_text(encoding="utf-8"))
    layoff = next(s for s in truth["scenarios"] if s["type"] == "layoff_30pct_2m")
    user = next(u for u in live_app["quickstart"]["users"] if u["username"] == "office")
    login(page, live_app["url"], "office", user["password"])
    # the layoff is months old: the list shows the latest month by default, "全部" shows it
    page.goto(live_app["url"] + "/lists/key_enterprise/?month=")
    page.click(f"text={layoff['name']}")  # the enterprise's file, then its key-list entry
    page.click("[data-testid=entries] a:has-text('重点关注企业清单')")
    page.wait_for_selector("[data-testid=status]")
    assert "疑似规模裁员" in page.content() or "参保人数较上月净减少" in page.content()
    page.select_option("select[name=status]", "closed")
    with page.expect_navigation():
        page.click("[data-testid=status-form] button[type=submit]")
    page.wait_for_selector("text=销号须填写原因")
    page.select_option("select[name=status]", "closed")
    page.fill("textarea[name=reason]", "已约谈企业,裁员方案已报告,职工已登记帮扶")
    with page.expect_navigation():
        page.click("[data-testid=status-form] button[type=submit]")
    page.wait_for_selector("[data-testid=status]:has-text('已销号')")
    assert page.inner_text("[data-testid=status]").startswith("已销号")
    page.screenshot(path=str(live_app["home"] / "ledger-entry-closed.png"), full_page=True)
