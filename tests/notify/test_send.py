"""notify.send over every channel, against a real SMTP server, a real HTTP robot and real files."""

from __future__ import annotations

import json
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.notify.models import Delivery, Notification, WebhookTarget
from wenjiuye.notify.services import (
    deliveries_process,
    delivery_retry,
    notify_users,
    notify_webhooks,
    send,
)

pytestmark = pytest.mark.django_db


def test_inbox_message_is_written_at_once_and_audited(users):
    officer = users[Role.COUNTY_OFFICER]
    d = send(channel="inbox", to="baofeng", subject="请核实", body="舆情核实", link="/deadlines/")
    assert d.status == Delivery.Status.SENT and d.attempts == 1
    note = Notification.objects.get(user=officer)
    assert (note.title, note.body, note.link, note.read_at) == (
        "请核实",
        "舆情核实",
        "/deadlines/",
        None,
    )
    assert d.notification == note
    event = Event.objects.get(object_type="notify.delivery", object_id=str(d.pk))
    assert event.changes["channel"] == "inbox" and event.actor_name == "system"


def test_invalid_input_is_a_validation_error(users):
    with pytest.raises(ValidationError):
        send(channel="fax", to="x", subject="s", body="b")
    with pytest.raises(ValidationError):
        send(channel="inbox", to="nobody", subject="s", body="b")
    with pytest.raises(ValidationError):
        send(channel="email", to="not-an-address", subject="s", body="b")
    with pytest.raises(ValidationError):
        send(channel="sms", to="12345", subject="s", body="b")
    with pytest.raises(ValidationError):
        send(channel="dingtalk", to="999", subject="s", body="b")
    assert not Delivery.objects.exists()


def test_email_is_delivered_to_a_real_smtp_server_with_the_delivery_uuid(
    users, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = send(
            channel="email",
            to="chief@example.org",
            subject="逾期督办:裁员核实",
            body="已逾期 1 小时",
            link="/deadlines/7/",
        )
    d.refresh_from_db()
    assert d.status == Delivery.Status.SENT and d.attempts == 1
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == ["chief@example.org"]
    assert message["Message-ID"] == f"<{d.uuid}@wenjiuye.local>"
    assert str(make_header(decode_header(message["Subject"]))) == "逾期督办:裁员核实"
    text = message.get_payload(decode=True).decode("utf-8")
    assert "已逾期 1 小时" in text and "/deadlines/7/" in text


def test_email_to_a_server_that_is_down_is_retried_with_backoff_then_sent(users, smtp, settings):
    good_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    d = send(channel="email", to="a@example.org", subject="提醒", body="b")
    t0 = timezone.now()
    assert deliveries_process(at=t0) == {"sent": 0, "pending": 1, "failed": 0}
    d.refresh_from_db()
    assert d.attempts == 1 and d.last_error and d.status == Delivery.Status.PENDING
    assert d.next_try_at == t0 + timedelta(seconds=60)
    settings.EMAIL_PORT = good_port
    assert deliveries_process(at=t0 + timedelta(seconds=59)) == {
        "sent": 0,
        "pending": 0,
        "failed": 0,
    }
    assert deliveries_process(at=t0 + timedelta(seconds=60)) == {
        "sent": 1,
        "pending": 0,
        "failed": 0,
    }
    d.refresh_from_db()
    assert d.status == Delivery.Status.SENT and d.attempts == 2
    assert len(smtp.messages) == 1


def test_dingtalk_robot_gets_the_real_json_and_a_valid_signature(users, robot):
    hook = WebhookTarget.objects.create(
        name="宝丰县专班群",
        platform="dingtalk",
        url=robot.url,
        secret=robot.secret,
        region_id="410421",
    )
    d = send(channel="dingtalk", to=str(hook.pk), subject="逾期", body="请处理", link="/deadlines/")
    assert deliveries_process() == {"sent": 1, "pending": 0, "failed": 0}
    assert len(robot.posts) == 1
    post = robot.posts[0]
    assert post["json"] == {"msgtype": "text", "text": {"content": "逾期\n请处理\n/deadlines/"}}
    assert post["signed"] is True and post["query"]["access_token"] == "tok"
    assert post["content_type"].startswith("application/json")
    d.refresh_from_db()
    assert d.status == Delivery.Status.SENT and d.target == "宝丰县专班群"


def test_a_wrong_signature_is_detected_by_the_server(users, robot):
    hook = WebhookTarget.objects.create(
        name="群", platform="dingtalk", url=robot.url, secret="another-secret"
    )
    send(channel="dingtalk", to=str(hook.pk), subject="s", body="b")
    deliveries_process()
    assert robot.posts[0]["signed"] is False


def test_failing_robot_500_is_retried_then_sent(users, robot, settings):
    hook = WebhookTarget.objects.create(name="群", platform="wecom", url=robot.url)
    robot.fail_next = 2
    d = send(channel="wecom", to=str(hook.pk), subject="提醒", body="内容")
    t0 = timezone.now()
    assert deliveries_process(at=t0)["pending"] == 1
    d.refresh_from_db()
    assert d.last_error.endswith("HTTP 500") and d.next_try_at == t0 + timedelta(seconds=60)
    assert deliveries_process(at=t0 + timedelta(seconds=60))["pending"] == 1
    d.refresh_from_db()
    assert d.next_try_at == t0 + timedelta(seconds=60 + 120)  # doubled
    assert deliveries_process(at=t0 + timedelta(seconds=180))["sent"] == 1
    d.refresh_from_db()
    assert (d.status, d.attempts) == (Delivery.Status.SENT, 3)
    assert len(robot.posts) == 3
    assert robot.posts[0]["json"] == {"msgtype": "text", "text": {"content": "提醒\n内容"}}
    assert "signed" in robot.posts[0] and robot.posts[0]["query"] == {"access_token": "tok"}


def test_errcode_answer_counts_as_failure_and_the_limit_marks_it_failed(users, robot, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    hook = WebhookTarget.objects.create(name="群", platform="wecom", url=robot.url, markdown=True)
    robot.errcode_next = 5
    d = send(channel="wecom", to=str(hook.pk), subject="标题", body="正文")
    t0 = timezone.now()
    deliveries_process(at=t0)
    assert deliveries_process(at=t0 + timedelta(hours=1)) == {"sent": 0, "pending": 0, "failed": 1}
    d.refresh_from_db()
    assert d.status == Delivery.Status.FAILED and "310000" in d.last_error
    assert robot.posts[0]["json"] == {
        "msgtype": "markdown",
        "markdown": {"content": "**标题**\n正文"},
    }
    assert deliveries_process(at=t0 + timedelta(days=1))["failed"] == 0  # no more tries
    delivery_retry(delivery=d, actor=users[Role.ADMIN])
    robot.errcode_next = 0
    assert deliveries_process()["sent"] == 1


def test_sms_file_backend_appends_json_lines(users, settings, tmp_path):
    settings.WENJIUYE_HOME = tmp_path
    settings.NOTIFY_SMS_BACKEND = "file"
    d1 = send(channel="sms", to="13800000001", subject="提醒", body="第一条")
    d2 = send(channel="sms", to="13800000002", subject="提醒", body="第二条")
    assert deliveries_process()["sent"] == 2
    files = list((tmp_path / "sms").glob("*.jsonl"))
    assert len(files) == 1
    lines = [json.loads(x) for x in files[0].read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["to"], x["body"]) for x in lines] == [
        (str(d1.uuid), "13800000001", "提醒:第一条"),
        (str(d2.uuid), "13800000002", "提醒:第二条"),
    ]


def test_sms_console_backend(users, settings, capsys):
    settings.NOTIFY_SMS_BACKEND = "console"
    send(channel="sms", to="13800000001", subject="提醒", body="控制台")
    deliveries_process()
    assert "13800000001: 提醒:控制台" in capsys.readouterr().out


def test_notify_users_skips_channels_a_user_cannot_be_reached_by(users):
    office = users[Role.CITY_OFFICE]
    office.email = "office@example.org"
    office.save()
    county = users[Role.COUNTY_OFFICER]
    out = notify_users(users=[office, county, office], subject="s", body="b", ref="x:1")
    assert sorted((d.channel, d.user.username) for d in out) == [
        ("email", "office"),
        ("inbox", "baofeng"),
        ("inbox", "office"),
    ]
    assert Notification.objects.filter(ref="x:1").count() == 2


def test_notify_webhooks_reaches_the_region_and_the_regions_above_it(users, robot):
    WebhookTarget.objects.create(name="县", platform="dingtalk", url=robot.url, region_id="410421")
    WebhookTarget.objects.create(name="市", platform="wecom", url=robot.url, region_id="410400")
    WebhookTarget.objects.create(name="叶县", platform="wecom", url=robot.url, region_id="410422")
    WebhookTarget.objects.create(
        name="停用", platform="wecom", url=robot.url, region_id="410421", active=False
    )
    out = notify_webhooks(subject="s", body="b", region="410421")
    assert sorted(d.target for d in out) == ["县", "市"]
