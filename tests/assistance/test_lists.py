"""The assistance lists: cases, online registrations, one-week promises overdue. Filters in the
URL narrow (a bad value is a 400), counts, the .xlsx of the filtered rows with ID numbers and
phones masked for a role without ``view_personal`` (and an unmasked download audited), and the
确认/退回 buttons only for whoever the service lets confirm."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id
from tests.lists import client_for, column, count_shown, xlsx
from tests.raw_codes import raw_codes
from wenjiuye.assistance import registration, services
from wenjiuye.assistance.models import Education, PendingRegistration, Status
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

CASES = "/assistance/"
PENDING = "/assistance/pending/"
ONE_WEEK = "/assistance/one-week/"


@pytest.fixture
def cases(policy, make_person, users):
    grid = users[Role.GRID_WORKER]
    own = services.case_open(
        person=make_person(41), source="registration", registered_on=date(2022, 9, 1)
    )
    second = services.case_open(
        person=make_person(43), source="registration", registered_on=date(2022, 10, 1)
    )
    other = services.case_open(
        person=make_person(42, region=OTHER_COUNTY),
        source="registration",
        registered_on=date(2022, 9, 1),
    )
    services.case_set_status(
        case=second,
        status=Status.BEING_HELPED,
        actor=grid,
        on=timezone.localdate() - timedelta(days=12),
    )
    return {"own": own, "second": second, "other": other}


def _office(users):
    return client_for(users[Role.CITY_OFFICE])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 3),
        ({"status": "registered"}, 2),
        ({"status": "being_helped"}, 1),
        ({"county": OWN_COUNTY}, 2),
        ({"county": OTHER_COUNTY}, 1),
        ({"grid": OWN_GRID}, 2),
        ({"q": "测试43"}, 1),
        ({"county": OWN_COUNTY, "status": "registered"}, 1),
    ],
)
def test_case_filters_narrow(cases, users, params, expected):
    assert count_shown(_office(users).get(CASES, params).content.decode()) == expected


def test_case_tier_filter_and_grid_names(cases, users):
    own = cases["own"]
    html = _office(users).get(CASES, {"tier": own.tier}).content.decode()
    assert own.person.name in html
    assert "测试街道" in html and ">410421100<" not in html  # the grid by name
    assert 'name="grid"' in html and '<option value="410421100"' in html  # a select, not a code box


def test_case_search_by_id_number_is_exact_and_audited(cases, users):
    member = users[Role.GROUP_MEMBER]  # no view_personal: the exact lookup is audited
    number = cases["own"].person.id_number
    html = client_for(member).get(CASES, {"q": number}).content.decode()
    table = html[html.index("<tbody>") :]
    assert count_shown(html) == 1 and cases["own"].person.name in table and number not in table
    assert Event.objects.filter(
        actor=member, action=Event.Action.VIEW_UNMASKED, changes__where="assistance.case_list"
    ).exists()


@pytest.mark.parametrize(
    "params",
    [{"status": "lost"}, {"tier": "gold"}, {"grid": "410421"}, {"county": "4104"}, {"sort": "x"}],
)
def test_case_bad_values_are_400(cases, users, params):
    assert _office(users).get(CASES, params).status_code == 400


def test_case_download_masked_without_view_personal(cases, users):
    r = client_for(users[Role.GROUP_MEMBER]).get(CASES, {"county": OWN_COUNTY, "format": "xlsx"})
    headers, rows = xlsx(r)
    assert headers[:3] == ["姓名", "公民身份号码", "手机号"]
    assert sorted(column(headers, rows, "姓名")) == ["测试41", "测试43"]
    ids = column(headers, rows, "公民身份号码")
    assert all("*" in i for i in ids) and cases["own"].person.id_number not in ids
    assert all("****" in p for p in column(headers, rows, "手机号"))
    assert set(column(headers, rows, "县(市、区)")) == {"宝丰县"}
    assert set(column(headers, rows, "网格")) == {"测试街道"}
    assert set(column(headers, rows, "状态")) == {"已登记", "帮扶中"}
    event = Event.objects.filter(action=Event.Action.EXPORT).latest("pk")
    assert event.changes["unmasked"] is False and event.changes["rows"] == 2


def test_case_download_unmasked_for_view_personal_is_audited(cases, users):
    officer = users[Role.COUNTY_OFFICER]
    r = client_for(officer).get(CASES, {"status": "registered", "format": "xlsx"})
    headers, rows = xlsx(r)
    assert column(headers, rows, "公民身份号码") == [cases["own"].person.id_number]
    event = Event.objects.filter(action=Event.Action.EXPORT, actor=officer).latest("pk")
    assert event.changes["unmasked"] is True and "含完整个人信息" in event.note


# --- Online registrations ---------------------------------------------------------------------


@pytest.fixture
def pendings(policy, regions, users):
    own_street = Region.objects.get(pk=OWN_GRID)
    out = {}
    for n, name, county, street in (
        (1, "网登甲", OWN_COUNTY, own_street),
        (2, "网登乙", OWN_COUNTY, own_street),
        (3, "网登丙", OTHER_COUNTY, None),
    ):
        out[name] = registration.pending_submit(
            id_number=make_id(county, "19900101", 960 + n),
            name=name,
            phone=f"1350000096{n}",
            county=Region.objects.get(pk=county),
            street=street,
            education=Education.SENIOR if n != 2 else Education.COLLEGE,
            desired_job="电工",
            wants_training=True,
        )
    registration.pending_reject(
        pending=out["网登乙"], actor=users[Role.COUNTY_OFFICER], note="信息不全"
    )
    return out


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 2),  # the default: waiting for confirmation
        ({"state": ""}, 3),
        ({"state": "rejected"}, 1),
        ({"state": "", "county": OWN_COUNTY}, 2),
        ({"state": "", "education": "college"}, 1),
        ({"state": "", "q": "网登丙"}, 1),
    ],
)
def test_pending_filters(pendings, users, params, expected):
    assert count_shown(_office(users).get(PENDING, params).content.decode()) == expected


@pytest.mark.parametrize("params", [{"state": "waiting"}, {"month": "2023-1"}, {"county": "x"}])
def test_pending_bad_values_are_400(pendings, users, params):
    assert _office(users).get(PENDING, params).status_code == 400


def test_pending_download_masked_for_a_member(pendings, users):
    r = client_for(users[Role.GROUP_MEMBER]).get(PENDING, {"state": "", "format": "xlsx"})
    headers, rows = xlsx(r)
    assert "公民身份号码" in headers and "处理意见" in headers
    assert len(rows) == 3
    assert all("*" in v for v in column(headers, rows, "公民身份号码"))
    assert all("****" in v for v in column(headers, rows, "手机号"))
    by_name = dict(zip(column(headers, rows, "姓名"), column(headers, rows, "状态"), strict=True))
    assert by_name == {"网登甲": "待确认", "网登乙": "已退回", "网登丙": "待确认"}


def test_the_leader_is_not_offered_confirm_or_return(pendings, users):
    leader = client_for(users[Role.LEADER])
    html = leader.get(PENDING).content.decode()
    assert "网登甲" in html and 'data-testid="decide"' not in html
    assert 'value="confirm"' not in html and 'value="reject"' not in html
    pending = pendings["网登甲"]
    r = leader.post(f"/assistance/pending/{pending.pk}/", {"decision": "confirm"})
    assert r.status_code == 403
    pending.refresh_from_db()
    assert pending.state == PendingRegistration.State.PENDING


def test_the_grid_worker_confirms_on_their_street(pendings, users):
    html = client_for(users[Role.GRID_WORKER]).get(PENDING).content.decode()
    assert html.count('data-testid="decide"') == 1 and "网登丙" not in html


# --- One-week promises -----------------------------------------------------------------------


def test_one_week_list_filters_and_download(cases, users):
    other = cases["other"]
    services.case_set_status(
        case=other,
        status=Status.BEING_HELPED,
        actor=users[Role.CITY_OFFICE],
        on=timezone.localdate() - timedelta(days=20),
    )
    c = _office(users)
    html = c.get(ONE_WEEK).content.decode()
    assert count_shown(html) == 2
    # longest overdue first by default
    assert html.index(other.person.name) < html.index(cases["second"].person.name)
    html = c.get(ONE_WEEK, {"county": OWN_COUNTY}).content.decode()
    assert count_shown(html) == 1 and other.person.name not in html
    assert c.get(ONE_WEEK, {"county": "999999"}).status_code == 400
    headers, rows = xlsx(c.get(ONE_WEEK, {"county": OTHER_COUNTY, "format": "xlsx"}))
    assert column(headers, rows, "姓名") == [other.person.name]
    assert column(headers, rows, "县(市、区)") == ["叶县"]
    assert column(headers, rows, "逾期天数") == [13]  # help started 20 days ago, 7 days promised
    assert column(headers, rows, "公民身份号码") == [other.person.id_number]  # the office may


@pytest.mark.parametrize("role", list(Role))
def test_the_list_pages_show_no_code_to_any_role(cases, pendings, users, role):
    c = client_for(users[role])
    for url in (CASES, PENDING, ONE_WEEK, f"{PENDING}?state="):
        r = c.get(url)
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode()) == [], url
