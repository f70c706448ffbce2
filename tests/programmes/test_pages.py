"""Pages: Chinese, county-scoped (404 out of scope), 403 on a change without WRITE,
400 with the reason for a refused rule, ID numbers masked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests.factories import OWN_COUNTY, make_course, other_region, own_region
from tests.lists import client_for
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.programmes import pairing, services
from wenjiuye.programmes.models import Attendance, Course, Enrolment


@pytest.fixture
def courses(policy, users):
    office = users[Role.CITY_OFFICE]
    return {
        "own": make_course(office, capacity=1),
        "other": make_course(office, region=other_region()),
    }


def test_lists_show_only_the_own_county(courses, users):
    county = client_for(users[Role.COUNTY_OFFICER])
    page = county.get(reverse("programmes-course-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("programmes-course-detail", args=[courses["own"].pk]) in html
    assert reverse("programmes-course-detail", args=[courses["other"].pk]) not in html
    assert "新建课程" in html
    for name in (
        "programmes-home",
        "programmes-fair-list",
        "programmes-position-list",
        "programmes-pair-list",
    ):
        assert county.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "programmes-course-detail",
        "programmes-fair-detail",
        "programmes-position-detail",
        "programmes-pair-detail",
    ],
)
def test_other_county_detail_is_404(policy, users, people, name):
    office = users[Role.CITY_OFFICE]
    region = other_region()
    objects = {
        "programmes-course-detail": lambda: make_course(office, region=region),
        "programmes-fair-detail": lambda: services.fair_create(
            actor=office, title="f", held_on=date(2023, 5, 1), venue="v", region=region
        ),
        "programmes-position-detail": lambda: services.position_create(
            actor=office,
            title="p",
            area="urban",
            unit="u",
            region=region,
            count=1,
            opened_on=date(2023, 1, 1),
        ),
        "programmes-pair-detail": lambda: pairing.pair_create(
            actor=office,
            helper_kind="institution",
            helper_name="工会",
            mode="one_to_one",
            persons=[people["other"][0]],
            region=region,
            starts_on=date(2023, 1, 1),
        ),
    }
    obj = objects[name]()
    county = client_for(users[Role.COUNTY_OFFICER])
    assert county.get(reverse(name, args=[obj.pk])).status_code == 404
    assert county.post(reverse(name, args=[obj.pk]), {"action": "x"}).status_code == 404
    assert client_for(users[Role.LEADER]).get(reverse(name, args=[obj.pk])).status_code == 200


def test_leader_cannot_change(courses, users, people):
    leader = client_for(users[Role.LEADER])
    url = reverse("programmes-course-detail", args=[courses["own"].pk])
    page = leader.get(url)
    assert page.status_code == 200 and "报名" not in page.content.decode().split("学员、结业")[0]
    refused = leader.post(
        url,
        {"action": "enrol", "id_number": people["own"][0].id_number, "enrolled_on": "2023-03-01"},
    )
    assert refused.status_code == 403
    assert leader.post(reverse("programmes-course-list"), {"title": "x"}).status_code == 403
    assert not Enrolment.objects.exists()


def test_enrol_roll_call_complete_through_the_page(courses, users, people):
    county = client_for(users[Role.COUNTY_OFFICER])
    course = courses["own"]
    url = reverse("programmes-course-detail", args=[course.pk])
    first, second = people["own"][:2]
    ok = county.post(
        url, {"action": "enrol", "id_number": first.id_number, "enrolled_on": "2023-03-01"}
    )
    assert ok.status_code == 302
    full = county.post(
        url, {"action": "enrol", "id_number": second.id_number, "enrolled_on": "2023-03-01"}
    )
    assert full.status_code == 400
    assert "课程已满员:招生 1 人,已报名 1 人" in full.content.decode()
    stranger = county.post(
        url,
        {"action": "enrol", "id_number": people["other"][0].id_number, "enrolled_on": "2023-03-01"},
    )
    assert stranger.status_code == 400
    assert "不在您的管辖范围内" in stranger.content.decode()

    enrolment = Enrolment.objects.get(course=course)
    for i in range(5):
        day = (course.starts_on + timedelta(days=i)).isoformat()
        data = {"action": "roll_call", "day": day}
        if i != 0:
            data["present"] = str(enrolment.pk)
        assert county.post(url, data).status_code == 302
    assert Attendance.objects.filter(enrolment=enrolment, present=True).count() == 4
    done = county.post(
        url, {"action": "complete", "enrolment": enrolment.pk, "on": course.ends_on.isoformat()}
    )
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    html = county.get(url).content.decode()
    assert mask_id(first.id_number) in html and first.id_number not in html
    assert "出勤 4 天 / 点名 5 天 = 80.0%" in html
    assert "生活费补助:出勤 4 天 × 30.00 元/天 = 120.00 元" in html
    assert (
        Event.objects.filter(
            object_type="programmes.attendance", actor=users[Role.COUNTY_OFFICER]
        ).count()
        == 5
    )


def test_create_course_in_form_uses_scope(policy, users):
    county = client_for(users[Role.COUNTY_OFFICER])
    data = {
        "title": "创业培训班",
        "kind": "entrepreneurship",
        "subtype": "",
        "provider": "SYB",
        "region": OWN_COUNTY,
        "starts_on": "2023-04-01",
        "ends_on": "2023-04-10",
        "hours": 40,
        "capacity": 30,
    }
    assert county.post(reverse("programmes-course-list"), data).status_code == 302
    assert Course.objects.get().subsidy_per_person == 1000
    other = county.post(reverse("programmes-course-list"), {**data, "region": "410422"})
    assert other.status_code == 400  # not a choice in the county user's form
    assert Course.objects.count() == 1


def test_position_page_shows_over_term_flag(policy, users, people):
    county = users[Role.COUNTY_OFFICER]
    position = services.position_create(
        actor=county,
        title="护林员",
        area="rural",
        unit="林站",
        region=own_region(),
        count=1,
        opened_on=date(2020, 1, 1),
    )
    services.placement_start(
        actor=county, position=position, person=people["own"][0], starts_on=date(2020, 1, 1)
    )
    html = (
        client_for(county)
        .get(reverse("programmes-position-detail", args=[position.pk]))
        .content.decode()
    )
    assert "超期在岗:安置期 12 个月已于 2020-12-31 届满" in html
    assert "12 个月 × 500.00 元 = 6000.00 元" in html


def test_create_fair_position_pair_and_act_through_pages(
    policy, users, people, enterprises, layoff_reports
):
    county = client_for(users[Role.COUNTY_OFFICER])
    fair = county.post(
        reverse("programmes-fair-list"),
        {
            "title": "专场招聘会",
            "held_on": "2023-05-20",
            "venue": "人才市场",
            "region": OWN_COUNTY,
            "kind": "layoff",
            "layoff_report_id": str(layoff_reports["own"].pk),
        },
    )
    assert fair.status_code == 302
    fair_url = fair["Location"]
    assert (
        county.post(
            fair_url,
            {
                "action": "employer",
                "uscc": enterprises["own"].uscc,
                "booth": "A1",
                "vacancies": "3",
            },
        ).status_code
        == 302
    )
    person = people["own"][0]
    assert (
        county.post(fair_url, {"action": "attendee", "id_number": person.id_number}).status_code
        == 302
    )
    html = county.get(fair_url).content.decode()
    assert mask_id(person.id_number) in html and person.id_number not in html
    assert 'data-testid="hire-rate">0.0%' in html

    position = county.post(
        reverse("programmes-position-list"),
        {
            "title": "保洁",
            "area": "urban",
            "unit": "街道办",
            "region": OWN_COUNTY,
            "count": "1",
            "opened_on": "2023-01-01",
        },
    )
    assert position.status_code == 302
    assert (
        county.post(
            position["Location"],
            {"action": "place", "id_number": person.id_number, "starts_on": "2023-01-01"},
        ).status_code
        == 302
    )
    second = county.post(
        position["Location"],
        {"action": "place", "id_number": people["own"][1].id_number, "starts_on": "2023-01-01"},
    )
    assert second.status_code == 400 and "岗位已满" in second.content.decode()

    pair = county.post(
        reverse("programmes-pair-list"),
        {
            "region": OWN_COUNTY,
            "helper_kind": "institution",
            "helper_name": "县工商联",
            "mode": "one_to_many",
            "id_numbers": f"{person.id_number}\n{people['own'][1].id_number}",
            "starts_on": "2023-02-01",
        },
    )
    assert pair.status_code == 302
    assert "县工商联" in county.get(pair["Location"]).content.decode()
    bad = county.post(
        reverse("programmes-pair-list"),
        {
            "region": OWN_COUNTY,
            "helper_kind": "institution",
            "helper_name": "县工商联",
            "mode": "one_to_one",
            "id_numbers": "",
            "starts_on": "2023-02-01",
        },
    )
    assert bad.status_code == 400
