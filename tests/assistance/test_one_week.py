"""The one-week promise (重点地区援助预案 四(一)) audited against 《民法典》 arts. 201-203 for
counting periods: help started on a day is due by the end of the seventh day after it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from wenjiuye.assistance import services
from wenjiuye.assistance.models import Status
from wenjiuye.assistance.selectors import one_week_overdue
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for

pytestmark = pytest.mark.django_db


def test_one_week_counts_from_the_day_after_the_start_and_ends_at_midnight(
    policy, make_person, users
):
    """《民法典》 art. 201: the start day is not counted; art. 203: the last day ends at 24:00. Help
    started on D is due by the end of D+7; overdue from D+8."""
    grid = users[Role.GRID_WORKER]
    today = timezone.localdate()
    start = today - timedelta(days=10)
    case = services.case_open(person=make_person(81), source="manual", registered_on=start)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid, on=start)
    week = deadlines_for(case).get(kind__startswith="assistance.one_week")
    due = timezone.localtime(week.due_at)
    assert due.date() == start + timedelta(days=7)
    assert due >= timezone.make_aware(datetime.combine(start + timedelta(days=7), time(23, 59)))
    assert one_week_overdue(user=grid, on=start + timedelta(days=7)) == []
    assert [r["case"].pk for r in one_week_overdue(user=grid, on=start + timedelta(days=8))] == [
        case.pk
    ]


def test_help_started_before_the_plan_has_no_one_week_clock(policy, make_person, users):
    """Fixed: the one-week promise is in force from the plan's issue (2022-10-14); starting help on
    an earlier date raised PolicyNotInForce (a 500). No clock, and no overdue list, before then."""
    grid = users[Role.GRID_WORKER]
    start = date(2022, 6, 1)
    case = services.case_open(person=make_person(82), source="manual", registered_on=start)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid, on=start)
    assert not deadlines_for(case).filter(kind__startswith="assistance.one_week").exists()
    services.case_refresh(case=case, on=date(2022, 6, 20))
    assert not deadlines_for(case).filter(kind__startswith="assistance.one_week").exists()
    assert one_week_overdue(user=grid, on=date(2022, 6, 20)) == []
