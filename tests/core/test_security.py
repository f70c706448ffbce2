"""Login lock-out, session timeout, CSRF, security headers and the production deploy check."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role


def _login(client: Client, username: str, password: str):
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def test_login_works_and_is_audited(client, users):
    response = _login(client, "leader", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert "领导(只读)" in home.content.decode()
    assert Event.objects.filter(action="login", actor=users[Role.LEADER]).count() == 1


def test_lockout_after_repeated_failures(client, users):
    """Five failures lock the account for this address, even for the right password."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "leader", "wrong-password").status_code == 200
    locked = _login(client, "leader", "wrong-password")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    assert _login(client, "leader", PASSWORD).status_code == 429
    assert (
        Event.objects.filter(action="login_failed", object_id="leader").count()
        >= settings.AXES_FAILURE_LIMIT
    )


def test_four_failures_do_not_lock(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "leader", "wrong-password")
    assert _login(client, "leader", PASSWORD).status_code == 302


def test_session_expires_after_idle_timeout(client, users):
    _login(client, "leader", PASSWORD)
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get("/").status_code == 302


def test_pages_need_login(client, regions):
    for url in ["/", "/enterprises/", "/persons/", "/policy/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_csrf_is_enforced(users):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "leader", "password": PASSWORD}).status_code == 403


def test_security_headers(client, users):
    client.force_login(users[Role.LEADER])
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_audit_page_only_for_auditors(client, users):
    client.force_login(users[Role.LEADER])
    assert client.get("/audit/").status_code == 403
    client.force_login(users[Role.AUDITOR])
    assert client.get("/audit/").status_code == 200


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "WENJIUYE_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-1234567890",
        "ALLOWED_HOSTS": "wenjiuye.example.gov.cn",
        "WENJIUYE_HOME": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {
        **os.environ,
        "WENJIUYE_ENV": "production",
        "ALLOWED_HOSTS": "x",
        "WENJIUYE_HOME": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr
