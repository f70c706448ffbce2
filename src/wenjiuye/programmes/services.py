"""Writes of the programmes: training (U4), job fairs (U5, E3) and public-welfare jobs (U2, K5,
K7); pairing is ``programmes.pairing``. Each checks role and scope, validates, and audits the
change.

Rules refused raise ``ValidationError`` with a Chinese reason (pages and the API answer 400);
records outside the actor's scope raise ``PermissionDenied`` (403) — callers resolve
objects through ``programmes.selectors`` first, which answer 404 for out-of-scope records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wenjiuye.core.audit import save_audited, snapshot
from wenjiuye.core.models import Region, User
from wenjiuye.core.policy import Policy
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, in_scope, require
from wenjiuye.intake.models import JobPosting
from wenjiuye.programmes import rules
from wenjiuye.programmes.models import (
    Attendance,
    Certificate,
    Course,
    Enrolment,
    FairAttendee,
    FairEmployer,
    FairHire,
    FairVacancy,
    JobFair,
    Placement,
    PublicWelfarePosition,
    SpotCheck,
)
from wenjiuye.programmes.rules import CENT
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.response.models import LayoffReport


def require_person(actor: User, person: Person) -> None:
    """The person must lie in the actor's scope (persons outside the city are nobody's)."""
    if not can(actor, Cap.WRITE) or not in_scope(actor, person.region_id):
        raise PermissionDenied(_("人员不在您的管辖范围内,或您没有修改权限。"))


def _fields(obj: models.Model) -> list[str]:
    """Every concrete field of ``obj``: what the programmes' audit events record."""
    return [f.attname for f in obj._meta.concrete_fields]


# --- Training (U4) ----------------------------------------------------------------------


@transaction.atomic
def course_create(
    *,
    actor: User,
    title: str,
    kind: str,
    subtype: str = "",
    provider: str,
    region: Region,
    starts_on: date,
    ends_on: date,
    hours: int,
    capacity: int,
) -> Course:
    """A course; its subsidy and living-allowance standards are the policy's on ``starts_on``."""
    require(actor, Cap.WRITE, region.code)
    if kind not in Course.Kind.values:
        raise ValidationError(_("未知培训类型"))
    if subtype and kind != Course.Kind.SKILLS_UPGRADE:
        raise ValidationError(_("只有职业技能提升培训可选择家政服务、养老护理、烹饪等方向"))
    if ends_on < starts_on:
        raise ValidationError(_("结业日期不能早于开班日期"))
    if capacity <= 0:
        raise ValidationError(_("招生人数应大于0"))
    policy = Policy(starts_on)
    subsidy = policy(f"programmes.training.subsidy_per_person.{kind}")
    allowance = policy("programmes.training.living_allowance_per_day")
    course = Course(
        title=title,
        kind=kind,
        subtype=subtype,
        provider=provider,
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
        hours=hours,
        capacity=capacity,
        subsidy_per_person=Decimal(str(subsidy)).quantize(CENT),
        living_allowance_per_day=Decimal(str(allowance)).quantize(CENT),
        policy=policy.cites(),
        created_by=actor,
    )
    save_audited(
        actor=actor, obj=course, before=None, fields=_fields(course), region_code=region.code
    )
    return course


@transaction.atomic
def enrolment_add(*, actor: User, course: Course, person: Person, enrolled_on: date) -> Enrolment:
    require(actor, Cap.WRITE, course.region_id)
    require_person(actor, person)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if Enrolment.objects.filter(course=course, person=person).exists():
        raise ValidationError(_("该人员已报名本课程"))
    if enrolled_on > course.ends_on:
        raise ValidationError(_("课程已于 %(d)s 结业,不能再报名") % {"d": course.ends_on})
    taken = course.enrolments.exclude(status=Enrolment.Status.DROPPED).count()
    if taken >= course.capacity:
        raise ValidationError(
            _("课程已满员:招生 %(cap)d 人,已报名 %(n)d 人") % {"cap": course.capacity, "n": taken}
        )
    enrolment = Enrolment(course=course, person=person, enrolled_on=enrolled_on)
    save_audited(
        actor=actor,
        obj=enrolment,
        before=None,
        fields=_fields(enrolment),
        region_code=course.region_id,
    )
    return enrolment


@transaction.atomic
def attendance_record(*, actor: User, enrolment: Enrolment, day: date, present: bool) -> Attendance:
    """Record (or correct) one day's attendance; the first record moves 已报名 to 在训."""
    course = enrolment.course
    require(actor, Cap.WRITE, course.region_id)
    if enrolment.status in (Enrolment.Status.DROPPED, Enrolment.Status.COMPLETED):
        raise ValidationError(
            _("学员状态为“%(s)s”,不能再登记考勤") % {"s": enrolment.get_status_display()}
        )
    if not course.starts_on <= day <= course.ends_on:
        raise ValidationError(
            _("考勤日期应在培训期 %(a)s 至 %(b)s 之内")
            % {"a": course.starts_on, "b": course.ends_on}
        )
    row = Attendance.objects.select_for_update().filter(enrolment=enrolment, day=day).first()
    if row is None:
        row = Attendance(enrolment=enrolment, day=day, present=present)
        save_audited(
            actor=actor, obj=row, before=None, fields=_fields(row), region_code=course.region_id
        )
    elif row.present != present:
        before = snapshot(row)
        row.present = present
        save_audited(
            actor=actor,
            obj=row,
            before=before,
            fields=_fields(row),
            region_code=course.region_id,
            note=_("更正考勤"),
        )
    if enrolment.status == Enrolment.Status.ENROLLED:
        before = snapshot(enrolment)
        enrolment.status = Enrolment.Status.ATTENDING
        save_audited(
            actor=actor,
            obj=enrolment,
            before=before,
            fields=_fields(enrolment),
            region_code=course.region_id,
        )
    return row


@transaction.atomic
def roll_call_record(
    *, actor: User, course: Course, day: date, present_ids: set[int]
) -> list[Attendance]:
    """One day's roll call of every active enrolment: present when its id is in ``present_ids``."""
    require(actor, Cap.WRITE, course.region_id)
    active = course.enrolments.filter(
        status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.ATTENDING]
    )
    unknown = present_ids - set(active.values_list("pk", flat=True))
    if unknown:
        raise ValidationError(_("点名名单中有不属于本课程在训学员的记录"))
    return [
        attendance_record(actor=actor, enrolment=e, day=day, present=e.pk in present_ids)
        for e in active.select_related("course")
    ]


@transaction.atomic
def enrolment_complete(*, actor: User, enrolment: Enrolment, on: date) -> Enrolment:
    """Mark the enrolment completed when the attendance rule is met; refuse with the reasons."""
    course = enrolment.course
    require(actor, Cap.WRITE, course.region_id)
    if enrolment.status == Enrolment.Status.COMPLETED:
        raise ValidationError(_("该学员已结业"))
    if on < course.ends_on:
        raise ValidationError(_("课程 %(d)s 结束,结业须在此之后确认") % {"d": course.ends_on})
    check = rules.completion_check(enrolment)
    if not check.met:
        raise ValidationError([_("未达到结业条件"), *check.reasons])
    before = snapshot(enrolment)
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = on
    enrolment.completion = check.as_dict()
    save_audited(
        actor=actor,
        obj=enrolment,
        before=before,
        fields=_fields(enrolment),
        region_code=course.region_id,
    )
    return enrolment


@transaction.atomic
def enrolment_drop(*, actor: User, enrolment: Enrolment, reason: str) -> Enrolment:
    require(actor, Cap.WRITE, enrolment.course.region_id)
    if enrolment.status in (Enrolment.Status.COMPLETED, Enrolment.Status.DROPPED):
        raise ValidationError(
            _("学员状态为“%(s)s”,不能退出") % {"s": enrolment.get_status_display()}
        )
    if not reason.strip():
        raise ValidationError(_("请填写退出原因"))
    before = snapshot(enrolment)
    enrolment.status = Enrolment.Status.DROPPED
    save_audited(
        actor=actor,
        obj=enrolment,
        before=before,
        fields=_fields(enrolment),
        region_code=enrolment.course.region_id,
        note=reason.strip(),
    )
    return enrolment


@transaction.atomic
def certificate_issue(
    *, actor: User, enrolment: Enrolment, number: str, kind: str, issued_on: date
) -> Certificate:
    require(actor, Cap.WRITE, enrolment.course.region_id)
    number = number.strip()
    if enrolment.status != Enrolment.Status.COMPLETED:
        raise ValidationError(_("学员尚未结业,不能登记证书"))
    if Certificate.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(_("该学员已登记证书"))
    if not number:
        raise ValidationError(_("请填写证书编号"))
    if Certificate.objects.filter(number=number).exists():
        raise ValidationError(_("证书编号 %(n)s 已被登记") % {"n": number})
    if kind not in Certificate.Kind.values:
        raise ValidationError(_("未知证书类型"))
    if issued_on < enrolment.course.starts_on:
        raise ValidationError(_("发证日期不能早于开班日期"))
    certificate = Certificate(enrolment=enrolment, number=number, kind=kind, issued_on=issued_on)
    save_audited(
        actor=actor,
        obj=certificate,
        before=None,
        fields=_fields(certificate),
        region_code=enrolment.course.region_id,
    )
    return certificate


# --- Job fairs (U5, E3) -----------------------------------------------------------------


@transaction.atomic
def fair_create(
    *,
    actor: User,
    title: str,
    held_on: date,
    venue: str,
    region: Region,
    kind: str = JobFair.Kind.GENERAL,
    layoff_report_id: int | None = None,
) -> JobFair:
    require(actor, Cap.WRITE, region.code)
    if kind not in JobFair.Kind.values:
        raise ValidationError(_("未知招聘会类型"))
    if layoff_report_id is not None and kind != JobFair.Kind.LAYOFF:
        raise ValidationError(_("只有规模裁员专场招聘会可关联裁员报告"))
    if layoff_report_id is not None:
        report = LayoffReport.objects.filter(pk=layoff_report_id).first()
        if report is None or not in_scope(actor, report.region_id):
            raise ValidationError(_("关联的裁员报告不存在或不在您的管辖范围内"))
    fair = JobFair(
        title=title,
        held_on=held_on,
        venue=venue,
        region=region,
        kind=kind,
        layoff_report_id=layoff_report_id,
        created_by=actor,
    )
    save_audited(actor=actor, obj=fair, before=None, fields=_fields(fair), region_code=region.code)
    return fair


@transaction.atomic
def fair_employer_add(
    *, actor: User, fair: JobFair, enterprise: Enterprise, booth: str = "", vacancies: int = 0
) -> FairEmployer:
    """An employer at the fair. Employers may come from anywhere; the fair must be in scope."""
    require(actor, Cap.WRITE, fair.region_id)
    if FairEmployer.objects.filter(fair=fair, enterprise=enterprise).exists():
        raise ValidationError(_("该企业已登记参加本场招聘会"))
    employer = FairEmployer(fair=fair, enterprise=enterprise, booth=booth, vacancies=vacancies)
    save_audited(
        actor=actor, obj=employer, before=None, fields=_fields(employer), region_code=fair.region_id
    )
    return employer


@transaction.atomic
def fair_vacancy_add(
    *, actor: User, employer: FairEmployer, title: str, openings: int, posting_id: str = ""
) -> FairVacancy:
    fair = employer.fair
    require(actor, Cap.WRITE, fair.region_id)
    posting_id = posting_id.strip()
    if openings <= 0:
        raise ValidationError(_("招聘人数应大于0"))
    if posting_id and not JobPosting.objects.filter(posting_id=posting_id).exists():
        raise ValidationError(_("岗位编号 %(p)s 不存在于已导入的招聘岗位中") % {"p": posting_id})
    vacancy = FairVacancy(employer=employer, title=title, openings=openings, posting_id=posting_id)
    save_audited(
        actor=actor, obj=vacancy, before=None, fields=_fields(vacancy), region_code=fair.region_id
    )
    return vacancy


@transaction.atomic
def fair_attendee_add(*, actor: User, fair: JobFair, person: Person) -> FairAttendee:
    require(actor, Cap.WRITE, fair.region_id)
    require_person(actor, person)
    if FairAttendee.objects.filter(fair=fair, person=person).exists():
        raise ValidationError(_("该人员已登记参加本场招聘会"))
    attendee = FairAttendee(fair=fair, person=person)
    save_audited(
        actor=actor, obj=attendee, before=None, fields=_fields(attendee), region_code=fair.region_id
    )
    return attendee


@transaction.atomic
def fair_hire_record(
    *,
    actor: User,
    fair: JobFair,
    person: Person,
    employer: FairEmployer,
    vacancy: FairVacancy | None = None,
    hired_on: date,
) -> FairHire:
    require(actor, Cap.WRITE, fair.region_id)
    require_person(actor, person)
    if employer.fair_id != fair.pk:
        raise ValidationError(_("该企业未参加本场招聘会"))
    if not FairAttendee.objects.filter(fair=fair, person=person).exists():
        raise ValidationError(_("该人员未登记为本场招聘会的求职者"))
    if FairHire.objects.filter(fair=fair, person=person).exists():
        raise ValidationError(_("该人员在本场招聘会已登记录用"))
    if hired_on < fair.held_on:
        raise ValidationError(_("录用日期不能早于招聘会举办日期"))
    if vacancy is not None:
        if vacancy.employer_id != employer.pk:
            raise ValidationError(_("该岗位不属于所选企业"))
        vacancy = FairVacancy.objects.select_for_update().get(pk=vacancy.pk)
        if vacancy.hires.count() >= vacancy.openings:
            raise ValidationError(
                _("岗位“%(t)s”招聘 %(n)d 人,已全部录满")
                % {"t": vacancy.title, "n": vacancy.openings}
            )
    hire = FairHire(fair=fair, person=person, employer=employer, vacancy=vacancy, hired_on=hired_on)
    save_audited(
        actor=actor, obj=hire, before=None, fields=_fields(hire), region_code=fair.region_id
    )
    return hire


# --- Public-welfare jobs (U2, K5, K7) ---------------------------------------------------


@transaction.atomic
def position_create(
    *,
    actor: User,
    title: str,
    area: str,
    unit: str,
    region: Region,
    count: int,
    opened_on: date,
) -> PublicWelfarePosition:
    """A position; its monthly subsidy and term are the policy's for its area on ``opened_on``."""
    require(actor, Cap.WRITE, region.code)
    if area not in PublicWelfarePosition.Area.values:
        raise ValidationError(_("未知公益性岗位类别"))
    if count <= 0:
        raise ValidationError(_("岗位数应大于0"))
    policy = Policy(opened_on)
    subsidy = policy(f"programmes.public_welfare.monthly_subsidy.{area}")
    term = policy(f"programmes.public_welfare.term_months.{area}")
    position = PublicWelfarePosition(
        title=title,
        area=area,
        unit=unit,
        region=region,
        count=count,
        monthly_subsidy=Decimal(str(subsidy)).quantize(CENT),
        term_months=int(term),
        opened_on=opened_on,
        policy=policy.cites(),
        created_by=actor,
    )
    save_audited(
        actor=actor, obj=position, before=None, fields=_fields(position), region_code=region.code
    )
    return position


@transaction.atomic
def placement_start(
    *, actor: User, position: PublicWelfarePosition, person: Person, starts_on: date
) -> Placement:
    """Place ``person``; one position at a time per person, and no more than the count."""
    require(actor, Cap.WRITE, position.region_id)
    require_person(actor, person)
    position = PublicWelfarePosition.objects.select_for_update().get(pk=position.pk)
    if starts_on < position.opened_on:
        raise ValidationError(_("上岗日期不能早于岗位开发日期 %(d)s") % {"d": position.opened_on})
    ends = rules.term_end(starts_on, position.term_months)
    # Lock the person's placements so two officers cannot place the same person at once.
    held = (
        Placement.objects.select_for_update()
        .filter(person=person, starts_on__lte=ends)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=starts_on))
        .select_related("position")
        .first()
    )
    if held is not None:
        raise ValidationError(
            _("该人员自 %(d)s 起在“%(p)s”岗位在岗,同一时间只能安置一个公益性岗位")
            % {"d": held.starts_on, "p": held.position.title}
        )
    on_post = position.placements.filter(exited_on__isnull=True).count()
    if on_post >= position.count:
        raise ValidationError(
            _("岗位已满:共 %(c)d 个,在岗 %(n)d 人") % {"c": position.count, "n": on_post}
        )
    placement = Placement(
        position=position,
        person=person,
        starts_on=starts_on,
        term_ends_on=ends,
        subsidy_per_month=position.monthly_subsidy,
    )
    save_audited(
        actor=actor,
        obj=placement,
        before=None,
        fields=_fields(placement),
        region_code=position.region_id,
    )
    return placement


@transaction.atomic
def placement_exit(*, actor: User, placement: Placement, exited_on: date, reason: str) -> Placement:
    require(actor, Cap.WRITE, placement.position.region_id)
    if placement.exited_on is not None:
        raise ValidationError(_("该人员已于 %(d)s 退出岗位") % {"d": placement.exited_on})
    if exited_on < placement.starts_on:
        raise ValidationError(_("退出日期不能早于上岗日期"))
    if not reason.strip():
        raise ValidationError(_("请填写退出原因"))
    before = snapshot(placement)
    placement.exited_on = exited_on
    placement.exit_reason = reason.strip()
    save_audited(
        actor=actor,
        obj=placement,
        before=before,
        fields=_fields(placement),
        region_code=placement.position.region_id,
    )
    return placement


@transaction.atomic
def spot_check_add(
    *,
    actor: User,
    placement: Placement,
    checked_on: date,
    method: str,
    result: str,
    finding: str,
) -> SpotCheck:
    require(actor, Cap.WRITE, placement.position.region_id)
    if method not in SpotCheck.Method.values:
        raise ValidationError(_("未知检查方式"))
    if result not in SpotCheck.Result.values:
        raise ValidationError(_("未知检查结论"))
    if not finding.strip():
        raise ValidationError(_("请填写检查情况"))
    if checked_on < placement.starts_on:
        raise ValidationError(_("检查日期不能早于上岗日期"))
    check = SpotCheck(
        placement=placement,
        checked_on=checked_on,
        method=method,
        result=result,
        finding=finding.strip(),
        checked_by=actor,
    )
    save_audited(
        actor=actor,
        obj=check,
        before=None,
        fields=_fields(check),
        region_code=placement.position.region_id,
    )
    return check
