"""Job pushes (精准推送岗位信息, U5 / K4) and the person's matching preferences."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import User
from wenjiuye.registry.models import Person


class Preference(models.Model):
    """What the matcher needs to know about a person beyond the registration."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="matching_preference"
    )
    accepts_migration = models.BooleanField(
        _("愿意到劳务协作城市务工"),
        default=False,
        help_text=_("为是时,推荐劳务协作城市(K4)的岗位"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("匹配偏好")
        verbose_name_plural = _("匹配偏好")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.accepts_migration}"


class Push(models.Model):
    """One posting pushed to one person over one channel, and how the person responded."""

    class Channel(models.TextChoices):
        SMS = "sms", _("手机短信")
        WECHAT = "wechat", _("微信")
        PHONE_CALL = "phone_call", _("电话")
        NOTICE = "notice", _("通知公告")

    class Response(models.TextChoices):
        PENDING = "pending", _("待回复")
        INTERESTED = "interested", _("有意向")
        DECLINED = "declined", _("不感兴趣")
        INTERVIEWED = "interviewed", _("已面试")
        HIRED = "hired", _("已录用")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="job_pushes", verbose_name=_("人员")
    )
    region_code = models.CharField(_("人员常住地"), max_length=12, db_index=True, blank=True)
    posting_id = models.CharField(_("岗位编号"), max_length=64, db_index=True)
    title = models.CharField(_("岗位名称"), max_length=200, blank=True)
    employer_name = models.CharField(_("招聘单位"), max_length=200, blank=True)
    channel = models.CharField(_("推送方式"), max_length=16, choices=Channel.choices)
    sent_at = models.DateTimeField(_("推送时间"), default=timezone.now)
    by = models.ForeignKey(User, on_delete=models.PROTECT, verbose_name=_("推送人"))
    delivery_id = models.CharField(_("发送记录"), max_length=64, blank=True)
    score = models.FloatField(_("匹配分"), null=True, blank=True)
    reasons = models.JSONField(_("匹配理由"), default=list, blank=True)
    response = models.CharField(
        _("回复"), max_length=16, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("岗位推送")
        verbose_name_plural = _("岗位推送")
        indexes = [models.Index(fields=["person", "posting_id"])]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.posting_id} ({self.channel})"
