"""The external channels: e-mail, SMS gateway backends and group-robot webhooks.

Each function sends one message and raises :class:`DeliveryError` (or any exception) when the
other side did not accept it; the caller records the attempt and retries later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string


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
        raise DeliveryError("邮件未被接收")


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
    """POST ``payload``; success is HTTP 2xx and, when the answer is JSON, ``errcode`` 0."""
    target = signed_url(url, secret) if platform == "dingtalk" else url
    request = urllib.request.Request(
        target,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    timeout = getattr(settings, "NOTIFY_WEBHOOK_TIMEOUT", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"连接失败:{exc}") from exc
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
