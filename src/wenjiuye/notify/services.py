"""Sending notifications: the one entry point :func:`send`, and fan-out helpers.

Delivery semantics:

- ``inbox``: the :class:`Notification` and its :class:`Delivery` are written in the caller's
  transaction, so they exist exactly once when the caller's change commits.
- ``email``, ``sms``, ``dingtalk``, ``wecom``: the Delivery row is written in the caller's
  transaction and attempted right after commit; a failed attempt is retried by the worker
  (:func:`deliveries_process`, every minute) with exponential backoff up to
  ``NOTIFY_MAX_ATTEMPTS``. External channels are therefore *at least once*: a crash between the
  other side accepting and the row being marked sent resends the message with the same
  idempotency key (the delivery ``uuid``: e-mail Message-ID, SMS ``id``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, Region, Unit, User
from wenjiuye.notify import channels
from wenjiuye.notify.models import Delivery, Notification, WebhookTarget

CHANNELS = ("inbox", "email", "sms", "wechat", "dingtalk", "wecom")
LEASE_SECONDS = 300  # an attempt in flight is not picked again for this long


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _ref_text(ref: Any) -> str:
    if ref is None:
        return ""
    if isinstance(ref, models.Model):
        return f"{ref._meta.label_lower}:{ref.pk}"
    return str(ref)[:100]


def _absolute(link: str) -> str:
    base = str(getattr(settings, "NOTIFY_SITE_URL", "") or "")
    if link.startswith("/") and base:
        return base.rstrip("/") + link
    return link


def _text(body: str, link: str) -> str:
    return f"{body}\n{_absolute(link)}" if link else body


def send(
    *,
    channel: str,
    to: str,
    subject: str,
    body: str,
    actor: User | None = None,
    ref: Any = None,
    user: User | None = None,
    link: str = "",
) -> Delivery:
    """Send one message over ``channel`` and return its Delivery row.

    ``to`` is, per channel: ``inbox`` a user name (or give ``user``); ``email`` an address
    (default ``user.email``); ``sms`` a mobile number (default ``user.phone``); ``dingtalk`` /
    ``wecom`` the id of a :class:`WebhookTarget` of that platform. ``ref`` (a model instance or a
    string) ties the message to what it is about. Invalid input raises ``ValidationError``.
    """
    if channel not in CHANNELS:
        raise ValidationError({"channel": _("不支持的渠道:%(channel)s") % {"channel": channel}})
    subject = subject.strip()[:200]
    if not subject:
        raise ValidationError({"subject": _("标题不能为空")})
    ref_text = _ref_text(ref)
    link = link[:300]
    with transaction.atomic():
        if channel == "inbox":
            delivery = _send_inbox(to, subject, body, ref_text, user, link)
        else:
            delivery = _queue_external(channel, to, subject, body, ref_text, user, link)
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=delivery,
            changes={"channel": channel, "target": delivery.target, "ref": ref_text},
        )
        if delivery.status == Delivery.Status.PENDING:
            transaction.on_commit(lambda: _attempt_into(delivery), robust=True)
    return delivery


def _send_inbox(
    to: str, subject: str, body: str, ref: str, user: User | None, link: str
) -> Delivery:
    recipient = user or User.objects.filter(username=to, is_active=True).first()
    if recipient is None:
        raise ValidationError({"to": _("没有该用户:%(to)s") % {"to": to}})
    now = timezone.now()
    note = Notification.objects.create(
        user=recipient, title=subject, body=body, link=link, ref=ref, created_at=now
    )
    return Delivery.objects.create(
        channel="inbox",
        target=recipient.get_username(),
        subject=subject,
        body=body,
        link=link,
        user=recipient,
        notification=note,
        ref=ref,
        status=Delivery.Status.SENT,
        attempts=1,
        sent_at=now,
        created_at=now,
    )


OPENID = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _is_mobile(value: str) -> bool:
    return value.isdigit() and len(value) == 11 and value.startswith("1")


def _queue_external(
    channel: str, to: str, subject: str, body: str, ref: str, user: User | None, link: str
) -> Delivery:
    webhook: WebhookTarget | None = None
    payload: dict[str, Any] = {}
    target = to.strip()
    if channel == "email":
        target = target or (user.email if user else "")
        try:
            validate_email(target)
        except ValidationError as exc:
            raise ValidationError(
                {"to": _("邮箱地址无效:%(value)s") % {"value": target or _("(空)")}}
            ) from exc
    elif channel == "sms":
        target = target or (user.phone if user else "")
        if not _is_mobile(target):
            raise ValidationError(
                {"to": _("手机号无效:%(value)s") % {"value": target or _("(空)")}}
            )
    elif channel == "wechat":
        target = target or (user.phone if user else "")
        if not (_is_mobile(target) or OPENID.fullmatch(target)):
            raise ValidationError(
                {
                    "to": _("微信接收人无效(应为手机号或 openid):%(value)s")
                    % {"value": target or _("(空)")}
                }
            )
    else:
        webhook = WebhookTarget.objects.filter(
            pk=int(target) if target.isdigit() else -1, platform=channel
        ).first()
        if webhook is None:
            raise ValidationError({"to": _("没有该群机器人:%(to)s") % {"to": to}})
        if not webhook.active:
            raise ValidationError({"to": _("群机器人已停用:%(name)s") % {"name": webhook.name}})
        target = webhook.name
        payload = channels.robot_payload(
            platform=channel,
            subject=subject,
            body=_text(body, link),
            markdown=webhook.markdown,
        )
    now = timezone.now()
    return Delivery.objects.create(
        channel=channel,
        target=target[:300],
        subject=subject,
        body=body,
        link=link,
        payload=payload,
        user=user,
        webhook=webhook,
        ref=ref,
        next_try_at=now,
        created_at=now,
    )


def _attempt_into(delivery: Delivery) -> None:
    """Attempt right after commit and refresh the caller's object (it is their return value)."""
    attempt(delivery.pk, at=timezone.now())
    delivery.refresh_from_db()


def _backoff(attempts: int) -> timedelta:
    base = _setting("NOTIFY_RETRY_BASE_SECONDS", 60)
    cap = _setting("NOTIFY_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def attempt(pk: int, *, at: datetime | None = None) -> str | None:
    """Try one pending external delivery that is due at ``at``.

    The row is claimed with a conditional UPDATE (pending, due) that pushes ``next_try_at`` by a
    lease, so two workers never send it at once. Returns the new status, or None when it was not
    due or someone else had it.
    """
    now = at or timezone.now()
    claimed = Delivery.objects.filter(
        pk=pk, status=Delivery.Status.PENDING, next_try_at__lte=now
    ).update(next_try_at=now + timedelta(seconds=LEASE_SECONDS), attempts=F("attempts") + 1)
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("webhook").get(pk=pk)
    try:
        _deliver(delivery)
    except Exception as exc:  # noqa: BLE001 (any failure of the other side is retried)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        # A refused robot address (internal, loopback, not allowed) stays refused: no retries.
        refused = isinstance(exc, channels.RefusedTarget)
        if refused or delivery.attempts >= _setting("NOTIFY_MAX_ATTEMPTS", 6):
            Delivery.objects.filter(pk=pk).update(
                status=Delivery.Status.FAILED, last_error=error, next_try_at=None
            )
            return Delivery.Status.FAILED
        Delivery.objects.filter(pk=pk).update(
            last_error=error, next_try_at=now + _backoff(delivery.attempts)
        )
        return Delivery.Status.PENDING
    Delivery.objects.filter(pk=pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), next_try_at=None
    )
    return Delivery.Status.SENT


def _deliver(delivery: Delivery) -> None:
    msg_uuid = str(delivery.uuid)
    text = _text(delivery.body, delivery.link)
    if delivery.channel == "email":
        channels.send_email(
            to=delivery.target, subject=delivery.subject, body=text, msg_uuid=msg_uuid
        )
    elif delivery.channel == "sms":
        channels.send_sms(to=delivery.target, body=f"{delivery.subject}:{text}", msg_uuid=msg_uuid)
    elif delivery.channel == "wechat":
        channels.send_wechat(
            to=delivery.target, body=f"{delivery.subject}:{text}", msg_uuid=msg_uuid
        )
    elif delivery.channel in {"dingtalk", "wecom"}:
        hook = delivery.webhook
        if hook is None or not hook.active:
            raise channels.DeliveryError(_("群机器人已删除或停用"))
        channels.post_robot(
            platform=hook.platform, url=hook.url, secret=hook.secret, payload=delivery.payload
        )
    else:
        raise channels.DeliveryError(_("渠道 %(channel)s 无需投递") % {"channel": delivery.channel})


def deliveries_process(*, at: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """One pass of the worker: attempt every pending delivery due at ``at``."""
    now = at or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_try_at__lte=now)
        .order_by("next_try_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "pending": 0, "failed": 0}
    for pk in due:
        status = attempt(pk, at=now)
        if status is not None:
            counts[status] += 1
    return counts


def delivery_retry(*, delivery: Delivery, actor: User) -> Delivery:
    """Put a failed delivery back in the queue (an administrator's action, audited)."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, next_try_at=timezone.now(), attempts=0
        )
        if not updated:
            raise ValidationError({"status": _("只有发送失败的记录可以重发")})
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=delivery,
            changes={"status": [Delivery.Status.FAILED, Delivery.Status.PENDING]},
        )
    delivery.refresh_from_db()
    return delivery


# --- Fan-out ------------------------------------------------------------------------------


def notify_users(
    *,
    users: Iterable[User],
    subject: str,
    body: str,
    link: str = "",
    ref: Any = None,
    channels: Iterable[str] = ("inbox", "email"),
    actor: User | None = None,
) -> list[Delivery]:
    """Send to each user over each of ``channels`` they can be reached by.

    A user without an e-mail address (or mobile number) is skipped for that channel; robot
    channels are not per user (see :func:`notify_webhooks`).
    """
    wanted = [c for c in channels if c in {"inbox", "email", "sms"}]
    out: list[Delivery] = []
    seen: set[int] = set()
    with transaction.atomic():
        for user in users:
            if user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            for channel in wanted:
                if channel == "email" and not user.email:
                    continue
                if channel == "sms" and not user.phone:
                    continue
                out.append(
                    send(
                        channel=channel,
                        to=user.get_username() if channel == "inbox" else "",
                        subject=subject,
                        body=body,
                        actor=actor,
                        ref=ref,
                        user=user,
                        link=link,
                    )
                )
    return out


def webhook_targets_for(
    *, region: Region | str | None = None, unit: Unit | None = None
) -> QuerySet[WebhookTarget]:
    """Active robots of ``unit`` and of ``region`` or any region above it."""
    codes: list[str] = []
    node = region if isinstance(region, Region) or region is None else Region.objects.get(pk=region)
    while node is not None:
        codes.append(node.code)
        node = node.parent
    condition = Q(region_id__in=codes)
    if unit is not None:
        condition |= Q(unit=unit)
    return WebhookTarget.objects.filter(condition, active=True).order_by("pk")


def notify_webhooks(
    *,
    subject: str,
    body: str,
    region: Region | str | None = None,
    unit: Unit | None = None,
    link: str = "",
    ref: Any = None,
    actor: User | None = None,
) -> list[Delivery]:
    """Post to every active group robot of the region (and above) or the unit."""
    with transaction.atomic():
        return [
            send(
                channel=hook.platform,
                to=str(hook.pk),
                subject=subject,
                body=body,
                actor=actor,
                ref=ref,
                link=link,
            )
            for hook in webhook_targets_for(region=region, unit=unit)
        ]


# --- Inbox --------------------------------------------------------------------------------


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one (or, without ``notification``, every) unread message of ``user`` read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    return qs.update(read_at=timezone.now())
