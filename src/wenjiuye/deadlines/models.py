"""Obligations with a due time: the plan's "at once", "within 48 hours", "report to the province".

A :class:`Deadline` says what must be done, about what (``subject_type``/``subject_id``), by whom
(unit and/or assignee, inside ``region``), by when, under which clause and policy values, and how
it is reminded and escalated. The worker (see :mod:`wenjiuye.deadlines.tasks`) fires reminders
and escalations; the services are the only writers.
"""

from __future__ import annotations

from datetime import datetime

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

    def is_overdue(self, at: datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_at < (at or timezone.now())
