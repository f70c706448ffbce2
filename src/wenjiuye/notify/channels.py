"""The external channels: e-mail, SMS gateway backends and group-robot webhooks.

Each function sends one message and raises :class:`DeliveryError` (or any exception) when the
other side did not accept it; the caller records the attempt and retries later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _


class DeliveryError(Exception):
    """The channel refused or could not take the message."""


# --- E-mail -------------------------------------------------------------------------------


def message_id(msg_uuid: str) -> str:
    domain = getattr(settings, "NOTIFY_MESSAGE_ID_DOMAIN", "wenjiuye.local")
    return f"<{msg_uuid}@{domain}>"


def send_email(*, to: str, subject: str, body: str, msg_uuid: str) -> None:
    """Send through Django's configured e-mail backend (``EMAIL_BACKEND``).

    The ``Message-ID`` is the delivery's uuid, so a resend after a crash is recognisably the same
    message to the receiving side.
    """
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        headers={"Message-ID": message_id(msg_uuid)},
    )
    if message.send(fail_silently=False) != 1:
        raise DeliveryError(_("邮件未被接收"))


# --- SMS and WeChat (personal messages through a gateway) -------------------------------


class SmsBackend(Protocol):
    """A message gateway: send one text to one person (mobile number, or a WeChat openid) or raise."""

    def send(self, *, to: str, body: str, msg_id: str) -> None: ...


class FileBackend:
    """Appends one JSON line per message to ``$WENJIUYE_HOME/<kind>/YYYY-MM-DD.jsonl``."""

    kind = "sms"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(settings.WENJIUYE_HOME) / self.kind

    def send(self, *, to: str, body: str, msg_id: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = timezone.localtime()
        line = json.dumps(
            {"id": msg_id, "to": to, "body": body, "at": now.isoformat()}, ensure_ascii=False
        )
        with (self.folder / f"{now:%Y-%m-%d}.jsonl").open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class ConsoleBackend:
    """Prints each message on stdout (development)."""

    kind = "sms"

    def send(self, *, to: str, body: str, msg_id: str) -> None:
        sys.stdout.write(f"[{self.kind.upper()} {msg_id}] → {to}: {body}\n")
        sys.stdout.flush()


class FileSmsBackend(FileBackend):
    kind = "sms"


class ConsoleSmsBackend(ConsoleBackend):
    kind = "sms"


class FileWechatBackend(FileBackend):
    kind = "wechat"


class ConsoleWechatBackend(ConsoleBackend):
    kind = "wechat"


BACKENDS: dict[str, dict[str, type]] = {
    "sms": {"file": FileSmsBackend, "console": ConsoleSmsBackend},
    "wechat": {"file": FileWechatBackend, "console": ConsoleWechatBackend},
}
SETTINGS = {"sms": "NOTIFY_SMS_BACKEND", "wechat": "NOTIFY_WECHAT_BACKEND"}


def gateway(kind: str) -> SmsBackend:
    """The backend of ``kind`` (sms, wechat) named by its setting: ``file``, ``console`` or a dotted
    class path (e.g. the city's SMS platform, or a WeChat official-account template-message
    gateway that maps a mobile number to the person's openid)."""
    name = getattr(settings, SETTINGS[kind], "file")
    cls = BACKENDS[kind].get(name) or import_string(name)
    backend: SmsBackend = cls()
    return backend


def sms_backend() -> SmsBackend:
    return gateway("sms")


def send_sms(*, to: str, body: str, msg_uuid: str) -> None:
    gateway("sms").send(to=to, body=body, msg_id=msg_uuid)


def send_wechat(*, to: str, body: str, msg_uuid: str) -> None:
    gateway("wechat").send(to=to, body=body, msg_id=msg_uuid)


# --- Group robots -------------------------------------------------------------------------


def robot_payload(
    *, platform: str, subject: str, body: str, markdown: bool = False
) -> dict[str, Any]:
    """The JSON body DingTalk / WeCom group robots accept (text, or markdown for WeCom)."""
    if platform == "wecom" and markdown:
        return {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}
    if platform not in {"dingtalk", "wecom"}:
        raise ValueError(f"unknown robot platform {platform!r}")
    return {"msgtype": "text", "text": {"content": f"{subject}\n{body}"}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's "加签": base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str, at: datetime | None = None) -> str:
    """``url`` with DingTalk's ``timestamp`` and ``sign`` query parameters when ``secret``."""
    if not secret:
        return url
    timestamp_ms = int((at.timestamp() if at else time.time()) * 1000)
    query = urllib.parse.urlencode(
        {"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)}
    )
    return f"{url}{'&' if '?' in url else '?'}{query}"


def post_robot(*, platform: str, url: str, secret: str, payload: dict[str, Any]) -> None:
    """POST ``payload``; success is HTTP 2xx and, when the answer is JSON, ``errcode`` 0.

    The URL is checked again here (it may predate the rules or have been written around the
    services), the host is resolved once and every address checked (:func:`resolve_public`), and
    the connection goes to a checked address, so a DNS answer that changes between the check and
    the connection (rebinding) is never used. Redirects are not followed.
    """
    target = signed_url(url, secret) if platform == "dingtalk" else url
    problem = robot_url_problem(target)
    if problem:
        raise RefusedTarget(_("拒绝发送:%(why)s") % {"why": problem})
    parts = urllib.parse.urlsplit(target)
    host = _host(parts)
    port = parts.port or 443
    addresses = resolve_public(host, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = float(getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT", 10))
    connection = robot_connection(host, port, addresses, timeout)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        response = connection.getresponse()
        status = response.status
        raw = response.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(
            _("连接失败:%(name)s: %(exc)s") % {"name": type(exc).__name__, "exc": exc}
        ) from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        raise DeliveryError(_("HTTP %(status)s:不跟随跳转") % {"status": status})
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


# --- Where a robot may be reached (SSRF) ---------------------------------------------------
#
# A robot URL is entered by a city officer and then fetched by the server, so it must not be a
# way into the server's own network: only https, only the robots' real hosts
# (``NOTIFY_WEBHOOK_ALLOWED_HOSTS``), only port 443, no user name or password, and at send time
# only public addresses. The URL rules are checked when a robot is saved (a Chinese reason,
# HTTP 400) and again at every send; the address rule is checked at send time, on the
# addresses the connection then uses.

DEFAULT_ALLOWED_HOSTS = ("oapi.dingtalk.com", "qyapi.weixin.qq.com")
MAX_ANSWER_BYTES = 64 * 1024  # a robot answers with a short JSON object
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedTarget(DeliveryError):
    """The robot's URL or address is not one the server may connect to; retrying cannot help."""


def allowed_hosts() -> list[str]:
    hosts = getattr(settings, "NOTIFY_WEBHOOK_ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return [h.strip().lower().rstrip(".") for h in hosts if h.strip()]


def _host(parts: urllib.parse.SplitResult) -> str:
    return (parts.hostname or "").rstrip(".")


def robot_url_problem(url: str) -> str | None:
    """Why the server may not post to ``url`` (a Chinese reason), or None.

    These are the rules that need no DNS: scheme, credentials, host, port, and an address
    written as the host.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return _("Webhook 地址无效")
    if parts.scheme.lower() != "https":
        return _("Webhook 地址须为 https 网址")
    if parts.username is not None or parts.password is not None:
        return _("Webhook 地址不能包含用户名或密码")
    host = _host(parts)
    if not host:
        return _("Webhook 地址缺少主机名")
    hosts = allowed_hosts()
    if host not in hosts:
        return _("Webhook 地址的主机须为 %(hosts)s 之一(系统设置 NOTIFY_WEBHOOK_ALLOWED_HOSTS)") % {
            "hosts": "、".join(hosts) or _("(未设置)")
        }
    if port is not None and port != 443:
        return _("Webhook 地址只能使用 https 默认端口 443")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None
    why = address_problem(literal)
    return _("Webhook 地址指向%(why)s") % {"why": why} if why else None


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_problem(address: IPAddress) -> str | None:
    """Why the server may not connect to ``address`` (a Chinese reason), or None.

    An IPv6 address that carries an IPv4 one (IPv4-mapped ``::ffff:a.b.c.d``, NAT64
    ``64:ff9b::a.b.c.d``, 6to4 ``2002::/16``) is judged by the IPv4 address it reaches.
    """
    why = _address_kind(address)
    return f"{why} {address}" if why else None


def _address_kind(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return _address_kind(address.ipv4_mapped)
        if address in NAT64:
            return _address_kind(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None:
            inner = _address_kind(address.sixtofour)
            if inner:
                return inner
    checks = (
        (address.is_unspecified, _("未指定地址(如 0.0.0.0、::)")),
        (address.is_loopback, _("本机回环地址")),
        (address.is_link_local, _("链路本地地址")),
        (address.is_multicast, _("组播地址")),
        (address.is_private, _("内网(私有)地址")),
        (address.is_reserved, _("保留地址")),
        (not address.is_global, _("非公网地址")),
    )
    for refused, why in checks:
        if refused:
            return why
    return None


Resolved = list[tuple[int, tuple[Any, ...]]]


def resolve_public(host: str, port: int) -> Resolved:
    """Every address ``host`` resolves to, as ``(family, sockaddr)``; refused when any of them is
    not public (a name with one internal address among public ones is not trusted either)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise DeliveryError(
            _("域名解析失败:%(host)s(%(exc)s)") % {"host": host, "exc": exc}
        ) from exc
    out: Resolved = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        why = address_problem(address)
        if why:
            raise RefusedTarget(_("拒绝连接:%(host)s 解析为%(why)s") % {"host": host, "why": why})
        out.append((family, tuple(sockaddr)))
    if not out:
        raise DeliveryError(_("域名解析失败:%(host)s(没有 IPv4/IPv6 地址)") % {"host": host})
    return out


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to ``host`` (SNI and certificate checked for the name) over a TCP connection to one
    of the already checked ``addresses``: no second DNS lookup, no proxy."""

    def __init__(self, host: str, port: int, addresses: Resolved, timeout: float) -> None:
        self.pinned_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.pinned_context)
        self.addresses = addresses

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)
                self.sock = self.pinned_context.wrap_socket(sock, server_hostname=self.host)
                return
            except OSError as exc:
                sock.close()
                error = exc
        raise error or OSError("no address")


def robot_connection(
    host: str, port: int, addresses: Resolved, timeout: float
) -> http.client.HTTPConnection:
    """The connection a robot message goes over (tests replace it to reach a local server)."""
    return PinnedHTTPSConnection(host, port, addresses, timeout)
