"""Mass incidents: escalation by number of people, representatives, demands, review and closing,
against the plan's text (总体预案 三(六), 突发事件处置预案 三(一)(三)(八)).

"50人以上", "100人以上", "百人以上" include the number; "不超过5人" includes 5. Who is told is
``wenjiuye.response.rules.incident_escalation``, tested in tests/response/test_rules.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import OTHER_COUNTY, T0
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.incidents import services
from wenjiuye.incidents.models import Demand, Incident

BASE = {"当地党委政府", "上级人力资源社会保障部门", "局党组"}
CITY = {"市人社局"}
PROVINCE = {"省人社厅", "市委", "市政府"}


def make(users, county, people, cause="pay", **extra):
    return services.incident_create(
        actor=users[Role.COUNTY_OFFICER],
        region=county,
        occurred_at=T0 - timedelta(minutes=20),
        place="宝丰县某厂门口",
        cause=cause,
        people=people,
        at=T0,
        **extra,
    )


def recipients(incident):
    return {
        d.kind.removeprefix(services.REPORT_KIND)
        for d in deadlines_for(incident)
        if d.kind.startswith(services.REPORT_KIND)
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (1, BASE),
        (49, BASE),
        (50, BASE | CITY),
        (99, BASE | CITY),
        (100, BASE | CITY | PROVINCE),
    ],
)
def test_escalation_boundaries(policy, users, county, people, expected):
    incident = make(users, county, people, cause="layoff")  # pay/hours/rest: see I2 below
    assert recipients(incident) == expected
    for deadline in deadlines_for(incident):
        assert deadline.due_at == T0 + timedelta(minutes=30)
        assert deadline.region_id == county.code
        assert deadline.clause in {"E8", "I2", "E8,I8", "I8"}
        assert deadline.policy["parameters"]["incident.report.due_minutes"]["value"] == 30


@pytest.mark.django_db
def test_raising_the_number_adds_only_the_new_escalations(policy, users, county):
    incident = make(users, county, 30, cause="layoff")
    first = {d.kind: d.pk for d in deadlines_for(incident)}
    later = T0 + timedelta(hours=1)
    services.incident_set_people(
        actor=users[Role.COUNTY_OFFICER], incident=incident, people=120, at=later
    )
    after = {d.kind: d for d in deadlines_for(incident)}
    assert recipients(incident) == BASE | CITY | PROVINCE
    for kind, pk in first.items():
        assert after[kind].pk == pk and after[kind].due_at == T0 + timedelta(minutes=30)
    assert after[services.REPORT_KIND + "省人社厅"].due_at == later + timedelta(minutes=30)
    # again: nothing new
    services.incident_set_people(
        actor=users[Role.COUNTY_OFFICER], incident=incident, people=150, at=later
    )
    assert deadlines_for(incident).count() == len(BASE | CITY | PROVINCE)


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


@pytest.mark.django_db
def test_at_most_five_representatives(policy, users, county):
    incident = make(users, county, 60)
    officer = users[Role.COUNTY_OFFICER]
    for i in range(5):
        services.representative_add(actor=officer, incident=incident, name=f"代表{i}")
    with pytest.raises(ValidationError) as exc:
        services.representative_add(actor=officer, incident=incident, name="代表6")
    assert "不超过5人" in str(exc.value)
    assert incident.representatives.count() == 5


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
def test_representative_id_is_validated_and_reveal_is_audited(policy, users, county):
    from tests.factories import make_id

    incident = make(users, county, 10)
    officer = users[Role.COUNTY_OFFICER]
    with pytest.raises(ValidationError):
        services.representative_add(
            actor=officer, incident=incident, name="张三", id_number="410421198001010000"
        )
    good = make_id("410421", "19800101", 7)
    rep = services.representative_add(
        actor=officer, incident=incident, name="张三", id_number=good, phone="13800001111"
    )
    before = Event.objects.filter(action=Event.Action.VIEW_UNMASKED).count()
    assert services.representative_reveal(actor=officer, representative=rep)["id_number"] == good
    assert Event.objects.filter(action=Event.Action.VIEW_UNMASKED).count() == before + 1
    with pytest.raises(PermissionDenied):
        services.representative_reveal(actor=users[Role.GROUP_MEMBER], representative=rep)
    with pytest.raises(PermissionDenied):
        services.representative_reveal(actor=users[Role.LEADER], representative=rep)


@pytest.mark.django_db
def test_demands_on_the_spot_and_referred_with_deadline(policy, users, county, unit):
    incident = make(users, county, 10)
    officer = users[Role.COUNTY_OFFICER]
    spot = services.demand_add(
        actor=officer,
        incident=incident,
        text="何时发放工资",
        handling="on_spot",
        result="本周五",
        at=T0,
    )
    assert spot.answered_at == T0 and not deadlines_for(spot).exists()
    with pytest.raises(ValidationError):
        services.demand_add(actor=officer, incident=incident, text="补缴社保", handling="referred")
    referred = services.demand_add(
        actor=officer,
        incident=incident,
        text="补缴社保",
        handling="referred",
        unit=unit,
        time_limit_days=15,
        at=T0,
    )
    deadline = deadlines_for(referred).get()
    assert (deadline.kind, deadline.unit, deadline.due_at, deadline.clause) == (
        services.DEMAND_KIND,
        unit,
        T0 + timedelta(days=15),
        "I4",
    )
    services.demand_answer(actor=officer, demand=referred, result="已补缴")
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.DONE
    assert Demand.objects.get(pk=referred.pk).result == "已补缴"


@pytest.mark.django_db
def test_closing_needs_the_review(policy, users, county):
    incident = make(users, county, 10)
    officer = users[Role.COUNTY_OFFICER]
    services.incident_set_status(actor=officer, incident=incident, status="under_control")
    with pytest.raises(ValidationError) as exc:
        services.incident_close(actor=officer, incident=incident)
    assert "事后复盘" in str(exc.value)
    with pytest.raises(ValidationError):
        services.incident_review(
            actor=officer, incident=incident, causes="欠薪", problems="", lessons="早发现"
        )
    services.incident_review(
        actor=officer, incident=incident, causes="欠薪", problems="预警滞后", lessons="早发现"
    )
    closed = services.incident_close(actor=officer, incident=incident)
    assert closed.status == Incident.Status.CLOSED and closed.closed_at is not None
    with pytest.raises(ValidationError):
        services.incident_set_people(actor=officer, incident=closed, people=200)
    with pytest.raises(ValidationError):
        services.incident_set_status(actor=officer, incident=closed, status="open")


@pytest.mark.django_db
def test_status_moves_forward_only(policy, users, county):
    incident = make(users, county, 10)
    officer = users[Role.COUNTY_OFFICER]
    services.incident_set_status(actor=officer, incident=incident, status="resolved")
    with pytest.raises(ValidationError):
        services.incident_set_status(actor=officer, incident=incident, status="under_control")


@pytest.mark.django_db
def test_scope_and_capability(policy, users, county):
    other = Region.objects.get(pk=OTHER_COUNTY)
    with pytest.raises(PermissionDenied):
        services.incident_create(
            actor=users[Role.COUNTY_OFFICER],
            region=other,
            occurred_at=T0,
            place="叶县",
            cause="pay",
            people=5,
            at=T0,
        )
    with pytest.raises(PermissionDenied):
        make(users | {Role.COUNTY_OFFICER: users[Role.LEADER]}, county, 5)
    incident = make(users, county, 5)
    events = Event.objects.filter(object_type="incidents.incident", object_id=str(incident.pk))
    assert events.filter(action=Event.Action.CREATE).count() == 1
    services.incident_call(
        actor=users[Role.COUNTY_OFFICER], incident=incident, service="police", at=T0
    )
    incident.refresh_from_db()
    assert (
        incident.police_called and incident.police_called_at == T0 and not incident.medical_called
    )
    assert events.filter(action=Event.Action.UPDATE).count() == 1
