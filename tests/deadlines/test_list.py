"""The deadline list (/deadlines/): default open ones by due time, every filter narrows, a bad
value is a 400, pages keep the filters, the .xlsx has the filtered rows under Chinese headers,
and nothing on the page is a code."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import OTHER_COUNTY, OWN_COUNTY, TZ, make_user
from tests.raw_codes import raw_codes
from wenjiuye.core.models import Region, Unit
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import deadline_complete, deadline_create

pytestmark = pytest.mark.django_db

URL = "/deadlines/"


def make(kind, region, due, *, title="", unit=None, assignee=None):
    return deadline_create(
        kind=kind,
        title=title or f"事项 {kind.replace('.', '-').replace('_', '-')}",
        clause="U2",
        subject=Region.objects.get(pk=region),
        region=region,
        due_at=due,
        unit=unit,
        assignee=assignee,
        reminders=[120],
        escalation=[],
    )


@pytest.fixture
def world(users):
    """In 宝丰县: two contact deadlines (one overdue, one due soon), one layoff report deadline
    of the employment section due next month, one done; in 叶县: an incident report."""
    now = timezone.now()
    section = Unit.objects.create(name="就业促进科", kind="section", region_id="410400")
    officer = users[Role.COUNTY_OFFICER]
    officer.first_name, officer.unit = "张三", section
    officer.save()
    next_month = (now.replace(day=1) + timedelta(days=40)).replace(day=10)
    rows = {
        "late": make("assistance.contact#1", OWN_COUNTY, now - timedelta(hours=3)),
        "soon": make("assistance.contact#2", OWN_COUNTY, now + timedelta(hours=1)),
        "report": make(
            "layoff.report_city",
            OWN_COUNTY,
            next_month,
            title="向市人社局报告 宝丰机械厂裁员",
            unit=section,
            assignee=officer,
        ),
        "done": make("layoff.explain", OWN_COUNTY, now + timedelta(days=2)),
        "other": make("incident.report:city", OTHER_COUNTY, now + timedelta(days=3)),
    }
    deadline_complete(deadline=rows["done"], actor=officer, note="已说明")
    return {**rows, "section": section, "next_month": next_month}


def titles(html: str) -> list[str]:
    body = html.split('data-testid="deadlines"', 1)[1].split("</table>", 1)[0]
    return [
        part.split("</a>", 1)[0].rsplit(">", 1)[-1] for part in body.split('href="/deadlines/')[1:]
    ]


def get(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    return response, response.content.decode()


def test_default_is_the_open_ones_soonest_first(client, users, world):
    _, html = get(client, users[Role.CITY_OFFICE])
    assert titles(html) == [
        "事项 assistance-contact#1",
        "事项 assistance-contact#2",
        "事项 incident-report:city",
        "向市人社局报告 宝丰机械厂裁员",
    ]
    assert 'data-testid="list-count">共 4 条' in html
    assert "已逾期" in html and "即将到期" in html and "待办" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "overdue"}, ["late"]),
        ({"status": "soon"}, ["soon"]),
        ({"status": "later"}, ["other", "report"]),
        ({"status": "done"}, ["done"]),
        ({"status": ""}, ["late", "soon", "done", "other", "report"]),
        ({"kind": "assistance.contact"}, ["late", "soon"]),
        ({"kind": "incident.report"}, ["other"]),
        ({"county": OTHER_COUNTY}, ["other"]),
        ({"q": "机械厂"}, ["report"]),
        ({"mine": "1"}, ["report"]),
    ],
)
def test_each_filter_narrows(client, users, world, params, expected):
    office = users[Role.CITY_OFFICE]
    office.unit = world["section"]  # "mine": the office's unit is the report's
    office.save()
    _, html = get(client, office, **params)
    assert titles(html) == [world[k].title for k in expected]


def test_unit_and_month_filters(client, users, world):
    office = users[Role.CITY_OFFICE]
    _, html = get(client, office, unit=str(world["section"].pk))
    assert titles(html) == [world["report"].title]
    month = world["next_month"].astimezone(TZ).strftime("%Y%m")
    _, html = get(client, office, month=month, status="")
    assert titles(html) == [world["report"].title]
    assert f'<option value="{world["section"].pk}">就业促进科</option>' in html


def test_county_officer_sees_and_filters_only_their_county(client, users, world):
    response, html = get(client, users[Role.COUNTY_OFFICER], status="")
    assert world["other"].title not in html and world["late"].title in html
    assert f'<option value="{OTHER_COUNTY}"' not in html
    response, _ = get(client, users[Role.COUNTY_OFFICER], county=OTHER_COUNTY)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"status": "late"},
        {"kind": "layoff"},
        {"county": "999999"},
        {"unit": "abc"},
        {"month": "2024-13"},
        {"month": "202413"},
        {"mine": "yes"},
        {"sort": "subject_type"},
    ],
)
def test_a_bad_filter_value_is_a_400_with_its_reason(client, users, world, params):
    response, html = get(client, users[Role.CITY_OFFICE], **params)
    assert response.status_code == 400
    assert 'data-testid="error-400"' in html


def test_pages_keep_the_filters(client, users):
    base = timezone.now() + timedelta(days=1)
    for i in range(55):
        make(f"assistance.contact#{i}", OWN_COUNTY, base + timedelta(minutes=i))
    make("layoff.explain", OWN_COUNTY, base)
    _, html = get(client, users[Role.CITY_OFFICE], kind="assistance.contact")
    assert len(titles(html)) == 50 and "共 55 条" in html
    assert 'href="?kind=assistance.contact&amp;page=2"' in html
    _, html = get(client, users[Role.CITY_OFFICE], kind="assistance.contact", page="2")
    assert titles(html) == [f"事项 assistance-contact#{i}" for i in range(50, 55)]


def test_the_download_has_the_filtered_rows_under_chinese_headers(client, users, world):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get(URL, {"county": OWN_COUNTY, "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("期限", "状态", "事项", "事项类型")
    assert {"责任区划", "责任单位", "责任人", "依据条款", "已督办级数"} <= set(header)
    data = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [d["事项"] for d in data] == [
        "事项 assistance-contact#1",
        "事项 assistance-contact#2",
        "向市人社局报告 宝丰机械厂裁员",
    ]
    assert [d["状态"] for d in data] == ["已逾期", "即将到期", "待办"]
    report = data[2]
    assert report["事项类型"] == "向市人社局报告规模裁员"
    assert (report["责任区划"], report["责任单位"]) == ("宝丰县", "就业促进科")
    assert report["责任人"] == "张三(就业促进科)"
    due = world["report"].due_at.astimezone(TZ).replace(tzinfo=None)
    assert isinstance(report["期限"], datetime)
    assert abs((report["期限"] - due).total_seconds()) < 1  # the bureau's time, not UTC


def test_no_code_on_the_list_or_a_detail(client, users, world):
    _, html = get(client, users[Role.CITY_OFFICE], status="")
    assert raw_codes(html.split("<main", 1)[1]) == []
    assert "联系失业人员" in html and "向市人社局报告规模裁员" in html  # kinds by name
    assert "张三(就业促进科)" in html
    client.force_login(users[Role.CITY_OFFICE])
    detail = client.get(f"/deadlines/{world['report'].pk}/").content.decode()
    history = detail.rsplit("<h2>", 1)[0]  # the change history is rendered by main's include
    assert raw_codes(history.split("<main", 1)[1]) == []


def test_leader_is_offered_no_action_and_may_take_none(client, users, world):
    late = world["late"]
    client.force_login(users[Role.LEADER])
    html = client.get(f"/deadlines/{late.pk}/").content.decode()
    assert 'data-testid="complete-form"' not in html and 'data-testid="cancel-form"' not in html
    assert client.post(f"/deadlines/{late.pk}/complete/", {"note": "x"}).status_code == 403
    client.force_login(users[Role.COUNTY_OFFICER])
    html = client.get(f"/deadlines/{late.pk}/").content.decode()
    assert 'data-testid="complete-form"' in html and 'data-testid="cancel-form"' in html


def test_a_grid_worker_is_offered_only_what_the_service_accepts(client, users, world):
    grid_deadline = make("assistance.contact#9", "410421100", timezone.now() + timedelta(days=1))
    grid = users[Role.GRID_WORKER]
    client.force_login(grid)
    html = client.get(f"/deadlines/{grid_deadline.pk}/").content.decode()
    # a deadline about a region is the bureau's work (Cap.WRITE): the grid worker has none
    assert 'data-testid="complete-form"' not in html and 'data-testid="cancel-form"' not in html
    assert client.post(f"/deadlines/{grid_deadline.pk}/complete/").status_code == 403
    grid_deadline.refresh_from_db()
    assert grid_deadline.status == Deadline.Status.OPEN


def test_someone_elses_unit_does_not_leak_into_the_choices(client, users, world):
    elsewhere = Unit.objects.create(name="叶县人社局", kind="county_bureau", region_id=OTHER_COUNTY)
    make(
        "layoff.report_bureau",
        OTHER_COUNTY,
        timezone.now() + timedelta(days=1),
        unit=elsewhere,
        assignee=make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY),
    )
    _, html = get(client, users[Role.COUNTY_OFFICER])
    assert "叶县人社局" not in html and "就业促进科" in html
