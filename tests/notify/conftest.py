"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP robot."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from wenjiuye.notify.channels import dingtalk_sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[Collector]:
    """A real SMTP server on a free port; Django's SMTP backend pointed at it."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield collector
    finally:
        controller.stop()


@dataclass
class Robot:
    """What the robot server received, and how it should answer the next requests."""

    url: str
    secret: str = "SEC-test-secret"
    fail_next: int = 0  # answer HTTP 500 to this many requests
    errcode_next: int = 0  # answer {"errcode": 310000} to this many requests
    posts: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def robot() -> Iterator[Robot]:
    """A real HTTP server recording posted JSON and checking DingTalk's signature."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Robot(url=f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=tok")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_POST(self) -> None:  # noqa: N802
            parsed = urllib.parse.urlparse(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            signed = "timestamp" in query and query.get("sign") == dingtalk_sign(
                state.secret, int(query["timestamp"])
            )
            state.posts.append(
                {
                    "path": parsed.path,
                    "query": query,
                    "json": body,
                    "signed": signed,
                    "content_type": self.headers.get("Content-Type"),
                }
            )
            if state.fail_next > 0:
                state.fail_next -= 1
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"boom")
                return
            answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
            if state.errcode_next > 0:
                state.errcode_next -= 1
                answer = {"errcode": 310000, "errmsg": "sign not match"}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
