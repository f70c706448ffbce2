"""The JSON API: 201 on success, 400 with the reason for a refused rule, 403 without the
capability or outside scope, 404 for records out of scope, masked ID numbers."""

from __future__ import annotations

from datetime import date

from django.test import Client

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_course, other_region
from tests.lists import client_for
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.roles import Role
from wenjiuye.programmes import services

API = "/api/programmes"
COURSE = {
    "title": "烹饪培训班",
    "kind": "skills_upgrade",
    "subtype": "cooking",
    "provider": "县技工学校",
    "region": OWN_COUNTY,
    "starts_on": "2023-03-01",
    "ends_on": "2023-03-31",
    "hours": 80,
    "capacity": 1,
}


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_course_lifecycle_and_reasons(policy, users, people):
    county = client_for(users[Role.COUNTY_OFFICER])
    response = post(county, f"{API}/courses/", COURSE)
    assert response.status_code == 201, response.content
    course = response.json()
    assert (course["subsidy_per_person"], course["enrolled"]) == ("1200.00", 0)
    first, second = people["own"][:2]
    enrolled = post(
        county,
        f"{API}/courses/{course['id']}/enrolments/",
        {"person": first.pk, "enrolled_on": "2023-03-01"},
    )
    assert enrolled.status_code == 201
    assert enrolled.json()["person"]["id_number"] == mask_id(first.id_number)
    assert first.id_number not in enrolled.content.decode()
    full = post(
        county,
        f"{API}/courses/{course['id']}/enrolments/",
        {"person": second.pk, "enrolled_on": "2023-03-01"},
    )
    assert full.status_code == 400
    assert full.json()["detail"] == ["课程已满员:招生 1 人,已报名 1 人"]

    enrolment = enrolled.json()["id"]
    ok = post(
        county, f"{API}/enrolments/{enrolment}/attendance/", {"day": "2023-03-02", "present": False}
    )
    assert ok.status_code == 200
    refused = post(county, f"{API}/enrolments/{enrolment}/complete/", {"on": "2023-03-31"})
    assert refused.status_code == 400
    assert refused.json()["detail"][0] == "未达到结业条件"
    assert "0.0%" in refused.json()["detail"][1]
    completion = county.get(f"{API}/enrolments/{enrolment}/completion/").json()
    assert (completion["met"], completion["present"], completion["sessions"]) == (False, 0, 1)


def test_bad_input_answers_4xx_not_500(policy, users):
    county = client_for(users[Role.COUNTY_OFFICER])
    assert post(county, f"{API}/courses/", {**COURSE, "kind": "yoga"}).json() == {
        "detail": ["未知培训类型"]
    }
    unknown_region = post(county, f"{API}/courses/", {**COURSE, "region": "999999"})
    assert unknown_region.status_code == 400
    assert "区划代码 999999 不存在" in unknown_region.json()["detail"][0]
    missing = post(county, f"{API}/courses/", {"title": "x"})
    assert missing.status_code == 422
    assert county.get(f"{API}/courses/999999/").status_code == 404


def test_other_county_is_404_to_read_and_403_to_create(policy, users):
    office = users[Role.CITY_OFFICE]
    theirs = make_course(office, region=other_region())
    county = client_for(users[Role.COUNTY_OFFICER])
    assert county.get(f"{API}/courses/{theirs.pk}/").status_code == 404
    assert (
        post(
            county,
            f"{API}/courses/{theirs.pk}/enrolments/",
            {"person": 1, "enrolled_on": "2023-03-01"},
        ).status_code
        == 404
    )
    created = post(county, f"{API}/courses/", {**COURSE, "region": OTHER_COUNTY})
    assert created.status_code == 403
    assert "管辖范围" in created.json()["detail"]
    assert [c["id"] for c in county.get(f"{API}/courses/").json()] == []


def test_leader_reads_but_cannot_write(policy, users):
    leader = client_for(users[Role.LEADER])
    assert leader.get(f"{API}/courses/").status_code == 200
    assert post(leader, f"{API}/courses/", COURSE).status_code == 403
    assert (
        post(
            leader,
            f"{API}/positions/",
            {
                "title": "保洁",
                "area": "urban",
                "unit": "街道",
                "region": OWN_COUNTY,
                "count": 1,
                "opened_on": "2023-01-01",
            },
        ).status_code
        == 403
    )


def test_anonymous_is_refused(policy, db):
    assert Client().get(f"{API}/courses/").status_code == 401


def test_fair_position_and_pair_endpoints(policy, users, people, enterprises, layoff_reports):
    county = client_for(users[Role.COUNTY_OFFICER])
    fair = post(
        county,
        f"{API}/fairs/",
        {
            "title": "专场",
            "held_on": "2023-05-20",
            "venue": "县人才市场",
            "region": OWN_COUNTY,
            "kind": "layoff",
            "layoff_report_id": layoff_reports["own"].pk,
        },
    ).json()
    employer = post(
        county,
        f"{API}/fairs/{fair['id']}/employers/",
        {"uscc": enterprises["other"].uscc, "booth": "B1", "vacancies": 5},
    )
    assert employer.status_code == 201
    unknown = post(county, f"{API}/fairs/{fair['id']}/employers/", {"uscc": "X" * 18})
    assert unknown.status_code == 404
    person = people["own"][0]
    post(county, f"{API}/fairs/{fair['id']}/attendees/", {"person": person.pk})
    hired = post(
        county,
        f"{API}/fairs/{fair['id']}/hires/",
        {"person": person.pk, "employer": employer.json()["id"], "hired_on": "2023-05-21"},
    )
    assert hired.status_code == 201
    assert (hired.json()["hires"], hired.json()["hire_rate"]) == (1, "1.0000")

    position = post(
        county,
        f"{API}/positions/",
        {
            "title": "保洁",
            "area": "urban",
            "unit": "街道",
            "region": OWN_COUNTY,
            "count": 2,
            "opened_on": "2023-01-01",
        },
    ).json()
    placed = post(
        county,
        f"{API}/positions/{position['id']}/placements/",
        {"person": person.pk, "starts_on": "2023-01-01"},
    )
    assert placed.status_code == 201
    again = post(
        county,
        f"{API}/positions/{position['id']}/placements/",
        {"person": person.pk, "starts_on": "2023-02-01"},
    )
    assert again.status_code == 400
    assert "同一时间只能安置一个公益性岗位" in again.json()["detail"][0]
    detail = county.get(f"{API}/placements/{placed.json()['id']}/?on=2023-04-01").json()
    assert (detail["status"]["subsidy_months"], detail["status"]["subsidy_amount"]) == (
        3,
        "3000.00",
    )
    check = post(
        county,
        f"{API}/placements/{placed.json()['id']}/checks/",
        {"checked_on": "2023-03-01", "method": "phone", "result": "ok", "finding": "电话回访,在岗"},
    )
    assert check.status_code == 201

    pair = post(
        county,
        f"{API}/pairs/",
        {
            "helper_kind": "enterprise",
            "helper_uscc": enterprises["own"].uscc,
            "mode": "one_to_many",
            "persons": [person.pk],
            "region": OWN_COUNTY,
            "starts_on": "2023-03-01",
        },
    )
    assert pair.status_code == 400
    assert "一对多" in pair.json()["detail"][0]
    stranger = post(
        county,
        f"{API}/pairs/",
        {
            "helper_kind": "institution",
            "helper_name": "妇联",
            "mode": "one_to_one",
            "persons": [people["other"][0].pk],
            "region": OWN_COUNTY,
            "starts_on": "2023-03-01",
        },
    )
    assert stranger.status_code == 404


def test_city_placement_in_other_county_is_hidden_from_county(policy, users, people):
    office = users[Role.CITY_OFFICE]
    position = services.position_create(
        actor=office,
        title="护林",
        area="rural",
        unit="林业站",
        region=other_region(),
        count=1,
        opened_on=date(2023, 1, 1),
    )
    placement = services.placement_start(
        actor=office, position=position, person=people["other"][0], starts_on=date(2023, 1, 1)
    )
    county = client_for(users[Role.COUNTY_OFFICER])
    assert county.get(f"{API}/placements/{placement.pk}/").status_code == 404
    assert (
        post(
            county,
            f"{API}/placements/{placement.pk}/exit/",
            {"exited_on": "2023-02-01", "reason": "x"},
        ).status_code
        == 404
    )
