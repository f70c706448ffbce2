"""A county officer takes a layoff of more than 200 people from draft to closed in a real browser
(the city office reviews it: nobody reviews their own report), and the city office sees the
escalation deadline (report to the city and the province)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from tests.factories import make_id
from tests.web.pages import login, password_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def roster_file(path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "公民身份号码", "手机号", "劳动合同类型", "入职日期", "月平均工资",
                         "家庭无其他就业人员", "有需要扶养的老人或者未成年人"])  # fmt: skip
        for i in range(1, n + 1):
            contract = "无固定期限" if i % 10 == 0 else "固定期限"
            writer.writerow([f"职工{i}", make_id("410421", "19800101", i), f"139{i:08d}", contract,
                             "2012-05-01", "4800", "否", "否"])  # fmt: skip
        writer.writerow(
            ["坏行", "410421198001010000", "", "临时工", "2012-05-01", "4800", "否", "否"]
        )


def submit_step(page, testid: str, status: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-testid={testid}]")
    assert page.inner_text("[data-testid=status]") == status


def test_a_layoff_of_201_goes_to_closed_and_the_city_sees_the_escalation(live_app, page, tmp_path):
    url = live_app["url"]
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    page.goto(url + "/enterprises/")
    uscc = page.locator("table.grid tbody tr td:nth-child(1) a").first.inner_text().strip()
    assert len(uscc) == 18

    page.goto(url + "/response/layoffs/new/")
    impl = date.today() + timedelta(days=40)  # noqa: DTZ011 (the browser's calendar day)
    page.fill("input[name=enterprise_uscc]", uscc)
    page.fill("input[name=total_employees]", "1200")
    page.fill("input[name=planned_layoffs]", "201")
    page.check("input[name=situation][value=difficulty]")
    page.fill("input[name=explained_on]", (impl - timedelta(days=30)).isoformat())
    page.fill("input[name=reported_on]", date.today().isoformat())  # noqa: DTZ011
    page.fill("input[name=planned_implementation_on]", impl.isoformat())
    page.fill("textarea[name=union_opinion]", "工会已听取职工意见,同意裁减方案")
    page.fill("input[name=local_average_wage]", "5500")
    with page.expect_navigation():
        page.click("[data-testid=layoff-form] button[type=submit]")
    assert page.inner_text("[data-testid=status]") == "草稿"
    report_url = page.url

    roster = tmp_path / "名单.csv"
    roster_file(roster, 201)
    page.set_input_files("[data-testid=roster-form] input[type=file]", str(roster))
    with page.expect_navigation():
        page.click("[data-testid=roster-form] button[type=submit]")
    result = page.inner_text("[data-testid=import-result]")
    assert "新增 201 人" in result and "拒绝" in result
    assert "公民身份号码" in page.inner_text("[data-testid=rejects]")
    assert "共 201 人,应优先留用 20 人" in page.inner_text("[data-testid=totals]")

    submit_step(page, "do-submit", "已报告")
    deadlines = page.inner_text("[data-testid=deadlines]")
    assert "在知悉的第一时间向市人社局报告" in deadlines
    assert "第一时间向省人社厅报告" in deadlines
    # nobody reviews their own report: baofeng is told so, the city office reviews
    assert "须由其他有审核权限的人员审核" in page.inner_text("[data-testid=review-by-other]")
    assert page.locator("[data-testid=do-review]").count() == 0
    page.context.clear_cookies()
    login(page, url, "office", password_of(live_app, "office"))
    page.goto(report_url)
    page.fill("[data-testid=actions] textarea[name=note]", "方案合法")
    submit_step(page, "do-review", "已审核")
    page.context.clear_cookies()
    login(page, url, "baofeng", password_of(live_app, "baofeng"))
    page.goto(report_url)
    submit_step(page, "do-implement", "已实施")
    page.fill("[data-testid=actions] textarea[name=note]", "均已报告并持续跟踪,专场招聘会已安排")
    submit_step(page, "do-close", "已办结")
    page.screenshot(path=str(live_app["home"] / "layoff-closed.png"), full_page=True)

    page.context.clear_cookies()
    login(page, url, "office", password_of(live_app, "office"))
    page.goto(url + "/response/layoffs/")
    assert "201" in page.inner_text("table.grid")
    page.goto(report_url)
    row = page.locator("[data-testid=deadlines] tr[data-kind='layoff.report_city']")
    assert "向市人社局报告" in row.inner_text()
    assert "E4" in row.inner_text() and "市稳就业工作专班办公室" in row.inner_text()
    province = page.locator("[data-testid=deadlines] tr[data-kind='layoff.report_province']")
    assert "省人社厅" in province.inner_text()
    page.screenshot(path=str(live_app["home"] / "layoff-city-office.png"), full_page=True)
