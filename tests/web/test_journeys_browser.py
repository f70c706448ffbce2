"""Each role's main journey in a real browser on today's demo city, at 1366 px and at 390 px:
the city office (key list → entry → enterprise file → a layoff report it reviews → the overdue
deadlines and their Excel), a county officer (only their county; another county's records are
404), the read-only leader (no action anywhere), a working-group member, the auditor, and the
grid worker's 今日待办 on a fresh quickstart (their whole day is ``test_phone_browser.py``).

Every page reached is checked the same way — no raw code in ``<main>``, no horizontal page scroll
at 390 px, a list says its count — and kept as a screenshot (``journey-<role>-<width>-NN-…``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import openpyxl
import pytest

from tests.raw_codes import codes_in_text
from tests.web.pages import (
    DESKTOP,
    PHONE,
    app_python,
    artifacts_dir,
    assert_list_counted,
    assert_no_horizontal_scroll,
    assert_no_raw_codes,
    list_count,
    login,
    menu_go,
    password_of,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = pytest.mark.parametrize(
    ("size", "which"), [(PHONE, 0), (DESKTOP, 1)], ids=["phone-390", "desktop-1366"]
)
OPEN = {"待处置", "跟踪处置中"}
CJK = re.compile(r"[\u4e00-\u9fff]")

# Set-up through the services that the journeys need and the scenario does not promise: two
# layoff reports submitted by someone else than the city office (one for each width's review), an
# online registration waiting in 宝丰县 (the county officer may confirm it, the leader may not),
# and the pages of 叶县's records (a 宝丰县 officer must not reach them).
SETUP = """
import json
from datetime import timedelta
from decimal import Decimal
from django.db.models import Q
from tests.factories import make_id
from wenjiuye.assistance.models import Case, PendingRegistration
from wenjiuye.assistance.registration import pending_submit
from wenjiuye.core.models import Region, User
from wenjiuye.core.periods import today
from wenjiuye.incidents.models import Incident
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.monitoring.selectors import latest_period
from wenjiuye.registry.models import Enterprise
from wenjiuye.response import services as layoffs
from wenjiuye.response.models import LayoffReport

office, baofeng = User.objects.get(username="office"), User.objects.get(username="baofeng")
S = LayoffReport.Status
def by_others():
    return list(LayoffReport.objects.filter(status=S.SUBMITTED).exclude(submitted_by=office)
                .select_related("enterprise").order_by("pk"))
reported = set(LayoffReport.objects.values_list("enterprise_id", flat=True))
spare = (Enterprise.objects.filter(region__code__startswith="410421", employees__gte=20)
         .exclude(pk__in=reported).order_by("-employees", "uscc"))
for enterprise in spare[: max(0, 2 - len(by_others()))]:
    report = layoffs.layoff_create(
        actor=baofeng, enterprise=enterprise, total_employees=enterprise.employees,
        planned_layoffs=max(2, enterprise.employees // 8), situation="difficulty",
        explained_on=today(), reported_on=today(),
        planned_implementation_on=today() + timedelta(days=40),
        union_opinion="工会已听取职工意见", local_average_wage=Decimal("6180.00"),
    )
    layoffs.layoff_submit(actor=baofeng, report=report)
pending = PendingRegistration.objects.filter(name="司马待审").first() or pending_submit(
    id_number=make_id("410421", "19910505", 733), name="司马待审", phone="13712345678",
    county=Region.objects.get(code="410421"),
    street=Region.objects.filter(parent_id="410421").order_by("code").first(), education="college",
    desired_job="仓库管理", wants_training=True, notice="journeys",
)
latest = latest_period()
yexian = "410422"
entry = LedgerEntry.objects.filter(region_code__startswith=yexian).order_by("pk").first()
print(json.dumps({
    "submitted": [{"pk": r.pk, "name": r.enterprise.name} for r in by_others()[:2]],
    "pending": pending.name,
    "latest_period": latest,
    "key_current": LedgerEntry.objects.filter(
        ledger="key_enterprise", status__in=["open", "following_up"], last_confirmed__gte=latest
    ).count(),
    "other_county": [
        f"/response/layoffs/{LayoffReport.objects.filter(region_id=yexian).first().pk}/",
        Incident.objects.filter(region__code__startswith=yexian).first().get_absolute_url(),
        Case.objects.filter(grid__code__startswith=yexian).first().get_absolute_url(),
        f"/lists/entry/{entry.pk}/",
        f"/enterprises/{Enterprise.objects.filter(region__code__startswith=yexian).first().uscc}/",
    ],
}))
"""


@pytest.fixture(scope="module")
def demo(live_app) -> dict:
    found = app_python(live_app, SETUP)
    assert len(found["submitted"]) == 2, found
    return found


class Journey:
    """One role at one width: every page it reaches is checked the same way and kept as a
    screenshot, numbered in the order of the journey."""

    def __init__(self, live_app, page, role: str, size: dict) -> None:
        self.url = live_app["url"]
        self.page = page
        self.regions = set(live_app["region_codes"])
        self.phone = size["width"] <= PHONE["width"]
        self.tag = f"journey-{role}-{size['width']}"
        self.step = 0

    def check(self, name: str, *, listed: bool = False) -> None:
        assert_no_raw_codes(self.page, self.regions)
        if self.phone:
            assert_no_horizontal_scroll(self.page)
        if listed:
            assert_list_counted(self.page)
        self.step += 1
        screenshot(self.page, f"{self.tag}-{self.step:02d}-{name}")

    def go(self, path: str, name: str, *, listed: bool = False) -> None:
        response = self.page.goto(self.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.check(name, listed=listed)

    def menu(self, key: str, name: str, *, listed: bool = False) -> None:
        menu_go(self.page, key)
        self.check(name, listed=listed)

    def click(self, locator, name: str, *, listed: bool = False) -> None:
        with self.page.expect_navigation():
            locator.first.click()
        self.check(name, listed=listed)

    def filter(self, name: str, *, values=None, labels=None) -> None:
        """Choose filters of the list's form (by option value or by the label a user reads)."""
        form = self.page.locator("[data-testid=filters]")
        for field, value in (values or {}).items():
            form.locator(f"select[name={field}]").select_option(value=value)
        for field, label in (labels or {}).items():
            form.locator(f"select[name={field}]").select_option(label=label)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()
        self.check(name, listed=True)


@contextmanager
def signed_in(browser, live_app, username: str, size: dict) -> Iterator:
    context = browser.new_context(viewport=size, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    try:
        login(page, live_app["url"], username, password_of(live_app, username))
        yield page
    finally:
        context.close()


def table(page, testid: str) -> list[dict[str, str]]:
    """The rows of the table ``testid`` on this page, each as {header: cell text}."""
    grid = page.locator(f"table[data-testid={testid}]")
    headers = [h.strip(" ▲▼") for h in grid.locator("thead th").all_inner_texts()]
    rows = []
    for row in grid.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if len(cells) == len(headers):  # not the "暂无" row
            rows.append(dict(zip(headers, cells, strict=True)))
    return rows


def month_name(period: str) -> str:
    return f"{period[:4]}年{period[4:]}月"


def options(page, name: str) -> list[tuple[str, str]]:
    """A filter's choices (value, label), "全部" left out."""
    return [
        (o.get_attribute("value") or "", o.inner_text().strip())
        for o in page.locator(f"[data-testid=filters] select[name={name}] option").all()
        if o.get_attribute("value")
    ]


# --- the city office ---------------------------------------------------------------------------


@SIZES
def test_the_city_offices_day(live_app, browser, demo, size, which):
    with signed_in(browser, live_app, "office", size) as page:
        j = Journey(live_app, page, "office", size)
        assert page.url == j.url + "/"
        j.check("home")

        # 重点清单: by default what is open and was confirmed in the latest monitored month (or
        # since: a visit or an opinion item of this month confirms an entry before monitoring)
        j.menu("ledger-key", "key-list", listed=True)
        latest = demo["latest_period"]
        assert page.input_value("select[name=status]") == "active"
        assert page.input_value("select[name=month]") == latest
        assert month_name(latest) in page.inner_text("main .hint")
        default = table(page, "ledger")
        assert list_count(page) == demo["key_current"] == len(default) > 0
        first = default[0]
        first_reason = page.locator("table[data-testid=ledger] tbody tr .tag").first.inner_text()
        assert all(r["状态"] in OPEN and r["最近确认"] >= month_name(latest) for r in default)

        # another month: that month's entries only, the choice kept in the URL
        older = min(v for v, _label in options(page, "month"))
        j.filter("key-list-older-month", values={"month": older})
        assert f"month={older}" in page.url
        assert all(r["最近确认"] == month_name(older) for r in table(page, "ledger"))

        # by county and reason, back in the latest month
        j.filter(
            "key-list-county-reason",
            values={"month": latest},
            labels={"county": first["所在地区"], "reason": first_reason},
        )
        chosen = table(page, "ledger")
        assert first in chosen and list_count(page) == len(chosen)
        assert all(r["所在地区"] == first["所在地区"] and first_reason in r["原因"] for r in chosen)

        # an entry: its reasons with their evidence; then the enterprise's file
        j.click(page.locator("table[data-testid=ledger] a", has_text="处置"), "entry")
        assert "原因与依据" in page.inner_text("main")
        j.click(page.locator("main a", has_text="企业档案"), "enterprise-file")
        file_text = page.inner_text("main")
        for part in ("预警及依据", "规模裁员报告", "走访记录", "突发事件", "涉企舆情"):
            assert part in file_text, part

        # 规模裁员: the reports submitted, one filed by somebody else, reviewed here
        j.menu("layoffs", "layoffs", listed=True)
        j.filter("layoffs-submitted", values={"status": "submitted"})
        assert {r["状态"] for r in table(page, "layoffs")} == {"已报告"}
        report = demo["submitted"][which]
        j.click(page.locator(f"a[href='/response/layoffs/{report['pk']}/']"), "layoff-submitted")
        assert report["name"] in page.inner_text("h1")
        assert "市专班办公室" not in page.inner_text("[data-testid=submitted-by]")
        page.fill("[data-testid=actions] textarea[name=note]", "方案符合法定程序,同意实施")
        j.click(page.locator("[data-testid=do-review]"), "layoff-reviewed")
        assert page.inner_text("[data-testid=status]") == "已审核"

        # 时限督办: the overdue ones, and the same list in Excel
        j.menu("deadlines", "deadlines", listed=True)
        overdue = int(re.search(r"\d+", page.inner_text("[data-testid=overdue-link]")).group())
        j.click(page.locator("[data-testid=overdue-link]"), "deadlines-overdue", listed=True)
        assert list_count(page) == overdue > 0
        assert all(r["状态"].startswith("已逾期") for r in table(page, "deadlines"))
        with page.expect_download() as download:
            page.click("[data-testid=download-xlsx]")
        path = artifacts_dir() / f"{j.tag}-deadlines-overdue.xlsx"
        download.value.save_as(path)
        sheet = list(
            openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
        )
        header, rows = sheet[0], sheet[1:]
        assert all(CJK.search(str(h)) for h in header), header
        assert {"期限", "事项"} <= set(header), header
        assert len(rows) == overdue
        cells = "\n".join(str(c) for row in rows for c in row if isinstance(c, str))
        assert not codes_in_text(cells, set(live_app["region_codes"])), codes_in_text(cells)[:8]


# --- a county officer --------------------------------------------------------------------------


def _all_in(rows: list[dict[str, str]], column: str, county: str) -> None:
    assert rows, "an empty list proves nothing"
    assert {r[column] for r in rows} == {county}, {r[column] for r in rows}


@SIZES
def test_a_county_officer_sees_their_county_only(live_app, browser, demo, size, which):
    with signed_in(browser, live_app, "baofeng", size) as page:
        j = Journey(live_app, page, "baofeng", size)
        j.check("home")
        assert page.inner_text("[data-testid=scope]") == "宝丰县"

        # 风险隐患台账: 宝丰县's entries, now and in every month and state
        j.menu("ledger-risk", "risk-ledger", listed=True)
        assert [label for _v, label in options(page, "county")] == ["宝丰县"]
        _all_in(table(page, "ledger"), "所在地区", "宝丰县")
        j.filter("risk-ledger-all", values={"month": "", "status": ""})
        _all_in(table(page, "ledger"), "所在地区", "宝丰县")

        # a case of the assistance ledger
        j.menu("cases", "cases", listed=True)
        _all_in(table(page, "cases"), "网格", "宝丰县")
        j.click(page.locator("table[data-testid=cases] tbody a"), "case")

        # a layoff report of the county
        j.menu("layoffs", "layoffs", listed=True)
        _all_in(table(page, "layoffs"), "县(市、区)", "宝丰县")
        j.click(page.locator("[data-testid=layoff] a"), "layoff")

        # an incident
        j.menu("incidents", "incidents", listed=True)
        _all_in(table(page, "incidents"), "区划", "宝丰县")
        j.click(page.locator("table[data-testid=incidents] tbody a"), "incident")

        # the online registration waiting in the county: theirs to confirm or return
        j.menu("pending", "pending", listed=True)
        row = page.locator("[data-testid=pending-row]", has_text=demo["pending"])
        assert row.get_by_role("button", name="确认").count() == 1
        assert row.get_by_role("button", name="退回").count() == 1

        # 叶县's records do not exist for a 宝丰县 officer
        for path in demo["other_county"]:
            response = page.goto(j.url + path)
            assert response is not None and response.status == 404, path


# --- the leader (read-only) --------------------------------------------------------------------

ACTIONS = ("确认", "退回", "审核通过", "确认已实施", "办结", "撤销", "保存", "导入名单", "上传附件")


def _offers_nothing(page) -> None:
    """No form that changes anything, no action button, no edit link."""
    assert page.locator("main form[method=post]").count() == 0, page.url
    for name in ACTIONS:
        assert page.get_by_role("button", name=name, exact=True).count() == 0, (page.url, name)
    edits = page.locator("main a", has_text=re.compile("^(修改|编辑|新建|新增|登记)(?!日期)"))
    assert edits.count() == 0, (page.url, edits.all_inner_texts())


@SIZES
def test_the_leader_reads_everything_and_acts_on_nothing(live_app, browser, demo, size, which):
    with signed_in(browser, live_app, "leader", size) as page:
        j = Journey(live_app, page, "leader", size)
        j.check("home")
        # the menu has no 数据导入 (nor the robots' settings)
        assert page.locator("[data-testid=nav-import]").count() == 0
        assert page.locator("[data-testid=nav-webhooks]").count() == 0

        steps = [
            ("menu", "ledger-key", "key-list", True),
            ("click", "table[data-testid=ledger] a:text('处置')", "entry", False),
            ("click", "main a:text('企业档案')", "enterprise-file", False),
            ("menu", "layoffs", "layoffs", True),
            ("click", "[data-testid=layoff] a", "layoff", False),
            ("menu", "incidents", "incidents", True),
            ("click", "table[data-testid=incidents] tbody a", "incident", False),
            ("menu", "cases", "cases", True),
            ("click", "table[data-testid=cases] tbody a", "case", False),
            ("menu", "pending", "pending", True),
            ("menu", "deadlines", "deadlines", True),
            ("click", "table[data-testid=deadlines] tbody a", "deadline", False),
        ]
        for how, target, name, listed in steps:
            if how == "menu":
                j.menu(target, name, listed=listed)
            else:
                j.click(page.locator(target), name, listed=listed)
            _offers_nothing(page)
        # what the county officer may confirm, the leader only reads
        page.goto(j.url + "/assistance/pending/")
        assert page.locator("[data-testid=pending-row]", has_text=demo["pending"]).count() == 1


# --- a working-group member and the auditor ----------------------------------------------------


@SIZES
def test_a_member_follows_a_layoff_and_a_visit(live_app, browser, size, which):
    with signed_in(browser, live_app, "member", size) as page:
        j = Journey(live_app, page, "member", size)
        j.check("home")
        j.menu("layoffs", "layoffs", listed=True)
        j.filter("layoffs-implemented", values={"status": "implemented"})
        j.click(page.locator("[data-testid=layoff] a"), "layoff-implemented")
        assert page.inner_text("[data-testid=status]") == "已实施"
        j.menu("visits", "visits", listed=True)
        j.click(page.locator("[data-testid=visit] a"), "visit")


@SIZES
def test_the_auditor_reads_who_did_what(live_app, browser, size, which):
    with signed_in(browser, live_app, "auditor", size) as page:
        j = Journey(live_app, page, "auditor", size)
        j.check("home")
        j.menu("audit", "audit", listed=True)
        j.filter(
            "audit-layoff-reports",
            labels={"object_type": "规模裁员报告", "action": "修改", "county": "宝丰县"},
        )
        events = table(page, "events")
        assert events and list_count(page) == len(events)
        assert all(e["对象"].startswith("规模裁员报告:") and e["区划"] == "宝丰县" for e in events)
        # changes as sentences, people by name
        changes = page.locator("[data-testid=event-changes]").all_inner_texts()
        assert any(re.search(r"状态:\S+ → \S+", c) for c in changes), changes
        assert "宝丰县人社局" in {e["操作人"] for e in events}


# --- the grid worker ---------------------------------------------------------------------------


def test_the_grid_workers_day_starts_with_something_to_do(live_app, browser):
    """On the quickstart's demo the grid worker's 今日待办 is not empty: the scenario left an
    overdue contact in 宝丰县 (the rest of their day: ``test_phone_browser.py``)."""
    with signed_in(browser, live_app, "grid", PHONE) as page:
        j = Journey(live_app, page, "grid", PHONE)
        assert page.url == j.url + "/assistance/today/"
        j.check("today")
        assert page.locator("[data-testid=task]").count() >= 1
        assert page.locator("[data-testid=today-contact] [data-testid=task]").count() >= 1
