"""A county officer handles a mass incident of 120 people in a real browser: the report deadlines
to the city bureau, the provincial department, the city committee and the city government (E8,
I8), at most five representatives (I3), a demand referred to a unit with its time limit (I4), no
closing without the post-incident review (I7); the city office sees the closed incident."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_id
from tests.web.pages import login, password_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the app's TIME_ZONE; the form's datetimes are local
PLACE = "宝丰县产业集聚区某鞋业公司门前"


def submit(page, form_testid: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-testid={form_testid}] button[type=submit]")


def add_representative(page, name: str, id_number: str, phone: str) -> None:
    page.fill("[data-testid=representative-form] input[name=name]", name)
    page.fill("[data-testid=representative-form] input[name=id_number]", id_number)
    page.fill("[data-testid=representative-form] input[name=phone]", phone)
    submit(page, "representative-form")


def local(text: str) -> datetime:
    return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def test_incident_of_120_escalates_keeps_five_representatives_and_closes_after_review(
    live_app, page
):
    url = live_app["url"]
    login(page, url, "baofeng", password_of(live_app, "baofeng"))

    # Record the incident (I1): 120 people in 宝丰县.
    page.goto(url + "/incidents/new/")
    occurred = datetime.now(SHANGHAI) - timedelta(hours=1)
    page.select_option("[data-testid=incident-form] select[name=region]", "410421")
    page.fill("input[name=occurred_at]", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", PLACE)
    page.select_option("select[name=cause]", "pay")
    page.fill("input[name=people]", "120")
    page.fill("textarea[name=summary]", "职工聚集讨要拖欠工资")
    submit(page, "incident-form")
    assert "/incidents/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit()
    detail_url = page.url
    assert page.inner_text("[data-testid=status]") == "处置中"
    assert "120人" in page.inner_text("h1")

    # The report deadlines (E8, I2, I8): 120 ≥ 50 and ≥ 100, so also city, province, committee
    # and government, each due 30 minutes (the policy's "第一时间") after the incident was known.
    titles = [t.strip() for t in page.locator("[data-testid=deadline-title]").all_inner_texts()]
    assert sorted(titles) == sorted(
        f"向{to}报告群体性事件(120人)"
        for to in (
            "当地党委政府",
            "上级人力资源社会保障部门",
            "局党组",
            "市人社局",
            "省人社厅",
            "市委",
            "市政府",
        )
    )
    known = local(page.inner_text("[data-testid=known-at]"))
    for due in page.locator("[data-testid=deadline-due]").all_inner_texts():
        assert timedelta(minutes=29) <= local(due) - known <= timedelta(minutes=31)
    for row in page.locator("[data-testid=deadline]").all_inner_texts():
        assert "待办" in row
    escalation = page.inner_text("[data-testid=escalation]")
    for to in ("市人社局", "省人社厅", "市委", "市政府"):
        assert to in escalation

    # Representatives (I3): five are registered, masked; the sixth is refused and not saved.
    # A second tab opened while the form is still offered submits the sixth (a stale form).
    for i in range(1, 5):
        add_representative(
            page, f"代表{i}", make_id("410421", "19750101", 700 + i), f"1390000000{i}"
        )
    stale = page.context.new_page()
    stale.goto(detail_url)
    add_representative(page, "代表5", make_id("410421", "19750101", 705), "13900000005")
    assert page.locator("[data-testid=representative]").count() == 5
    assert page.locator("[data-testid=representative-form]").count() == 0  # form withdrawn
    rep_ids = page.locator("[data-testid=rep-id]").all_inner_texts()
    assert all(r.startswith("4104") and "*" in r and len(r) == 18 for r in rep_ids)
    assert make_id("410421", "19750101", 701) not in page.content()

    add_representative(stale, "代表6", make_id("410421", "19750101", 706), "13900000006")
    assert "聚集人员推荐的代表不超过5人" in stale.inner_text("[data-testid=errors]")
    assert stale.locator("[data-testid=representative]").count() == 5
    stale.close()
    page.goto(detail_url)
    names = page.locator("[data-testid=representative] td:first-child").all_inner_texts()
    assert names == ["代表1", "代表2", "代表3", "代表4", "代表5"]

    # A demand referred to a unit with a statutory time limit becomes that unit's deadline (I4).
    page.fill("[data-testid=demand-form] textarea[name=text]", "要求结清三个月拖欠工资")
    page.select_option("[data-testid=demand-form] select[name=handling]", "referred")
    page.select_option("[data-testid=demand-form] select[name=unit]", label="劳动保障监察支队")
    page.fill("[data-testid=demand-form] input[name=time_limit_days]", "15")
    submit(page, "demand-form")
    demand = page.locator("[data-testid=demand]")
    assert demand.count() == 1
    assert "要求结清三个月拖欠工资" in demand.inner_text()
    assert "劳动保障监察支队" in demand.inner_text()
    due_day = (datetime.now(SHANGHAI) + timedelta(days=15)).date().isoformat()
    assert page.inner_text("[data-testid=demand-deadline]") == f"{due_day}(15天,待办)"

    # Closing without the review is refused with the reason (I7).
    page.select_option("[data-testid=status-form] select[name=status]", "closed")
    submit(page, "status-form")
    assert "结案前须完成事后复盘" in page.inner_text("[data-testid=errors]")
    assert page.inner_text("[data-testid=status]") == "处置中"
    assert page.locator("[data-testid=review-missing]").count() == 1

    # The review (causes, problems, lessons), then closing.
    page.fill("[data-testid=review-form] textarea[name=causes]", "企业资金链断裂,连续三个月欠薪")
    page.fill("[data-testid=review-form] textarea[name=problems]", "欠薪预警未及时上报")
    page.fill("[data-testid=review-form] textarea[name=lessons]", "加强重点企业工资支付监测")
    submit(page, "review-form")
    review = page.inner_text("[data-testid=review]")
    assert "企业资金链断裂" in review and "欠薪预警未及时上报" in review
    assert "加强重点企业工资支付监测" in review
    page.select_option("[data-testid=status-form] select[name=status]", "closed")
    submit(page, "status-form")
    assert page.inner_text("[data-testid=status]") == "已结案"
    assert page.locator("[data-testid=status-form]").count() == 0
    assert page.locator("[data-testid=errors]").count() == 0
    page.screenshot(path=str(live_app["home"] / "incident-closed.png"), full_page=True)

    # The city office sees the incident, closed, with its deadlines.
    page.context.clear_cookies()
    login(page, url, "office", password_of(live_app, "office"))
    page.goto(url + "/incidents/")
    row = page.locator("[data-testid=incident]", has_text=PLACE)
    assert row.count() == 1
    assert "宝丰县" in row.inner_text() and "120" in row.inner_text()
    assert "已结案" in row.inner_text()
    with page.expect_navigation():
        row.locator("a").first.click()
    assert page.url == detail_url
    assert page.inner_text("[data-testid=status]") == "已结案"
    assert page.locator("[data-testid=deadline]").count() == 7
    assert page.locator("[data-testid=representative]").count() == 5
