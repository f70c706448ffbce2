"""The Django admin under its own inline-free Content-Security-Policy; the public demo password
refused in production however the database was made (login, startup check, new passwords), and
quickstart refused there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.test import Client

from tests.factories import PASSWORD
from wenjiuye.core.demo_users import (
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_password_check,
    demo_users_ensure,
)
from wenjiuye.core.middleware import ADMIN_CONTENT_SECURITY_POLICY
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.roles import Role

DEMO_NAMES = sorted(d.username for d in DEMO_USERS)


# --- The admin's Content-Security-Policy --------------------------------------------------------


class _InlineFinder(HTMLParser):
    """Everything a policy without 'unsafe-inline' would block: inline scripts, style elements
    and attributes, event-handler attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        data_only = (values.get("type") or "").endswith("json")
        self._in_script = tag == "script" and "src" not in values and not data_only

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("<script>" + data.strip()[:40])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_parts(page: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(page)
    return finder.found


def test_admin_login_page_has_the_admin_policy(client, regions):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == ADMIN_CONTENT_SECURITY_POLICY
    assert inline_parts(response.content.decode()) == []


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/core/user/",
        "/admin/core/user/{admin}/change/",
        "/admin/core/user/{admin}/password/",
        "/admin/core/region/add/",
        "/admin/core/region/410421/change/",
        "/admin/core/event/",
        "/admin/core/policyparameter/",
    ],
)
def test_admin_pages_have_a_strict_inline_free_policy(client, users, url):
    admin = users[Role.ADMIN]
    client.force_login(admin)
    response = client.get(url.format(admin=admin.pk))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy == ADMIN_CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe" not in policy and "data:" not in policy
    # ... and the page needs nothing the policy blocks (a browser test runs its scripts too).
    assert inline_parts(response.content.decode()) == []


def test_the_finder_sees_inline_code():
    page = '<p style="x" onclick="y"></p><script>alert(1)</script><script type="application/json">{}</script>'
    assert len(inline_parts(page)) == 3


# --- Demo passwords -----------------------------------------------------------------------------


@pytest.fixture
def demo(regions) -> list[dict[str, str]]:
    """The demo accounts as `wenjiuye quickstart` creates them (in development)."""
    return demo_users_ensure()


def _login(client: Client, username: str, password: str, url: str = "/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def test_demo_logins_work_in_development(client, demo):
    assert demo_password_check() == []
    assert _login(client, "office", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_production_refuses_a_demo_password_login(client, demo, settings, url):
    settings.PRODUCTION = True
    username = "admin" if url.startswith("/admin/") else "office"
    refused = _login(client, username, DEMO_PASSWORD, url)
    assert refused.status_code == 200  # the form again, with the usual error
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="login_failed", object_id=username).exists()


def test_production_still_signs_in_with_a_real_password(client, users, settings):
    settings.PRODUCTION = True
    assert _login(client, "leader", PASSWORD).status_code == 302


def test_production_check_names_the_demo_accounts_and_the_fix(demo, settings):
    settings.PRODUCTION = True
    [error] = demo_password_check()
    assert error.id == "wenjiuye.E001" and error.is_serious()
    assert all(name in error.msg for name in DEMO_NAMES)
    assert "wenjiuye demo_users --disable" in error.hint and "changepassword" in error.hint
    with pytest.raises(SystemCheckError, match="wenjiuye.E001"):
        call_command("check")

    out = StringIO()
    call_command("demo_users", "--disable", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"disabled": DEMO_NAMES, "demo_password": []}
    assert demo_password_check() == []
    call_command("check")  # starts now
    assert not User.objects.get(username="office").has_usable_password()
    assert Event.objects.filter(action="update", note="停用演示密码").count() == len(DEMO_NAMES)
    assert _login(Client(), "office", DEMO_PASSWORD).status_code == 200


def test_a_changed_demo_account_passes_the_check(demo, settings):
    settings.PRODUCTION = True
    for name in DEMO_NAMES:
        user = User.objects.get(username=name)
        user.set_password(f"{name}-a-new-secret-2026")
        user.save()
    assert demo_password_check() == []


def test_the_demo_password_cannot_be_chosen_again(users):
    with pytest.raises(ValidationError, match="演示密码"):
        validate_password(DEMO_PASSWORD, users[Role.ADMIN])


def test_quickstart_is_refused_in_production_before_loading_anything(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产环境") as refused:
        call_command("quickstart")
    assert refused.value.returncode == 2
    assert not Region.objects.exists() and not User.objects.exists()


def _wenjiuye(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_a_quickstart_database_served_in_production_refuses_to_start(tmp_path):
    """The database made in development (demo accounts on it), then the same files with
    WENJIUYE_ENV=production: `check` (as `runserver` and `migrate`) refuses with the accounts and
    the remedy; after `demo_users --disable` it starts. `migrate` made the cache table too."""
    dev = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "WENJIUYE_ENV"}}
    dev["WENJIUYE_HOME"] = str(tmp_path)
    assert _wenjiuye(dev, "migrate", "--no-input", "-v", "0").returncode == 0
    cache_table = _wenjiuye(dev, "createcachetable", "--dry-run").stdout
    assert "'wenjiuye_cache' already exists" in cache_table
    assert _wenjiuye(dev, "reference", "load").returncode == 0
    made = _wenjiuye(
        dev,
        "shell",
        "-c",
        "from wenjiuye.core.demo_users import demo_users_ensure; demo_users_ensure()",
    )
    assert made.returncode == 0, made.stderr

    prod = {
        **dev,
        "WENJIUYE_ENV": "production",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-1234567890",
        "ALLOWED_HOSTS": "wenjiuye.example.gov.cn",
    }
    refused = _wenjiuye(prod, "check")
    assert refused.returncode != 0
    assert "wenjiuye.E001" in refused.stderr
    assert all(name in refused.stderr for name in DEMO_NAMES)
    assert "wenjiuye demo_users --disable" in refused.stderr
    assert _wenjiuye(prod, "quickstart").returncode != 0

    disabled = _wenjiuye(prod, "demo_users", "--disable", "--json")
    assert disabled.returncode == 0, disabled.stderr
    assert json.loads(disabled.stdout)["disabled"] == DEMO_NAMES
    started = _wenjiuye(prod, "check")
    assert started.returncode == 0, started.stderr
