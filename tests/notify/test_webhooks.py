"""Group-robot targets: list, add, deactivate and test-send, against a real local HTTP robot;
secrets never shown in full; audited; city-level users and administrators only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import OTHER_COUNTY, OWN_COUNTY
from wenjiuye.core.models import Event, Region, Unit
from wenjiuye.core.roles import Role
from wenjiuye.notify import webhooks
from wenjiuye.notify.models import Delivery, WebhookTarget

pytestmark = pytest.mark.django_db
URL = "/notifications/webhooks/"
API = "/api/notifications/webhooks"
SECRET = "SEC0123456789abcdefXYZ"


def add(actor, robot, **extra):
    data = {
        "name": "宝丰县专班群",
        "platform": "dingtalk",
        "url": robot.url,
        "secret": robot.secret,
        "region": Region.objects.get(pk=OWN_COUNTY),
        **extra,
    }
    return webhooks.webhook_add(actor=actor, **data)


def test_masking():
    assert webhooks.mask_secret("") == ""
    assert webhooks.mask_secret("short") == "******"
    assert webhooks.mask_secret("12345678901") == "******"
    assert webhooks.mask_secret("123456789012") == "123******12"
    assert webhooks.mask_secret(SECRET) == "SEC******YZ"
    assert (
        webhooks.mask_url("https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789")
        == "https://oapi.dingtalk.com/robot/send?access_token=abc******89"
    )
    assert webhooks.mask_url("http://h/x?key=k1&a=") == "http://h/x?key=******&a=******"
    assert webhooks.mask_url("http://h/x") == "http://h/x"


def test_who_may_manage(users):
    allowed = {r for r, u in users.items() if webhooks.may_manage(u)}
    assert allowed == {Role.CITY_OFFICE, Role.GROUP_MEMBER, Role.ADMIN}


def test_add_is_validated_and_audited_without_the_secret(users, robot):
    office = users[Role.CITY_OFFICE]
    robot.secret = SECRET
    target = add(office, robot)
    event = Event.objects.get(object_type="notify.webhooktarget", object_id=str(target.pk))
    assert event.actor_name == "office" and event.region_code == OWN_COUNTY
    assert event.changes["secret"] == [None, "SEC******YZ"]
    assert "access_token=tok" not in str(event.changes) and SECRET not in str(event.changes)
    assert "access_token=******" in event.changes["url"][1]
    assert WebhookTarget.objects.get().secret == SECRET  # stored as given, for signing
    with pytest.raises(ValidationError, match="已登记"):
        add(office, robot)
    bad = [
        ({"name": " "}, "name"),
        ({"platform": "fax"}, "platform"),
        ({"url": "ftp://x/y"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"platform": "wecom", "url": robot.url + "&x=1"}, "secret"),
        ({"markdown": True, "url": robot.url + "&x=2"}, "markdown"),
        ({"region": None, "url": robot.url + "&x=3"}, "region"),
        ({"region": Region.objects.get(pk="410000"), "url": robot.url + "&x=4"}, "region"),
    ]
    for extra, field in bad:
        with pytest.raises(ValidationError) as exc:
            add(office, robot, **extra)
        assert field in exc.value.message_dict, extra
    assert WebhookTarget.objects.count() == 1
    with pytest.raises(PermissionDenied):
        add(users[Role.COUNTY_OFFICER], robot, url=robot.url + "&x=5")
    unit = Unit.objects.create(name="市就业促进局", kind="bureau", region_id="410400")
    by_unit = add(office, robot, region=None, unit=unit, url=robot.url + "&x=6", secret="")
    assert by_unit.unit == unit


def test_test_send_reaches_the_real_robot_signed(users, robot):
    office = users[Role.CITY_OFFICE]
    target = add(office, robot)
    delivery = webhooks.webhook_test(actor=office, target=target)
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert len(robot.posts) == 1 and robot.posts[0]["signed"] is True
    assert robot.posts[0]["json"]["text"]["content"].startswith("测试消息\n")
    note = Event.objects.filter(object_id=str(target.pk), note__startswith="测试发送").get()
    assert note.changes == {"test_delivery": delivery.pk, "status": "sent"}


def test_failed_test_send_is_reported_and_not_retried(users, robot):
    office = users[Role.CITY_OFFICE]
    target = add(office, robot)
    robot.errcode_next = 1
    delivery = webhooks.webhook_test(actor=office, target=target)
    assert delivery.status == Delivery.Status.FAILED and "310000" in delivery.last_error
    assert delivery.next_try_at is None
    robot.fail_next = 1
    delivery = webhooks.webhook_test(actor=office, target=target)
    assert delivery.status == Delivery.Status.FAILED and "HTTP 500" in delivery.last_error
    assert len(robot.posts) == 2


def test_deactivate(users, robot):
    office = users[Role.CITY_OFFICE]
    target = add(office, robot)
    webhooks.webhook_deactivate(actor=office, target=target)
    target.refresh_from_db()
    assert target.active is False
    assert Event.objects.filter(
        object_id=str(target.pk), changes__active=[True, False], actor_name="office"
    ).exists()
    with pytest.raises(ValidationError, match="已停用"):
        webhooks.webhook_deactivate(actor=office, target=target)
    with pytest.raises(ValidationError, match="已停用"):
        webhooks.webhook_test(actor=office, target=target)
    assert robot.posts == []
    # a deactivated robot's URL may be registered again
    assert add(office, robot).active


def test_page(client, users, robot):
    client.force_login(users[Role.CITY_OFFICE])
    assert client.get(URL).status_code == 200
    r = client.post(
        URL,
        {
            "action": "add",
            "name": "宝丰县专班群",
            "platform": "dingtalk",
            "url": robot.url,
            "secret": SECRET,
            "region": OWN_COUNTY,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    target = WebhookTarget.objects.get()
    page = client.get(URL).content.decode()
    assert "宝丰县专班群" in page and "SEC******YZ" in page
    assert SECRET not in page and "access_token=tok" not in page
    r = client.post(URL, {"action": "test", "target": target.pk})
    assert r.status_code == 200
    tested = r.content.decode().split('data-testid="tested"')[1].split("</p>")[0]
    assert "已提交测试消息" in tested and len(robot.posts) == 1
    robot.errcode_next = 1
    r = client.post(URL, {"action": "test", "target": target.pk})
    # the same answer whatever happened; the reason is in the delivery record only
    assert tested in r.content.decode() and "310000" not in r.content.decode()
    assert "310000" in Delivery.objects.order_by("pk").last().last_error
    # 4xx with reasons
    r = client.post(URL, {"action": "add", "name": "x", "platform": "dingtalk", "url": "ftp://x"})
    assert r.status_code == 400 and "https" in r.content.decode()
    r = client.post(
        URL,
        {
            "action": "add",
            "name": "x",
            "platform": "wecom",
            "url": "http://h/x",
            "region": OTHER_COUNTY + "99",
        },
    )
    assert r.status_code == 400
    assert client.post(URL, {"action": "test", "target": "x"}).status_code == 400
    assert client.post(URL, {"action": "test", "target": 999}).status_code == 404
    assert client.post(URL, {"action": "explode"}).status_code == 400
    r = client.post(URL, {"action": "deactivate", "target": target.pk})
    assert r.status_code == 302
    assert WebhookTarget.objects.get().active is False
    assert client.post(URL, {"action": "deactivate", "target": target.pk}).status_code == 400
    for role in (Role.COUNTY_OFFICER, Role.LEADER, Role.GRID_WORKER, Role.AUDITOR):
        client.force_login(users[role])
        assert client.get(URL).status_code == 403, role
        assert client.post(URL, {"action": "test", "target": target.pk}).status_code == 403


def test_api(client, users, robot):
    robot.secret = SECRET
    client.force_login(users[Role.ADMIN])
    payload = {
        "name": "叶县专班群",
        "platform": "dingtalk",
        "url": robot.url,
        "secret": SECRET,
        "region_code": OTHER_COUNTY,
    }
    r = client.post(API, payload, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["secret"] == "SEC******YZ" and body["url"].endswith("access_token=******")
    assert client.get(API).json() == [body]
    r = client.post(f"{API}/{body['id']}/test")
    assert r.status_code == 200 and r.json()["detail"] == "已提交测试消息,结果见发送记录"
    assert Delivery.objects.get(uuid=r.json()["delivery"]).status == Delivery.Status.SENT
    assert robot.posts[0]["signed"] is True
    bad = client.post(API, {**payload, "url": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "url" in bad.json()["detail"]
    missing = client.post(
        API, {**payload, "region_code": "999999"}, content_type="application/json"
    )
    assert missing.status_code == 404
    r = client.post(f"{API}/{body['id']}/deactivate")
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.post(f"{API}/{body['id']}/deactivate").status_code == 400
    assert client.post(f"{API}/{body['id']}/test").status_code == 400
    assert client.post(f"{API}/9999/test").status_code == 404
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(API).status_code == 403
    assert client.post(API, payload, content_type="application/json").status_code == 403
    assert client.post(f"{API}/{body['id']}/deactivate").status_code == 403


def test_admin_never_renders_or_audits_the_secret(client, users, robot):
    robot.secret = SECRET
    target = add(users[Role.CITY_OFFICE], robot)
    client.force_login(users[Role.ADMIN])
    change = f"/admin/notify/webhooktarget/{target.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and SECRET not in page.content.decode()
    form = {
        "name": "改名",
        "platform": "dingtalk",
        "url": robot.url,
        "secret": "",
        "region": OWN_COUNTY,
        "active": "on",
    }
    assert client.post(change, form).status_code == 302
    target.refresh_from_db()
    assert (target.name, target.secret) == ("改名", SECRET)  # empty keeps the stored secret
    assert client.post(change, {**form, "secret": "SECnew-secret-value-99"}).status_code == 302
    target.refresh_from_db()
    assert target.secret == "SECnew-secret-value-99"
    event = Event.objects.filter(object_id=str(target.pk), note="admin").order_by("pk").last()
    assert event.changes == {"secret": ["SEC******YZ", "SEC******99"]}
