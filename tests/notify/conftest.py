"""Real local servers for the notification tests: an SMTP server (aiosmtpd) and an HTTP robot.

A robot URL must name an allowed public host over https (``notify.channels``), so the robot
fixture's URL is ``https://oapi.dingtalk.com/…``: the ``dns`` fixture answers that name with a
public test address, and only a connection to that checked address is redirected to the local
server (plain HTTP). Everything before the connection (URL rules, resolution, address checks)
runs for real.
"""

from __future__ import annotations

import http.client
import ipaddress
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

from tests.factories import PUBLIC_ADDRESS, free_port
from wenjiuye.notify import channels
from wenjiuye.notify.channels import DEFAULT_ALLOWED_HOSTS, dingtalk_sign


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
class Dns:
    """Answers of the fake resolver by host name (other names go to the real resolver)."""

    answers: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)


@pytest.fixture
def dns(monkeypatch) -> Dns:
    """``socket.getaddrinfo`` answering the robots' hosts (and any name a test adds) itself."""
    real = socket.getaddrinfo
    state = Dns(answers={host: [PUBLIC_ADDRESS] for host in DEFAULT_ALLOWED_HOSTS})

    def getaddrinfo(
        host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ):  # noqa: A002
        name = host.decode() if isinstance(host, bytes) else host
        if name not in state.answers:
            return real(host, port, family, type, proto, flags)
        state.asked.append(name)
        out: list[tuple[Any, ...]] = []
        for address in state.answers[name]:
            if ipaddress.ip_address(address).version == 4:
                out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
            else:
                out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
        return out

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return state


@dataclass
class Robot:
    """What the robot server received, and how it should answer the next requests."""

    url: str
    port: int  # of the local server, at 127.0.0.1
    secret: str = "SEC-test-secret"
    fail_next: int = 0  # answer HTTP 500 to this many requests
    errcode_next: int = 0  # answer {"errcode": 310000} to this many requests
    redirect_next: int = 0  # answer 302 to the local server itself to this many requests
    posts: list[dict[str, Any]] = field(default_factory=list)
    # (host, port, addresses) of every connection the sender opened
    connections: list[tuple[str, int, list[str]]] = field(default_factory=list)

    @property
    def local_url(self) -> str:
        """The local server's own address: what an attacker would put in a robot URL."""
        return f"http://127.0.0.1:{self.port}/robot/send?access_token=tok"


@pytest.fixture
def robot(dns, monkeypatch) -> Iterator[Robot]:
    """A real HTTP server recording posted JSON and checking DingTalk's signature, reached as
    ``https://oapi.dingtalk.com/robot/send?access_token=tok``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Robot(
        url="https://oapi.dingtalk.com/robot/send?access_token=tok",
        port=int(server.server_address[1]),
    )
    real_connection = channels.robot_connection

    def connection(
        host: str, port: int, addresses: channels.Resolved, timeout: float
    ) -> http.client.HTTPConnection:
        ips = [str(sockaddr[0]) for _family, sockaddr in addresses]
        state.connections.append((host, port, ips))
        if ips == [PUBLIC_ADDRESS]:
            return http.client.HTTPConnection("127.0.0.1", state.port, timeout=timeout)
        return real_connection(host, port, addresses, timeout)

    monkeypatch.setattr(channels, "robot_connection", connection)

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
            if state.redirect_next > 0:
                state.redirect_next -= 1
                self.send_response(302)
                self.send_header("Location", state.local_url)
                self.end_headers()
                return
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
