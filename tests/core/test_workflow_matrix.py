"""Who may take each workflow step: every transition × role × own/other county, at the service.

The scope matrix (test_scope_matrix.py) checks one write per kind through the pages and the API;
this one checks each *step* of the workflows at the service, where the refusal belongs (a page
that hides a button is not a permission). The expected table is written by hand from the rules:

- ``Cap.WRITE`` — the bureau's operational work: layoff reports (submit, review, implement,
  close), visits, incidents, ledgers, budgets, benefit decisions, township deadlines. City office,
  group member, county officer, administrator.
- ``Cap.CASE_WORK`` — the assistance ledger: contacts, status, registrations, a case's
  deadlines, a referred laid-off worker. Those four and the grid worker (their grid only).
- city-wide reference data (the opinion lexicon) — writers whose scope includes the city.
- Leader and auditor read only. Nobody reviews a report they created or submitted.

Own = 宝丰县 (410421 or its township 410421100, the grid worker's grid), other = 叶县. A step on a
record of another county is refused whatever the role may do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.conftest import OTHER_COUNTY, OWN_COUNTY, make_id, make_user
from tests.core.scope_matrix_world import OTHER, OWN, build_world
from tests.factories import rolled_back_world
from tests.response.conftest import HEADER, roster_csv
from wenjiuye.assistance import decisions, registration
from wenjiuye.assistance import services as assistance
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.incidents import services as incidents
from wenjiuye.monitoring import ledger
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.opinion import services as opinion
from wenjiuye.response import selectors as response_selectors
from wenjiuye.response import services as response
from wenjiuye.response.models import LayoffReport, LayoffWorker

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


def _build() -> dict[str, Any]:
    """The scope matrix's records, plus two city officers: an author whose reports nobody else
    authored, and a second who reviews them."""
    w = build_world()
    w["author"] = make_user("author", Role.CITY_OFFICE, "410400")
    w["second"] = make_user("second", Role.CITY_OFFICE, "410400")
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    yield from rolled_back_world(django_db_blocker, _build, media=tmp_path_factory.mktemp("m"))


# --- Setting up the record each step acts on --------------------------------------------------


def _new_report(actor: Any, enterprise: Any, **extra: Any) -> LayoffReport:
    """A layoff of 201 of 1000 implemented today, with the art. 41 procedure followed."""
    today = timezone.localdate()
    return response.layoff_create(
        actor=actor,
        enterprise=enterprise,
        total_employees=1000,
        planned_layoffs=201,
        situation=LayoffReport.Situation.DIFFICULTY,
        planned_implementation_on=today,
        explained_on=today - timedelta(days=30),
        reported_on=today - timedelta(days=1),
        local_average_wage=Decimal("6000"),
        **extra,
    )


def _report(w: dict[str, Any], where: str, upto: str) -> LayoffReport:
    """A report of the county's enterprise, authored by the city author, taken up to ``upto``."""
    author, second = w["author"], w["second"]
    ent = w["recs"]["layoff"][where].extra["enterprise"]
    county = OWN_COUNTY if where == OWN else OTHER_COUNTY
    report = _new_report(author, ent, union_opinion="工会同意")
    serial = 300 + LayoffReport.objects.count()
    row = [f"流程职工{serial}", make_id(county, "19850101", serial), "", "固定期限"]
    row += ["2010-03-01", "5000", "否", "否"]
    response.roster_import(
        actor=author, report=report, content=roster_csv([row], header=HEADER), filename="r.csv"
    )
    steps = ["draft", "submitted", "reviewed", "implemented"]
    if steps.index(upto) >= 1:
        report = response.layoff_submit(actor=author, report=report)
    if steps.index(upto) >= 2:
        report = response.layoff_review(actor=second, report=report)
    if steps.index(upto) >= 3:
        response.layoff_implement(actor=author, report=report)
        report.refresh_from_db()
    return report


def _referral(w: dict[str, Any], where: str) -> LayoffWorker:
    """A worker of ``where`` on the roster of the *other* county's report, referred to ``where``
    by a county officer of the other county."""
    home, away = (OWN_COUNTY, OTHER) if where == OWN else (OTHER_COUNTY, OWN)
    officer = make_user(
        f"away-{where}", Role.COUNTY_OFFICER, w["recs"]["layoff"][away].obj.region_id
    )
    reviewer = make_user(f"away2-{where}", Role.COUNTY_OFFICER, officer.region_id)
    report = _new_report(officer, w["recs"]["layoff"][away].extra["enterprise"])
    row = ["转来职工", make_id(home, "19860101", 401), "", "固定期限", "2010-03-01", "5000"]
    row += ["否", "否", home]
    response.roster_import(
        actor=officer,
        report=report,
        content=roster_csv([row], header=[*HEADER, "常住地区划代码"]),
        filename="r.csv",
    )
    report = response.layoff_review(
        actor=reviewer, report=response.layoff_submit(actor=officer, report=report)
    )
    response.layoff_implement(actor=officer, report=report)
    return report.workers.get()


def _entry(w: dict[str, Any], where: str) -> LedgerEntry:
    county = OWN_COUNTY if where == OWN else OTHER_COUNTY
    return ledger.ledger_add(
        actor=w["author"],
        ledger=LedgerEntry.Ledger.RISK,
        subject_type="region",
        subject_id=county,
        region_code=county,
        reason="manual",
        period=timezone.localdate().strftime("%Y%m"),
        name="流程台账",
        note="流程矩阵",
    )


def _case_deadline(w: dict[str, Any], where: str) -> Any:
    case = w["recs"]["case"][where].obj
    return deadline_create(
        kind="matrix.case",
        title="流程矩阵个案事项",
        clause="U1",
        subject=case,
        region=case.grid,
        due_at=timezone.now() + timedelta(days=3),
        actor=w["author"],
    )


# Each step: (set up the record for ``where``) → act as ``user`` → the changed state to check.
Step = Callable[[dict[str, Any], str], Callable[[Any], Any]]


def _layoff(upto: str, act: Callable[..., Any], after: str) -> Step:
    def step(w: dict[str, Any], where: str) -> Callable[[Any], Any]:
        report = _report(w, where, upto)

        def run(user: Any) -> Any:
            act(actor=user, report=report)
            report.refresh_from_db()
            assert report.status == after

        return run

    return step


def _on(setup: Callable[[dict[str, Any], str], Any], act: Callable[[Any, Any], Any]) -> Step:
    def step(w: dict[str, Any], where: str) -> Callable[[Any], Any]:
        obj = setup(w, where)
        return lambda user: act(user, obj)

    return step


def _rec(kind: str) -> Callable[[dict[str, Any], str], Any]:
    return lambda w, where: w["recs"][kind][where].obj


def _county(w: dict[str, Any], where: str) -> Region:
    return Region.objects.get(pk=OWN_COUNTY if where == OWN else OTHER_COUNTY)


def _enterprise(w: dict[str, Any], where: str) -> Any:
    return w["recs"]["layoff"][where].extra["enterprise"]


def _budget(user: Any, county: Region) -> None:
    decisions.fund_budget_set(actor=user, county=county, year=2026, amount=Decimal("1000"))


STEPS: dict[str, Step] = {
    "layoff.submit": _layoff("draft", response.layoff_submit, "submitted"),
    "layoff.review": _layoff("submitted", response.layoff_review, "reviewed"),
    "layoff.implement": _layoff("reviewed", response.layoff_implement, "implemented"),
    "layoff.close": _layoff(
        "implemented",
        lambda actor, report: response.layoff_close(actor=actor, report=report, note="逐项处理"),
        "closed",
    ),
    "visit.create": _on(
        _enterprise,
        lambda u, e: response.visit_create(
            actor=u, enterprise=e, visited_on=timezone.localdate(), visitors="流程走访组"
        ),
    ),
    "incident.report": _on(
        _rec("incident"), lambda u, i: incidents.report_add(actor=u, incident=i, text="流程动态")
    ),
    "incident.status": _on(
        _rec("incident"),
        lambda u, i: incidents.incident_set_status(actor=u, incident=i, status="under_control"),
    ),
    "ledger.follow_up": _on(
        _entry, lambda u, e: ledger.ledger_set_status(actor=u, entry=e, status="following_up")
    ),
    "ledger.close": _on(
        _entry,
        lambda u, e: ledger.ledger_set_status(actor=u, entry=e, status="closed", reason="已化解"),
    ),
    "budget.save": _on(_county, _budget),
    "deadline.complete": _on(
        _rec("deadline"), lambda u, d: deadline_complete(deadline=d, actor=u, note="流程办结")
    ),
    "case.contact": _on(
        _rec("case"), lambda u, c: assistance.contact_add(case=c, actor=u, channel="phone")
    ),
    "case.status": _on(
        _rec("case"),
        lambda u, c: assistance.case_set_status(
            case=c, actor=u, status="employed", on=timezone.localdate(), employer="流程单位"
        ),
    ),
    "case.deadline": _on(
        _case_deadline, lambda u, d: deadline_complete(deadline=d, actor=u, note="流程办结")
    ),
    "pending.confirm": _on(
        _rec("pending"), lambda u, p: registration.pending_confirm(pending=p, actor=u)
    ),
    "pending.reject": _on(
        _rec("pending"),
        lambda u, p: registration.pending_reject(pending=p, actor=u, note="流程退回"),
    ),
    "referral.accept": _on(_referral, lambda u, wk: response.referral_accept(actor=u, worker=wk)),
    "lexicon.add": _on(
        lambda w, where: f"流程词{where}",
        lambda u, term: opinion.lexicon_add(actor=u, category="layoff", term=term),
    ),
}

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
    report = _report(world, OWN, "submitted")
    assert response_selectors.layoff_get(user=grid, pk=report.pk) == report
    with pytest.raises(PermissionDenied):
        response.layoff_review(actor=grid, report=report)
    report.refresh_from_db()
    assert report.status == "submitted"
