"""Obligations with a due time: the plan's "at once", "within 48 hours", "report to the province".

A :class:`Deadline` says what must be done, about what (``subject_type``/``subject_id``), by whom
(unit and/or assignee, inside ``region``), by when, under which clause and policy values, and how
it is reminded and escalated. The worker (see :mod:`wenjiuye.deadlines.tasks`) fires reminders
and escalations; the services are the only writers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, Unit


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已撤销")

    kind = models.CharField(_("事项类型"), max_length=64, db_index=True)
    title = models.CharField(_("事项"), max_length=200)
    clause = models.CharField(_("依据条款"), max_length=64)
    policy = models.JSONField(_("所用政策参数"), default=dict, blank=True)
    subject_type = models.CharField(_("关联对象类型"), max_length=64)
    subject_id = models.CharField(_("关联对象编号"), max_length=64)
    subject_repr = models.CharField(_("关联对象"), max_length=200, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("责任区划"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("责任单位")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("责任人"),
    )
    due_at = models.DateTimeField(_("期限"), db_index=True)
    reminders = models.JSONField(
        _("提前提醒(分钟)"), default=list, blank=True, help_text=_("到期前多少分钟提醒")
    )
    escalation = models.JSONField(
        _("逾期督办路径"),
        default=list,
        blank=True,
        help_text=_('逾期后逐级督办,如 [{"after_minutes": 0, "to": "county"}]'),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办结人"),
    )
    completion_note = models.CharField(_("办结说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("时限事项")
        verbose_name_plural = _("时限事项")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"], name="deadline_once_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title}({self.subject_repr or self.subject_id})"

    _subject_url: str  # resolved by subject_urls_attach, not a column

    def subject_url(self) -> str:
        """The page of the record this deadline is about ("" when it has none)."""
        if not hasattr(self, "_subject_url"):
            subject_urls_attach([self])
        return self._subject_url

    def is_overdue(self, at: datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_at < (at or timezone.now())


class DeadlineStep(models.Model):
    """One planned reminder (before due) or escalation (after due) of a deadline.

    Created with the deadline; fired once by the worker: the worker claims the step with a
    conditional UPDATE (``fired_at IS NULL``) in the transaction that writes its notifications.
    Closing the deadline skips the steps not yet fired.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        ESCALATION = "escalation", _("逾期督办")

    class Tier(models.TextChoices):
        ASSIGNEE = "assignee", _("责任人")
        COUNTY = "county", _("县(市、区)人社部门工作人员")
        COUNTY_HEAD = "county_head", _("县级人社局负责人")
        CITY_OFFICE = "city_office", _("市稳就业工作专班办公室")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    offset_minutes = models.IntegerField(_("相对期限(分钟)"), help_text=_("负数为到期前"))
    fire_at = models.DateTimeField(_("触发时间"), db_index=True)
    tier = models.CharField(_("通知对象"), max_length=16, choices=Tier.choices)
    fired_at = models.DateTimeField(_("已触发"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("已取消"), null=True, blank=True)
    recipients = models.JSONField(_("实际通知的账号"), default=list, blank=True)

    class Meta:
        verbose_name = _("提醒与督办")
        verbose_name_plural = _("提醒与督办")
        ordering = ["deadline_id", "fire_at", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "seq"], name="deadline_step_once")
        ]
        indexes = [models.Index(fields=["fired_at", "skipped_at", "fire_at"])]

    def __str__(self) -> str:
        return f"{self.deadline_id}:{self.kind}#{self.seq}@{self.fire_at:%Y-%m-%d %H:%M}"


def subject_urls_attach(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Resolve the subject pages of ``deadlines`` with one query per kind of subject (lists)."""
    rows = list(deadlines)
    ids: dict[str, set[str]] = defaultdict(set)
    for d in rows:
        ids[d.subject_type].add(d.subject_id)
    urls: dict[tuple[str, str], str] = {}
    for label, pks in ids.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if hasattr(model, "get_absolute_url"):
            for obj in model._default_manager.filter(pk__in=pks):
                urls[(label, str(obj.pk))] = obj.get_absolute_url()
    for d in rows:
        d._subject_url = urls.get((d.subject_type, d.subject_id), "")
    return rows
