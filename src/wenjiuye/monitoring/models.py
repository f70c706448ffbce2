"""Results of monitoring runs kept in the transactional store: indicators and flags with their why.

The engine (``expressions``/``engines``) knows nothing of Django; ``services.monitor_run`` copies
its outputs here, each flag with its evidence figures, its Chinese reason and the parameter
values (and policy versions) that produced it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import User


class MonitoringRun(models.Model):
    engine = models.CharField(_("计算引擎"), max_length=16)
    period = models.CharField(
        _("监测期间"), max_length=6, blank=True, help_text=_("空表示全部期间")
    )
    params = models.JSONField(_("规则参数"), default=dict)
    policy = models.JSONField(_("引用的政策参数版本"), default=list)
    counts = models.JSONField(_("结果数量"), default=dict)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("监测运行")
        verbose_name_plural = _("监测运行")

    def __str__(self) -> str:
        return f"{self.engine} {self.period or '全部'} {self.started_at:%Y-%m-%d %H:%M}"


class RegionMonth(models.Model):
    """Indicators of one region (county, zone or city) in one month (M2, M3)."""

    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    region_level = models.CharField(_("层级"), max_length=16)
    period = models.CharField(_("期间"), max_length=6, db_index=True)
    values = models.JSONField(_("指标"))

    class Meta:
        ordering = ["region_code", "period"]
        verbose_name = _("区域月度指标")
        verbose_name_plural = _("区域月度指标")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "period"], name="region_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.period}"


class EnterpriseMonth(models.Model):
    """One employer's insured headcount and flows in one month (L5: know each firm's headcount)."""

    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="+")
    uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    period = models.CharField(_("期间"), max_length=6)
    headcount = models.IntegerField(_("参保人数"))
    joiners = models.IntegerField(_("增员"), null=True)
    leavers = models.IntegerField(_("减员"), null=True)
    net_change = models.IntegerField(_("净变化"), null=True)
    arrears_persons = models.IntegerField(_("欠缴人数"), null=True)

    class Meta:
        ordering = ["uscc", "period"]
        verbose_name = _("企业月度参保")
        verbose_name_plural = _("企业月度参保")
        constraints = [
            models.UniqueConstraint(fields=["uscc", "period"], name="enterprise_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.uscc} {self.period}"


class Flag(models.Model):
    """A risk flag or cross-match with its graded warning level (M7, M9, M4, M11) and its why."""

    class Subject(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        REGION = "region", _("区域")
        POINT = "point", _("监测点")
        PERSON = "person", _("人员")

    run = models.ForeignKey(MonitoringRun, on_delete=models.CASCADE, related_name="flags")
    subject_type = models.CharField(_("对象类型"), max_length=16, choices=Subject.choices)
    subject_id = models.CharField(_("对象"), max_length=32, db_index=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    period = models.CharField(_("期间"), max_length=6, db_index=True)
    code = models.CharField(_("预警类型"), max_length=40, db_index=True)
    level = models.PositiveSmallIntegerField(_("预警级别"))
    reason = models.TextField(_("原因"))
    evidence = models.JSONField(_("依据数据"), default=dict)
    params = models.JSONField(_("触发参数"), default=dict)

    class Meta:
        ordering = ["level", "-period", "code"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")

    def __str__(self) -> str:
        subject = mask_id(self.subject_id) if self.subject_type == "person" else self.subject_id
        return f"{self.code} {subject} {self.period}"


class LedgerEntry(models.Model):
    """One entry of a key list (重点清单) or of the unified risk hidden-danger ledger (风险隐患台账).

    Entries are ledgers, not snapshots: monitoring runs add reasons and confirm entries, officers
    add entries by hand and close them with a reason; nothing is deleted, and every change is an
    audit event (the entry's history).
    """

    class Ledger(models.TextChoices):
        KEY_ENTERPRISE = "key_enterprise", _("重点关注企业清单")
        KEY_REGION = "key_region", _("重点区域清单")
        KEY_GROUP = "key_group", _("重点群体实名制清单")
        RISK = "risk", _("风险隐患台账")

    class Status(models.TextChoices):
        OPEN = "open", _("待处置")
        FOLLOWING_UP = "following_up", _("跟踪处置中")
        CLOSED = "closed", _("已销号")

    class Source(models.TextChoices):
        MONITORING = "monitoring", _("监测预警")
        MANUAL = "manual", _("人工录入")

    ledger = models.CharField(_("清单"), max_length=20, choices=Ledger.choices)
    subject_type = models.CharField(_("对象类型"), max_length=16, choices=Flag.Subject.choices)
    subject_id = models.CharField(_("对象"), max_length=32)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    group = models.CharField(
        _("群体类别"), max_length=40, blank=True, help_text=_("重点群体清单:失业人员、高校毕业生等")
    )
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    evidence = models.JSONField(_("依据数据"), default=dict, blank=True)
    level = models.PositiveSmallIntegerField(_("预警级别"), null=True, blank=True)
    first_flagged = models.CharField(_("首次列入期间"), max_length=6)
    last_confirmed = models.CharField(_("最近确认期间"), max_length=6)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.TextField(_("销号原因"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    contact = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("对接联系人"),
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "-last_confirmed", "subject_id"]
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "subject_type", "subject_id", "group"],
                condition=~models.Q(status="closed"),
                name="ledger_one_live_entry_per_subject",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(closed_reason=""),
                name="ledger_closed_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        subject = mask_id(self.subject_id) if self.subject_type == "person" else self.subject_id
        return f"{self.get_ledger_display()} {self.name or subject}"
