"""Group-robot webhook targets (DingTalk, WeCom) of a region or a unit: list, add, deactivate and
test-send.

Who: administrators (``EDIT_REFERENCE``) and city-level users who may write (``WRITE`` on the
city's region code: the city office and the city work group's members). A robot posts to group
chats outside the system, so it is city configuration, like reference data; county users use
the robots the city registers for their county.

Secrets: the DingTalk signing secret and the token in the URL (``access_token``, ``key``) are
credentials. They are stored as given and used only to send; pages, the API and the audit log
show them masked (:func:`mask_secret`, :func:`mask_url`). Every change is audited.

Reach: a robot URL must be https to a host of ``NOTIFY_WEBHOOK_ALLOWED_HOSTS`` on port 443
(checked here on save, and again with the resolved address at every send, in
``notify.channels``), and a test reports the same to the officer whatever happened.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, Region, RegionLevel, Unit, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.notify.channels import robot_url_problem
from wenjiuye.notify.models import Delivery, WebhookTarget
from wenjiuye.notify.services import attempt, send

MASK = "******"


def city_code() -> str | None:
    cities = list(Region.objects.filter(level=RegionLevel.CITY).values_list("code", flat=True)[:2])
    return cities[0] if len(cities) == 1 else None


def may_manage(user: User) -> bool:
    if can(user, Cap.EDIT_REFERENCE):
        return True
    code = city_code()
    return code is not None and can(user, Cap.WRITE, code)


def require_manage(user: User) -> None:
    if not may_manage(user):
        raise PermissionDenied(_("只有市级工作人员或系统管理员可以维护群机器人"))


def mask_secret(secret: str) -> str:
    """The first three and last two characters of a long secret; nothing of a short one."""
    if not secret:
        return ""
    if len(secret) < 12:
        return MASK
    return f"{secret[:3]}{MASK}{secret[-2:]}"


def mask_url(url: str) -> str:
    """The URL with every query value masked (the robot's ``access_token`` or ``key``)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    query = "&".join(
        f"{k}={mask_secret(v) or MASK}" for k, v in urllib.parse.parse_qsl(parts.query, True)
    )
    return urllib.parse.urlunsplit(parts._replace(query=query))


def webhook_as_dict(target: WebhookTarget) -> dict[str, Any]:
    return {
        "id": target.pk,
        "name": target.name,
        "platform": target.platform,
        "url": mask_url(target.url),
        "secret": mask_secret(target.secret),
        "markdown": target.markdown,
        "region_code": target.region_id,
        "unit": target.unit.name if target.unit else None,
        "active": target.active,
    }


def webhook_list(*, user: User) -> QuerySet[WebhookTarget]:
    require_manage(user)
    return WebhookTarget.objects.select_related("region", "unit").order_by("-active", "name", "pk")


def webhook_get(*, user: User, pk: int) -> WebhookTarget:
    try:
        return webhook_list(user=user).get(pk=pk)
    except WebhookTarget.DoesNotExist as exc:
        raise Http404(_("群机器人不存在")) from exc


def _region_code(target: WebhookTarget) -> str:
    if target.region_id:
        return target.region_id
    return target.unit.region_id if target.unit else ""


def webhook_add(
    *,
    actor: User,
    name: str,
    platform: str,
    url: str,
    secret: str = "",
    markdown: bool = False,
    region: Region | None = None,
    unit: Unit | None = None,
) -> WebhookTarget:
    require_manage(actor)
    name, url, secret = name.strip(), url.strip(), secret.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("请填写名称")
    if platform not in WebhookTarget.Platform.values:
        errors["platform"] = _("平台只能是钉钉或企业微信群机器人")
    problem = robot_url_problem(url)
    if problem is None:
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            problem = _("Webhook 地址无效")
    if problem:
        errors["url"] = problem
    if secret and platform == WebhookTarget.Platform.WECOM:
        errors["secret"] = _("企业微信群机器人没有加签密钥")
    if markdown and platform == WebhookTarget.Platform.DINGTALK:
        errors["markdown"] = _("Markdown 仅适用于企业微信群机器人")
    if region is None and unit is None:
        errors["region"] = _("请指定所属区划或单位")
    if region is not None and not can(actor, Cap.WRITE, region.code):
        errors["region"] = _("区划不在您的管辖范围内")
    if unit is not None and not can(actor, Cap.WRITE, unit.region_id):
        errors["unit"] = _("单位不在您的管辖范围内")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if WebhookTarget.objects.filter(url=url, active=True).exists():
            raise ValidationError({"url": _("该 Webhook 地址已登记")})
        target = WebhookTarget(
            name=name,
            platform=platform,
            url=url,
            secret=secret,
            markdown=markdown,
            region=region,
            unit=unit,
        )
        target.full_clean()
        target.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=target,
            region_code=_region_code(target),
            changes={k: [None, v] for k, v in webhook_as_dict(target).items() if k != "id" and v},
        )
    return target


def webhook_deactivate(*, actor: User, target: WebhookTarget) -> WebhookTarget:
    """Stop posting to the robot; pending deliveries to it fail on their next attempt."""
    require_manage(actor)
    with transaction.atomic():
        updated = WebhookTarget.objects.filter(pk=target.pk, active=True).update(active=False)
        if not updated:
            raise ValidationError(_("群机器人已停用"))
        target.refresh_from_db()
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=target,
            region_code=_region_code(target),
            changes={"active": [True, False]},
        )
    return target


def test_submitted() -> str:
    """What the officer is told after a test, whatever happened (see :func:`webhook_test`)."""
    return _("已提交测试消息,结果见发送记录")


def webhook_test(*, actor: User, target: WebhookTarget) -> Delivery:
    """Post a test message now and return its delivery (sent, or failed with the error).

    A failed test is not retried by the worker. Pages and the API tell the officer only
    :func:`test_submitted`: a detailed outcome (refused connection, timeout, TLS error, a
    refused address) would make the test a probe of what the server can reach. The outcome and
    its reason are in the delivery record (Django admin, administrators) and its status in the
    audit event (auditors).
    """
    require_manage(actor)
    if not target.active:
        raise ValidationError(_("群机器人已停用"))
    delivery = send(
        channel=target.platform,
        to=str(target.pk),
        subject=_("测试消息"),
        body=_("这是稳就业系统发送的测试消息,收到即表示群机器人配置正确。"),
        actor=actor,
        ref=target,
    )
    delivery.refresh_from_db()
    if delivery.status == Delivery.Status.PENDING:  # not yet attempted after commit
        attempt(delivery.pk)
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED, next_try_at=None
        )
        delivery.refresh_from_db()
    with transaction.atomic():
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=target,
            region_code=_region_code(target),
            changes={"test_delivery": delivery.pk, "status": delivery.status},
            note=_("测试发送:%(status)s") % {"status": delivery.get_status_display()},
        )
    return delivery
