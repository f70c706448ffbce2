"""Layoff reports (规模裁员报告) with their roster, and visits to key-concern enterprises (走访).

A :class:`LayoffReport` moves draft → submitted → reviewed → implemented → closed, each step a
service in :mod:`wenjiuye.response.services` that writes an audit event. Its obligations (notice,
report before implementation, reports to the city and the province, …) are
:class:`wenjiuye.deadlines.models.Deadline` rows whose subject is the report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region
from wenjiuye.registry.models import Enterprise, Person


class LayoffReport(models.Model):
    class Situation(models.TextChoices):
        """The four situations of 《劳动合同法》 art. 41 para. 1 (L1)."""

        BANKRUPTCY = "bankruptcy", _("依照企业破产法规定进行重整")
        DIFFICULTY = "difficulty", _("生产经营发生严重困难")
        RESTRUCTURING = "restructuring", _("企业转产、重大技术革新或者经营方式调整")
        CIRCUMSTANCES = "circumstances", _("其他因劳动合同订立时所依据的客观经济情况发生重大变化")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报告")
        REVIEWED = "reviewed", _("已审核")
        IMPLEMENTED = "implemented", _("已实施")
        CLOSED = "closed", _("已办结")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="layoff_reports", verbose_name=_("企业")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在县(市、区)")
    )
    total_employees = models.PositiveIntegerField(_("职工总数"))
    planned_layoffs = models.PositiveIntegerField(_("拟裁减人数"))
    situation = models.CharField(_("裁员情形"), max_length=16, choices=Situation.choices)
    influential = models.BooleanField(_("区域、行业中具有较大影响力"), default=False)
    explained_on = models.DateField(_("向工会或全体职工说明情况日期"), null=True, blank=True)
    reported_on = models.DateField(_("向人社部门报告日期"), null=True, blank=True)
    planned_implementation_on = models.DateField(_("计划实施日期"))
    union_opinion = models.TextField(_("工会或职工意见"), blank=True)
    local_average_wage = models.DecimalField(
        _("当地上年度职工月平均工资(元)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("计算经济补偿的封顶基数(第四十七条)"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("提交人"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("审核人"),
    )
    implemented_on = models.DateField(_("实际实施日期"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    closing_note = models.TextField(_("办结说明"), blank=True)
    check_result = models.JSONField(_("规模裁员判定"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("规模裁员报告")
        verbose_name_plural = _("规模裁员报告")
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_layoffs__lte=models.F("total_employees")),
                name="layoff_not_more_than_employees",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} 裁员 {self.planned_layoffs} 人"

    def get_absolute_url(self) -> str:
        return reverse("response-layoff-detail", args=[self.pk])


def _attachment_path(instance: LayoffAttachment, filename: str) -> str:
    return f"response/layoffs/{instance.report_id}/{filename}"


class LayoffAttachment(models.Model):
    report = models.ForeignKey(LayoffReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("裁员报告附件")
        verbose_name_plural = _("裁员报告附件")

    def __str__(self) -> str:
        return self.name


class LayoffWorker(models.Model):
    class Contract(models.TextChoices):
        FIXED = "fixed", _("固定期限")
        LONG_FIXED = "long_fixed", _("较长期限的固定期限")
        OPEN_ENDED = "open_ended", _("无固定期限")

    report = models.ForeignKey(LayoffReport, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("常住地")
    )
    contract_type = models.CharField(_("劳动合同类型"), max_length=16, choices=Contract.choices)
    hire_date = models.DateField(_("入职日期"))
    monthly_wage = models.DecimalField(
        _("前十二个月平均工资(元/月)"), max_digits=10, decimal_places=2
    )
    sole_earner = models.BooleanField(_("家庭无其他就业人员"), default=False)
    has_dependants = models.BooleanField(_("有需要扶养的老人或者未成年人"), default=False)
    retained_first = models.BooleanField(_("应优先留用"), default=False)
    protections = models.JSONField(
        _("第四十二条情形(名单申报)"),
        default=list,
        blank=True,
        help_text=_("职业病危害、职业病或工伤、医疗期、孕期产期哺乳期、距法定退休年龄不足五年"),
    )
    retirement_on = models.DateField(_("法定退休日期"), null=True, blank=True)
    art42_reasons = models.JSONField(
        _("不得裁减的理由(第四十二条)"),
        default=list,
        blank=True,
        help_text=_("非空即不得依照第四十一条裁减"),
    )
    rehire_priority_until = models.DateField(_("优先招用期至"), null=True, blank=True)
    severance_amount = models.DecimalField(
        _("经济补偿(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    severance = models.JSONField(_("经济补偿计算"), default=dict, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("被裁减人员")
        verbose_name_plural = _("被裁减人员")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "id_number"], name="layoff_worker_once_per_report"
            )
        ]

    #: the deadline kind of a request to the worker's home county (``services.referral_accept``)
    REFERRAL_KIND = "layoff.roster_referral"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """Only a referred worker is linked (from the receiving county's deadline)."""
        return reverse("response-referral", args=[self.pk])


class Visit(models.Model):
    class PolicyBriefed(models.TextChoices):
        REFUND = "refund", _("稳岗返还")
        TRAINING = "training_subsidy", _("培训补贴")
        SOCIAL_INSURANCE = "si_relief", _("社保减免缓补")

    class Measure(models.TextChoices):
        PAY = "negotiated_pay", _("协商薪酬")
        TRANSFER = "internal_transfer", _("内部转岗")
        TRAINING = "on_job_training", _("在岗培训")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="visits", verbose_name=_("企业")
    )
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人员"), max_length=200)
    difficulties = models.TextField(_("企业困难和问题"), blank=True)
    policies_briefed = models.JSONField(_("宣讲政策"), default=list, blank=True)
    measures = models.JSONField(_("商定的稳岗措施"), default=list, blank=True)
    handbook_given = models.BooleanField(_("已发放裁员工作手册"), default=False)
    outcome = models.TextField(_("走访结果"), blank=True)
    next_visit_on = models.DateField(_("下次走访日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("重点企业走访")
        verbose_name_plural = _("重点企业走访")

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("response-visit-detail", args=[self.pk])
