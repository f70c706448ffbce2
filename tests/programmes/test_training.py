"""Training (U4): amounts from policy, capacity, attendance threshold, completion, claims."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_course
from wenjiuye.core.models import Event
from wenjiuye.core.policy import policy_set
from wenjiuye.core.roles import Role
from wenjiuye.programmes import rules, services
from wenjiuye.programmes.models import Attendance, Enrolment

START = date(2023, 3, 1)


def test_course_takes_its_standards_from_policy_and_cites_them(policy, officer):
    course = make_course(officer)
    assert course.subsidy_per_person == Decimal("1200")
    assert course.living_allowance_per_day == Decimal("30")
    assert [c["key"] for c in course.policy] == [
        "programmes.training.subsidy_per_person.skills_upgrade",
        "programmes.training.living_allowance_per_day",
    ]
    assert all(c["source"] == "产品默认值(可调整)" for c in course.policy)
    event = Event.objects.get(object_type="programmes.course", object_id=str(course.pk))
    assert (event.action, event.region_code, event.actor) == ("create", "410421", officer)
    practical = make_course(officer, kind="practical", subtype="")
    assert practical.subsidy_per_person == Decimal("800")


def test_a_new_standard_applies_to_courses_starting_after_it(policy, officer, users):
    policy_set(
        actor=users[Role.CITY_OFFICE],
        key="programmes.training.living_allowance_per_day",
        value=40,
        effective_from=date(2023, 6, 1),
    )
    before = make_course(officer, starts=date(2023, 5, 31), ends=date(2023, 6, 30))
    after = make_course(officer, starts=date(2023, 6, 1), ends=date(2023, 6, 30))
    assert (before.living_allowance_per_day, after.living_allowance_per_day) == (30, 40)


def test_subtype_only_for_skills_upgrade(policy, officer):
    with pytest.raises(ValidationError, match="只有职业技能提升培训"):
        make_course(officer, kind="entrepreneurship", subtype="cooking")


def test_a_full_course_refuses_the_next_person_and_a_drop_frees_a_seat(policy, officer, people):
    course = make_course(officer, capacity=2)
    first, second, third = people["own"][:3]
    e1 = services.enrolment_add(actor=officer, course=course, person=first, enrolled_on=START)
    services.enrolment_add(actor=officer, course=course, person=second, enrolled_on=START)
    with pytest.raises(ValidationError, match="课程已满员:招生 2 人,已报名 2 人"):
        services.enrolment_add(actor=officer, course=course, person=third, enrolled_on=START)
    assert course.enrolments.count() == 2
    services.enrolment_drop(actor=officer, enrolment=e1, reason="外出务工")
    services.enrolment_add(actor=officer, course=course, person=third, enrolled_on=START)
    assert course.enrolments.exclude(status="dropped").count() == 2


def test_the_same_person_cannot_enrol_twice(policy, officer, people):
    course = make_course(officer)
    person = people["own"][0]
    services.enrolment_add(actor=officer, course=course, person=person, enrolled_on=START)
    with pytest.raises(ValidationError, match="已报名本课程"):
        services.enrolment_add(actor=officer, course=course, person=person, enrolled_on=START)


def _roll_call(course, enrolments_present: dict[Enrolment, int], days: int) -> None:
    """``days`` roll-call days; each enrolment present on its first N of them."""
    rows = []
    for enrolment, present in enrolments_present.items():
        for i in range(days):
            rows.append(
                Attendance(
                    enrolment=enrolment,
                    day=course.starts_on + timedelta(days=i),
                    present=i < present,
                )
            )
    Attendance.objects.bulk_create(rows)


def test_attendance_threshold_79_and_80_percent(policy, officer, people):
    course = make_course(officer, starts=date(2023, 1, 1), ends=date(2023, 4, 30))
    e80, e79 = (
        services.enrolment_add(actor=officer, course=course, person=p, enrolled_on=START)
        for p in people["own"][:2]
    )
    _roll_call(course, {e80: 80, e79: 79}, days=100)
    ok, short = rules.completion_check(e80), rules.completion_check(e79)
    assert (ok.met, ok.present, ok.sessions, ok.ratio) == (True, 80, 100, Decimal("0.8000"))
    assert (short.met, short.present, short.sessions) == (False, 79, 100)
    assert "出勤 79 天 / 点名 100 天 = 79.0%,结业要求不低于 80.0%,未达到" in short.reasons
    assert ok.policy[0]["key"] == "programmes.training.completion_min_attendance"

    done = services.enrolment_complete(actor=officer, enrolment=e80, on=date(2023, 4, 30))
    assert done.status == "completed" and done.completion["met"] is True
    with pytest.raises(ValidationError) as refused:
        services.enrolment_complete(actor=officer, enrolment=e79, on=date(2023, 4, 30))
    assert refused.value.messages[0] == "未达到结业条件"
    assert "79.0%" in refused.value.messages[1]
    e79.refresh_from_db()
    assert e79.status == "enrolled"


def test_a_missing_roll_call_counts_as_absent(policy, officer, people):
    course = make_course(officer)
    a, b = (
        services.enrolment_add(actor=officer, course=course, person=p, enrolled_on=START)
        for p in people["own"][:2]
    )
    for i in range(5):
        services.attendance_record(
            actor=officer, enrolment=a, day=START + timedelta(days=i), present=True
        )
    for i in range(4):
        services.attendance_record(
            actor=officer, enrolment=b, day=START + timedelta(days=i), present=True
        )
    # b has no record on day 5: 4 of 5 = 80 %, exactly the threshold
    assert rules.completion_check(b).met is True
    services.attendance_record(actor=officer, enrolment=b, day=START, present=False)  # correction
    check = rules.completion_check(b)
    assert (check.present, check.sessions, check.met) == (3, 5, False)
    b.refresh_from_db()
    assert b.status == "attending"
    corrected = Event.objects.filter(object_type="programmes.attendance", action="update")
    assert corrected.get().changes == {"present": [True, False]}


def test_completion_needs_the_course_to_have_ended_and_attendance_in_the_course(
    policy, officer, people
):
    course = make_course(officer)
    e = services.enrolment_add(
        actor=officer, course=course, person=people["own"][0], enrolled_on=START
    )
    with pytest.raises(ValidationError, match="考勤日期应在培训期"):
        services.attendance_record(actor=officer, enrolment=e, day=date(2023, 4, 1), present=True)
    services.attendance_record(actor=officer, enrolment=e, day=START, present=True)
    with pytest.raises(ValidationError, match="结业须在此之后确认"):
        services.enrolment_complete(actor=officer, enrolment=e, on=date(2023, 3, 30))
    services.enrolment_complete(actor=officer, enrolment=e, on=date(2023, 3, 31))


def test_claims_follow_completion_and_certificate(policy, officer, people):
    course = make_course(officer)
    done, dropped = (
        services.enrolment_add(actor=officer, course=course, person=p, enrolled_on=START)
        for p in people["own"][:2]
    )
    for i in range(10):
        day = START + timedelta(days=i)
        services.attendance_record(actor=officer, enrolment=done, day=day, present=i != 3)
        services.attendance_record(actor=officer, enrolment=dropped, day=day, present=True)
    services.enrolment_drop(actor=officer, enrolment=dropped, reason="找到工作")
    services.enrolment_complete(actor=officer, enrolment=done, on=course.ends_on)

    claim = rules.training_claim(done)
    assert (claim["subsidy"], claim["living_allowance"], claim["total"]) == (
        "0.00",
        "270.00",
        "270.00",
    )
    assert any("未登记证书" in r for r in claim["reasons"])
    assert "生活费补助:出勤 9 天 × 30.00 元/天 = 270.00 元" in claim["reasons"]
    keys = {c["key"] for c in claim["policy"]}
    assert "programmes.training.subsidy_requires_certificate" in keys

    services.certificate_issue(
        actor=officer,
        enrolment=done,
        number="BF2023-001",
        kind="skill_level",
        issued_on=date(2023, 4, 5),
    )
    done.refresh_from_db()
    claim = rules.training_claim(done)
    assert (claim["subsidy"], claim["total"]) == ("1200.00", "1470.00")

    dropped_claim = rules.training_claim(dropped)
    assert dropped_claim["total"] == "0.00" and dropped_claim["completion"]["met"] is False


def test_certificate_rules(policy, officer, people):
    course = make_course(officer)
    e1, e2 = (
        services.enrolment_add(actor=officer, course=course, person=p, enrolled_on=START)
        for p in people["own"][:2]
    )
    with pytest.raises(ValidationError, match="尚未结业"):
        services.certificate_issue(
            actor=officer, enrolment=e1, number="X1", kind="training", issued_on=date(2023, 4, 1)
        )
    for e in (e1, e2):
        services.attendance_record(actor=officer, enrolment=e, day=START, present=True)
        services.enrolment_complete(actor=officer, enrolment=e, on=course.ends_on)
    services.certificate_issue(
        actor=officer, enrolment=e1, number="X1", kind="training", issued_on=date(2023, 4, 1)
    )
    with pytest.raises(ValidationError, match="证书编号 X1 已被登记"):
        services.certificate_issue(
            actor=officer, enrolment=e2, number="X1", kind="training", issued_on=date(2023, 4, 1)
        )
    with pytest.raises(ValidationError, match="不能再登记考勤"):
        services.attendance_record(actor=officer, enrolment=e1, day=START, present=False)
