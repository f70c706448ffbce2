"""The scenario's assistance ledger work: contacts, one-week promises met and missed, employment and
the follow-up after it — enough in two counties that on ``as_of`` the county inspection (U8) finds
them passing all four checks, while the others (the grid worker's county with an overdue contact
and a broken promise among them) do not; and the city office's inspection records.

What the inspection measures (``assistance.inspection``): the share of open cases whose profile is
complete; persons with a benefit due and unpaid; overdue contact deadlines and the share of open
cases contacted within their tier's frequency; the share employed in the window among those and the
open cases, and the one-week promises kept. The targets are the ``inspection.*`` parameters in
force on ``as_of``, read, never assumed.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from wenjiuye.assistance.inspection import county_inspection, inspection_record
from wenjiuye.assistance.inspection_dimensions import REQUIRED_FIELDS
from wenjiuye.assistance.models import EMPLOYED_STATUSES, Case, CaseStatusChange, Contact, Status
from wenjiuye.assistance.services import case_set_status, case_update, contact_add
from wenjiuye.assistance.tiers import case_tier
from wenjiuye.core.models import User
from wenjiuye.core.periods import local_day
from wenjiuye.core.policy import policy_value
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


def _contacted_lately(case: Case, on: date) -> bool:
    """Contacted (or registered) in the three days before ``on``: within any tier's frequency."""
    last = case.contacts.order_by("-at").values_list("at", flat=True).first()
    ref = max(local_day(last), case.registered_on) if last else case.registered_on
    return (on - ref).days <= 3


# --- the grid worker's county: some done, some not -----------------------------------------


def _grid_county(scene: Scene) -> None:
    """The grid worker contacted a few cases yesterday, but one contact is two days overdue; the
    county officer's promise to one person was kept, to another broken (due three days ago); a
    promise the grid worker made three days ago is still running."""
    grid, officer = scene.users["grid"], scene.users["baofeng"]
    county = scene.county_of("grid")[:6]
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
    for case in pick_cases(scene, county, 1, on=scene.day(25)):
        _helped(scene, officer, case, 25)
        _job(scene, officer, case, 21, 0)
        scene.count("promises_kept")
    for case in pick_cases(scene, county, 1, on=scene.day(10)):
        _helped(scene, officer, case, 10)
        scene.count("promises_missed")
    for case in pick_cases(scene, county, 1, on=scene.day(3)):
        _helped(scene, grid, case, 3)


# --- a county brought up to standard -------------------------------------------------------


def _employed_in_window(county: str, first: date, last: date) -> int:
    return (
        CaseStatusChange.objects.filter(
            case__grid__code__startswith=county,
            to_status__in=EMPLOYED_STATUSES,
            on__gte=first,
            on__lte=last,
        )
        .values("case_id")
        .distinct()
        .count()
    )


def _up_to_standard(scene: Scene, actor: User, county: str) -> None:
    """Employment above the inspection's share (two via a promise kept within the week, one a
    month ago and followed up since), then every open case's profile complete and contacted."""
    on = scene.as_of
    window = int(policy_value("inspection.results.window_days", on=on))
    share = float(policy_value("inspection.results.min_reemployed_ratio", on=on)) + 0.1
    first = on - timedelta(days=window - 1)
    employed = _employed_in_window(county, first, on)
    needed = max(0, math.ceil(share * (employed + len(open_cases(county)))) - employed)
    i = 0
    for case in pick_cases(scene, county, min(2, needed), on=scene.day(20)):
        _helped(scene, actor, case, 20)
        _job(scene, actor, case, 16, i)
        scene.count("promises_kept")
        i += 1
    if needed > i:
        for case in pick_cases(scene, county, 1, on=scene.day(40)):
            _job(scene, actor, case, 40, i)
            _contact(
                scene,
                actor,
                case,
                11,
                purpose=Contact.Purpose.FOLLOW_UP,
                channel=Contact.Channel.PHONE,
                note="回访:在岗稳定,已签订劳动合同",
            )
            scene.count("follow_ups")
            i += 1
    for case in pick_cases(scene, county, max(0, needed - i), on=scene.as_of):
        _job(scene, actor, case, min(7, (scene.as_of - case.status_on).days), i)
        i += 1
    for case in open_cases(county):
        _complete_profile(scene, actor, case)
        if not _contacted_lately(case, on):
            _contact(scene, actor, case, 1 + case.pk % 3)


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
