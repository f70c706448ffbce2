"""The scenario's assistance ledger work: contacts, one-week promises met and missed, employment and
the follow-up after it — enough in two counties that on ``as_of`` the county inspection (U8) finds
them passing all four checks, while the others (the grid worker's county with an overdue contact
and a broken promise among them) do not; and the city office's inspection records.

What the inspection measures (``assistance.inspection``): the share of open cases whose profile is
complete; persons with a benefit due and unpaid; overdue contact deadlines and the share of open
cases contacted within their tier's frequency; the share employed in the window among those and the
open cases, and the one-week promises kept. The targets are the ``inspection.*`` parameters in
force on ``as_of``, read, never assumed; so are the promise's week
(``key_region.employment_solved_days``), the tiers' contact frequencies and the follow-up months.

The counties brought up to standard are small (a handful of open cases in the demo city), and the
programmes part may already have given each of them a part (a course, a fair, a position): the
employment the results need then comes from those still open — a course completed, a job after
it — rather than from cases not yet used, which may be none.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from wenjiuye.assistance.case_deadlines import KIND_FOLLOW_UP
from wenjiuye.assistance.inspection import county_inspection, inspection_record
from wenjiuye.assistance.inspection_dimensions import REQUIRED_FIELDS
from wenjiuye.assistance.models import EMPLOYED_STATUSES, Case, CaseStatusChange, Contact, Status
from wenjiuye.assistance.services import case_set_status, case_update, contact_add
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.models import User
from wenjiuye.core.periods import end_of_day, local_day
from wenjiuye.core.policy import policy_value
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.demo.scenario_base import Scene, enterprises_in, open_cases, pick_cases
from wenjiuye.demo.scenario_programmes import employ

#: what a grid worker fills in on a visit, by field (the values the bureau's files use)
PROFILE = {
    "education": ["初中", "高中", "中专", "大专"],
    "skills": ["无", "电工", "焊工", "叉车操作", "计算机操作"],
    "health": ["健康"],
    "desired_job": ["普工", "仓库管理员", "保安", "电工", "销售代表"],
}
EMPLOYED_AS = [Status.EMPLOYED, Status.FLEXIBLE, Status.SELF_EMPLOYED]
#: a county is brought up to standard case by case only up to this many open cases (the small
#: demo city has tens per county; the city scale thousands, and stays as it is)
MAX_CASES = 150


def record(scene: Scene) -> None:
    _grid_county(scene)
    for username, county in (("yexian", scene.county_of("yexian")), ("member", scene.quiet_county)):
        if county and len(open_cases(county)) <= MAX_CASES:
            _up_to_standard(scene, scene.users[username], county)


# --- one case at a time --------------------------------------------------------------------


def _contact(scene: Scene, actor: User, case: Case, days_before: int, **extra: str) -> None:
    contact_add(
        case=case,
        actor=actor,
        channel=extra.pop(
            "channel", scene.rng.choice([Contact.Channel.PHONE, Contact.Channel.VISIT])
        ),
        note=extra.pop("note", "了解求职意向,推送岗位信息"),
        at=scene.at(days_before, 9 + scene.rng.randrange(8), scene.rng.randrange(60)),
        **extra,
    )
    scene.count("contacts")


def _helped(scene: Scene, actor: User, case: Case, days_before: int) -> None:
    case_set_status(
        case=case,
        status=Status.BEING_HELPED,
        actor=actor,
        on=scene.day(days_before),
        note="制定帮扶计划,承诺一周内解决就业",
    )
    scene.count("promises")


def _job(scene: Scene, actor: User, case: Case, days_before: int, i: int) -> None:
    county = case.grid_id[:6]
    employers = enterprises_in(county) or enterprises_in("4104")
    status = EMPLOYED_AS[i % len(EMPLOYED_AS)]
    employer = employers[i % len(employers)].name if status == Status.EMPLOYED else ""
    job = PROFILE["desired_job"][i % len(PROFILE["desired_job"])]
    employ(scene, actor, case, scene.day(days_before), status, employer, job)


def _complete_profile(scene: Scene, actor: User, case: Case) -> None:
    values: dict[str, object] = {}
    for name in REQUIRED_FIELDS:
        current = getattr(case, name)
        if current is None or (isinstance(current, str) and not current.strip()):
            values[name] = scene.rng.choice(PROFILE[name]) if name in PROFILE else False
    if values:
        case_update(case=case, actor=actor, **values)
        scene.count("profiles_completed")


def _promise_days(scene: Scene) -> int:
    """The one-week promise's days (K8) in force on ``as_of``."""
    return int(policy_value("key_region.employment_solved_days", on=scene.as_of))


def _lately(scene: Scene) -> int:
    """How many days back a contact is recent for every tier: at most three, never more than the
    shortest contact frequency in force."""
    packages = policy_value("assistance.tier.packages", on=scene.as_of)
    return max(1, min([3, *(int(t["contact_days"]) for t in packages)]))


def _contacted_lately(case: Case, on: date, days: int) -> bool:
    """Contacted (or registered) in the ``days`` days before ``on``."""
    last = case.contacts.order_by("-at").values_list("at", flat=True).first()
    ref = max(local_day(last), case.registered_on) if last else case.registered_on
    return (on - ref).days <= days


# --- the grid worker's county: some done, some not -----------------------------------------


def _grid_county(scene: Scene) -> None:
    """The grid worker contacted a few cases yesterday, but one contact is two days overdue; the
    county officer's promise to one person was kept, to another broken (due three days ago); a
    promise the grid worker made a few days ago is still running."""
    grid, officer = scene.users["grid"], scene.users["baofeng"]
    county = scene.county_of("grid")[:6]
    week = _promise_days(scene)
    for case in pick_cases(scene, county, 3, on=scene.day(1)):
        _complete_profile(scene, grid, case)
        _contact(scene, grid, case, 1)
    for case in pick_cases(scene, county, 1, on=scene.day(40)):
        # contacted once, two days more than the tier's frequency ago: the next one is overdue
        frequencies = sorted(
            {
                int(t["contact_days"])
                for t in policy_value("assistance.tier.packages", on=scene.as_of)
            }
        )
        days = next(
            (d for d in frequencies if case_tier(case, scene.day(d + 2)).contact_days == d),
            case_tier(case, scene.as_of).contact_days,
        )
        _contact(scene, grid, case, days + 2, note="电话无人接听,改日上门")
        scene.count("contacts_overdue")
    for case in pick_cases(scene, county, 1, on=scene.day(week + 18)):
        _helped(scene, officer, case, week + 18)
        _job(scene, officer, case, week + 14, 0)
        scene.count("promises_kept")
    for case in pick_cases(scene, county, 1, on=scene.day(week + 3)):
        _helped(scene, officer, case, week + 3)
        scene.count("promises_missed")
    running = max(0, min(3, week - 1))
    for case in pick_cases(scene, county, 1, on=scene.day(running)):
        _helped(scene, grid, case, running)


# --- a county brought up to standard -------------------------------------------------------


def _still_needed(scene: Scene, county: str) -> int:
    """How many more of the county's open cases must find a job for the results to be above the
    inspection's minimum share (with a margin of ten points): employed in the window ÷ (those +
    the open cases), as the inspection counts them on ``as_of``."""
    on = scene.as_of
    window = int(policy_value("inspection.results.window_days", on=on))
    share = float(policy_value("inspection.results.min_reemployed_ratio", on=on)) + 0.1
    first = on - timedelta(days=window - 1)
    employed = (
        CaseStatusChange.objects.filter(
            case__grid__code__startswith=county,
            to_status__in=EMPLOYED_STATUSES,
            on__gte=first,
            on__lte=on,
        )
        .values("case_id")
        .distinct()
        .count()
    )
    return max(0, math.ceil(share * (employed + len(open_cases(county)))) - employed)


def _up_to_standard(scene: Scene, actor: User, county: str) -> None:
    """Employment above the inspection's share (one or two via a promise kept within the week —
    so the results show promises — one a month ago; the rest lately, a course's completers among
    them), the follow-ups that fell due, then every open case's profile complete and contacted
    lately."""
    week = _promise_days(scene)
    i = 0
    promises = max(1, min(2, _still_needed(scene, county)))
    for case in pick_cases(scene, county, promises, on=scene.day(week + 3), again=True):
        _helped(scene, actor, case, week + 3)
        _job(scene, actor, case, week, i)
        scene.count("promises_kept")
        i += 1
    if _still_needed(scene, county):
        for case in pick_cases(scene, county, 1, on=scene.day(40)):
            _job(scene, actor, case, 40, i)
            i += 1
    for case in pick_cases(scene, county, _still_needed(scene, county), on=scene.as_of, again=True):
        _job(scene, actor, case, min(7, (scene.as_of - case.status_on).days), i)
        i += 1
    _follow_ups(scene, actor, county)
    lately = _lately(scene)
    for case in open_cases(county):
        _complete_profile(scene, actor, case)
        if not _contacted_lately(case, scene.as_of, lately):
            _contact(scene, actor, case, 1 + case.pk % lately)


def _follow_ups(scene: Scene, actor: User, county: str) -> None:
    """The county's employed cases whose follow-up (``assistance.follow_up.months`` after the job)
    fell due by ``as_of``: the officer phoned on the day it was due."""
    employed = Case.objects.filter(grid__code__startswith=county, status__in=EMPLOYED_STATUSES)
    for case in employed.order_by("employed_on", "pk"):
        due = (
            deadlines_for(case)
            .filter(
                kind__startswith=KIND_FOLLOW_UP,
                status=Deadline.Status.OPEN,
                due_at__lte=end_of_day(scene.as_of),
            )
            .order_by("due_at")
            .first()
        )
        if due is None:
            continue
        _contact(
            scene,
            actor,
            case,
            (scene.as_of - local_day(due.due_at)).days,
            purpose=Contact.Purpose.FOLLOW_UP,
            channel=Contact.Channel.PHONE,
            note="回访:在岗稳定" + (",已签订劳动合同" if case.status == Status.EMPLOYED else ""),
        )
        scene.count("follow_ups")


# --- the city office's inspection records ---------------------------------------------------


def inspections(scene: Scene) -> None:
    """The inspection table on ``as_of``, and the office's record for the grid worker's county
    (an information notice, with its re-inspection deadline) and for a county that passed."""
    office = scene.users["office"]
    result = county_inspection(user=office, on=scene.as_of)
    passing = [r for r in result.rows if not r.findings]
    failing = [r for r in result.rows if r.findings]
    scene.count("inspection_passing", len(passing))
    scene.count("inspection_failing", len(failing))
    grid_county = scene.county_of("grid")[:6]
    for row in [r for r in failing if r.code == grid_county][:1] + passing[:1]:
        inspection_record(
            actor=office,
            county=row.code,
            findings="、".join(row.findings) + ";限期整改并复查"
            if row.findings
            else "台账完整,联系及时,帮扶成效明显",
            action="notice" if row.findings else "none",
            on=scene.as_of,
        )
        scene.count("inspection_records")
