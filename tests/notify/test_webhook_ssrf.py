"""Robot URLs cannot reach the server's own network (SSRF): https to an allowed host on port 443
only (checked on save: service, page, API, admin), a public address at send time (checked on the
address connected to, whatever is in the database and whatever DNS answers next), no redirects,
and a test send that tells the officer the same thing whatever happened."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading

import pytest
from django.core.exceptions import ValidationError

from tests.factories import OWN_COUNTY, PUBLIC_ADDRESS
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.notify import channels, webhooks
from wenjiuye.notify.models import Delivery, WebhookTarget
from wenjiuye.notify.services import deliveries_process, send

pytestmark = pytest.mark.django_db
PAGE = "/notifications/webhooks/"
API = "/api/notifications/webhooks"
SUBMITTED = "已提交测试消息,结果见发送记录"
INTERNAL_HOSTS = ["127.0.0.1", "localhost", "0.0.0.0", "::1", "::ffff:127.0.0.1", "169.254.169.254"]


def add(actor, url, **extra):
    data = {"name": "宝丰县专班群", "platform": "wecom", "url": url, **extra}
    return webhooks.webhook_add(actor=actor, region=Region.objects.get(pk=OWN_COUNTY), **data)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2001:db8::1",
    ],
)
def test_internal_addresses_are_refused(address):
    assert channels.address_problem(ipaddress.ip_address(address)), address


@pytest.mark.parametrize("address", ["1.2.3.4", "106.11.35.1", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_accepted(address):
    assert channels.address_problem(ipaddress.ip_address(address)) is None


BAD_URLS = [
    ("http://127.0.0.1:8000/robot/send?key=k", "须为 https 网址"),
    ("http://oapi.dingtalk.com/robot/send?access_token=t", "须为 https 网址"),
    ("https://127.0.0.1/robot/send", "主机须为"),
    ("https://localhost/robot/send", "主机须为"),
    ("https://0.0.0.0/robot/send", "主机须为"),
    ("https://[::1]/robot/send", "主机须为"),
    ("https://[::ffff:127.0.0.1]/robot/send", "主机须为"),
    ("https://oapi.dingtalk.com.evil.example/robot/send", "主机须为"),
    ("https://evil.example/robot/send?h=oapi.dingtalk.com", "主机须为"),
    ("https://oapi.dingtalk.com:8443/robot/send", "端口 443"),
    ("https://oapi.dingtalk.com:22/robot/send", "端口 443"),
    ("https://user:pw@oapi.dingtalk.com/robot/send", "用户名或密码"),
    ("https://oapi.dingtalk.com:99999/robot/send", "地址无效"),
]


def test_save_refuses_internal_urls_with_a_reason(users):
    office = users[Role.CITY_OFFICE]
    for url, reason in BAD_URLS:
        with pytest.raises(ValidationError) as exc:
            add(office, url)
        assert reason in exc.value.message_dict["url"][0], url
    assert WebhookTarget.objects.count() == 0
    for url in (
        "https://oapi.dingtalk.com/robot/send?access_token=a",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=b",
        "https://OAPI.dingtalk.com:443/robot/send?access_token=c",
    ):
        add(office, url)
    assert WebhookTarget.objects.count() == 3


def test_an_address_as_host_is_refused_even_when_allowed(users, settings):
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = INTERNAL_HOSTS
    for url, reason in [
        ("https://127.0.0.1/robot/send", "本机回环地址"),
        ("https://[::1]/robot/send", "本机回环地址"),
        ("https://[::ffff:127.0.0.1]/robot/send", "本机回环地址"),
        ("https://0.0.0.0/robot/send", "未指定地址"),
        ("https://169.254.169.254/latest/meta-data", "链路本地地址"),
    ]:
        with pytest.raises(ValidationError) as exc:
            add(users[Role.CITY_OFFICE], url)
        assert reason in exc.value.message_dict["url"][0], url
    assert WebhookTarget.objects.count() == 0


def test_page_api_and_admin_refuse_internal_urls_with_a_400_reason(client, users):
    client.force_login(users[Role.CITY_OFFICE])
    for url, reason in BAD_URLS[:6]:
        form = {"action": "add", "name": "x", "platform": "wecom", "url": url, "region": OWN_COUNTY}
        r = client.post(PAGE, form)
        assert r.status_code == 400 and reason in r.content.decode(), url
        payload = {"name": "x", "platform": "wecom", "url": url, "region_code": OWN_COUNTY}
        r = client.post(API, payload, content_type="application/json")
        assert r.status_code == 400 and reason in r.json()["detail"]["url"][0], url
    client.force_login(users[Role.ADMIN])
    form = {"name": "x", "platform": "wecom", "url": "http://127.0.0.1:8000/x", "secret": ""}
    r = client.post("/admin/notify/webhooktarget/add/", {**form, "region": OWN_COUNTY})
    assert r.status_code == 200 and "须为 https 网址" in r.content.decode()
    assert WebhookTarget.objects.count() == 0


def refused_once(delivery: Delivery) -> None:
    """Failed on its first attempt, with no retry planned."""
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED, delivery.last_error
    assert (delivery.attempts, delivery.next_try_at) == (1, None)
    assert delivery.last_error.startswith("RefusedTarget: ")


def test_internal_url_in_the_database_is_refused_at_send_time(users, robot, settings):
    """Rows written around the services (ORM, an older version, a database restore) are checked
    again when sent: the local robot server, which the old code posted to, gets nothing."""
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = INTERNAL_HOSTS  # even then: the address decides
    urls = [
        robot.local_url,
        f"https://127.0.0.1:{robot.port}/robot/send",
        "https://127.0.0.1/robot/send",
        "https://localhost/robot/send",  # the real resolver: 127.0.0.1 / ::1
        "https://0.0.0.0/robot/send",
        "https://[::1]/robot/send",
        "https://[::ffff:127.0.0.1]/robot/send",
        "https://169.254.169.254/latest/meta-data",
    ]
    sent = []
    for url in urls:
        hook = WebhookTarget.objects.create(name=url, platform="wecom", url=url)
        sent.append(send(channel="wecom", to=str(hook.pk), subject="s", body="b"))
    assert deliveries_process() == {"sent": 0, "pending": 0, "failed": len(urls)}
    for delivery in sent:
        refused_once(delivery)
        assert "拒绝" in delivery.last_error, delivery.target
    assert robot.posts == [] and robot.connections == []
    assert deliveries_process() == {"sent": 0, "pending": 0, "failed": 0}  # nothing to retry


def test_allowed_host_resolving_to_an_internal_address_is_refused(
    users, robot, dns, settings, monkeypatch
):
    """A public-looking allowed name whose DNS answer is loopback (or has one internal address
    among public ones) is refused before any connection, even if the network would deliver it."""
    office = users[Role.CITY_OFFICE]
    settings.NOTIFY_WEBHOOK_ALLOWED_HOSTS = ["robot.example.com"]
    target = add(office, "https://robot.example.com/robot/send?key=k")  # no DNS at save time
    delivered: list[str] = []

    def anywhere(host, port, addresses, timeout):  # a network that reaches every address
        delivered.append(host)
        return http.client.HTTPConnection("127.0.0.1", robot.port, timeout=timeout)

    monkeypatch.setattr(channels, "robot_connection", anywhere)
    answers = [
        (["127.0.0.1"], "本机回环地址"),
        (["::1"], "本机回环地址"),
        (["::ffff:127.0.0.1"], "本机回环地址"),
        (["0.0.0.0"], "未指定地址"),
        (["10.0.0.8"], "内网"),
        (["169.254.169.254"], "链路本地地址"),
        ([PUBLIC_ADDRESS, "192.168.0.1"], "内网"),
    ]
    for answer, reason in answers:
        dns.answers["robot.example.com"] = answer
        delivery = webhooks.webhook_test(actor=office, target=target)
        refused_once(delivery)
        assert "robot.example.com 解析为" in delivery.last_error and reason in delivery.last_error
    assert delivered == [] and robot.posts == []
    # the same name with a public answer is sent (so the refusals above were the address)
    dns.answers["robot.example.com"] = [PUBLIC_ADDRESS]
    assert webhooks.webhook_test(actor=office, target=target).status == Delivery.Status.SENT
    assert delivered == ["robot.example.com"] and len(robot.posts) == 1


def test_dns_is_asked_once_and_the_checked_address_is_connected_to(users, robot, dns, monkeypatch):
    """DNS rebinding: a second answer (loopback) is never asked for, let alone used."""
    answers = iter([[PUBLIC_ADDRESS], ["127.0.0.1"]])
    faked = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "oapi.dingtalk.com":
            dns.answers[host] = next(answers)
        return faked(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    target = add(users[Role.CITY_OFFICE], robot.url, platform="dingtalk", secret=robot.secret)
    assert webhooks.webhook_test(actor=users[Role.CITY_OFFICE], target=target).status == "sent"
    assert dns.asked == ["oapi.dingtalk.com"]
    assert robot.connections == [("oapi.dingtalk.com", 443, [PUBLIC_ADDRESS])]
    assert len(robot.posts) == 1 and robot.posts[0]["signed"]


def test_the_connection_dials_the_pinned_address_and_checks_the_name():
    """``PinnedHTTPSConnection`` opens TCP to the given address (the name is never resolved:
    ``.invalid`` cannot be) and starts TLS with the name as SNI, so the certificate is checked
    for the robot's host, not for the address."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    errors: list[BaseException] = []

    def dial() -> None:
        addresses = [(socket.AF_INET, ("127.0.0.1", port))]
        conn = channels.PinnedHTTPSConnection("robot.invalid", port, addresses, 5)
        try:
            conn.connect()
        except OSError as exc:  # the listener speaks no TLS
            errors.append(exc)

    thread = threading.Thread(target=dial)
    thread.start()
    listener.settimeout(5)
    peer, _address = listener.accept()
    with peer:
        hello = peer.recv(4096)
    thread.join(5)
    listener.close()
    assert hello[:1] == b"\x16"  # a TLS handshake record
    assert b"robot.invalid" in hello  # server_name
    assert errors  # no TLS answer: the connection fails rather than going on in plain text


def test_redirects_are_not_followed(users, robot):
    target = add(users[Role.CITY_OFFICE], robot.url)
    robot.redirect_next = 1
    delivery = webhooks.webhook_test(actor=users[Role.CITY_OFFICE], target=target)
    assert delivery.status == Delivery.Status.FAILED and "HTTP 302" in delivery.last_error
    assert len(robot.posts) == 1  # the Location (the local server itself) was not requested


def test_test_send_answers_the_same_whatever_happened(client, users, robot, settings, monkeypatch):
    """Sent, robot error, HTTP error, refused address, connection refused, timeout: the officer
    sees one sentence (page) or one document (API); the reason is in the delivery record."""
    settings.NOTIFY_WEBHOOK_TIMEOUT = 1
    office = users[Role.CITY_OFFICE]
    target = add(office, robot.url)
    internal = WebhookTarget.objects.create(name="内网", platform="wecom", url=robot.local_url)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    silent = socket.socket()  # accepts connections (backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    real = channels.robot_connection

    def to_port(port):
        return lambda host, p, addresses, timeout: http.client.HTTPConnection(
            "127.0.0.1", port, timeout=timeout
        )

    cases = [
        ("sent", target, None, {}),
        ("errcode", target, None, {"errcode_next": 1}),
        ("http 500", target, None, {"fail_next": 1}),
        ("refused address", internal, None, {}),
        ("connection refused", target, to_port(closed_port), {}),
        ("timeout", target, to_port(silent.getsockname()[1]), {}),
    ]
    client.force_login(office)
    pages, answers, errors = set(), set(), {}
    try:
        for label, hook, connection, robot_state in cases:
            for via in ("page", "api"):
                for key, value in robot_state.items():
                    setattr(robot, key, value)
                monkeypatch.setattr(channels, "robot_connection", connection or real)
                if via == "page":
                    r = client.post(PAGE, {"action": "test", "target": hook.pk})
                    assert r.status_code == 200, label
                    html = r.content.decode()
                    pages.add(html.split('data-testid="tested">')[1].split("</p>")[0])
                else:
                    r = client.post(f"{API}/{hook.pk}/test")
                    assert r.status_code == 200, label
                    body = r.json()
                    answers.add((tuple(sorted(body)), body["detail"]))
                delivery = Delivery.objects.order_by("pk").last()
                errors[(label, via)] = (delivery.status, delivery.last_error)
    finally:
        silent.close()
    assert pages == {SUBMITTED}
    assert answers == {(("delivery", "detail"), SUBMITTED)}
    # the detail is for administrators, in the delivery record
    for via in ("page", "api"):
        assert errors[("sent", via)] == ("sent", "")
        assert "310000" in errors[("errcode", via)][1]
        assert "HTTP 500" in errors[("http 500", via)][1]
        assert "须为 https 网址" in errors[("refused address", via)][1]
        assert "ConnectionRefusedError" in errors[("connection refused", via)][1]
        assert "timed out" in errors[("timeout", via)][1]
        assert all(
            status == "failed"
            for (label, v), (status, _e) in errors.items()
            if v == via and label != "sent"
        )
    assert len(robot.posts) == 6  # sent, errcode and 500, by page and by API; nothing else
