"""What was loaded, from which file, and the bureau's reference records that live in the store.

High-volume kinds (contributions, filings, payments, operating figures) go to the Parquet lake;
the others are records people act on and are kept here, keyed by their natural identifiers.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import User


class ImportBatch(models.Model):
    """One loaded file: its archived original, its hash, what it held and what was rejected."""

    class Status(models.TextChoices):
        LOADED = "loaded", _("已导入")
        REPLACED = "replaced", _("已被更正文件替换")

    kind = models.CharField(_("数据类型"), max_length=40, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件哈希"), max_length=64)
    archived_path = models.CharField(_("原始文件存档"), max_length=500)
    report_path = models.CharField(_("拒绝行报告"), max_length=500, blank=True)
    format = models.CharField(_("格式"), max_length=16)
    encoding = models.CharField(_("编码"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    accepted = models.PositiveIntegerField(_("接收行数"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝行数"), default=0)
    periods = models.JSONField(_("涉及期间"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.LOADED
    )
    replaces = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="replaced_by"
    )
    loaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    loaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "sha256"], name="import_batch_kind_content_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"


class SourceRecord(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField(_("行号"))

    class Meta:
        abstract = True


class UnemploymentRegistration(SourceRecord):
    person_id = models.CharField(_("公民身份号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    region_code = models.CharField(_("常住地"), max_length=12, db_index=True)
    registered_on = models.DateField(_("登记日期"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    reason = models.CharField(_("失业原因"), max_length=100, blank=True)
    education = models.CharField(_("学历"), max_length=20, blank=True)
    skills = models.CharField(_("技能"), max_length=200, blank=True)
    health = models.CharField(_("身体状况"), max_length=50, blank=True)
    wants_training = models.BooleanField(_("培训意愿"), null=True)
    desired_job = models.CharField(_("求职意向"), max_length=200, blank=True)
    ended_on = models.DateField(_("注销日期"), null=True, blank=True)
    end_reason = models.CharField(_("注销原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("失业登记")
        verbose_name_plural = _("失业登记")
        constraints = [
            models.UniqueConstraint(
                fields=["person_id", "registered_on"], name="registration_person_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.registered_on}"


class JobPosting(SourceRecord):
    posting_id = models.CharField(_("岗位编号"), max_length=64, unique=True)
    employer_name = models.CharField(_("招聘单位"), max_length=200)
    title = models.CharField(_("岗位名称"), max_length=200)
    region_code = models.CharField(_("行政区划代码"), max_length=12, blank=True, db_index=True)
    city = models.CharField(_("城市"), max_length=50, blank=True)
    openings = models.PositiveIntegerField(_("招聘人数"))
    posted_on = models.DateField(_("发布日期"))
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    occupation = models.CharField(_("职业"), max_length=100, blank=True)
    salary_min = models.DecimalField(
        _("最低月薪"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_max = models.DecimalField(
        _("最高月薪"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    education_min = models.CharField(_("学历要求"), max_length=20, blank=True)
    age_max = models.PositiveIntegerField(_("年龄上限"), null=True, blank=True)
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)
    description = models.TextField(_("岗位描述"), blank=True)

    class Meta:
        verbose_name = _("招聘岗位")
        verbose_name_plural = _("招聘岗位")

    def __str__(self) -> str:
        return self.title


class LabourCase(SourceRecord):
    case_id = models.CharField(_("案件编号"), max_length=64, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    kind = models.CharField(_("案件类型"), max_length=20)
    people = models.PositiveIntegerField(_("涉及人数"))
    filed_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    summary = models.TextField(_("案情摘要"), blank=True)

    class Meta:
        verbose_name = _("劳动案件")
        verbose_name_plural = _("劳动案件")

    def __str__(self) -> str:
        return self.case_id


class EnterpriseEvent(SourceRecord):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("事件类型"), max_length=20)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("企业状态变化")
        verbose_name_plural = _("企业状态变化")
        constraints = [
            models.UniqueConstraint(fields=["uscc", "date", "kind"], name="enterprise_event_unique")
        ]

    def __str__(self) -> str:
        return f"{self.uscc} {self.date} {self.kind}"


class MonitoringPointReport(SourceRecord):
    point_id = models.CharField(_("监测点编号"), max_length=32)
    region_code = models.CharField(_("行政区划代码"), max_length=12, db_index=True)
    period = models.CharField(_("所属期"), max_length=6)
    outbound = models.PositiveIntegerField(_("外出务工人数"))
    returned = models.PositiveIntegerField(_("返乡人数"))
    returned_unemployed = models.PositiveIntegerField(_("返乡未就业人数"))

    class Meta:
        verbose_name = _("村级监测点报告")
        verbose_name_plural = _("村级监测点报告")
        constraints = [
            models.UniqueConstraint(fields=["point_id", "period"], name="point_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.period}"
