"""County inspection (U8): the four dimensions on a hand-built world, threshold boundaries, scope
and who may record an inspection."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID
from wenjiuye.assistance import inspection
from wenjiuye.assistance.models import (
    BenefitDecision,
    Case,
    CaseStatusChange,
    Contact,
    CountyInspection,
    Status,
)
from wenjiuye.core.models import Event, User
from wenjiuye.core.policy import policy_set
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for

ON = date(2023, 3, 1)
COMPLETE = {
    "education": "senior",
    "skills": "电工",
    "health": "健康",
    "wants_training": False,
    "desired_job": "电工",
}


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@pytest.fixture
def no_lake(tmp_path, settings):
    settings.WENJIUYE_LAKE = str(tmp_path / "lake")  # no payment was ever made


@pytest.fixture
def case_of(make_person):
    serials = iter(range(1, 999))

    def make(*, grid: str = OWN_GRID, status: str = Status.REGISTERED, **fields) -> Case:
        person = make_person(next(serials), region=grid)
        values = {
            "registered_on": date(2023, 1, 1),
            "status_on": date(2023, 1, 1),
            "tier": "general",
            **fields,
        }
        return Case.objects.create(person=person, grid_id=grid, status=status, **values)

    return make


def contact(case: Case, day: date, by) -> None:
    Contact.objects.create(case=case, at=at(day), by=by, channel=Contact.Channel.PHONE)


def change(case: Case, to: str, on: date, frm: str = "") -> None:
    CaseStatusChange.objects.create(case=case, from_status=frm, to_status=to, on=on)


def deadline(case: Case, due: date, status: str = Deadline.Status.OPEN, kind: str = "") -> None:
    Deadline.objects.create(
        kind=kind or f"assistance.contact#{Deadline.objects.count() + 1}",
        title="联系失业人员",
        clause="U2",
        subject_type="assistance.case",
        subject_id=str(case.pk),
        region_id=case.grid_id,
        due_at=end(due),
        status=status,
    )


@pytest.fixture
def world(policy, users, case_of, no_lake):
    """宝丰县 (410421): four open cases, two employed in the window, one employed long ago."""
    grid = users[Role.GRID_WORKER]
    a = case_of(**COMPLETE)  # contacted 9 days ago: in time (general, 30 days)
    contact(a, date(2023, 2, 20), grid)
    b = case_of(status=Status.BEING_HELPED, tier="priority", **COMPLETE)  # 19 days > 14: late
    contact(b, date(2023, 2, 10), grid)
    change(b, Status.BEING_HELPED, date(2023, 2, 1), Status.REGISTERED)  # promise missed
    c = case_of(**{**COMPLETE, "skills": ""}, registered_on=date(2023, 2, 15))  # new: in time
    d = case_of(**{**COMPLETE, "wants_training": None}, registered_on=date(2022, 12, 1))  # late
    e = case_of(status=Status.EMPLOYED, employed_on=date(2023, 1, 15), **COMPLETE)
    change(e, Status.BEING_HELPED, date(2023, 1, 10), Status.REGISTERED)
    change(e, Status.EMPLOYED, date(2023, 1, 15), Status.BEING_HELPED)  # kept (due 01-17)
    f = case_of(status=Status.SELF_EMPLOYED, employed_on=date(2023, 2, 10))
    change(f, Status.BEING_HELPED, date(2023, 1, 20), Status.REGISTERED)
    change(f, Status.SELF_EMPLOYED, date(2023, 2, 10), Status.BEING_HELPED)  # missed (01-27)
    g = case_of(status=Status.FOLLOW_UP, employed_on=date(2022, 11, 1))
    change(g, Status.EMPLOYED, date(2022, 11, 1), Status.REGISTERED)  # before the window
    deadline(a, date(2023, 2, 28))  # overdue on 03-01
    deadline(d, date(2023, 1, 15))  # overdue
    deadline(c, date(2023, 3, 1))  # due today: not yet overdue
    deadline(b, date(2023, 2, 1), status=Deadline.Status.DONE)  # done
    results = [{"benefit": "ui_benefit", "eligible": True, "months": 3, "monthly_amount": "1530"}]
    for case in (a, e):  # a: 202301 and 202302 unpaid; e: employed in the first month
        BenefitDecision.objects.create(
            case=case, on=date(2023, 1, 5), start_period="202301", inputs={}, results=results
        )
    other = case_of(grid=OTHER_COUNTY, **COMPLETE, registered_on=date(2023, 2, 20))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "other": other}


def row_of(result: inspection.Inspection, code: str) -> dict:
    [row] = [r for r in result.rows if r.code == code]
    return {d.key: d for d in row.dimensions}


def test_the_four_dimensions_on_a_hand_built_world(world, users):
    result = inspection.county_inspection(user=users[Role.CITY_OFFICE], on=ON)
    dims = row_of(result, OWN_COUNTY)
    ledger = dims["ledger"]
    assert (ledger.figures["open_cases"], ledger.figures["complete"]) == (4, 2)
    assert ledger.figures["missing"] == 2
    assert ledger.figures["complete_ratio"] == 0.5
    assert ledger.figures["required_fields"] == ["学历", "技能", "身体状况", "培训意愿", "就业需求"]
    assert (ledger.ok, ledger.finding) == (False, "台账不健全")
    assert "50.0%" in ledger.reasons[0] and "低于下限 90.0%" in ledger.reasons[0]
    assert "(“台账信息完整率下限”)" in ledger.reasons[0]  # the threshold by its name
    assert "inspection." not in " ".join(r for d in dims.values() for r in d.reasons)

    guarantee = dims["guarantee"]
    assert guarantee.figures == {"unpaid_persons": 1}
    assert guarantee.finding == "措施不到位"

    measures = dims["measures"]
    assert measures.figures == {
        "overdue_contacts": 2,
        "open_cases": 4,
        "contacted_in_time": 2,
        "contacted_ratio": 0.5,
    }
    assert measures.finding == "措施不到位"
    assert "逾期未联系 2 件,超过上限 0 件" in measures.reasons[0]

    results = dims["results"]
    assert results.figures == {
        "window_days": 90,
        "employed": 2,
        "reemployed_ratio": 2 / 6,
        "promises": 3,
        "promises_kept": 1,
        "promise_kept_ratio": 1 / 3,
    }
    assert results.finding == "成效不明显"
    assert "不低于下限 30.0%" in results.reasons[0]  # 33.3% employed is fine
    assert "一周内就业承诺兑现 1/3(33.3%)低于下限 80.0%" in results.reasons[1]

    other = row_of(result, OTHER_COUNTY)
    assert other["ledger"].ok and other["ledger"].figures["open_cases"] == 1
    assert other["measures"].ok and other["guarantee"].ok
    keys = {p["key"] for p in result.policy}
    assert set(inspection.KEYS) <= keys and "assistance.tier.packages" in keys
    assert len(result.rows) == 12  # every county and zone of the city


def test_ledger_threshold_boundary_exactly_at_is_fine_one_below_fires(
    policy, users, case_of, no_lake
):
    cases = [case_of(grid=OTHER_COUNTY, **COMPLETE) for _ in range(9)]
    case_of(grid=OTHER_COUNTY, **{**COMPLETE, "education": ""})
    office = users[Role.CITY_OFFICE]
    ledger = row_of(inspection.county_inspection(user=office, on=ON), OTHER_COUNTY)["ledger"]
    assert ledger.figures["complete_ratio"] == 0.9
    assert (ledger.ok, ledger.finding) == (True, "")
    assert "不低于下限 90.0%" in ledger.reasons[0]
    Case.objects.filter(pk=cases[0].pk).update(health="")
    ledger = row_of(inspection.county_inspection(user=office, on=ON), OTHER_COUNTY)["ledger"]
    assert ledger.figures["complete_ratio"] == 0.8
    assert (ledger.ok, ledger.finding) == (False, "台账不健全")


def test_contact_frequency_boundary_is_the_tiers_days(policy, users, case_of, no_lake):
    case = case_of(grid=OTHER_COUNTY, tier="priority", **COMPLETE)
    contact(case, date(2023, 2, 15), users[Role.GRID_WORKER])  # 14 days before ON: in time
    office = users[Role.CITY_OFFICE]
    measures = row_of(inspection.county_inspection(user=office, on=ON), OTHER_COUNTY)["measures"]
    assert measures.figures["contacted_in_time"] == 1 and measures.ok
    late = row_of(inspection.county_inspection(user=office, on=date(2023, 3, 2)), OTHER_COUNTY)[
        "measures"
    ]
    assert late.figures["contacted_in_time"] == 0 and late.finding == "措施不到位"


def test_a_county_officer_sees_only_their_county(world, users):
    result = inspection.county_inspection(user=users[Role.COUNTY_OFFICER], on=ON)
    assert [r.code for r in result.rows] == [OWN_COUNTY]
    assert row_of(result, OWN_COUNTY)["ledger"].figures["open_cases"] == 4
    with pytest.raises(Http404):
        inspection.county_get(user=users[Role.COUNTY_OFFICER], code=OTHER_COUNTY)


def test_only_city_level_writers_record(world, users):
    office = users[Role.CITY_OFFICE]
    record = inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="台账缺项较多", action="notice", on=ON
    )
    assert record.snapshot["code"] == OWN_COUNTY
    assert record.snapshot["findings"] == ["台账不健全", "成效不明显", "措施不到位"]
    assert {p["key"] for p in record.policy} >= set(inspection.KEYS)
    event = Event.objects.get(object_type="assistance.countyinspection", object_id=str(record.pk))
    assert (event.actor, event.region_code) == (office, OWN_COUNTY)
    inspection.inspection_record(
        actor=users[Role.GROUP_MEMBER], county=OTHER_COUNTY, findings="正常", action="none", on=ON
    )
    for role in (Role.COUNTY_OFFICER, Role.LEADER, Role.AUDITOR, Role.GRID_WORKER):
        with pytest.raises((PermissionDenied, Http404)):
            inspection.inspection_record(
                actor=users[role], county=OWN_COUNTY, findings="x", action="none", on=ON
            )
    assert CountyInspection.objects.count() == 2
    assert [
        i.pk for i in inspection.inspections_for(user=users[Role.COUNTY_OFFICER], county=OWN_COUNTY)
    ] == [record.pk]
    assert inspection.may_record(users[Role.ADMIN], OWN_COUNTY)


def test_invalid_record_input_is_refused_in_chinese(world, users):
    office = users[Role.CITY_OFFICE]
    with pytest.raises(ValidationError) as info:
        inspection.inspection_record(
            actor=office, county=OWN_COUNTY, findings="  ", action="fine", on=ON
        )
    assert info.value.message_dict["findings"] == ["请填写检查发现"]
    assert "未知督导措施" in info.value.message_dict["action"][0]
    with pytest.raises(ValidationError):
        inspection.inspection_record(
            actor=office,
            county=OWN_COUNTY,
            findings="x",
            action="none",
            on=timezone.localdate().replace(year=timezone.localdate().year + 1),
        )
    assert CountyInspection.objects.count() == 0


# --- the follow-up re-inspection (加强督导检查) -----------------------------------------------


def reinspections() -> list[Deadline]:
    return list(Deadline.objects.filter(kind=inspection.KIND_REINSPECT).order_by("pk"))


def quiet_county() -> str:
    """A county with no case at all: every dimension is 不作评价, so no finding."""
    return next(
        r.code
        for r in inspection._counties(User.objects.get(username="office"))
        if r.code not in (OWN_COUNTY, OTHER_COUNTY)
    )


def test_a_finding_opens_one_reinspection_due_the_parameters_days_later(world, users):
    office = users[Role.CITY_OFFICE]
    record = inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="台账缺项", action="notice", on=ON
    )
    [d] = reinspections()
    assert deadlines_for(record).get() == d
    assert (d.status, d.clause, d.region_id) == (Deadline.Status.OPEN, "U8", OWN_COUNTY)
    assert d.due_at == end(date(2023, 3, 31))  # 2023-03-01 + 30 days, to the end of the day
    assert "台账不健全" in d.title and "宝丰县" in d.title
    assert d.policy["inspection.reinspect_days"]["value"] == 30
    assert "inspection.ledger.min_complete_ratio" in d.policy  # a finding's threshold
    assert "deadline.default_reminders_minutes" in d.policy  # the deadlines' defaults
    assert d.reminders == [1440, 120]
    assert [e["to"] for e in d.escalation] == ["county", "county_head", "city_office"]
    assert "inspection.reinspect_days" in {p["key"] for p in record.policy}
    created = Event.objects.get(object_type="deadlines.deadline", object_id=str(d.pk))
    assert (created.action, created.actor, created.region_code) == ("create", office, OWN_COUNTY)
    event = Event.objects.get(object_type="assistance.countyinspection", object_id=str(record.pk))
    assert event.changes["reinspect_due"] == "2023-03-31"
    assert event.changes["reinspections_completed"] == []


def test_the_reinspection_days_are_the_version_in_force_on_the_inspection_day(world, users):
    policy_set(
        actor=users[Role.CITY_OFFICE],
        key="inspection.reinspect_days",
        value=10,
        effective_from=ON,
    )
    office = users[Role.CITY_OFFICE]
    inspection.inspection_record(
        actor=office, county=OTHER_COUNTY, findings="x", action="none", on=date(2023, 2, 28)
    )  # the day before: still 30 days
    inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="x", action="none", on=ON
    )
    before, after = reinspections()
    assert (before.region_id, before.due_at) == (OTHER_COUNTY, end(date(2023, 3, 30)))
    assert (after.region_id, after.due_at) == (OWN_COUNTY, end(date(2023, 3, 11)))
    assert after.policy["inspection.reinspect_days"]["value"] == 10


def test_no_finding_no_reinspection(world, users):
    quiet = quiet_county()
    record = inspection.inspection_record(
        actor=users[Role.CITY_OFFICE], county=quiet, findings="正常", action="none", on=ON
    )
    assert record.snapshot["findings"] == []
    assert reinspections() == []
    event = Event.objects.get(object_type="assistance.countyinspection", object_id=str(record.pk))
    assert event.changes["reinspect_due"] is None


def test_the_next_inspection_completes_the_open_reinspection_and_opens_a_new_one(world, users):
    office = users[Role.CITY_OFFICE]
    first = inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="x", action="notice", on=ON
    )
    other = inspection.inspection_record(
        actor=office, county=OTHER_COUNTY, findings="x", action="none", on=ON
    )
    second = inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="复查", action="interview", on=date(2023, 3, 20)
    )
    old, of_other, new = reinspections()
    assert (old.subject_id, old.status) == (str(first.pk), Deadline.Status.DONE)
    assert old.completed_by == office
    assert "2023-03-20" in old.completion_note and f"#{second.pk}" in old.completion_note
    assert (of_other.subject_id, of_other.status) == (str(other.pk), Deadline.Status.OPEN)
    assert (new.subject_id, new.status) == (str(second.pk), Deadline.Status.OPEN)
    assert new.due_at == end(date(2023, 4, 19))
    closed = Event.objects.get(
        object_type="deadlines.deadline", object_id=str(old.pk), action=Event.Action.UPDATE
    )
    assert closed.changes["status"] == ["open", "done"] and closed.actor == office
    event = Event.objects.get(object_type="assistance.countyinspection", object_id=str(second.pk))
    assert event.changes["reinspections_completed"] == [old.pk]
    assert [d.pk for d in inspection.reinspections_open(user=office, county=OWN_COUNTY)] == [new.pk]

    # a back-dated inspection neither completes the later one's re-inspection nor opens its own
    inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="补录", action="none", on=date(2023, 3, 10)
    )
    assert [d.pk for d in inspection.reinspections_open(user=office, county=OWN_COUNTY)] == [new.pk]
    assert len(reinspections()) == 3

    # a later inspection with no finding completes it and opens none
    Case.objects.filter(grid__code__startswith=OWN_COUNTY).delete()  # nothing left to find
    Deadline.objects.filter(kind__startswith="assistance.contact").delete()
    inspection.inspection_record(
        actor=office, county=OWN_COUNTY, findings="已整改", action="none", on=date(2023, 4, 1)
    )
    new.refresh_from_db()
    assert new.status == Deadline.Status.DONE
    assert inspection.reinspections_open(user=office, county=OWN_COUNTY) == []
    assert len(reinspections()) == 3


def test_the_record_and_its_deadline_are_one_transaction(world, users):
    """A deadline that cannot be created (a broken reminder default) leaves no record behind."""
    office = users[Role.CITY_OFFICE]
    policy_set(
        actor=office,
        key="deadline.default_reminders_minutes",
        value=[-5],
        effective_from=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as info:
        inspection.inspection_record(
            actor=office, county=OWN_COUNTY, findings="x", action="none", on=ON
        )
    assert "提醒时点" in info.value.message_dict["reminders"][0]
    assert CountyInspection.objects.count() == 0 and reinspections() == []
    assert not Event.objects.filter(object_type="assistance.countyinspection").exists()
