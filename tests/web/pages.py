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


def assert_no_raw_codes(page, region_codes=None) -> None:
    """No code in the visible text of the page's ``<main>`` (``tests/raw_codes.py``); with
    ``region_codes`` (``live_app["region_codes"]``) a six-digit number counts only when it is
    the code of a real region (not a period, not a piece of a monitoring point's number)."""
    from tests.raw_codes import codes_in_text  # noqa: PLC0415 (a test module, not an app)

    found = codes_in_text(page.inner_text("main"), region_codes)
    assert not found, f"{page.url}: raw codes {found[:8]}"


def list_count(page) -> int:
    """The N of a list's "共 N 条"."""
    text = page.inner_text("[data-testid=list-count]").strip()
    match = re.fullmatch(r"共 (\d+) 条", text)
    assert match, f"{page.url}: the count reads {text!r}"
    return int(match.group(1))


def assert_list_counted(page) -> None:
    """A list says how long it is: a count ("共 N 条") or a pager."""
    counted = page.locator("[data-testid=list-count]").count()
    paged = page.locator("[data-testid=pager]").count()
    assert counted or paged, f"{page.url}: a list without a count or a pager"
    if counted:
        list_count(page)


def menu_go(page, key: str) -> None:
    """Open the menu entry ``nav-<key>`` as a user would: the menu button first on a phone,
    then the entry's group, then the entry."""
    link = page.locator(f"[data-testid=nav-{key}]")
    assert link.count() == 1, f"no menu entry {key!r}"
    button = page.locator("[data-testid=nav-button]")
    if not link.is_visible() and button.is_visible():
        button.click()
    group = link.locator("xpath=ancestor::details[contains(@class, 'menu')][1]")
    if not link.is_visible() and group.count():
        group.locator("summary").first.click()
    with page.expect_navigation():
        link.click()
