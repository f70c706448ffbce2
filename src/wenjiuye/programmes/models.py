"""Employment programmes: training courses, job fairs, public-welfare jobs and pairing.

Requirement IDs: U4 (training), U5/E3 (job fairs, dedicated fairs for large layoffs),
U2/K5/K7/E6 (public-welfare jobs, spot checks, one-to-one / one-to-many pairing).
Amounts and thresholds come from policy parameters (``programmes.*``); the values used are
copied onto the record with their citations (``policy``) when it is created, so that a later
change of the standard does not rewrite what was approved. Every write goes through
``programmes.services`` and is audited in ``core.Event``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, User
from wenjiuye.registry.models import Enterprise, Person


class Course(models.Model):
    class Kind(models.TextChoices):
        SKILLS_UPGRADE = "skills_upgrade", _("职业技能提升培训")
        PRACTICAL = "practical", _("实用性技能培训")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")

    class Subtype(models.TextChoices):
        NONE = "", _("—")
        HOME_SERVICES = "home_services", _("家政(居家)服务")
        ELDERLY_CARE = "elderly_care", _("养老护理")
        COOKING = "cooking", _("烹饪")

    title = models.CharField(_("课程名称"), max_length=200)
    kind = models.CharField(_("培训类型"), max_length=20, choices=Kind.choices)
    subtype = models.CharField(
        _("技能方向"),
        max_length=20,
        choices=Subtype.choices,
        blank=True,
        default="",
        help_text=_("仅职业技能提升培训填写"),
    )
    provider = models.CharField(_("培训机构"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属区划"))
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    hours = models.PositiveIntegerField(_("课时"))
    capacity = models.PositiveIntegerField(_("招生人数"))
    subsidy_per_person = models.DecimalField(
        _("培训补贴标准(元/人)"), max_digits=10, decimal_places=2
    )
    living_allowance_per_day = models.DecimalField(
        _("生活费补助标准(元/天)"), max_digits=10, decimal_places=2
    )
    policy = models.JSONField(_("所用政策参数"), default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(kind="skills_upgrade") | Q(subtype=""),
                name="course_subtype_only_for_skills_upgrade",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("已报名")
        ATTENDING = "attending", _("在训")
        COMPLETED = "completed", _("已结业")
        DROPPED = "dropped", _("已退出")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("课程")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("学员")
    )
    enrolled_on = models.DateField(_("报名日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.ENROLLED
    )
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    completion = models.JSONField(_("结业判定"), default=dict, blank=True)

    class Meta:
        ordering = ["course", "pk"]
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.person}"


class Attendance(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("报名")
    )
    day = models.DateField(_("日期"))
    present = models.BooleanField(_("出勤"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.day}"


class Certificate(models.Model):
    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("职业资格证书")
        SKILL_LEVEL = "skill_level", _("职业技能等级证书")
        SPECIAL_ABILITY = "special_ability", _("专项职业能力证书")
        TRAINING = "training", _("培训合格证书")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业培训合格证书")

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("报名")
    )
    number = models.CharField(_("证书编号"), max_length=64, unique=True)
    kind = models.CharField(_("证书类型"), max_length=20, choices=Kind.choices)
    issued_on = models.DateField(_("发证日期"))

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return self.number


class JobFair(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("综合招聘会")
        LAYOFF = "layoff", _("规模裁员专场对接招聘会")

    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("举办日期"))
    venue = models.CharField(_("地点"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属区划"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    layoff_report_id = models.PositiveIntegerField(
        _("关联裁员报告编号"),
        null=True,
        blank=True,
        help_text=_("规模裁员专场:对应的裁员报告(由裁员应对模块登记)"),
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")

    def __str__(self) -> str:
        return self.title


class FairEmployer(models.Model):
    fair = models.ForeignKey(
        JobFair, on_delete=models.PROTECT, related_name="employers", verbose_name=_("招聘会")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("参会企业")
    )
    booth = models.CharField(_("展位"), max_length=32, blank=True)
    vacancies = models.PositiveIntegerField(_("提供岗位数"), default=0)

    class Meta:
        ordering = ["fair", "booth", "pk"]
        verbose_name = _("参会企业")
        verbose_name_plural = _("参会企业")
        constraints = [
            models.UniqueConstraint(fields=["fair", "enterprise"], name="fair_employer_once")
        ]

    def __str__(self) -> str:
        return str(self.enterprise)


class FairVacancy(models.Model):
    employer = models.ForeignKey(
        FairEmployer, on_delete=models.PROTECT, related_name="positions", verbose_name=_("企业")
    )
    title = models.CharField(_("岗位名称"), max_length=200)
    openings = models.PositiveIntegerField(_("招聘人数"))
    posting_id = models.CharField(
        _("岗位编号"), max_length=64, blank=True, help_text=_("已导入的招聘岗位(可选)")
    )

    class Meta:
        ordering = ["employer", "pk"]
        verbose_name = _("招聘会岗位")
        verbose_name_plural = _("招聘会岗位")
        constraints = [
            models.CheckConstraint(condition=Q(openings__gt=0), name="fair_vacancy_openings")
        ]

    def __str__(self) -> str:
        return self.title


class FairAttendee(models.Model):
    fair = models.ForeignKey(
        JobFair, on_delete=models.PROTECT, related_name="attendees", verbose_name=_("招聘会")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("求职者")
    )

    class Meta:
        ordering = ["fair", "pk"]
        verbose_name = _("参会求职者")
        verbose_name_plural = _("参会求职者")
        constraints = [
            models.UniqueConstraint(fields=["fair", "person"], name="fair_attendee_once")
        ]

    def __str__(self) -> str:
        return str(self.person)


class FairHire(models.Model):
    fair = models.ForeignKey(
        JobFair, on_delete=models.PROTECT, related_name="hires", verbose_name=_("招聘会")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("录用人员")
    )
    employer = models.ForeignKey(
        FairEmployer, on_delete=models.PROTECT, related_name="hires", verbose_name=_("录用企业")
    )
    vacancy = models.ForeignKey(
        FairVacancy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hires",
        verbose_name=_("岗位"),
    )
    hired_on = models.DateField(_("录用日期"))

    class Meta:
        ordering = ["fair", "pk"]
        verbose_name = _("达成录用")
        verbose_name_plural = _("达成录用")
        constraints = [models.UniqueConstraint(fields=["fair", "person"], name="fair_hire_once")]

    def __str__(self) -> str:
        return f"{self.person} → {self.employer}"


class PublicWelfarePosition(models.Model):
    class Area(models.TextChoices):
        URBAN = "urban", _("城镇公益性岗位")
        RURAL = "rural", _("乡村公益性岗位")

    title = models.CharField(_("岗位名称"), max_length=200)
    area = models.CharField(_("类别"), max_length=8, choices=Area.choices)
    unit = models.CharField(_("用人单位"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属区划"))
    count = models.PositiveIntegerField(_("岗位数"))
    monthly_subsidy = models.DecimalField(_("岗位补贴(元/月)"), max_digits=10, decimal_places=2)
    term_months = models.PositiveIntegerField(_("安置期限(月)"))
    opened_on = models.DateField(_("开发日期"))
    policy = models.JSONField(_("所用政策参数"), default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "pk"]
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="pw_position_count_positive"),
            models.CheckConstraint(condition=Q(term_months__gt=0), name="pw_position_term"),
        ]

    def __str__(self) -> str:
        return self.title


class Placement(models.Model):
    position = models.ForeignKey(
        PublicWelfarePosition,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("岗位"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("安置人员")
    )
    starts_on = models.DateField(_("上岗日期"))
    term_ends_on = models.DateField(_("期满日期"))
    subsidy_per_month = models.DecimalField(_("岗位补贴(元/月)"), max_digits=10, decimal_places=2)
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("公益性岗位安置")
        verbose_name_plural = _("公益性岗位安置")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gte=models.F("starts_on")), name="placement_term"
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True)
                | (Q(exited_on__gte=models.F("starts_on")) & ~Q(exit_reason="")),
                name="placement_exit_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.position}"


class SpotCheck(models.Model):
    class Method(models.TextChoices):
        PERIODIC = "periodic", _("定期检查")
        SPOT = "spot", _("不定期抽查")
        PHONE = "phone", _("电话访问")
        VISIT = "visit", _("走访")

    class Result(models.TextChoices):
        OK = "ok", _("在岗,补贴使用正常")
        PROBLEM = "problem", _("发现问题")

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="checks", verbose_name=_("安置")
    )
    checked_on = models.DateField(_("检查日期"))
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    result = models.CharField(_("结论"), max_length=10, choices=Result.choices)
    finding = models.TextField(_("检查情况"))
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-checked_on", "pk"]
        verbose_name = _("岗位补贴监督检查")
        verbose_name_plural = _("岗位补贴监督检查")

    def __str__(self) -> str:
        return f"{self.placement} {self.checked_on}"


class Pair(models.Model):
    class HelperKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INSTITUTION = "institution", _("事业单位或机关")

    class Mode(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("一对一")
        ONE_TO_MANY = "one_to_many", _("一对多")

    helper_kind = models.CharField(_("帮扶方类型"), max_length=12, choices=HelperKind.choices)
    helper_enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("帮扶企业"),
    )
    helper_name = models.CharField(_("帮扶单位"), max_length=200)
    helper_contact = models.CharField(_("帮扶责任人"), max_length=100, blank=True)
    mode = models.CharField(_("结对方式"), max_length=12, choices=Mode.choices)
    persons = models.ManyToManyField(Person, related_name="+", verbose_name=_("帮扶对象"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属区划"))
    starts_on = models.DateField(_("结对日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="pair_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(helper_kind="enterprise") | Q(helper_enterprise__isnull=False),
                name="pair_enterprise_helper_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper_name}({self.get_mode_display()})"
