"""The incident list: status, scale, county, month and cause filters in the URL (a bad value is a
400), counts, sorting, the .xlsx download of the filtered rows; what each role is offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, T0
from tests.lists import client_for, column, count_shown, xlsx
from tests.raw_codes import raw_codes
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.incidents import services

pytestmark = pytest.mark.django_db

LIST = "/incidents/"


@pytest.fixture
def incidents(policy, users):
    office = users[Role.CITY_OFFICE]
    own, other = Region.objects.get(pk=OWN_COUNTY), Region.objects.get(pk=OTHER_COUNTY)
    earlier = T0 - timedelta(days=40)

    def make(region, place, people, cause="pay", at=T0):
        return services.incident_create(
            actor=office, region=region, occurred_at=at, place=place, cause=cause, people=people
        )

    small = make(own, "宝丰县甲厂门口", 12)
    middle = make(own, "宝丰县乙厂门口", 60, cause="layoff", at=earlier)
    large = make(other, "叶县广场", 150)
    services.incident_set_status(actor=office, incident=small, status="under_control")
    return {"small": small, "middle": middle, "large": large, "earlier": earlier}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"status": "open"}, 2),
        ({"status": "under_control"}, 1),
        ({"level": "local"}, 1),
        ({"level": "city"}, 1),
        ({"level": "province"}, 1),
        ({"county": OWN_COUNTY}, 2),
        ({"cause": "layoff"}, 1),
        ({"q": "广场"}, 1),
        ({"county": OWN_COUNTY, "level": "city"}, 1),
    ],
)
def test_filters_narrow_the_list(incidents, users, params, expected):
    html = client_for(users[Role.CITY_OFFICE]).get(LIST, params).content.decode()
    assert count_shown(html) == expected


def test_month_filter(incidents, users):
    c = client_for(users[Role.CITY_OFFICE])
    html = c.get(LIST, {"month": T0.strftime("%Y%m")}).content.decode()
    assert count_shown(html) == 2 and "宝丰县乙厂门口" not in html
    html = c.get(LIST, {"month": incidents["earlier"].strftime("%Y%m")}).content.decode()
    assert count_shown(html) == 1 and "宝丰县乙厂门口" in html


def test_the_scale_choices_come_from_the_policy(incidents, users):
    html = client_for(users[Role.CITY_OFFICE]).get(LIST).content.decode()
    assert "50 人以下" in html and "50–99 人" in html and "100 人及以上" in html


@pytest.mark.parametrize(
    "params",
    [
        {"status": "done"},
        {"level": "huge"},
        {"county": "410400"},
        {"month": "2023"},
        {"cause": "weather"},
        {"sort": "-secret"},
    ],
)
def test_a_bad_value_is_a_400(incidents, users, params):
    assert client_for(users[Role.CITY_OFFICE]).get(LIST, params).status_code == 400


def test_sorting_by_people(incidents, users):
    html = client_for(users[Role.CITY_OFFICE]).get(LIST, {"sort": "-people"}).content.decode()
    body = html[html.index('data-testid="incidents"') :]
    assert body.index("叶县广场") < body.index("宝丰县乙厂门口") < body.index("宝丰县甲厂门口")


def test_a_county_sees_its_own(incidents, users):
    html = client_for(users[Role.COUNTY_OFFICER]).get(LIST).content.decode()
    assert count_shown(html) == 2 and "叶县广场" not in html
    assert ">410421<" not in html and "宝丰县" in html


def test_the_download(incidents, users):
    r = client_for(users[Role.CITY_OFFICE]).get(
        LIST, {"county": OWN_COUNTY, "status": "open", "format": "xlsx"}
    )
    headers, rows = xlsx(r)
    assert headers[:4] == ["发生时间", "知悉时间", "地点", "所在区划"]
    assert column(headers, rows, "地点") == ["宝丰县乙厂门口"]
    assert column(headers, rows, "起因") == ["裁员"]
    assert column(headers, rows, "县(市、区)") == ["宝丰县"]
    assert column(headers, rows, "状态") == ["处置中"]
    # local wall-clock time (Asia/Shanghai), not UTC
    (occurred,) = column(headers, rows, "发生时间")
    assert occurred == timezone.localtime(incidents["earlier"]).replace(tzinfo=None)


def test_only_writers_are_offered_the_form(incidents, users):
    for role in (Role.LEADER, Role.GRID_WORKER, Role.AUDITOR):
        html = client_for(users[role]).get(LIST).content.decode()
        assert 'data-testid="new-incident"' not in html
    html = client_for(users[Role.COUNTY_OFFICER]).get(LIST).content.decode()
    assert 'data-testid="new-incident"' in html


def test_the_leader_is_offered_no_action_on_the_page(incidents, users):
    html = client_for(users[Role.LEADER]).get(f"/incidents/{incidents['small'].pk}/").content
    html = html.decode()
    for form in ("representative-form", "demand-form", "review-form", "status-form"):
        assert f'data-testid="{form}"' not in html
    assert "更新人数" not in html and "报送动态" not in html


def test_the_create_page_states_the_policy_thresholds(policy, users):
    html = client_for(users[Role.COUNTY_OFFICER]).get("/incidents/new/").content.decode()
    assert "50人以上同步报市人社局" in html and "(410421)" not in html


@pytest.mark.parametrize("role", list(Role))
def test_the_pages_show_no_code_to_any_role(incidents, users, role):
    c = client_for(users[role])
    for url in (
        LIST,
        f"/incidents/{incidents['small'].pk}/",
        f"/incidents/{incidents['large'].pk}/",
    ):
        r = c.get(url)
        if r.status_code == 404:  # out of the role's sight
            continue
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode(), until="变更记录") == [], url
