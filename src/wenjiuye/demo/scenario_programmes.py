"""The scenario's programmes (U4–U6): a finished training course with attendance, completions and
certificates and one under way for the laid-off workers; a general job fair and the layoff's own
fair with employers, vacancies, job seekers and hires; public-welfare positions with placements and
a spot check; help pairs. A hire or a placement is also recorded on the person's case."""

from __future__ import annotations

from datetime import date

from wenjiuye.assistance.models import Case, Status
from wenjiuye.assistance.services import case_set_status
from wenjiuye.core.models import Region, User
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete
from wenjiuye.demo.scenario_base import Scene, enterprises_in, pick_cases
from wenjiuye.intake.models import JobPosting
from wenjiuye.programmes import pairing
from wenjiuye.programmes import services as programmes
from wenjiuye.programmes.models import (
    Certificate,
    Course,
    FairEmployer,
    JobFair,
    Pair,
    PublicWelfarePosition,
    SpotCheck,
)
from wenjiuye.registry.models import Enterprise
from wenjiuye.response.models import LayoffReport


def record(scene: Scene) -> None:
    yexian = scene.county_of("yexian")
    _finished_course(scene, yexian)
    _fair(scene, "yexian", yexian)
    if scene.layoff_fair_report is not None:
        _layoff_course_and_fair(scene, scene.layoff_fair_report)
    _positions(scene)
    _pairs(scene)


def employ(
    scene: Scene, actor: User, case: Case, on: date, status: str, employer: str, job: str
) -> None:
    """The officer records the new job on the person's case too (it leaves the open ledger)."""
    case_set_status(
        case=case, status=status, actor=actor, on=on, employer=employer, job=job, note="帮扶就业"
    )
    scene.count("cases_employed")


# --- training ------------------------------------------------------------------------------


def _roll_calls(actor: User, course: Course, days: list[date], absent: set[int]) -> int:
    """Attendance on each of ``days``: everybody present but the enrolments in ``absent``, who
    come on the first day only."""
    active = list(course.enrolments.order_by("pk"))
    for i, day in enumerate(days):
        present = {e.pk for e in active if e.pk not in absent or i == 0}
        programmes.roll_call_record(actor=actor, course=course, day=day, present_ids=present)
    return len(days)


def _finished_course(scene: Scene, county: str) -> None:
    """A six-week elderly-care course that ended twelve days ago: four of five completed (three
    certified so far), one came once and left for a job (recorded on the case)."""
    actor = scene.users["yexian"]
    region = Region.objects.get(pk=county)
    course = programmes.course_create(
        actor=actor,
        title="养老护理员(职业技能提升)培训班",
        kind=Course.Kind.SKILLS_UPGRADE,
        subtype=Course.Subtype.ELDERLY_CARE,
        provider=f"{region.name}职业技术培训学校",
        region=region,
        starts_on=scene.day(40),
        ends_on=scene.day(12),
        hours=120,
        capacity=20,
    )
    scene.count("courses")
    cases = pick_cases(scene, county, 5, on=scene.day(45), training=True)
    enrolments = [
        programmes.enrolment_add(
            actor=actor, course=course, person=c.person, enrolled_on=scene.day(42)
        )
        for c in cases
    ]
    scene.count("enrolments", len(enrolments))
    dropout = enrolments[-1] if len(enrolments) > 1 else None
    absent = {dropout.pk} if dropout else set()
    _roll_calls(actor, course, [scene.day(d) for d in (40, 33, 26, 19, 12)], absent)
    if dropout is not None:
        dropout.refresh_from_db()
        programmes.enrolment_drop(actor=actor, enrolment=dropout, reason="本人已找到工作,退出培训")
        employ(scene, actor, cases[-1], scene.day(36), Status.FLEXIBLE, "", "居家养老护理")
    for i, enrolment in enumerate(enrolments[:-1] if dropout else enrolments):
        enrolment.refresh_from_db()
        done = programmes.enrolment_complete(actor=actor, enrolment=enrolment, on=scene.day(11))
        scene.count("completions")
        if i < 3:
            programmes.certificate_issue(
                actor=actor,
                enrolment=done,
                number=f"YL{scene.day(5):%Y%m%d}{course.pk:03d}{i + 1:02d}",
                kind=Certificate.Kind.SKILL_LEVEL,
                issued_on=scene.day(5),
            )
            scene.count("certificates")


def _layoff_course_and_fair(scene: Scene, report: LayoffReport) -> None:
    """The laid-off workers: a practical course under way and the layoff's own job fair (the
    report's obligation), where two of them were hired."""
    actor = scene.users["member"]
    county = report.region_id
    persons = report.workers.filter(person__isnull=False).order_by("pk")
    workers = list(Case.objects.filter(person_id__in=persons.values("person_id")).order_by("pk"))
    course = programmes.course_create(
        actor=actor,
        title="电工(实用技能)培训班",
        kind=Course.Kind.PRACTICAL,
        provider=f"{report.region.name}技工学校",
        region=report.region,
        starts_on=scene.day(5),
        ends_on=scene.day(-20),
        hours=60,
        capacity=30,
    )
    scene.count("courses")
    hired = workers[-2:] if len(workers) >= 4 else workers[-1:]
    for case in [w for w in workers if w not in hired][:6]:
        programmes.enrolment_add(
            actor=actor, course=course, person=case.person, enrolled_on=scene.day(6)
        )
        scene.count("enrolments")
    _roll_calls(actor, course, [scene.day(5), scene.day(3)], set())
    fair = programmes.fair_create(
        actor=actor,
        title=f"{report.enterprise.name}被裁减人员专场招聘会",
        held_on=scene.day(5),
        venue=f"{report.region.name}人力资源市场",
        region=report.region,
        kind=JobFair.Kind.LAYOFF,
        layoff_report_id=report.pk,
    )
    scene.count("job_fairs")
    employers = _employers(scene, actor, fair, county, exclude={report.enterprise.uscc})
    for case in workers:
        programmes.fair_attendee_add(actor=actor, fair=fair, person=case.person)
        scene.count("fair_attendees")
    _hires(scene, actor, fair, employers, hired, scene.day(4))
    for deadline in deadlines_for(report).filter(
        kind="layoff.job_fair", status=Deadline.Status.OPEN
    ):
        deadline_complete(
            deadline=deadline, actor=actor, note=f"已于 {fair.held_on} 举办专场招聘会"
        )


# --- job fairs -----------------------------------------------------------------------------


def _employers(
    scene: Scene, actor: User, fair: JobFair, county: str, *, exclude: set[str]
) -> list[FairEmployer]:
    """Up to three employers with their posted vacancies (the county's first, then the city's)."""
    recent = JobPosting.objects.exclude(uscc="").exclude(uscc__in=exclude)
    recent = recent.order_by("-posted_on", "posting_id")
    postings = [*recent.filter(region_code__startswith=county)[:30], *recent[:30]]
    chosen: dict[str, JobPosting | None] = {}
    for p in postings:
        if p.uscc not in chosen and Enterprise.objects.filter(uscc=p.uscc).exists():
            chosen[p.uscc] = p
        if len(chosen) == 3:
            break
    if not chosen:
        for e in enterprises_in(county, exclude=exclude)[:2]:
            chosen[e.uscc] = None
    out = []
    for i, (uscc, posting) in enumerate(chosen.items(), start=1):
        employer = programmes.fair_employer_add(
            actor=actor,
            fair=fair,
            enterprise=Enterprise.objects.get(uscc=uscc),
            booth=f"A{i:02d}",
            vacancies=posting.openings if posting else 5,
        )
        programmes.fair_vacancy_add(
            actor=actor,
            employer=employer,
            title=posting.title if posting else "普工",
            openings=posting.openings if posting else 5,
            posting_id=posting.posting_id if posting else "",
        )
        scene.count("fair_employers")
        out.append(employer)
    return out


def _hires(
    scene: Scene,
    actor: User,
    fair: JobFair,
    employers: list[FairEmployer],
    cases: list[Case],
    on: date,
) -> None:
    for i, case in enumerate(cases):
        if not employers:
            return
        employer = employers[i % len(employers)]
        vacancy = employer.positions.order_by("pk").first()
        if vacancy is not None and vacancy.hires.count() >= vacancy.openings:
            vacancy = None  # filled: hired by the employer outside the posted vacancy
        programmes.fair_hire_record(
            actor=actor,
            fair=fair,
            person=case.person,
            employer=employer,
            vacancy=vacancy,
            hired_on=on,
        )
        scene.count("fair_hires")
        employ(
            scene,
            actor,
            case,
            on,
            Status.EMPLOYED,
            employer.enterprise.name,
            vacancy.title if vacancy else "",
        )


def _fair(scene: Scene, username: str, county: str) -> None:
    """The county's job fair nine days ago: employers, eight job seekers, two hired."""
    actor = scene.users[username]
    region = Region.objects.get(pk=county)
    fair = programmes.fair_create(
        actor=actor,
        title=f"{region.name}“春风行动”专场招聘会",
        held_on=scene.day(9),
        venue=f"{region.name}人力资源市场",
        region=region,
    )
    scene.count("job_fairs")
    employers = _employers(scene, actor, fair, county, exclude=set())
    seekers = pick_cases(scene, county, 8, on=scene.day(9), keep=True)
    for case in seekers:
        programmes.fair_attendee_add(actor=actor, fair=fair, person=case.person)
        scene.count("fair_attendees")
    _hires(
        scene, actor, fair, employers, pick_cases(scene, county, 2, on=scene.day(8)), scene.day(8)
    )


# --- public-welfare positions and pairs ---------------------------------------------------


def _positions(scene: Scene) -> None:
    """Urban positions in the yexian officer's county (two placed, each spot-checked) and a rural
    one in the member's quiet county (one placed)."""
    plans = [
        ("yexian", scene.county_of("yexian"), PublicWelfarePosition.Area.URBAN, 3, 2),
        ("member", scene.quiet_county, PublicWelfarePosition.Area.RURAL, 2, 1),
    ]
    for username, county, area, count, placed in plans:
        if not county:
            continue
        actor = scene.users[username]
        region = Region.objects.get(pk=county)
        title, unit = POSITIONS[area]
        unit = region.name + unit
        position = programmes.position_create(
            actor=actor,
            title=title,
            area=area,
            unit=unit,
            region=region,
            count=count,
            opened_on=scene.day(60),
        )
        scene.count("welfare_positions")
        for case in pick_cases(scene, county, placed, on=scene.day(30)):
            placement = programmes.placement_start(
                actor=actor, position=position, person=case.person, starts_on=scene.day(30)
            )
            scene.count("placements")
            employ(scene, actor, case, scene.day(30), Status.PUBLIC_WELFARE_JOB, unit, title)
            if area == PublicWelfarePosition.Area.URBAN:
                programmes.spot_check_add(
                    actor=actor,
                    placement=placement,
                    checked_on=scene.day(10),
                    method=SpotCheck.Method.VISIT,
                    result=SpotCheck.Result.OK,
                    finding="本人在岗,考勤记录完整,补贴按月发放",
                )
                scene.count("spot_checks")


#: area → (the position, the employing unit after the county's name)
POSITIONS = {
    PublicWelfarePosition.Area.URBAN: ("城区保洁保绿", "城市管理局"),
    PublicWelfarePosition.Area.RURAL: ("乡村公益性岗位(村级保洁)", "农业农村局"),
}


def _pairs(scene: Scene) -> None:
    """An enterprise paired one-to-one in the yexian officer's county; the baofeng bureau's
    employment centre paired with three persons."""
    yexian, baofeng = scene.county_of("yexian"), scene.county_of("baofeng")
    helper = next(iter(enterprises_in(yexian)), None)
    cases = pick_cases(scene, yexian, 1, on=scene.day(25), keep=True)
    if helper is not None and cases:
        pairing.pair_create(
            actor=scene.users["yexian"],
            helper_kind=Pair.HelperKind.ENTERPRISE,
            helper_enterprise=helper,
            helper_contact="人力资源部负责人",
            mode=Pair.Mode.ONE_TO_ONE,
            persons=[c.person for c in cases],
            region=Region.objects.get(pk=yexian),
            starts_on=scene.day(25),
            note="企业提供岗位信息和岗前培训",
        )
        scene.count("pairs")
    cases = pick_cases(scene, baofeng, 3, on=scene.day(15), keep=True)
    if len(cases) >= 2:
        pairing.pair_create(
            actor=scene.users["baofeng"],
            helper_kind=Pair.HelperKind.INSTITUTION,
            helper_name=f"{Region.objects.get(pk=baofeng).name}就业创业服务中心",
            helper_contact="就业指导员",
            mode=Pair.Mode.ONE_TO_MANY,
            persons=[c.person for c in cases],
            region=Region.objects.get(pk=baofeng),
            starts_on=scene.day(15),
            note="每周推送岗位信息,组织参加招聘活动",
        )
        scene.count("pairs")
