"""Mass incidents (突发事件 / 群体性事件, E8, I1–I10).

An :class:`Incident` is one gathering over pay, hours, rest or a layoff: where, when, how many
people, which enterprise. It keeps its elected representatives (at most the policy's number, I3),
the demands heard and how each was handled (I4), police and medical calls (I5), the dynamic
reports (I8) and the post-incident review (I7). The reports owed to the party committee, the
government and the superior bureaus are deadlines (``wenjiuye.deadlines``) created by the
services from ``incidents.rules.incident_escalation``. The services are the only writers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, Unit
from wenjiuye.registry.models import Enterprise


class Incident(models.Model):
    class Cause(models.TextChoices):
        PAY = "pay", _("劳动报酬")
        HOURS = "hours", _("工作时间")
        REST = "rest", _("休息休假")
        LAYOFF = "layoff", _("裁员")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        UNDER_CONTROL = "under_control", _("已控制")
        RESOLVED = "resolved", _("已化解")
        CLOSED = "closed", _("已结案")

    occurred_at = models.DateTimeField(_("发生时间"))
    known_at = models.DateTimeField(_("知悉时间"), default=timezone.now)
    place = models.CharField(_("地点"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所在区划"))
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("涉及企业"),
    )
    cause = models.CharField(_("起因"), max_length=16, choices=Cause.choices)
    summary = models.TextField(_("情况概述"), blank=True)
    people = models.PositiveIntegerField(_("聚集人数"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    police_called_at = models.DateTimeField(_("通知公安机关时间"), null=True, blank=True)
    medical_called_at = models.DateTimeField(_("通知医疗救治时间"), null=True, blank=True)
    review_causes = models.TextField(_("事件产生的原因"), blank=True)
    review_problems = models.TextField(_("存在的问题"), blank=True)
    review_lessons = models.TextField(_("经验教训"), blank=True)
    reviewed_at = models.DateTimeField(_("复盘时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复盘人"),
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.place}({self.people}人)"

    def get_absolute_url(self) -> str:
        return reverse("incident-detail", args=[self.pk])

    @property
    def police_called(self) -> bool:
        return self.police_called_at is not None

    @property
    def medical_called(self) -> bool:
        return self.medical_called_at is not None

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None


class Representative(models.Model):
    """One of the representatives the gathered people elect (I3: at most five)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="representatives")
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("公民身份号码"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("聚集人员代表")
        verbose_name_plural = _("聚集人员代表")

    def __str__(self) -> str:
        return self.name


class Demand(models.Model):
    """A demand heard from the representatives (I4): answered on the spot or referred to a unit
    that handles it within its statutory time limit (a deadline)."""

    class Handling(models.TextChoices):
        ON_SPOT = "on_spot", _("当场答复")
        REFERRED = "referred", _("转相关单位限时办理")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="demands")
    text = models.TextField(_("诉求"))
    handling = models.CharField(_("处理方式"), max_length=16, choices=Handling.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("承办单位")
    )
    time_limit_days = models.PositiveIntegerField(_("法定办理时限(天)"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    result = models.TextField(_("答复/办理结果"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("incident-detail", args=[self.incident_id])


class IncidentReport(models.Model):
    """A dynamic report of the incident's situation and results (E8, I8)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("动态情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报送人"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("动态报告")
        verbose_name_plural = _("动态报告")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:30]}"
