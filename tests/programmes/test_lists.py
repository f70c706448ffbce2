"""The programmes' lists (courses, fairs, positions, pairs): filters in the URL narrow (a bad value
is a 400), counts, sorting, the .xlsx of the filtered rows with Chinese headers; the create forms
only for writers."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    OTHER_COUNTY,
    OWN_COUNTY,
    make_course,
    make_user,
    other_region,
    own_region,
)
from tests.lists import client_for, column, count_shown, xlsx
from tests.raw_codes import raw_codes
from wenjiuye.core.roles import Role
from wenjiuye.programmes import pairing, services
from wenjiuye.programmes.models import Course, JobFair, Pair, PublicWelfarePosition

pytestmark = pytest.mark.django_db

COURSES, FAIRS = "/programmes/courses/", "/programmes/fairs/"
POSITIONS, PAIRS = "/programmes/positions/", "/programmes/pairs/"


@pytest.fixture
def records(policy, users, people):
    office = users[Role.CITY_OFFICE]
    own, other = own_region(), other_region()
    make_course(office)
    make_course(office, region=other, starts=date(2023, 4, 3), ends=date(2023, 4, 28))
    services.course_create(
        actor=office,
        title="创业培训班",
        kind="entrepreneurship",
        subtype="",
        provider="宝丰县创业学院",
        region=own,
        starts_on=date(2023, 4, 10),
        ends_on=date(2023, 4, 20),
        hours=40,
        capacity=20,
    )
    fair = services.fair_create(
        actor=office,
        title="春风行动招聘会",
        held_on=date(2023, 3, 5),
        venue="人力资源市场",
        region=own,
    )
    services.fair_attendee_add(actor=office, fair=fair, person=people["own"][0])
    services.fair_create(
        actor=office, title="叶县招聘会", held_on=date(2023, 4, 5), venue="叶县广场", region=other
    )
    services.position_create(
        actor=office,
        title="保洁员",
        area="urban",
        unit="街道办",
        region=own,
        count=3,
        opened_on=date(2023, 3, 1),
    )
    services.position_create(
        actor=office,
        title="护林员",
        area="rural",
        unit="林业站",
        region=other,
        count=2,
        opened_on=date(2023, 3, 1),
    )
    pairing.pair_create(
        actor=office,
        helper_kind="institution",
        helper_name="宝丰县人社局",
        helper_contact="13812345678",
        mode="one_to_many",
        persons=people["own"][:2],
        region=own,
        starts_on=date(2023, 3, 1),
    )
    pairing.pair_create(
        actor=office,
        helper_kind="institution",
        helper_name="叶县就业中心",
        mode="one_to_one",
        persons=people["other"][:1],
        region=other,
        starts_on=date(2023, 3, 1),
        ends_on=date(2023, 3, 31),
    )


def _count(users, url, params=None, role=Role.CITY_OFFICE):
    r = client_for(users[role]).get(url, params or {})
    assert r.status_code == 200, r.status_code
    return count_shown(r.content.decode())


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        (COURSES, {}, 3),
        (COURSES, {"county": OWN_COUNTY}, 2),
        (COURSES, {"kind": "entrepreneurship"}, 1),
        (COURSES, {"month": "202304"}, 2),
        (COURSES, {"q": "创业学院"}, 1),
        (FAIRS, {"county": OTHER_COUNTY}, 1),
        (FAIRS, {"month": "202303"}, 1),
        (FAIRS, {"q": "春风"}, 1),
        (POSITIONS, {"area": "rural"}, 1),
        (POSITIONS, {"county": OWN_COUNTY}, 1),
        (POSITIONS, {"q": "林业站"}, 1),
        (PAIRS, {"mode": "one_to_one"}, 1),
        (PAIRS, {"county": OWN_COUNTY}, 1),
        (PAIRS, {"q": "就业中心"}, 1),
    ],
)
def test_filters_narrow(records, users, url, params, expected):
    assert _count(users, url, params) == expected


def test_a_county_sees_its_own(records, users):
    for url in (COURSES, FAIRS, POSITIONS, PAIRS):
        html = client_for(users[Role.COUNTY_OFFICER]).get(url).content.decode()
        assert "叶县" not in html.split('data-testid="filters"')[1].split("</form>")[1]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (COURSES, {"kind": "cooking"}),
        (COURSES, {"month": "2023-04"}),
        (FAIRS, {"kind": "online"}),
        (POSITIONS, {"area": "sea"}),
        (PAIRS, {"active": "sometimes"}),
        (PAIRS, {"sort": "persons"}),
    ],
)
def test_a_bad_value_is_a_400(records, users, url, params):
    assert client_for(users[Role.CITY_OFFICE]).get(url, params).status_code == 400


def test_sorting_courses_by_start(records, users):
    html = client_for(users[Role.CITY_OFFICE]).get(COURSES, {"sort": "starts"}).content.decode()
    body = html[html.index('data-testid="courses"') :]
    assert body.index("养老护理员培训班") < body.index("创业培训班")


def test_course_download(records, users):
    r = client_for(users[Role.CITY_OFFICE]).get(COURSES, {"county": OWN_COUNTY, "format": "xlsx"})
    headers, rows = xlsx(r)
    assert headers[:3] == ["课程名称", "培训类型", "技能方向"]
    assert sorted(column(headers, rows, "课程名称")) == ["养老护理员培训班", "创业培训班"]
    assert set(column(headers, rows, "县(市、区)")) == {"宝丰县"}
    assert "创业培训" in column(headers, rows, "培训类型")


def test_fair_download_has_its_counts(records, users):
    r = client_for(users[Role.CITY_OFFICE]).get(FAIRS, {"q": "春风", "format": "xlsx"})
    headers, rows = xlsx(r)
    assert column(headers, rows, "名称") == ["春风行动招聘会"]
    assert column(headers, rows, "参会求职者") == [1]
    assert column(headers, rows, "达成录用") == [0]
    assert column(headers, rows, "录用率") == ["0.0%"]


def test_position_and_pair_downloads(records, users):
    c = client_for(users[Role.CITY_OFFICE])
    headers, rows = xlsx(c.get(POSITIONS, {"area": "urban", "format": "xlsx"}))
    assert column(headers, rows, "岗位名称") == ["保洁员"]
    assert column(headers, rows, "类别") == ["城镇公益性岗位"]
    headers, rows = xlsx(c.get(PAIRS, {"active": "no", "format": "xlsx"}))
    assert column(headers, rows, "帮扶单位") == ["叶县就业中心"]
    assert column(headers, rows, "结对方式") == ["一对一"]


def test_pair_contact_masked_without_view_personal(records, users):
    member = client_for(users[Role.GROUP_MEMBER])
    headers, rows = xlsx(member.get(PAIRS, {"county": OWN_COUNTY, "format": "xlsx"}))
    (contact,) = column(headers, rows, "帮扶责任人")
    assert contact != "13812345678" and "****" in contact
    assert column(headers, rows, "帮扶对象人数") == [2]
    office = client_for(users[Role.CITY_OFFICE])
    headers, rows = xlsx(office.get(PAIRS, {"county": OWN_COUNTY, "format": "xlsx"}))
    assert column(headers, rows, "帮扶责任人") == ["13812345678"]


@pytest.mark.parametrize("role", [Role.LEADER, Role.GRID_WORKER, Role.AUDITOR])
@pytest.mark.parametrize("url", [COURSES, FAIRS, POSITIONS, PAIRS])
def test_no_create_form_for_a_reader(records, users, role, url):
    html = client_for(users[role]).get(url).content.decode()
    assert 'data-testid="create-form"' not in html


@pytest.mark.parametrize("url", [COURSES, FAIRS, POSITIONS, PAIRS])
def test_the_create_form_lists_regions_by_name(records, users, url):
    html = client_for(users[Role.COUNTY_OFFICER]).get(url).content.decode()
    assert 'data-testid="create-form"' in html and "宝丰县(410421)" not in html


@pytest.mark.parametrize("role", [Role.LEADER, "county-grid"])
def test_no_action_form_on_a_detail_page_for_a_reader(records, users, role):
    """The leader and the grid worker (even one whose grid is the county) see no form that would
    change a programme: the services answer them 403."""

    user = (
        make_user("grid-county", Role.GRID_WORKER, OWN_COUNTY)
        if role == "county-grid"
        else users[role]
    )
    c = client_for(user)
    for model, url in (
        (Course, "/programmes/courses/{}/"),
        (JobFair, "/programmes/fairs/{}/"),
        (PublicWelfarePosition, "/programmes/positions/{}/"),
        (Pair, "/programmes/pairs/{}/"),
    ):
        obj = model.objects.filter(region_id=OWN_COUNTY).first()
        r = c.get(url.format(obj.pk))
        assert r.status_code == 200
        assert 'name="action"' not in r.content.decode(), url


@pytest.mark.parametrize("role", list(Role))
def test_the_pages_show_no_code_to_any_role(records, users, role):
    c = client_for(users[role])
    pages = [COURSES, FAIRS, POSITIONS, PAIRS, "/programmes/"]
    for model, url in (
        (Course, "/programmes/courses/{}/"),
        (JobFair, "/programmes/fairs/{}/"),
        (PublicWelfarePosition, "/programmes/positions/{}/"),
        (Pair, "/programmes/pairs/{}/"),
    ):
        pages += [url.format(pk) for pk in model.objects.values_list("pk", flat=True)]
    for url in pages:
        r = c.get(url)
        if r.status_code == 404:  # out of the role's sight
            continue
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode(), until="变更记录") == [], url
