"""The layoff-report and visit lists: filters in the URL narrow the rows (a bad value is a 400),
the count is shown, the .xlsx download holds exactly the filtered rows under Chinese headers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_report, make_uscc, make_user
from tests.lists import client_for, column, count_shown, xlsx
from tests.raw_codes import raw_codes
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.registry.models import Enterprise
from wenjiuye.response import services, visits
from wenjiuye.response.models import Visit

pytestmark = pytest.mark.django_db

LIST = "/response/layoffs/"
VISITS = "/response/visits/"


@pytest.fixture
def reports(world, office, officer, reviewer):
    """宝丰机械厂: a draft implemented next month and a submitted one implemented in two
    months; 宝丰纸业 (own county): a draft; 叶县纺织厂: a draft."""
    today = timezone.localdate()
    paper = Enterprise.objects.create(
        uscc=make_uscc(OWN_COUNTY, 3), name="宝丰纸业", region_id=OWN_COUNTY, employees=800
    )
    first = today.replace(day=1)
    next_month = (first + timedelta(days=40)).replace(day=15)
    later = (next_month + timedelta(days=31)).replace(day=15)
    a = make_report(officer, world["own"], planned_implementation_on=next_month)
    b = make_report(officer, world["own"], planned_implementation_on=later)
    services.layoff_submit(actor=officer, report=b)
    c = make_report(officer, paper, planned_implementation_on=later)
    d = make_report(office, world["other"], total_employees=300, planned_layoffs=30)
    return {"a": a, "b": b, "c": c, "d": d, "next": next_month, "later": later, "paper": paper}


def _names(html: str) -> list[str]:
    return [n for n in ("宝丰机械厂", "宝丰纸业", "叶县纺织厂") if n in html]


def test_the_list_shows_names_counts_and_paging_controls(reports, office):
    r = client_for(office).get(LIST)
    html = r.content.decode()
    assert r.status_code == 200
    assert count_shown(html) == 4
    assert "宝丰县" in html and "叶县" in html and ">410421<" not in html
    assert 'data-testid="download-xlsx"' in html and 'data-testid="filters"' in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, 1),
        ({"status": "draft"}, 3),
        ({"county": OWN_COUNTY}, 3),
        ({"county": OTHER_COUNTY}, 1),
        ({"q": "纸业"}, 1),
        ({"county": OWN_COUNTY, "status": "draft"}, 2),
    ],
)
def test_filters_narrow_the_list(reports, office, params, expected):
    html = client_for(office).get(LIST, params).content.decode()
    assert count_shown(html) == expected


def test_month_and_uscc_search(reports, office):
    c = client_for(office)
    month = reports["later"].strftime("%Y%m")
    html = c.get(LIST, {"month": month}).content.decode()
    assert count_shown(html) == 2 and _names(html) == ["宝丰机械厂", "宝丰纸业"]
    html = c.get(LIST, {"q": reports["paper"].uscc.lower()}).content.decode()
    assert count_shown(html) == 1 and "宝丰纸业" in html


def test_a_county_officer_sees_only_the_county_and_its_own_choice(reports, officer):
    c = client_for(officer)
    html = c.get(LIST).content.decode()
    assert count_shown(html) == 3 and "叶县纺织厂" not in html
    assert c.get(LIST, {"county": OTHER_COUNTY}).status_code == 400  # not one of their choices


@pytest.mark.parametrize(
    "params",
    [{"status": "approved"}, {"month": "2024-05"}, {"month": "202413"}, {"sort": "secret"}],
)
def test_a_bad_filter_value_is_a_400(reports, office, params):
    r = client_for(office).get(LIST, params)
    assert r.status_code == 400
    assert "请求有误" in r.content.decode()


def test_sorting_and_the_filters_stay_in_the_links(reports, office):
    c = client_for(office)
    html = c.get(LIST, {"sort": "-employees"}).content.decode()
    body = html[html.index('data-testid="layoffs"') :]
    assert body.index("宝丰机械厂") < body.index("叶县纺织厂")  # 1000 before 300 employees
    # the sort header keeps the filters and flips the order
    html = c.get(LIST, {"county": OWN_COUNTY, "sort": "employees"}).content.decode()
    assert "county=410421&amp;sort=-employees" in html


def test_paging_keeps_the_filters(world, office):
    for _n in range(51):
        make_report(office, world["own"])
    c = client_for(office)
    html = c.get(LIST, {"county": OWN_COUNTY}).content.decode()
    assert count_shown(html) == 51 and 'data-testid="pager"' in html
    assert "county=410421&amp;page=2" in html
    page2 = c.get(LIST, {"county": OWN_COUNTY, "page": 2}).content.decode()
    assert page2.count('data-testid="layoff"') == 1


def test_the_download_holds_the_filtered_rows_under_chinese_headers(reports, office):
    r = client_for(office).get(LIST, {"county": OWN_COUNTY, "status": "draft", "format": "xlsx"})
    headers, rows = xlsx(r)
    assert headers[:4] == ["企业名称", "统一社会信用代码", "县(市、区)", "职工总数"]
    assert "状态" in headers and "提交人" in headers
    assert sorted(column(headers, rows, "企业名称")) == ["宝丰机械厂", "宝丰纸业"]
    assert set(column(headers, rows, "县(市、区)")) == {"宝丰县"}
    assert set(column(headers, rows, "状态")) == {"草稿"}
    assert set(column(headers, rows, "裁员情形")) == {"生产经营发生严重困难"}
    event = Event.objects.filter(action=Event.Action.EXPORT).latest("pk")
    assert event.object_type == "list.layoff-reports" and event.changes["rows"] == 2


def test_the_download_names_people_by_name_and_unit(reports, office, officer):
    officer.first_name = "宝峰"
    officer.save()
    r = client_for(office).get(LIST, {"status": "submitted", "format": "xlsx"})
    headers, rows = xlsx(r)
    (submitter,) = column(headers, rows, "提交人")
    assert submitter.startswith("宝峰") and "baofeng" not in submitter


# --- Visits ---------------------------------------------------------------------------------


@pytest.fixture
def visit_rows(world, office):
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    visits.visit_create(
        actor=office,
        enterprise=world["own"],
        visited_on=today,
        visitors="宝丰走访组",
        policies_briefed=["refund"],
        measures=["internal_transfer"],
    )
    visits.visit_create(
        actor=office, enterprise=world["own"], visited_on=last_month, visitors="复访组"
    )
    visits.visit_create(
        actor=office, enterprise=world["other"], visited_on=today, visitors="叶县走访组"
    )
    return {"today": today, "last_month": last_month}


def test_visit_filters(visit_rows, office):
    c = client_for(office)
    assert count_shown(c.get(VISITS).content.decode()) == 3
    assert count_shown(c.get(VISITS, {"county": OWN_COUNTY}).content.decode()) == 2
    month = visit_rows["last_month"].strftime("%Y%m")
    html = c.get(VISITS, {"month": month}).content.decode()
    assert count_shown(html) == 1 and "复访组" in html
    assert count_shown(c.get(VISITS, {"q": "叶县走访"}).content.decode()) == 1
    assert c.get(VISITS, {"month": "x"}).status_code == 400
    assert c.get(VISITS, {"county": "999999"}).status_code == 400


def test_visit_download(visit_rows, office):
    month = visit_rows["today"].strftime("%Y%m")
    r = client_for(office).get(VISITS, {"county": OWN_COUNTY, "month": month, "format": "xlsx"})
    headers, rows = xlsx(r)
    assert len(rows) == 1
    assert column(headers, rows, "企业名称") == ["宝丰机械厂"]
    assert column(headers, rows, "县(市、区)") == ["宝丰县"]
    assert column(headers, rows, "宣讲政策") == ["稳岗返还"]
    assert column(headers, rows, "商定的稳岗措施") == ["内部转岗"]


def test_visit_list_offers_the_form_only_to_writers(visit_rows, world):
    leader = world["users"][Role.LEADER]
    assert 'data-testid="new-visit"' not in client_for(leader).get(VISITS).content.decode()
    grid = make_user("grid-county-v", Role.GRID_WORKER, OWN_COUNTY)
    assert 'data-testid="new-visit"' not in client_for(grid).get(VISITS).content.decode()
    office = world["users"][Role.CITY_OFFICE]
    assert 'data-testid="new-visit"' in client_for(office).get(VISITS).content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_the_pages_show_no_code_to_any_role(reports, visit_rows, world, role):
    """Lists, a report (submitted, with its obligations and their policy parameters) and a visit:
    no snake_case, policy key, bare region code or Python repr for any role."""
    c = client_for(world["users"][role])
    pages = [LIST, VISITS, f"/response/layoffs/{reports['b'].pk}/"]
    pages.append(f"/response/visits/{Visit.objects.filter(enterprise=world['own']).first().pk}/")
    for url in pages:
        r = c.get(url)
        if r.status_code == 404:  # out of the role's sight
            continue
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode(), until="变更记录") == [], url
