"""The opinion list: status, source, county, category, month and spreading filters in the URL (a
bad value is a 400), counts, search, the .xlsx of the filtered rows; what each role is offered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, T0
from tests.lists import client_for, column, count_shown, xlsx
from tests.raw_codes import raw_codes
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.opinion import services

pytestmark = pytest.mark.django_db

LIST = "/opinion/"


@pytest.fixture
def items(policy, users, enterprises):
    office = users[Role.CITY_OFFICE]
    own, other = Region.objects.get(pk=OWN_COUNTY), Region.objects.get(pk=OTHER_COUNTY)
    earlier = T0 - timedelta(days=35)
    wages, _new = services.opinion_create(
        actor=office, title="宏达机械制造拖欠工资", source="manual", region=own, at=T0
    )
    layoff, _new = services.opinion_create(
        actor=office,
        title="宝丰某厂大规模裁员",
        source="province",
        region=own,
        reposts=5000,
        at=earlier,
    )
    quiet, _new = services.opinion_create(
        actor=office, title="叶县盐化停产传闻", source="rss", region=other, at=T0
    )
    services.opinion_update(
        actor=office, item=wages, reposts=None, spreading_flag=False, status="verifying"
    )
    return {"wages": wages, "layoff": layoff, "quiet": quiet, "earlier": earlier}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"status": "verifying"}, 1),
        ({"status": "new"}, 2),
        ({"source": "province"}, 1),
        ({"source": "manual"}, 1),
        ({"county": OWN_COUNTY}, 2),
        ({"county": OTHER_COUNTY}, 1),
        ({"category": "wage_arrears"}, 1),
        ({"spreading": "yes"}, 1),
        ({"q": "停产"}, 1),
        ({"county": OWN_COUNTY, "status": "new"}, 1),
    ],
)
def test_filters_narrow_the_list(items, users, params, expected):
    html = client_for(users[Role.CITY_OFFICE]).get(LIST, params).content.decode()
    assert count_shown(html) == expected


def test_month_filter(items, users):
    c = client_for(users[Role.CITY_OFFICE])
    html = c.get(LIST, {"month": items["earlier"].strftime("%Y%m")}).content.decode()
    assert count_shown(html) == 1 and "宝丰某厂大规模裁员" in html


@pytest.mark.parametrize(
    "params",
    [
        {"status": "open"},
        {"source": "weibo"},
        {"county": "410481x"},
        {"category": "strike"},
        {"month": "23-03"},
        {"spreading": "maybe"},
        {"sort": "guid"},
    ],
)
def test_a_bad_value_is_a_400(items, users, params):
    assert client_for(users[Role.CITY_OFFICE]).get(LIST, params).status_code == 400


def test_a_county_sees_its_own_items_by_region_name(items, users):
    html = client_for(users[Role.COUNTY_OFFICER]).get(LIST).content.decode()
    assert count_shown(html) == 2 and "叶县盐化停产传闻" not in html
    assert "宝丰县" in html and ">410421<" not in html


def test_the_download(items, users):
    r = client_for(users[Role.CITY_OFFICE]).get(LIST, {"county": OWN_COUNTY, "format": "xlsx"})
    headers, rows = xlsx(r)
    assert headers[:4] == ["标题", "来源", "发布时间", "收到时间"]
    assert sorted(column(headers, rows, "标题")) == ["宏达机械制造拖欠工资", "宝丰某厂大规模裁员"]
    by_title = dict(zip(column(headers, rows, "标题"), rows, strict=True))
    layoff = dict(zip(headers, by_title["宝丰某厂大规模裁员"], strict=True))
    assert layoff["来源"] == "省人社厅转办" and layoff["传播较快"] == "是"
    assert layoff["县(市、区)"] == "宝丰县" and layoff["状态"] == "待研判"
    wages = dict(zip(headers, by_title["宏达机械制造拖欠工资"], strict=True))
    assert wages["类别"] == "欠薪" and wages["涉及企业"] == "宝丰县宏达机械制造有限公司"


def test_only_writers_are_offered_the_entry_forms(items, users):
    for role in (Role.LEADER, Role.GRID_WORKER, Role.AUDITOR):
        html = client_for(users[role]).get(LIST).content.decode()
        assert 'data-testid="new-opinion"' not in html and 'data-testid="ingest"' not in html
    html = client_for(users[Role.COUNTY_OFFICER]).get(LIST).content.decode()
    assert 'data-testid="new-opinion"' in html


def test_the_leader_has_no_edit_form_on_an_item(items, users):
    html = client_for(users[Role.LEADER]).get(f"/opinion/{items['wages'].pk}/").content.decode()
    assert "关联突发事件</button>" not in html and "按当前词库重新归类" not in html
    html = client_for(users[Role.COUNTY_OFFICER]).get(f"/opinion/{items['wages'].pk}/")
    assert "按当前词库重新归类" in html.content.decode()


def test_the_detail_names_the_categories_of_its_reasons(items, users):
    html = client_for(users[Role.CITY_OFFICE]).get(f"/opinion/{items['wages'].pk}/")
    text = html.content.decode()
    assert "欠薪 " in text and "wage_arrears" not in text


@pytest.mark.parametrize("role", list(Role))
def test_the_pages_show_no_code_to_any_role(items, users, role):
    c = client_for(users[role])
    pages = [LIST, "/opinion/lexicon/"]
    pages += [f"/opinion/{items[k].pk}/" for k in ("wages", "layoff", "quiet")]
    for url in pages:
        r = c.get(url)
        if r.status_code == 404:  # out of the role's sight
            continue
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode(), until="变更记录") == [], url
