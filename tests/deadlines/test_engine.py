"""Deadline steps: planning from arguments and policy, firing exactly once, tiers, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import OWN_COUNTY, make_user
from wenjiuye.core.models import DutyShift, Event, Member, PolicyParameter, Region, WorkGroup
from wenjiuye.core.reference import PACKAGED_POLICY_DIR, packaged_policy_files
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline, DeadlineStep
from wenjiuye.deadlines.selectors import deadlines_overdue, escalation_level
from wenjiuye.deadlines.services import (
    ESCALATION_KEY,
    REMINDERS_KEY,
    deadline_cancel,
    deadline_complete,
    deadline_create,
    deadlines_tick,
    tier_users,
)
from wenjiuye.notify.models import Notification

pytestmark = pytest.mark.django_db

ESCALATION = [
    {"after_minutes": 0, "to": "county"},
    {"after_minutes": 240, "to": "county_head"},
    {"after_minutes": 1440, "to": "city_office"},
]


def make(users, *, hours=48, kind="opinion.verify", reminders=None, escalation=None, t0=None):
    t0 = t0 or timezone.now()
    return deadline_create(
        kind=kind,
        title="转办裁员舆情核实报告",
        clause="E5",
        subject=Region.objects.get(pk=OWN_COUNTY),
        region=OWN_COUNTY,
        due_at=t0 + timedelta(hours=hours),
        actor=users[Role.CITY_OFFICE],
        assignee=users[Role.GRID_WORKER],
        policy={"opinion.verify_hours": {"value": 48}},
        reminders=[1440, 120] if reminders is None else reminders,
        escalation=ESCALATION if escalation is None else escalation,
    )


def step_notes(step: DeadlineStep) -> list[str]:
    ref = f"deadlines.deadlinestep:{step.pk}"
    return sorted(Notification.objects.filter(ref=ref).values_list("user__username", flat=True))


def test_48_hour_deadline_one_minute_before_and_after_due(users):
    t0 = timezone.now()
    d = make(users, t0=t0)
    due = t0 + timedelta(hours=48)
    assert d.due_at == due
    before = due - timedelta(minutes=1)
    assert deadlines_tick(at=before) == {"reminder": 2, "escalation": 0}
    d.refresh_from_db()
    assert not d.is_overdue(before) and escalation_level(d) == 0
    assert not deadlines_overdue(user=users[Role.CITY_OFFICE], at=before).exists()
    after = due + timedelta(minutes=1)
    assert deadlines_tick(at=after) == {"reminder": 0, "escalation": 1}
    assert d.is_overdue(after) and escalation_level(d) == 1
    assert list(deadlines_overdue(user=users[Role.CITY_OFFICE], at=after)) == [d]
    first = d.steps.get(kind="escalation", seq=1)
    assert first.fired_at == after and first.recipients == ["baofeng"]
    assert step_notes(first) == ["baofeng"]
    note = Notification.objects.get(ref=f"deadlines.deadlinestep:{first.pk}")
    assert note.title == "【逾期督办】转办裁员舆情核实报告" and "E5" in note.body
    assert note.link == f"/deadlines/{d.pk}/"


def test_steps_are_planned_from_reminders_and_escalation(users):
    t0 = timezone.now()
    d = make(users, t0=t0)
    steps = list(d.steps.order_by("fire_at").values_list("kind", "seq", "offset_minutes", "tier"))
    assert steps == [
        ("reminder", 1, -1440, "assignee"),
        ("reminder", 2, -120, "assignee"),
        ("escalation", 1, 0, "county"),
        ("escalation", 2, 240, "county_head"),
        ("escalation", 3, 1440, "city_office"),
    ]
    # A reminder already in the past when the deadline is created is not planned.
    short = make(users, hours=1, kind="short", reminders=[1440, 30], escalation=[])
    assert list(short.steps.values_list("offset_minutes", flat=True)) == [-30]


def test_each_step_fires_once_and_in_order(users):
    t0 = timezone.now()
    d = make(users, t0=t0)
    due = d.due_at
    assert deadlines_tick(at=t0) == {"reminder": 0, "escalation": 0}
    assert deadlines_tick(at=due - timedelta(hours=24)) == {"reminder": 1, "escalation": 0}
    assert deadlines_tick(at=due - timedelta(hours=24)) == {"reminder": 0, "escalation": 0}
    reminder = d.steps.get(kind="reminder", seq=1)
    assert step_notes(reminder) == ["grid"]  # the assignee
    assert deadlines_tick(at=due + timedelta(hours=30)) == {"reminder": 1, "escalation": 3}
    assert deadlines_tick(at=due + timedelta(hours=31)) == {"reminder": 0, "escalation": 0}
    assert d.steps.filter(fired_at__isnull=True).count() == 0
    # county_head without a registered head falls back to the county officers
    assert step_notes(d.steps.get(kind="escalation", seq=2)) == ["baofeng"]
    assert step_notes(d.steps.get(kind="escalation", seq=3)) == ["office"]
    events = Event.objects.filter(object_type="deadlines.deadline", object_id=str(d.pk))
    assert events.filter(action=Event.Action.UPDATE).count() == 5


def test_completing_stops_pending_steps(users):
    d = make(users)
    deadlines_tick(at=d.due_at - timedelta(hours=23))
    deadline_complete(deadline=d, actor=users[Role.COUNTY_OFFICER], note="已核实并报告")
    assert deadlines_tick(at=d.due_at + timedelta(days=3)) == {"reminder": 0, "escalation": 0}
    assert d.steps.filter(fired_at__isnull=False).count() == 1
    assert d.steps.filter(skipped_at__isnull=False).count() == 4


def test_cancel_needs_a_reason_and_stops_steps(users):
    d = make(users)
    with pytest.raises(ValidationError):
        deadline_cancel(deadline=d, actor=users[Role.COUNTY_OFFICER], reason="  ")
    deadline_cancel(deadline=d, actor=users[Role.COUNTY_OFFICER], reason="重复登记")
    d.refresh_from_db()
    assert d.status == Deadline.Status.CANCELLED
    assert deadlines_tick(at=d.due_at + timedelta(days=3)) == {"reminder": 0, "escalation": 0}


def test_invalid_steps_are_refused(users):
    with pytest.raises(ValidationError):
        make(users, reminders=[0])
    with pytest.raises(ValidationError):
        make(users, escalation=[{"after_minutes": 0, "to": "mayor"}])
    with pytest.raises(ValidationError):
        make(users, escalation=[{"after_minutes": -5, "to": "county"}])
    assert not Deadline.objects.exists()


def test_policy_defaults_are_used_and_cited_when_not_given(users):
    policy_load(path=PACKAGED_POLICY_DIR / "deadlines.json")
    d = deadline_create(
        kind="layoff.report_city",
        title="一次性裁员超过200人向市局报告",
        clause="E4",
        subject=Region.objects.get(pk=OWN_COUNTY),
        region=OWN_COUNTY,
        due_at=timezone.now() + timedelta(hours=48),
    )
    assert d.reminders == [1440, 120]
    assert [e["to"] for e in d.escalation] == ["county", "county_head", "city_office"]
    assert d.policy["deadline.escalation_path"]["clause"] == "E4,L2,I8,O2"
    assert d.policy["deadline.default_reminders_minutes"]["value"] == [1440, 120]
    assert d.steps.count() == 5


def test_policy_file_is_a_valid_packaged_file():
    """The engine's defaults ship as a packaged policy file that the loader accepts (it refuses a
    malformed or overlapping file) and that holds exactly the two keys the engine reads."""
    path = PACKAGED_POLICY_DIR / "deadlines.json"
    assert path in packaged_policy_files()
    counts = policy_load(path=path)
    assert counts["policy_parameters"] == {"created": 2, "updated": 0, "unchanged": 0}
    keys = set(PolicyParameter.objects.values_list("key", flat=True))
    assert keys == {REMINDERS_KEY, ESCALATION_KEY}


def test_tiers_resolve_to_head_duty_officer_and_city_office(users):
    d = make(users)
    group = WorkGroup.objects.create(region_id=OWN_COUNTY, name="宝丰县稳就业工作专班")
    head = make_user("bf-head", Role.COUNTY_OFFICER, OWN_COUNTY)
    Member.objects.create(work_group=group, name="局长", position="head", user=head)
    assert [u.username for u in tier_users("county_head", d)] == ["bf-head"]
    now = timezone.now()
    duty = make_user("duty", Role.GRID_WORKER, OWN_COUNTY)
    DutyShift.objects.create(
        work_group=group,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        on_duty=duty,
    )
    names = sorted(u.username for u in tier_users("county", d, now))
    assert names == ["baofeng", "bf-head", "duty"]
    assert "duty" not in [u.username for u in tier_users("county", d, now + timedelta(hours=2))]
    assert [u.username for u in tier_users("city_office", d)] == ["office"]
    assert [u.username for u in tier_users("assignee", d)] == ["grid"]
    d.assignee = None
    assert sorted(u.username for u in tier_users("assignee", d, now + timedelta(hours=2))) == [
        "baofeng",
        "bf-head",
    ]
