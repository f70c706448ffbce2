"""Notifications: the in-app inbox, webhook targets, and one row per delivery to any channel.

A :class:`Delivery` is written for every message sent through any channel (inbox, e-mail, SMS,
DingTalk and WeCom group robots). Inbox deliveries are done in the same transaction that
creates them; external ones are attempted after commit and retried by the worker with backoff
until sent or out of attempts (at-least-once; ``uuid`` is the idempotency key: the e-mail
``Message-ID``, the SMS ``id``, the ``msg_id`` line of a robot message).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.identifiers import mask_text
from wenjiuye.core.models import Region, Unit
from wenjiuye.notify.channels import robot_url_problem


class Notification(models.Model):
    """One message in one user's inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    ref = models.CharField(_("关联"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class WebhookTarget(models.Model):
    """A group robot (DingTalk or WeCom) of a region or a unit."""

    class Platform(models.TextChoices):
        DINGTALK = "dingtalk", _("钉钉群机器人")
        WECOM = "wecom", _("企业微信群机器人")

    name = models.CharField(_("名称"), max_length=100)
    platform = models.CharField(_("平台"), max_length=16, choices=Platform.choices)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(
        _("加签密钥"), max_length=200, blank=True, help_text=_("钉钉“加签”安全设置的密钥")
    )
    markdown = models.BooleanField(_("以 Markdown 发送"), default=False)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("区划")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("单位")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["platform", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}:{self.name}"

    def clean(self) -> None:
        # Every form that saves a robot (the page, the API, the Django admin) goes through
        # full_clean; the send-time check in notify.channels covers rows written around it.
        problem = robot_url_problem(self.url) if self.url else None
        if problem:
            raise ValidationError({"url": problem})


class Delivery(models.Model):
    """One message to one recipient over one channel, and how its attempts went."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("站内消息")
        EMAIL = "email", _("电子邮件")
        SMS = "sms", _("短信")
        WECHAT = "wechat", _("微信")
        DINGTALK = "dingtalk", _("钉钉")
        WECOM = "wecom", _("企业微信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    uuid = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    target = models.CharField(_("收件方"), max_length=300)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    payload = models.JSONField(_("报文"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("收件用户"),
    )
    webhook = models.ForeignKey(
        WebhookTarget, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("群机器人")
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("站内消息")
    )
    ref = models.CharField(_("关联"), max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # masked: object names end up in admin titles and audit records beside other data
        return f"{self.channel}→{mask_text(self.target)}:{self.subject}"
