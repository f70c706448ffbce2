"""The assistance ledger (失业人员帮扶台账): one case per unemployed person until they work again.

A :class:`Case` is the ledger row of one person (U1); its status moves through dated
:class:`CaseStatusChange` rows (U2, E6); grid workers record :class:`Contact` rows; benefit
decisions (U3) are kept with their inputs and cited policy versions; online registrations wait
as :class:`PendingRegistration` until the county confirms them (U5); re-employment creates
:class:`ReemploymentTask` rows (E6); :class:`FundBudget` is a county's yearly UI-fund budget (U3).

Writes go through the assistance service modules only (``services``, ``case_by_id``,
``registration``, ``decisions``, ``sync``; audited in the same transaction).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region
from wenjiuye.registry.models import Household, Person


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    BEING_HELPED = "being_helped", _("帮扶中")
    EMPLOYED = "employed", _("已就业(单位就业)")
    SELF_EMPLOYED = "self_employed", _("已就业(自主创业)")
    FLEXIBLE = "flexible", _("已就业(灵活就业)")
    PUBLIC_WELFARE_JOB = "public_welfare_job", _("已就业(公益性岗位)")
    FOLLOW_UP = "follow_up", _("跟踪回访")
    CLOSED = "closed", _("已结案")


EMPLOYED_STATUSES = frozenset(
    {Status.EMPLOYED, Status.SELF_EMPLOYED, Status.FLEXIBLE, Status.PUBLIC_WELFARE_JOB}
)
OPEN_STATUSES = frozenset({Status.REGISTERED, Status.BEING_HELPED})

#: status -> the statuses it may move to
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REGISTERED: frozenset({Status.BEING_HELPED, *EMPLOYED_STATUSES, Status.CLOSED}),
    Status.BEING_HELPED: frozenset({*EMPLOYED_STATUSES, Status.CLOSED}),
    Status.FOLLOW_UP: frozenset({Status.CLOSED, Status.BEING_HELPED}),
    Status.CLOSED: frozenset({Status.REGISTERED}),
}
for _employed in EMPLOYED_STATUSES:
    TRANSITIONS[_employed] = frozenset(
        {*(EMPLOYED_STATUSES - {_employed}), Status.FOLLOW_UP, Status.BEING_HELPED, Status.CLOSED}
    )


class Source(models.TextChoices):
    REGISTRATION = "registration", _("失业登记")
    BENEFIT_PAYMENT = "benefit_payment", _("失业保险待遇发放")
    LAYOFF_ROSTER = "layoff_roster", _("裁员名册")
    CROSSMATCH = "crossmatch", _("数据比对筛查")
    ONLINE = "online", _("网上自主登记")
    MANUAL = "manual", _("人工录入")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class Case(models.Model):
    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="assistance_case", verbose_name=_("人员")
    )
    grid = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        verbose_name=_("所属网格"),
        help_text=_("常住地所在乡镇(街道)或社区;不明时为县(市、区)"),
    )
    grid_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_cases",
        verbose_name=_("责任网格员"),
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("家庭")
    )
    education = models.CharField(_("学历"), max_length=20, blank=True)
    skills = models.CharField(_("技能"), max_length=200, blank=True)
    health = models.CharField(_("身体状况"), max_length=50, blank=True)
    wants_training = models.BooleanField(_("培训意愿"), null=True, blank=True)
    desired_job = models.CharField(_("就业需求(求职意向)"), max_length=200, blank=True)
    disability = models.BooleanField(_("残疾人"), default=False)
    zero_employment_household = models.BooleanField(_("零就业家庭"), default=False)
    low_income = models.BooleanField(_("低保/低收入家庭"), default=False)
    sources = models.JSONField(
        _("来源"), default=list, blank=True, help_text=_('[{"source": …, "ref": …, "on": …}]')
    )
    registered_on = models.DateField(_("登记日期"), help_text=_("在常住地办理失业登记的日期"))
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    status_on = models.DateField(_("状态日期"))
    help_started_on = models.DateField(_("开始帮扶日期"), null=True, blank=True)
    employed_on = models.DateField(_("就业日期"), null=True, blank=True)
    employer = models.CharField(_("就业单位"), max_length=200, blank=True)
    job = models.CharField(_("岗位"), max_length=200, blank=True)
    tier = models.CharField(_("帮扶档次"), max_length=32, blank=True, db_index=True)
    tier_reasons = models.JSONField(_("认定理由"), default=list, blank=True)
    tier_on = models.DateField(_("认定日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_on", "pk"]
        verbose_name = _("帮扶台账")
        verbose_name_plural = _("帮扶台账")

    def __str__(self) -> str:
        return f"{self.person.name}({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("assistance-case", args=[self.pk])

    @property
    def county_code(self) -> str:
        return str(self.grid_id)[:6]

    def age_on(self, day: date) -> int:
        born = self.person.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def source_codes(self) -> list[str]:
        return sorted({s.get("source", "") for s in self.sources})

    def sources_display(self) -> list[dict[str, str]]:
        """The sources with their Chinese labels, for pages."""
        labels = dict(Source.choices)
        return [
            {**s, "label": str(labels.get(s.get("source", ""), s.get("source", "")))}
            for s in self.sources
        ]


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, choices=Status.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    employer = models.CharField(_("就业单位"), max_length=200, blank=True)
    job = models.CharField(_("岗位"), max_length=200, blank=True)

    class Meta:
        ordering = ["on", "at", "pk"]
        verbose_name = _("台账状态变更")
        verbose_name_plural = _("台账状态变更")

    def __str__(self) -> str:
        return f"{self.on} {self.from_status}→{self.to_status}"


class Contact(models.Model):
    class Channel(models.TextChoices):
        VISIT = "visit", _("上门走访")
        PHONE = "phone", _("电话")
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")
        OFFICE = "office", _("窗口服务")

    class Purpose(models.TextChoices):
        ROUTINE = "routine", _("日常联系")
        FOLLOW_UP = "follow_up", _("就业后回访")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField(_("联系时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("联系人")
    )
    channel = models.CharField(_("方式"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(
        _("目的"), max_length=16, choices=Purpose.choices, default=Purpose.ROUTINE
    )
    note = models.CharField(_("记录"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_channel_display()}"


class BenefitDecision(models.Model):
    """One run of the benefits engine for a case: its inputs, results and cited policy versions,
    beside what the data held said (``basis``) and what the officer changed of it, with why."""

    class How(models.TextChoices):
        CONFIRMED = "confirmed", _("按数据确认")
        CORRECTED = "corrected", _("经办人更正")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="benefit_decisions")
    on = models.DateField(_("核定日期"))
    start_period = models.CharField(_("起发所属期"), max_length=6, help_text="YYYYMM")
    inputs = models.JSONField(_("输入"))
    results = models.JSONField(_("结果"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    how = models.CharField(_("核定方式"), max_length=16, choices=How.choices, default=How.CONFIRMED)
    basis = models.JSONField(
        _("数据所示"),
        default=dict,
        blank=True,
        help_text=_("核定时从数据测算的依据、证据和结果(assistance.benefit_basis)"),
    )
    corrections = models.JSONField(
        _("更正"), default=dict, blank=True, help_text=_("{字段: [数据所示, 经办人核定]}")
    )
    reason = models.CharField(_("更正理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-on", "-at", "-pk"]
        verbose_name = _("待遇核定")
        verbose_name_plural = _("待遇核定")

    def __str__(self) -> str:
        return f"{self.case_id} {self.on}"


class FundBudget(models.Model):
    county = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("县(市、区)"))
    year = models.PositiveIntegerField(_("年度"))
    amount = models.DecimalField(_("失业保险基金支出预算(元)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["county_id", "year"]
        verbose_name = _("失业保险基金支出预算")
        verbose_name_plural = _("失业保险基金支出预算")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="fund_budget_county_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fund_budget_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year}"


class PendingRegistration(models.Model):
    """An online unemployment registration waiting for the county to confirm it (U5)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已退回")

    id_number = models.CharField(_("公民身份号码"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    street = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇(街道)")
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    desired_job = models.CharField(_("求职意向"), max_length=200)
    wants_training = models.BooleanField(_("培训意愿"))
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    decision_note = models.CharField(_("处理意见"), max_length=500, blank=True)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("网上失业登记")
        verbose_name_plural = _("网上失业登记")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(state="pending"),
                name="pending_registration_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("assistance-pending")


class ReemploymentTask(models.Model):
    """A task after re-employment: transfer social-insurance relations, transfer the file (E6)."""

    class Kind(models.TextChoices):
        SI_TRANSFER = "si_transfer", _("社会保险关系转移接续")
        FILE_TRANSFER = "file_transfer", _("档案转移接续")

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reemployment_tasks")
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN)
    employed_on = models.DateField(_("就业日期"))
    due_on = models.DateField(_("期限"))
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("再就业转移接续事项")
        verbose_name_plural = _("再就业转移接续事项")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "employed_on"], name="reemployment_task_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}({self.due_on})"


class CountyInspection(models.Model):
    """The city office's inspection (检查评估) of a county's assistance work (U8): findings, the
    action taken, and the figures computed on the day with the policy versions they cited."""

    class Action(models.TextChoices):
        NONE = "none", _("无")
        NOTICE = "notice", _("信息通报")
        INTERVIEW = "interview", _("约谈负责人")

    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("县(市、区)")
    )
    on = models.DateField(_("检查日期"))
    findings = models.TextField(_("检查发现"))
    action = models.CharField(_("督导措施"), max_length=16, choices=Action.choices)
    snapshot = models.JSONField(_("检查时数据"), default=dict)
    policy = models.JSONField(_("所用政策参数"), default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["-on", "-recorded_at", "-pk"]
        verbose_name = _("检查评估")
        verbose_name_plural = _("检查评估")

    def __str__(self) -> str:
        return f"{self.county.name} {self.on}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:detail", args=[self.county_id])
