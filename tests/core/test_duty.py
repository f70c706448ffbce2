"""The duty roster services (O2): the length limit, no overlap, who may be on duty, handover,
deletion, scoping, and the audit trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_user
from wenjiuye.core import duty
from wenjiuye.core.models import DutyShift, Event, User, WorkGroup
from wenjiuye.core.policy import policy_set
from wenjiuye.core.reference import PACKAGED_POLICY_DIR
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

CITY = "410400"


@pytest.fixture
def world(users):
    policy_load(path=PACKAGED_POLICY_DIR / "duty.json")
    groups = {
        code: WorkGroup.objects.create(region_id=code, name=f"{code}工作专班")
        for code in (CITY, OWN_COUNTY, OTHER_COUNTY)
    }
    people = {
        "baofeng2": make_user("baofeng2", Role.COUNTY_OFFICER, OWN_COUNTY, phone="13900000002"),
        "yexian": make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY),
    }
    return {"users": users, "groups": groups, "people": people}


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in March 2030 (local time): far in the future, so nothing has started."""
    return datetime(2030, 3, day, hour, minute, tzinfo=timezone.get_current_timezone())


def create(world, start: datetime, end: datetime, *, county: str = OWN_COUNTY, **kw) -> DutyShift:
    users = world["users"]
    return duty.duty_shift_create(
        actor=kw.pop("actor", users[Role.COUNTY_OFFICER]),
        work_group=world["groups"][county],
        starts_at=start,
        ends_at=end,
        on_duty=kw.pop("on_duty", users[Role.COUNTY_OFFICER] if county == OWN_COUNTY else None),
        **kw,
    )


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- Length -------------------------------------------------------------------------------


def test_the_policy_parameter_is_a_product_default_for_o2(world):
    version = duty.max_hours(at(1))
    assert (version.value, version.unit, version.clause) == (24, "小时", "O2")
    assert version.source == "产品默认值(可调整)"


def test_a_shift_of_exactly_the_maximum_is_accepted(world):
    shift = create(world, at(1, 8), at(2, 8))
    assert shift.ends_at - shift.starts_at == timedelta(hours=24)
    assert DutyShift.objects.count() == 1


def test_one_minute_more_than_the_maximum_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        create(world, at(1, 8), at(2, 8, 1))
    assert "24小时1分钟" in messages(exc) and "上限24小时" in messages(exc)
    assert "duty.shift.max_hours" in messages(exc)
    assert DutyShift.objects.count() == 0


def test_the_maximum_in_force_on_the_start_day_applies(world):
    policy_set(
        actor=world["users"][Role.CITY_OFFICE],
        key="duty.shift.max_hours",
        value=12,
        effective_from=date(2030, 3, 10),
    )
    create(world, at(9, 0), at(10, 0))  # starts the day before: 24 hours still allowed
    with pytest.raises(ValidationError) as exc:
        create(world, at(10, 8), at(10, 20, 1))
    assert "上限12小时" in messages(exc)
    assert create(world, at(10, 8), at(10, 20)).pk


def test_ends_must_be_after_starts(world):
    for end in (at(1, 8), at(1, 7, 59)):
        with pytest.raises(ValidationError) as exc:
            create(world, at(1, 8), end)
        assert messages(exc) == "结束时间必须晚于开始时间"
    assert DutyShift.objects.count() == 0


# --- Overlap ------------------------------------------------------------------------------


def test_touching_shifts_are_accepted(world):
    first = create(world, at(1, 8), at(1, 20))
    second = create(world, at(1, 20), at(2, 8), on_duty=world["people"]["baofeng2"])
    before = create(world, at(1, 0), at(1, 8))
    assert [s.pk for s in DutyShift.objects.order_by("starts_at")] == [
        before.pk,
        first.pk,
        second.pk,
    ]


def test_a_one_minute_overlap_is_refused_and_names_the_shift(world):
    first = create(world, at(1, 8), at(1, 20))
    with pytest.raises(ValidationError) as exc:
        create(world, at(1, 19, 59), at(2, 8))
    text = messages(exc)
    assert "重叠" in text and "2030-03-01 08:00 至 2030-03-01 20:00" in text
    assert f"编号 {first.pk}" in text and "baofeng" in text
    with pytest.raises(ValidationError):
        create(world, at(1, 0), at(1, 8, 1))  # one minute into it from before
    with pytest.raises(ValidationError):
        create(world, at(1, 10), at(1, 12))  # inside it
    assert DutyShift.objects.count() == 1


def test_shifts_of_different_work_groups_may_overlap(world):
    create(world, at(1, 8), at(2, 8))
    other = create(
        world,
        at(1, 8),
        at(2, 8),
        county=OTHER_COUNTY,
        actor=world["users"][Role.CITY_OFFICE],
        on_duty=world["people"]["yexian"],
    )
    assert other.work_group.region_id == OTHER_COUNTY


# --- Who is on duty -----------------------------------------------------------------------


def test_on_duty_user_from_another_county_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        create(world, at(1, 8), at(1, 20), on_duty=world["people"]["yexian"])
    assert "值班人须为宝丰县的在岗用户" in messages(exc)
    assert DutyShift.objects.count() == 0


@pytest.mark.parametrize("role", [Role.GRID_WORKER, Role.CITY_OFFICE, Role.AUDITOR])
def test_on_duty_must_be_of_the_work_groups_own_region(world, role):
    """A township grid worker does not cover the county; a city user is not a county user."""
    with pytest.raises(ValidationError):
        create(world, at(1, 8), at(1, 20), on_duty=world["users"][role])


def test_an_inactive_user_cannot_be_on_duty(world):
    person = world["people"]["baofeng2"]
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    with pytest.raises(ValidationError):
        create(world, at(1, 8), at(1, 20), on_duty=person)


def test_a_city_user_is_on_duty_for_the_citys_work_group(world):
    office = world["users"][Role.CITY_OFFICE]
    shift = create(world, at(1, 8), at(1, 20), county=CITY, actor=office, on_duty=office)
    assert shift.on_duty == office


def test_phone_defaults_to_the_persons_phone_and_is_checked(world):
    shift = create(world, at(1, 8), at(1, 20), on_duty=world["people"]["baofeng2"])
    assert shift.phone == "13900000002"
    other = create(world, at(2, 8), at(2, 20), phone=" 0375-1234567 ")
    assert other.phone == "0375-1234567"
    with pytest.raises(ValidationError) as exc:
        create(world, at(3, 8), at(3, 20), phone="call me")
    assert "值班电话" in messages(exc)


# --- Permission ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "county"),
    [
        (Role.LEADER, OWN_COUNTY),  # no WRITE
        (Role.AUDITOR, OWN_COUNTY),  # no WRITE
        (Role.COUNTY_OFFICER, OTHER_COUNTY),  # out of scope
        (Role.GRID_WORKER, OWN_COUNTY),  # the county is above the township's scope
    ],
)
def test_writing_needs_write_in_the_work_groups_region(world, role, county):
    on_duty = world["users"][Role.COUNTY_OFFICER] if county == OWN_COUNTY else None
    on_duty = on_duty or world["people"]["yexian"]
    with pytest.raises(PermissionDenied):
        create(
            world, at(1, 8), at(1, 20), county=county, actor=world["users"][role], on_duty=on_duty
        )
    assert DutyShift.objects.count() == 0


# --- Audit --------------------------------------------------------------------------------


def test_create_is_audited_with_the_cited_parameter(world):
    officer = world["users"][Role.COUNTY_OFFICER]
    shift = create(world, at(1, 8), at(2, 8), phone="13912345678")
    event = Event.objects.get(object_type="core.dutyshift", object_id=str(shift.pk))
    assert (event.action, event.actor_id, event.region_code) == (
        Event.Action.CREATE,
        officer.pk,
        OWN_COUNTY,
    )
    assert event.changes["on_duty_id"] == [None, officer.pk]
    assert event.changes["phone"] == [None, "13912345678"]
    assert event.note == "值班表中一个班次的最长时长:24小时(O2)"


def test_a_refused_create_writes_no_event(world):
    before = Event.objects.count()
    with pytest.raises(ValidationError):
        create(world, at(1, 8), at(2, 9))
    assert Event.objects.count() == before


# --- Handover -----------------------------------------------------------------------------


@pytest.fixture
def running(world):
    """A shift of 宝丰县 that started an hour ago."""
    now = timezone.now()
    return create(world, now - timedelta(hours=1), now + timedelta(hours=11))


def test_handover_is_recorded_and_audited(world, running):
    officer = world["users"][Role.COUNTY_OFFICER]
    taker = world["people"]["baofeng2"]
    duty.duty_shift_handover(
        actor=officer, shift=running, notes="  平安无事。 ", handed_over_to=taker
    )
    running.refresh_from_db()
    assert (running.handover_notes, running.handed_over_to) == ("平安无事。", taker)
    event = Event.objects.filter(object_type="core.dutyshift", action=Event.Action.UPDATE).get()
    assert event.actor_id == officer.pk and event.region_code == OWN_COUNTY
    assert event.changes == {
        "handed_over_to_id": [None, taker.pk],
        "handover_notes": ["", "平安无事。"],
    }


def test_handover_refusals(world, running):
    officer = world["users"][Role.COUNTY_OFFICER]
    taker = world["people"]["baofeng2"]
    cases = [
        ("", taker, "请填写交接班记录"),
        ("记录", world["people"]["yexian"], "接班人须为宝丰县的在岗用户"),
        ("记录", officer, "接班人不能是本班次的值班人"),
    ]
    for notes, person, message in cases:
        with pytest.raises(ValidationError) as exc:
            duty.duty_shift_handover(
                actor=officer, shift=running, notes=notes, handed_over_to=person
            )
        assert message in messages(exc)
    duty.duty_shift_handover(actor=officer, shift=running, notes="记录", handed_over_to=taker)
    with pytest.raises(ValidationError) as exc:
        duty.duty_shift_handover(actor=officer, shift=running, notes="再次", handed_over_to=taker)
    assert "不能重复交接" in messages(exc)
    assert Event.objects.filter(action=Event.Action.UPDATE).count() == 1


def test_a_shift_not_started_cannot_be_handed_over(world):
    future = create(world, at(1, 8), at(1, 20))
    with pytest.raises(ValidationError) as exc:
        duty.duty_shift_handover(
            actor=world["users"][Role.COUNTY_OFFICER],
            shift=future,
            notes="记录",
            handed_over_to=world["people"]["baofeng2"],
        )
    assert "尚未开始" in messages(exc)


def test_handover_needs_write(world, running):
    with pytest.raises(PermissionDenied):
        duty.duty_shift_handover(
            actor=world["users"][Role.LEADER],
            shift=running,
            notes="记录",
            handed_over_to=world["people"]["baofeng2"],
        )


# --- Delete -------------------------------------------------------------------------------


def test_deleting_a_shift_not_started_needs_a_reason_and_is_audited(world):
    officer = world["users"][Role.COUNTY_OFFICER]
    shift = create(world, at(1, 8), at(1, 20), phone="13912345678")
    pk = shift.pk
    with pytest.raises(ValidationError) as exc:
        duty.duty_shift_delete(actor=officer, shift=shift, reason="  ")
    assert messages(exc) == "请填写删除原因"
    duty.duty_shift_delete(actor=officer, shift=shift, reason="人员调整")
    assert not DutyShift.objects.filter(pk=pk).exists()
    event = Event.objects.get(object_id=str(pk), action=Event.Action.DELETE)
    assert (event.note, event.actor_id, event.region_code) == ("人员调整", officer.pk, OWN_COUNTY)
    assert event.changes["phone"] == ["13912345678", None]


def test_deleting_a_started_shift_is_refused(world, running):
    with pytest.raises(ValidationError) as exc:
        duty.duty_shift_delete(
            actor=world["users"][Role.COUNTY_OFFICER], shift=running, reason="误排"
        )
    assert "班次已开始,不能删除" in messages(exc)
    assert DutyShift.objects.filter(pk=running.pk).exists()
    assert not Event.objects.filter(action=Event.Action.DELETE).exists()


def test_deleting_a_shift_that_starts_this_instant_is_refused(world):
    now = timezone.now()
    shift = create(world, now, now + timedelta(hours=8))
    with pytest.raises(ValidationError):
        duty.duty_shift_delete(actor=world["users"][Role.COUNTY_OFFICER], shift=shift, reason="x")


# --- Reading ------------------------------------------------------------------------------


@pytest.fixture
def three(world):
    office = world["users"][Role.CITY_OFFICE]
    return {
        OWN_COUNTY: create(world, at(1, 8), at(2, 8)),
        OTHER_COUNTY: create(
            world,
            at(1, 8),
            at(2, 8),
            county=OTHER_COUNTY,
            actor=office,
            on_duty=world["people"]["yexian"],
        ),
        CITY: create(world, at(1, 8), at(2, 8), county=CITY, actor=office, on_duty=office),
    }


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.CITY_OFFICE, {CITY, OWN_COUNTY, OTHER_COUNTY}),
        (Role.GROUP_MEMBER, {CITY, OWN_COUNTY, OTHER_COUNTY}),
        (Role.COUNTY_OFFICER, {OWN_COUNTY}),
        (Role.GRID_WORKER, set()),
        (Role.LEADER, {CITY, OWN_COUNTY, OTHER_COUNTY}),
        (Role.AUDITOR, {CITY, OWN_COUNTY, OTHER_COUNTY}),
        (Role.ADMIN, {CITY, OWN_COUNTY, OTHER_COUNTY}),
    ],
)
def test_duty_shifts_for_is_scoped(world, three, role, sees):
    user = world["users"][role]
    got = {s.work_group.region_id for s in duty.duty_shifts_for(user)}
    assert got == sees
    for code, shift in three.items():
        if code in sees:
            assert duty.duty_shift_get(user=user, pk=shift.pk) == shift
        else:
            with pytest.raises(Exception) as exc:
                duty.duty_shift_get(user=user, pk=shift.pk)
            assert exc.type.__name__ == "Http404"


def test_duty_shifts_for_filters_county_and_window(world, three):
    office = world["users"][Role.CITY_OFFICE]
    assert list(duty.duty_shifts_for(office, county=OTHER_COUNTY)) == [three[OTHER_COUNTY]]
    # [start, end) overlap: a window ending when the shifts start, or starting when they end,
    # holds none of them
    assert not duty.duty_shifts_for(office, end=at(1, 8)).exists()
    assert not duty.duty_shifts_for(office, start=at(2, 8)).exists()
    assert duty.duty_shifts_for(office, start=at(2, 7, 59)).count() == 3


def test_duty_now_covers_start_but_not_end(world):
    first = create(world, at(1, 8), at(1, 20))
    second = create(world, at(1, 20), at(2, 8), on_duty=world["people"]["baofeng2"])
    assert duty.duty_now(OWN_COUNTY, at(1, 7, 59)) is None
    assert duty.duty_now(OWN_COUNTY, at(1, 8)) == first
    assert duty.duty_now(OWN_COUNTY, at(1, 19, 59)) == first
    assert duty.duty_now(OWN_COUNTY, at(1, 20)) == second
    assert duty.duty_now(OWN_COUNTY, at(2, 8)) is None
    assert duty.duty_now(OTHER_COUNTY, at(1, 9)) is None


def test_the_phone_is_masked_for_every_reader(world):
    shift = create(world, at(1, 8), at(2, 8), phone="13912345678")
    assert duty.shift_phone(shift) == "139****5678"
    for user in world["users"].values():
        row = duty.shift_as_dict(shift, user=user)
        assert (row["phone"], row["phone_masked"]) == ("139****5678", True)


def test_the_default_phone_is_the_persons_mobile_and_is_masked_too(world):
    shift = create(world, at(1, 8), at(2, 8), on_duty=world["people"]["baofeng2"])
    assert shift.phone == "13900000002"
    row = duty.shift_as_dict(shift, user=world["users"][Role.CITY_OFFICE])
    assert row["phone"] == "139****0002"


@pytest.mark.parametrize(
    ("role", "county", "allowed"),
    [
        (Role.COUNTY_OFFICER, OWN_COUNTY, True),
        (Role.CITY_OFFICE, OTHER_COUNTY, True),
        (Role.ADMIN, CITY, True),
        (Role.COUNTY_OFFICER, OTHER_COUNTY, False),  # out of region
        (Role.GRID_WORKER, OWN_COUNTY, False),  # the county is above the township's scope
        (Role.GROUP_MEMBER, OWN_COUNTY, False),  # no VIEW_PERSONAL
        (Role.LEADER, OWN_COUNTY, False),
        (Role.AUDITOR, CITY, False),
    ],
)
def test_reveal_needs_view_personal_in_the_region_and_is_audited(
    world, three, role, county, allowed
):
    user = world["users"][role]
    shift = three[county]
    DutyShift.objects.filter(pk=shift.pk).update(phone="13912345678")
    shift.refresh_from_db()
    assert duty.may_reveal(user, shift) is allowed
    before = Event.objects.count()
    if not allowed:
        with pytest.raises(PermissionDenied):
            duty.duty_phone_reveal(actor=user, shift=shift, ip="10.0.0.9")
        assert Event.objects.count() == before
        return
    assert duty.duty_phone_reveal(actor=user, shift=shift, ip="10.0.0.9") == "13912345678"
    event = Event.objects.get(action=Event.Action.VIEW_UNMASKED)
    assert Event.objects.count() == before + 1
    assert (event.actor_id, event.object_type, event.object_id, event.region_code) == (
        user.pk,
        "core.dutyshift",
        str(shift.pk),
        county,
    )
    assert (event.note, event.ip) == ("值班电话", "10.0.0.9")


# --- Demo roster (quickstart) ---------------------------------------------------------------


def test_the_demo_roster_covers_today_and_tomorrow_once(regions):
    from wenjiuye.core.demo_users import demo_duty_ensure, demo_users_ensure  # noqa: PLC0415

    policy_load(path=PACKAGED_POLICY_DIR / "duty.json")
    for code in (CITY, OWN_COUNTY, OTHER_COUNTY):
        WorkGroup.objects.create(region_id=code, name=f"{code}工作专班")
    demo_users_ensure()
    before_half_past_eight = at(5, 7, 0)
    assert demo_duty_ensure(now=before_half_past_eight) == 6  # 3 groups × (4th 08:30, 5th 08:30)
    assert demo_duty_ensure(now=before_half_past_eight) == 0
    now = duty.duty_now(OWN_COUNTY, before_half_past_eight)
    assert now is not None and now.on_duty.username == "baofeng"
    assert now.starts_at == at(4, 8, 30)
    assert duty.duty_now(OTHER_COUNTY, at(6, 8, 29)).on_duty.username == "yexian"  # type: ignore[union-attr]
    assert duty.duty_now(OTHER_COUNTY, at(6, 8, 30)) is None  # the day after tomorrow: none yet
