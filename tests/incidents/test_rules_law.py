"""Mass-incident rules against the plan's text (总体预案 三(六), 突发事件处置预案 三(一)(三)(八)).

"50人以上", "100人以上", "百人以上" include the number; "不超过5人" includes 5.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.incidents.conftest import T0
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.incidents import services
from wenjiuye.response.rules import incident_escalation

DAY = date(2022, 11, 1)
ALWAYS = {"当地党委政府", "上级人力资源社会保障部门", "局党组"}


def to(result) -> set[str]:
    return {r["to"] for r in result["recipients"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("people", "city", "province"),
    [
        (1, False, False),
        (49, False, False),
        (50, True, False),
        (99, True, False),
        (100, True, True),
    ],
)
def test_recipients_at_49_50_99_100(policy, people, city, province):
    got = to(incident_escalation(people=people, on=DAY))
    assert got >= ALWAYS
    assert ("市人社局" in got) is city  # E8: 50人以上 → city bureau
    assert ("省人社厅" in got) is province  # E8: 100人以上 → province
    assert ({"市委", "市政府"} <= got) is province  # I8: 百人以上 → city committee and government


@pytest.mark.django_db
def test_the_plan_thresholds_start_on_the_day_the_plan_was_issued(policy):
    assert "市人社局" in to(incident_escalation(people=50, on=date(2022, 10, 14)))
    with pytest.raises(PolicyNotInForce):
        incident_escalation(people=50, on=date(2022, 10, 13))


@pytest.mark.django_db
@pytest.mark.parametrize(("people", "expected"), [(49, 3), (50, 4), (99, 4), (100, 7)])
def test_each_recipient_is_one_deadline_30_minutes_after_learning(
    policy, users, county, people, expected
):
    incident = services.incident_create(
        actor=users[Role.COUNTY_OFFICER],
        region=county,
        occurred_at=T0 - timedelta(minutes=5),
        place="宝丰县某厂",
        cause="layoff",
        people=people,
        at=T0,
    )
    reports = [d for d in deadlines_for(incident) if d.kind.startswith(services.REPORT_KIND)]
    assert len(reports) == expected
    assert {d.due_at for d in reports} == {T0 + timedelta(minutes=30)}


@pytest.mark.django_db
def test_five_representatives_accepted_the_sixth_refused(policy, users, county):
    officer = users[Role.COUNTY_OFFICER]
    incident = services.incident_create(
        actor=officer,
        region=county,
        occurred_at=T0 - timedelta(minutes=5),
        place="宝丰县某厂",
        cause="pay",
        people=40,
        at=T0,
    )
    for i in range(5):
        services.representative_add(actor=officer, incident=incident, name=f"代表{i + 1}")
    with pytest.raises(ValidationError):
        services.representative_add(actor=officer, incident=incident, name="代表6")
    assert incident.representatives.count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize("cause", ["pay", "hours", "rest"])
def test_i2_pay_incident_below_100_is_still_reported_to_city_and_province(
    policy, users, county, cause
):
    """I2 (突发事件处置预案 三(一)): an incident over pay, hours or rest is reported “及时向局党组、
    市委、市政府和省人社厅报告” whatever its size; I8's 100 people make the reports simultaneous."""
    incident = services.incident_create(
        actor=users[Role.COUNTY_OFFICER],
        region=county,
        occurred_at=T0 - timedelta(minutes=5),
        place="宝丰县某厂",
        cause=cause,
        people=30,
        at=T0,
    )
    got = {d.kind.removeprefix(services.REPORT_KIND) for d in deadlines_for(incident)}
    assert {"局党组", "市委", "市政府", "省人社厅"} <= got
    assert "市人社局" not in got  # 50 people make the city bureau a recipient (E8)
