"""Steps the browser tests share."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: the two widths of the acceptance tests: a phone and a desktop
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def password_of(live_app, username: str) -> str:
    """The demo password ``wenjiuye quickstart`` printed for ``username``."""
    return next(u for u in live_app["quickstart"]["users"] if u["username"] == username)["password"]


def artifacts_dir() -> Path:
    """Where browser tests keep what they produce: ``$WENJIUYE_ARTIFACTS``, by default
    ``test-artifacts/`` at the top of the checkout (ignored by git)."""
    folder = Path(os.environ.get("WENJIUYE_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of ``page`` as ``<artifacts>/<name>.png`` and return its path."""
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "page"
    path = artifacts_dir() / (safe if safe.endswith(".png") else safe + ".png")
    page.screenshot(path=str(path), full_page=full_page)
    return path


def scroll_width(page) -> int:
    """The page's width as laid out; more than the viewport means horizontal scrolling."""
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_no_horizontal_scroll(page) -> None:
    width = page.viewport_size["width"]
    laid_out = scroll_width(page)
    assert laid_out <= width, f"{page.url}: {laid_out} px wide at a {width} px screen"


def app_env(live_app) -> dict[str, str]:
    """The environment of the live app's server (its working folder, SQLite)."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["WENJIUYE_HOME"] = str(live_app["home"])
    return env


def wenjiuye(live_app, *args: str) -> str:
    """Run a ``wenjiuye`` command on the live app's data; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", *args],
        env=app_env(live_app),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def app_python(live_app, code: str) -> dict:
    """Run ``code`` in the live app (``wenjiuye shell``): set-up through the services that a page
    cannot do (a visit written up weeks later). ``code`` prints one JSON document, returned."""
    out = wenjiuye(live_app, "shell", "-v", "0", "-c", code)
    return json.loads(out.strip().splitlines()[-1])
