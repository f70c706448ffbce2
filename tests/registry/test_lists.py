"""The enterprise and person lists: search (name, USCC, exact ID through the audited lookup),
county and industry filters, sorting, and the .xlsx download (masked unless the role may see
personal data, then audited)."""

from __future__ import annotations

import re

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id, make_uscc
from tests.lists import sheet_rows
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.registry.id_lookup import ID_LOOKUP_NOTE
from wenjiuye.registry.models import Enterprise, Person

PID = make_id(OWN_COUNTY, "19850612", 31)


@pytest.fixture
def registry(users):
    firms = {
        "steel": Enterprise.objects.create(
            uscc=make_uscc(OWN_COUNTY, 11), name="宝丰钢铁", region_id=OWN_GRID, industry="3120",
            employees=900,
        ),
        "coke": Enterprise.objects.create(
            uscc=make_uscc(OWN_COUNTY, 12), name="宝丰焦化", region_id=OWN_COUNTY,
            industry="C2521", employees=300,
        ),
        "build": Enterprise.objects.create(
            uscc=make_uscc(OTHER_COUNTY, 13), name="叶县建工", region_id=OTHER_COUNTY,
            industry="4710", employees=120,
        ),
    }  # fmt: skip
    people = {
        "zhang": Person.objects.create(id_number=PID, name="张三", gender="M",
                                       birth_date="1985-06-12", region_id=OWN_GRID,
                                       phone="13800001111"),
        "li": Person.objects.create(id_number=make_id(OTHER_COUNTY, "19900101", 32), name="李四",
                                    gender="F", birth_date="1990-01-01", region_id=OTHER_COUNTY),
    }  # fmt: skip
    return {**firms, **people}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:300]
    return [x.name for x in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["叶县建工", "宝丰焦化", "宝丰钢铁"]),
        (f"county={OWN_COUNTY}", ["宝丰焦化", "宝丰钢铁"]),
        ("industry=31", ["宝丰钢铁"]),
        ("industry=25", ["宝丰焦化"]),  # stored as C2521
        ("q=焦化", ["宝丰焦化"]),
        (f"q={make_uscc(OTHER_COUNTY, 13)}", ["叶县建工"]),
        (f"q={make_uscc(OWN_COUNTY, 11)[:17].lower()}", ["宝丰钢铁"]),
    ],
)
def test_enterprise_list_filters_and_search(client, users, registry, query, expected):
    client.force_login(users[Role.CITY_OFFICE])
    assert sorted(names(client.get(f"/enterprises/?{query}"))) == sorted(expected)


def test_enterprise_list_sorts_and_refuses_bad_values(client, users, registry):
    client.force_login(users[Role.CITY_OFFICE])
    by_staff = names(client.get("/enterprises/?sort=-employees"))
    assert by_staff == ["宝丰钢铁", "宝丰焦化", "叶县建工"]
    assert names(client.get("/enterprises/?sort=employees")) == by_staff[::-1]
    for query in ("county=410499", "industry=99", "sort=password"):
        assert client.get(f"/enterprises/?{query}").status_code == 400, query


def test_enterprise_list_in_chinese_linked_to_the_file(client, users, registry):
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get("/enterprises/")
    assert names(response) == ["宝丰焦化", "宝丰钢铁"]  # the county's only
    page = response.content.decode()
    assert "炼钢(3120)" in page and "炼焦(2521)" in page and "宝丰县" in page
    assert f'href="/enterprises/{registry["steel"].uscc}/"' in page
    industry = {f.name: f for f in response.context["listing"].filters}["industry"]
    assert industry.options == [("25", "石油、煤炭及其他燃料加工业(25)"),
                                ("31", "黑色金属冶炼和压延加工业(31)")]  # fmt: skip
    assert client.get("/enterprises/?industry=47").status_code == 400  # none in the county


def test_enterprise_download(client, users, registry):
    client.force_login(users[Role.LEADER])
    rows = sheet_rows(client.get("/enterprises/?industry=31&format=xlsx"))
    assert rows[0] == ["统一社会信用代码", "单位名称", "所在地区", "行业", "职工总数", "外贸企业",
                       "区域、行业中具有较大影响力"]  # fmt: skip
    assert rows[1:] == [
        [registry["steel"].uscc, "宝丰钢铁", "测试街道", "炼钢(3120)", 900, "否", "否"]
    ]
    assert Event.objects.filter(action=Event.Action.EXPORT, object_type="list.enterprises").exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["张三", "李四"]),
        (f"county={OTHER_COUNTY}", ["李四"]),
        ("gender=F", ["李四"]),
        ("q=张", ["张三"]),
        (f"q={PID}", ["张三"]),
        (f"q={PID.lower()}", ["张三"]),
        (f"q={PID[:14]}", []),  # never part of an ID number
    ],
)
def test_person_list_filters_and_search(client, users, registry, query, expected):
    client.force_login(users[Role.CITY_OFFICE])
    assert sorted(names(client.get(f"/persons/?{query}"))) == sorted(expected)


def test_exact_id_search_is_audited_and_limited_for_roles_without_view_personal(
    client, users, registry, settings
):
    member = users[Role.GROUP_MEMBER]
    client.force_login(member)
    assert names(client.get(f"/persons/?q={PID}")) == ["张三"]
    lookup = Event.objects.get(actor=member, note=ID_LOOKUP_NOTE)
    assert lookup.changes["where"] == "registry.person_list" and lookup.changes["found"] is True
    settings.ID_LOOKUPS_PER_HOUR = 1
    assert client.get(f"/persons/?q={PID}").status_code == 429
    assert client.get("/persons/?q=张").status_code == 200  # names are not limited
    # a role that may see personal data is not counted
    client.force_login(users[Role.CITY_OFFICE])
    assert names(client.get(f"/persons/?q={PID}")) == ["张三"]
    assert not Event.objects.filter(actor=users[Role.CITY_OFFICE], note=ID_LOOKUP_NOTE).exists()


def test_person_list_page_masks(client, users, registry):
    client.force_login(users[Role.CITY_OFFICE])
    page = client.get("/persons/").content.decode()
    assert PID not in page and "13800001111" not in page and "测试街道" in page
    assert not re.search(
        r"(?<!\d)4104\d\d(?!\d)", page.split("<main")[1].replace('value="4104', "")
    )


def test_person_download_masked_for_a_role_without_view_personal(client, users, registry):
    client.force_login(users[Role.LEADER])
    rows = sheet_rows(client.get(f"/persons/?county={OWN_COUNTY}&format=xlsx"))
    assert rows[0] == ["姓名", "公民身份号码", "性别", "出生日期", "手机号", "常住地"]
    assert len(rows) == 2
    name, pid, gender, birth, phone, region = rows[1]
    assert (name, gender, region) == ("张三", "男", "测试街道")
    assert pid == PID[:4] + "*" * 13 + PID[-1] and birth == "1985-**-**" and phone == "138****1111"
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.persons")
    assert event.changes["unmasked"] is False


def test_person_download_in_full_is_audited(client, users, registry):
    office = users[Role.CITY_OFFICE]
    client.force_login(office)
    rows = sheet_rows(client.get(f"/persons/?county={OWN_COUNTY}&format=xlsx"))
    assert rows[1][1:5] == [PID, "男", "1985-06-12", "13800001111"]
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.persons")
    assert event.actor == office and event.changes["unmasked"] is True
    assert "含完整个人信息" in event.note
