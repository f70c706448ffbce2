"""The ledger: one case per person, sources merged, status lifecycle with dated transitions and the
deadlines it creates (one-week promise, follow-ups, contacts), tiers with reasons, online
registrations, the registration feed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id
from wenjiuye.assistance import registration, services, sync
from wenjiuye.assistance.models import (
    Case,
    CaseStatusChange,
    Contact,
    PendingRegistration,
    ReemploymentTask,
    Status,
)
from wenjiuye.assistance.selectors import case_list, one_week_overdue
from wenjiuye.assistance.tiers import case_tier, full_months_between
from wenjiuye.core.models import Event, Region
from wenjiuye.core.periods import add_months
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.intake.models import ImportBatch, UnemploymentRegistration
from wenjiuye.registry.models import Household

TODAY = timezone.localdate()


@pytest.fixture
def grid(users):
    return users[Role.GRID_WORKER]


@pytest.fixture
def county(users):
    return users[Role.COUNTY_OFFICER]


def test_case_open_is_idempotent_per_person_and_merges_sources(policy, make_person, grid):
    person = make_person(1)
    case = services.case_open(
        person=person, source="registration", source_ref="r1", registered_on=date(2022, 5, 1)
    )
    again = services.case_open(
        person=person,
        source="layoff_roster",
        source_ref="roster-7",
        desired_job="电工",
        disability=True,
    )
    same = services.case_open(person=person, source="layoff_roster", source_ref="roster-7")
    assert case.pk == again.pk == same.pk
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert [s["source"] for s in case.sources] == ["registration", "layoff_roster"]
    assert case.desired_job == "电工" and case.disability is True
    assert case.grid_id == OWN_GRID
    assert case.grid_worker == grid  # the grid worker of the person's township
    assert case.registered_on == date(2022, 5, 1)
    assert case.status_changes.get().to_status == Status.REGISTERED
    assert Event.objects.filter(object_type="assistance.case", object_id=str(case.pk)).count() == 2


def test_case_open_checks_the_actor_scope(policy, make_person, users):
    person = make_person(2, region=OTHER_COUNTY)
    with pytest.raises(PermissionDenied):
        services.case_open(person=person, source="manual", actor=users[Role.COUNTY_OFFICER])
    with pytest.raises(ValidationError):
        services.case_open(person=person, source="rumour")
    assert not Case.objects.exists()


def test_lifecycle_deadlines_and_invalid_transitions(policy, make_person, grid):
    case = services.case_open(
        person=make_person(3), source="manual", registered_on=TODAY - timedelta(days=40)
    )
    with pytest.raises(ValidationError):
        services.case_set_status(case=case, status=Status.FOLLOW_UP, actor=grid)
    start = TODAY - timedelta(days=20)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid, on=start)
    week = deadlines_for(case).get(kind__startswith="assistance.one_week")
    assert timezone.localtime(week.due_at).date() == start + timedelta(days=7)
    assert week.assignee == grid and week.clause == "K8"
    assert week.policy["key_region.employment_solved_days"]["value"] == 7
    overdue = one_week_overdue(user=grid, on=TODAY)
    assert [r["case"].pk for r in overdue] == [case.pk] and overdue[0]["days_over"] == 13
    with pytest.raises(ValidationError):  # 单位就业 needs the employer
        services.case_set_status(case=case, status=Status.EMPLOYED, actor=grid)
    employed_on = TODAY - timedelta(days=10)
    case = services.case_set_status(
        case=case, status=Status.EMPLOYED, actor=grid, on=employed_on, employer="某厂", job="电工"
    )
    assert (case.employer, case.job, case.employed_on) == ("某厂", "电工", employed_on)
    follow = deadlines_for(case).filter(kind__startswith="assistance.follow_up").order_by("due_at")
    assert [timezone.localtime(d.due_at).date() for d in follow] == [
        add_months(employed_on, 1),
        add_months(employed_on, 3),
    ]
    assert all(d.assignee == grid for d in follow)
    week.refresh_from_db()
    assert week.status == Deadline.Status.DONE
    assert one_week_overdue(user=grid, on=TODAY) == []
    assert set(ReemploymentTask.objects.filter(case=case).values_list("kind", flat=True)) == {
        "si_transfer",
        "file_transfer",
    }
    with pytest.raises(ValidationError):  # earlier than the last change
        services.case_set_status(
            case=case, status=Status.CLOSED, actor=grid, on=employed_on - timedelta(days=1)
        )
    services.contact_add(case=case, actor=grid, channel="phone", purpose="follow_up", note="稳定")
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP
    assert [d.status for d in follow.all()] == [Deadline.Status.DONE, Deadline.Status.OPEN]
    services.case_set_status(case=case, status=Status.CLOSED, actor=grid)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert not deadlines_for(case).filter(status=Deadline.Status.OPEN).exists()
    assert list(CaseStatusChange.objects.filter(case=case).values_list("to_status", flat=True)) == [
        "registered",
        "being_helped",
        "employed",
        "follow_up",
        "closed",
    ]


def test_add_months_clamps_to_month_end():
    assert add_months(date(2022, 1, 31), 1) == date(2022, 2, 28)
    assert add_months(date(2022, 11, 30), 3) == date(2023, 2, 28)


def test_read_only_roles_cannot_change_status(policy, make_person, users):
    case = services.case_open(person=make_person(4), source="manual")
    for role in (Role.LEADER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            services.case_set_status(case=case, status=Status.BEING_HELPED, actor=users[role])
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_tier_rules_and_reasons(policy, make_person, regions):
    on = date(2022, 10, 1)
    young = services.case_open(
        person=make_person(5, birth="19950101"), source="manual", registered_on=on
    )
    assert case_tier(young, on).tier == "general"
    assert case_tier(young, on).reasons[0]["code"] == "default"
    forty = services.case_open(
        person=make_person(6, birth="19821001"), source="manual", registered_on=on
    )
    assert case_tier(forty, on).tier == "priority"  # 40 on the day
    assert case_tier(forty, on - timedelta(days=1)).tier == "general"  # 39 the day before
    long_term = services.case_open(
        person=make_person(7, birth="19950101"), source="manual", registered_on=date(2021, 10, 1)
    )
    assert [r["code"] for r in case_tier(long_term, on).reasons] == ["long_term_unemployed"]
    assert case_tier(long_term, date(2022, 9, 30)).tier == "general"  # 11 months
    household = Household.objects.create(code="H1", region_id=OWN_GRID, low_income=True)
    poor = services.case_open(
        person=make_person(8, birth="19700101"),
        source="manual",
        registered_on=on,
        household=household,
        zero_employment_household=True,
    )
    result = case_tier(poor, on)
    assert result.tier == "especially_difficult"
    assert {r["code"] for r in result.reasons} == {
        "age_40",
        "age_50",
        "zero_employment_household",
        "low_income",
    }
    assert result.contact_days == 7
    assert any(c["key"] == "assistance.tier.rules" for c in result.policy)
    assert poor.tier == "especially_difficult"  # stored for list filters
    assert full_months_between(date(2022, 1, 31), date(2022, 2, 28)) == 0


def test_contacts_close_the_due_contact_and_schedule_the_next(policy, make_person, grid):
    case = services.case_open(
        person=make_person(9, birth="19600101"), source="manual", registered_on=TODAY
    )
    first = deadlines_for(case).get(kind__startswith="assistance.contact")
    assert timezone.localtime(first.due_at).date() == TODAY + timedelta(days=7)
    assert first.assignee == grid
    services.contact_add(case=case, actor=grid, channel="visit", note="上门")
    first.refresh_from_db()
    assert first.status == Deadline.Status.DONE
    assert Contact.objects.filter(case=case).count() == 1
    assert (
        deadlines_for(case).filter(status="open", kind__startswith="assistance.contact").count()
        == 1
    )


def test_overdue_contact_is_a_deadline_for_the_grid_worker(policy, make_person, grid):
    case = services.case_open(
        person=make_person(10, birth="19950101"),
        source="manual",
        registered_on=TODAY - timedelta(days=60),
    )
    due = deadlines_for(case).get(kind__startswith="assistance.contact")
    # counted from the day the ledger learnt of the person, not from the old registration
    assert not due.is_overdue() and due.assignee == grid
    assert timezone.localtime(due.due_at).date() > TODAY
    assert due.is_overdue(at=due.due_at + timedelta(minutes=1))


def test_online_registration_pending_confirm(policy, regions, county):
    own, street = Region.objects.get(pk=OWN_COUNTY), Region.objects.get(pk=OWN_GRID)
    number = make_id(OWN_COUNTY, "19850505", 11)
    data = dict(
        id_number=number,
        name="王五",
        phone="13912345678",
        county=own,
        street=street,
        education="senior",
        desired_job="司机",
        wants_training=True,
    )
    pending = registration.pending_submit(**data)
    with pytest.raises(ValidationError, match="等待审核"):
        registration.pending_submit(**data)
    case = registration.pending_confirm(pending=pending, actor=county)
    assert case.person.id_number == number and case.grid_id == OWN_GRID
    assert case.sources[0]["source"] == "online"
    assert case.desired_job == "司机" and case.wants_training is True
    with pytest.raises(ValidationError, match="已有在册"):
        registration.pending_submit(**data)
    assert PendingRegistration.objects.count() == 1


def test_bad_id_is_refused_and_nothing_saved(policy, regions):
    before = (PendingRegistration.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as error:
        registration.pending_submit(
            id_number="410421198505051234",
            name="王五",
            phone="13912345678",
            county=Region.objects.get(pk=OWN_COUNTY),
            street=Region.objects.get(pk=OWN_GRID),
            education="senior",
            desired_job="司机",
            wants_training=False,
        )
    assert "公民身份号码有误" in error.value.message_dict["id_number"][0]
    assert (PendingRegistration.objects.count(), Event.objects.count()) == before


def test_sync_registrations_opens_and_merges(policy, regions, grid):
    batch = ImportBatch.objects.create(
        kind="unemployment_registrations",
        file_name="u.csv",
        sha256="0" * 64,
        archived_path="x",
        format="csv",
    )
    common = dict(batch=batch, name="赵六", region_code=OWN_GRID, phone="13800000000")
    UnemploymentRegistration.objects.create(
        line=2,
        person_id=make_id(OWN_COUNTY, "19750101", 21),
        registered_on=date(2022, 3, 1),
        education="初中",
        desired_job="保安",
        wants_training=True,
        **common,
    )
    UnemploymentRegistration.objects.create(
        line=3,
        person_id=make_id(OWN_COUNTY, "19750101", 22),
        registered_on=date(2022, 3, 1),
        ended_on=date(2022, 4, 1),
        **common,
    )
    UnemploymentRegistration.objects.create(
        line=4, person_id="410421197501010000", registered_on=date(2022, 3, 1), **common
    )
    counts = sync.case_sync_registrations()
    assert counts == {"opened": 1, "merged": 0, "ended": 1, "invalid": 1}
    assert sync.case_sync_registrations() == {
        "opened": 0,
        "merged": 1,
        "ended": 1,
        "invalid": 1,
    }
    case = Case.objects.get()
    assert (case.desired_job, case.education, case.grid_worker) == ("保安", "初中", grid)
    assert len(case.sources) == 1
    assert [c.pk for c in case_list(user=grid)] == [case.pk]


def test_reminders_and_escalation_of_a_contact_come_from_policy(policy, make_person, users):
    from wenjiuye.core.policy import policy_set, policy_value  # noqa: PLC0415

    plans = policy_value("assistance.deadline.schedules", on=TODAY)
    first = services.case_open(person=make_person(11, birth="19900101"), source="manual")
    due = deadlines_for(first).get(kind__startswith="assistance.contact")
    assert (due.reminders, due.escalation) == (
        plans["contact"]["reminders"],
        plans["contact"]["escalation"],
    )
    changed = {
        **plans,
        "contact": {"reminders": [90], "escalation": [{"after_minutes": 5, "to": "county"}]},
    }
    policy_set(
        actor=users[Role.CITY_OFFICE],
        key="assistance.deadline.schedules",
        value=changed,
        effective_from=TODAY,
    )
    second = services.case_open(person=make_person(12, birth="19900101"), source="manual")
    due = deadlines_for(second).get(kind__startswith="assistance.contact")
    assert due.reminders == [90] and due.escalation == [{"after_minutes": 5, "to": "county"}]
