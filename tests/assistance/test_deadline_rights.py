"""Case workers complete the deadlines of their cases, but only the bureau withdraws one: the
supervised do not silence their supervision (a grid worker cancelling their own one-week or contact
deadline, which escalates to the county and the city office)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wenjiuye.assistance.services import case_open
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.services import deadline_cancel, deadline_complete, deadline_create

pytestmark = pytest.mark.django_db


def test_grid_workers_complete_but_do_not_withdraw_their_case_deadlines(policy, make_person, users):
    case = case_open(person=make_person(61), source="manual", actor=users[Role.CITY_OFFICE])

    def make(kind):
        return deadline_create(
            kind=kind,
            title="个案事项",
            clause="K8",
            subject=case,
            region=case.grid,
            due_at=timezone.now() + timedelta(days=3),
            actor=users[Role.CITY_OFFICE],
        )

    grid = users[Role.GRID_WORKER]
    with pytest.raises(PermissionDenied):
        deadline_cancel(deadline=make("t.one"), actor=grid, reason="不需要")
    assert deadline_complete(deadline=make("t.two"), actor=grid, note="已联系").status == "done"
    officer = users[Role.COUNTY_OFFICER]
    assert deadline_cancel(deadline=make("t.three"), actor=officer, reason="重复").status == (
        "cancelled"
    )
