"""The worker's tasks (``wenjiuye.deadlines.tasks``): ``WENJIUYE_TICK_SECONDS`` below 60 starts a
pass that fires what is due and comes back after that many seconds; 60 and above leave the
minute's periodic task alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OWN_COUNTY
from wenjiuye.core.models import Region
from wenjiuye.deadlines import tasks
from wenjiuye.deadlines.services import deadline_create

pytestmark = pytest.mark.django_db


def overdue_deadline():
    """Past due an hour ago: its one escalation step is due now."""
    return deadline_create(
        kind="k",
        title="报告",
        clause="E4",
        subject=Region.objects.get(pk=OWN_COUNTY),
        region=OWN_COUNTY,
        due_at=timezone.now() - timedelta(hours=1),
        reminders=[],
        escalation=[{"after_minutes": 0, "to": "city_office"}],
    )


def test_the_fast_pass_fires_what_is_due_and_comes_back_after_the_interval(
    users, settings, monkeypatch
):
    settings.WENJIUYE_TICK_SECONDS = 5
    again: list[dict[str, int]] = []
    monkeypatch.setattr(tasks.deadlines_fast_tick, "schedule", lambda **kw: again.append(kw))
    d = overdue_deadline()
    assert tasks.deadlines_fast_tick.call_local() == {"reminder": 0, "escalation": 1}
    assert d.steps.get().fired_at is not None
    assert again == [{"delay": 5}]
    assert tasks.deadlines_fast_tick.call_local() == {"reminder": 0, "escalation": 0}
    assert again == [{"delay": 5}, {"delay": 5}]


@pytest.mark.parametrize(("seconds", "started"), [(59, 1), (60, 0), (300, 0)])
def test_the_fast_pass_starts_with_the_worker_only_below_a_minute(
    settings, monkeypatch, seconds, started
):
    settings.WENJIUYE_TICK_SECONDS = seconds
    calls: list[None] = []
    monkeypatch.setattr(tasks, "deadlines_fast_tick", lambda: calls.append(None))
    tasks._start_fast_tick()
    assert len(calls) == started
