"""Who may take each workflow step: every transition × role × own/other county, at the service.

The scope matrix (test_scope_matrix.py) checks one write per kind through the pages and the API;
this one checks each *step* of the workflows at the service, where the refusal belongs (a page
that hides a button is not a permission). The expected table is written by hand from the rules:

- ``Cap.WRITE`` — the bureau's operational work: layoff reports (edit, roster, attachments,
  submit, review, implement, close), visits, incidents (create, demands, review, status), opinion
  items (create, verify, link to and unlink from an incident), programmes (courses and their
  enrolment, roll call, completion and drop; fairs and attendees; public-welfare positions and
  their placements, exits and spot checks; pairs and their end), ledgers, budgets, benefit
  decisions, township deadlines. City office, group member, county officer, administrator.
- ``Cap.CASE_WORK`` — the assistance ledger: contacts, status, registrations, a case's
  deadlines, a person's job-matching preference, a referred laid-off worker. Those four and the grid worker (their grid only).
- city-wide reference data (the opinion lexicon) — writers whose scope includes the city.
- Leader and auditor read only. Nobody reviews a report they created or submitted.

Own = 宝丰县 (410421 or its township 410421100, the grid worker's grid), other = 叶县. A step on a
record of another county is refused whatever the role may do.

The layoff report has no "return" or "reject" step and a visit is never edited after it is
recorded (there is no such service): nothing to put in the table for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.core.scope_matrix_world import OTHER, OWN
from tests.core.workflow_matrix_steps import STEPS, build, report_at
from tests.factories import OWN_COUNTY, make_user, rolled_back_world
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.response import selectors as response_selectors
from wenjiuye.response import services as response
from wenjiuye.response.models import LayoffReport

pytestmark = pytest.mark.django_db

OFFICE, MEMBER, COUNTY, GRID = (
    Role.CITY_OFFICE,
    Role.GROUP_MEMBER,
    Role.COUNTY_OFFICER,
    Role.GRID_WORKER,
)
LEADER, AUDITOR, ADMIN = Role.LEADER, Role.AUDITOR, Role.ADMIN
ROLES = (OFFICE, MEMBER, COUNTY, GRID, LEADER, AUDITOR, ADMIN)

#: "bureau work" (Cap.WRITE): the city and administrators everywhere, the county at home
BUREAU = {
    OFFICE: "YY",
    MEMBER: "YY",
    COUNTY: "Y-",
    GRID: "--",
    LEADER: "--",
    AUDITOR: "--",
    ADMIN: "YY",
}
#: "case work" (Cap.CASE_WORK) on a record of the grid: the grid worker too
CASE = BUREAU | {GRID: "Y-"}

# transition → role → (own, other): "Y" allowed, "-" refused (PermissionDenied, nothing changes)
EXPECTED: dict[str, dict[str, str]] = {
    "layoff.submit": BUREAU,
    "layoff.review": BUREAU,
    "layoff.implement": BUREAU,
    "layoff.close": BUREAU,
    "visit.create": BUREAU,
    "incident.report": BUREAU,
    "incident.status": BUREAU,
    "ledger.follow_up": BUREAU,
    "ledger.close": BUREAU,
    "budget.save": BUREAU,
    "deadline.complete": BUREAU,  # a deadline about the township itself
    "case.contact": CASE,
    "case.status": CASE,
    "case.deadline": CASE,  # a deadline about a case of the grid
    "pending.confirm": CASE,
    "pending.reject": CASE,
    # a referral is addressed to the worker's county (410421), above the grid worker's grid
    "referral.accept": BUREAU,
    "layoff.edit": BUREAU,
    "layoff.roster_import": BUREAU,
    "layoff.attachment": BUREAU,
    "incident.create": BUREAU,
    "incident.demand": BUREAU,
    "incident.review": BUREAU,
    "opinion.create": BUREAU,
    "opinion.verify": BUREAU,
    "opinion.link": BUREAU,
    "opinion.unlink": BUREAU,
    "course.create": BUREAU,
    "course.enrol": BUREAU,
    "course.roll_call": BUREAU,
    "course.complete": BUREAU,
    "course.drop": BUREAU,
    "fair.create": BUREAU,
    "fair.attendee": BUREAU,
    "position.create": BUREAU,
    "position.place": BUREAU,  # a position of the grid worker's own township: still bureau work
    "position.exit": BUREAU,
    "position.check": BUREAU,
    "pair.create": BUREAU,
    "pair.end": BUREAU,
    # whether a person of the grid would take a job in another city: case work
    "matching.preference": CASE,
    # one lexicon for the whole city: only writers whose scope includes the city
    "lexicon.add": {
        OFFICE: "YY",
        MEMBER: "YY",
        COUNTY: "--",
        GRID: "--",
        LEADER: "--",
        AUDITOR: "--",
        ADMIN: "YY",
    },
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    yield from rolled_back_world(django_db_blocker, build, media=tmp_path_factory.mktemp("m"))


CASES = [(step, role, where) for step in EXPECTED for role in ROLES for where in (OWN, OTHER)]


def test_every_step_has_a_row_and_an_action():
    assert set(EXPECTED) == set(STEPS)
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize(("step", "role", "where"), CASES)
def test_workflow_matrix(world, step, role, where):
    user = world["users"][role]
    run = STEPS[step](world, where)
    allowed = EXPECTED[step][role][0 if where == OWN else 1] == "Y"
    events = Event.objects.count()
    if allowed:
        own_events = Event.objects.filter(actor=user).count()
        run(user)
        assert Event.objects.filter(actor=user).count() > own_events  # audited as the user
    else:
        with pytest.raises(PermissionDenied):
            run(user)
        assert Event.objects.count() == events  # nothing changed


@pytest.mark.parametrize("role", [OFFICE, MEMBER, COUNTY, ADMIN])
@pytest.mark.parametrize("own", ["created", "submitted"])
def test_nobody_reviews_their_own_report(world, role, own):
    """Every role that may review is refused on a report it created or submitted."""
    user = world["users"][role]
    ent = world["recs"]["layoff"][OWN].extra["enterprise"]
    today = timezone.localdate()
    report = response.layoff_create(
        actor=user if own == "created" else world["author"],
        enterprise=ent,
        total_employees=1000,
        planned_layoffs=201,
        situation=LayoffReport.Situation.DIFFICULTY,
        planned_implementation_on=today + timedelta(days=40),
    )
    submitter = world["author"] if own == "created" else user
    report = response.layoff_submit(actor=submitter, report=report)
    with pytest.raises(PermissionDenied):
        response.layoff_review(actor=user, report=report)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_county_level_grid_worker_is_refused_by_capability_not_only_by_scope(world):
    """A grid worker whose grid is a whole county sees the county's layoff reports but still may
    not review them (the defect: 审核通过 worked for the grid worker)."""
    grid = make_user("grid-county", Role.GRID_WORKER, OWN_COUNTY)
    report = report_at(world, OWN, "submitted")
    assert response_selectors.layoff_get(user=grid, pk=report.pk) == report
    with pytest.raises(PermissionDenied):
        response.layoff_review(actor=grid, report=report)
    report.refresh_from_db()
    assert report.status == "submitted"
