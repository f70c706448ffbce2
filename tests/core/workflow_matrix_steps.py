"""The records the workflow matrix (tests/core/test_workflow_matrix.py) acts on, and each step:
for a county (own or other), set up the record the step needs, then act on it as a user.

The world is the scope matrix's (``scope_matrix_world.build_world``) plus two city officers: an
author of the reports, and a second who reviews them (nobody reviews their own report).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.core.scope_matrix_world import DAY, OTHER, OWN, build_world
from tests.factories import (
    HEADER,
    OTHER_COUNTY,
    OWN_COUNTY,
    make_id,
    make_user,
    roster_csv,
)
from wenjiuye.assistance import decisions, registration
from wenjiuye.assistance import services as assistance
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.incidents import services as incidents
from wenjiuye.matching import services as matching
from wenjiuye.monitoring import ledger
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.opinion import services as opinion
from wenjiuye.programmes import pairing
from wenjiuye.programmes import services as programmes
from wenjiuye.response import referrals, visits
from wenjiuye.response import services as response
from wenjiuye.response.models import LayoffReport, LayoffWorker


def build() -> dict[str, Any]:
    """The scope matrix's records, plus two city officers: an author whose reports nobody else
    authored, and a second who reviews them."""
    w = build_world()
    w["author"] = make_user("author", Role.CITY_OFFICE, "410400")
    w["second"] = make_user("second", Role.CITY_OFFICE, "410400")
    return w


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


def report_at(w: dict[str, Any], where: str, upto: str) -> LayoffReport:
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
        report = report_at(w, where, upto)

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


def _fresh(kind: str) -> Callable[[dict[str, Any], str], Any]:
    """The county's record of ``kind`` as the database holds it now (an earlier case's step may
    have changed the shared instance before its savepoint was rolled back)."""

    def setup(w: dict[str, Any], where: str) -> Any:
        obj = w["recs"][kind][where].obj
        return type(obj).objects.get(pk=obj.pk)

    return setup


def _draft(w: dict[str, Any], where: str) -> LayoffReport:
    return report_at(w, where, "draft")


def _roster_row(where: str) -> bytes:
    county = OWN_COUNTY if where == OWN else OTHER_COUNTY
    row = [f"补报职工{where}", make_id(county, "19870101", 611), "", "固定期限", "2012-05-01"]
    return roster_csv([[*row, "4800", "否", "否"]], header=HEADER)


def _linked(w: dict[str, Any], where: str) -> Any:
    """The county's opinion item linked (by the author) to the county's incident."""
    item, incident = _fresh("opinion")(w, where), _fresh("incident")(w, where)
    return opinion.opinion_link_incident(actor=w["author"], item=item, incident=incident)


def _pair_of(kind: str) -> Callable[[dict[str, Any], str], Any]:
    """The county's record of ``kind`` and the second person of its place (to enrol, place…)."""

    def setup(w: dict[str, Any], where: str) -> Any:
        rec = w["recs"][kind][where]
        return _fresh(kind)(w, where), rec.extra["candidate"]

    return setup


def _enrolment(w: dict[str, Any], where: str) -> Any:
    return w["recs"]["course"][where].obj.enrolments.get()


def _attended(w: dict[str, Any], where: str) -> Any:
    """The course's enrolment, present at the one roll call (taken by the author)."""
    course = _fresh("course")(w, where)
    enrolment = course.enrolments.get()
    programmes.roll_call_record(
        actor=w["author"], course=course, day=DAY, present_ids={enrolment.pk}
    )
    enrolment.refresh_from_db()
    return enrolment


def _placement(w: dict[str, Any], where: str) -> Any:
    return w["recs"]["position"][where].obj.placements.get()


def _candidate(w: dict[str, Any], where: str) -> Any:
    return w["recs"]["course"][where].extra["candidate"]


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
        lambda u, e: visits.visit_create(
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
    "referral.accept": _on(_referral, lambda u, wk: referrals.referral_accept(actor=u, worker=wk)),
    "lexicon.add": _on(
        lambda w, where: f"流程词{where}",
        lambda u, term: opinion.lexicon_add(actor=u, category="layoff", term=term),
    ),
    "layoff.edit": _on(
        _draft, lambda u, r: response.layoff_update(actor=u, report=r, union_opinion="流程修改")
    ),
    "layoff.roster_import": _on(
        lambda w, where: (_draft(w, where), where),
        lambda u, rw: response.roster_import(
            actor=u, report=rw[0], content=_roster_row(rw[1]), filename="补报.csv"
        ),
    ),
    "layoff.attachment": _on(
        _draft,
        lambda u, r: response.attachment_add(
            actor=u, report=r, upload=SimpleUploadedFile("说明.txt", b"flow")
        ),
    ),
    "incident.create": _on(
        _county,
        lambda u, county: incidents.incident_create(
            actor=u,
            region=county,
            occurred_at=timezone.now() - timedelta(hours=1),
            place="流程广场",
            cause="pay",
            people=8,
        ),
    ),
    "incident.demand": _on(
        _fresh("incident"),
        lambda u, i: incidents.demand_add(
            actor=u, incident=i, text="流程诉求", handling="on_spot", result="当场答复"
        ),
    ),
    "incident.review": _on(
        _fresh("incident"),
        lambda u, i: incidents.incident_review(
            actor=u, incident=i, causes="流程原因", problems="流程问题", lessons="流程教训"
        ),
    ),
    "opinion.create": _on(
        _county,
        lambda u, county: opinion.opinion_create(
            actor=u, title="流程舆情", source="manual", region=county, text="流程正文"
        ),
    ),
    "opinion.verify": _on(
        _fresh("opinion"),
        lambda u, item: opinion.opinion_update(actor=u, item=item, status="verifying"),
    ),
    "opinion.link": _on(
        lambda w, where: (_fresh("opinion")(w, where), _fresh("incident")(w, where)),
        lambda u, pair: opinion.opinion_link_incident(actor=u, item=pair[0], incident=pair[1]),
    ),
    "opinion.unlink": _on(
        _linked, lambda u, item: opinion.opinion_unlink_incident(actor=u, item=item)
    ),
    "course.create": _on(
        _county,
        lambda u, county: programmes.course_create(
            actor=u,
            title="流程课程",
            kind="skills_upgrade",
            subtype="elderly_care",
            provider="流程培训学校",
            region=county,
            starts_on=DAY,
            ends_on=DAY + timedelta(days=20),
            hours=80,
            capacity=5,
        ),
    ),
    "course.enrol": _on(
        _pair_of("course"),
        lambda u, cp: programmes.enrolment_add(
            actor=u, course=cp[0], person=cp[1], enrolled_on=DAY
        ),
    ),
    "course.roll_call": _on(
        _fresh("course"),
        lambda u, c: programmes.roll_call_record(
            actor=u, course=c, day=DAY, present_ids={c.enrolments.get().pk}
        ),
    ),
    "course.complete": _on(
        _attended,
        lambda u, e: programmes.enrolment_complete(actor=u, enrolment=e, on=e.course.ends_on),
    ),
    "course.drop": _on(
        _enrolment, lambda u, e: programmes.enrolment_drop(actor=u, enrolment=e, reason="流程退出")
    ),
    "fair.create": _on(
        _county,
        lambda u, county: programmes.fair_create(
            actor=u, title="流程招聘会", held_on=DAY, venue="流程会场", region=county
        ),
    ),
    "fair.attendee": _on(
        _pair_of("fair"),
        lambda u, fp: programmes.fair_attendee_add(actor=u, fair=fp[0], person=fp[1]),
    ),
    "position.create": _on(
        _county,
        lambda u, county: programmes.position_create(
            actor=u,
            title="流程岗位",
            area="urban",
            unit="流程单位",
            region=county,
            count=2,
            opened_on=DAY,
        ),  # fmt: skip
    ),
    "position.place": _on(
        _pair_of("position"),
        lambda u, pp: programmes.placement_start(
            actor=u, position=pp[0], person=pp[1], starts_on=DAY
        ),
    ),
    "position.exit": _on(
        _placement,
        lambda u, p: programmes.placement_exit(
            actor=u, placement=p, exited_on=DAY + timedelta(days=10), reason="流程退岗"
        ),
    ),
    "position.check": _on(
        _placement,
        lambda u, p: programmes.spot_check_add(
            actor=u,
            placement=p,
            checked_on=DAY + timedelta(days=5),
            method="spot",
            result="ok",
            finding="在岗",
        ),  # fmt: skip
    ),
    "pair.create": _on(
        lambda w, where: (_county(w, where), _candidate(w, where)),
        lambda u, cp: pairing.pair_create(
            actor=u,
            helper_kind="institution",
            helper_name="流程帮扶单位",
            mode="one_to_one",
            persons=[cp[1]],
            region=cp[0],
            starts_on=DAY,
        ),  # fmt: skip
    ),
    "pair.end": _on(
        _fresh("pair"),
        lambda u, p: pairing.pair_end(actor=u, pair=p, ends_on=DAY + timedelta(days=60)),
    ),
    "matching.preference": _on(
        _candidate,
        lambda u, person: matching.preference_set(actor=u, person=person, accepts_migration=True),
    ),
}
