"""A real server process on the quickstart data, and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _wenjiuye(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The app as `./dev run` serves it: migrated, quickstart loaded, on a free port (SQLite)."""
    home = tmp_path_factory.mktemp("live-home")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["WENJIUYE_HOME"] = str(home)
    _wenjiuye("migrate", "--no-input", "-v", "0", env=env)
    quick = json.loads(_wenjiuye("quickstart", "--json", env=env).stdout)
    port = free_port()
    # the server logs every request to stderr: into a file, never an unread pipe (a full pipe
    # would block the server after a few hundred requests, e.g. the page crawl)
    log = Path(home) / "server.log"
    log_file = log.open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "wenjiuye.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a busy 2-core machine can take a while to start Django
    while True:
        try:
            urllib.request.urlopen(url + "/login/", timeout=5)  # noqa: S310 (loopback)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(
                    log.read_text(encoding="utf-8")[-4000:] or "server died"
                ) from None
            if time.monotonic() > deadline:
                server.terminate()
                raise RuntimeError("the test server did not answer within 180 s") from None
            time.sleep(0.2)
    try:
        with sqlite3.connect(Path(home) / "wenjiuye.sqlite3") as db:
            region_codes = [code for (code,) in db.execute("SELECT code FROM core_region")]
        yield {"url": url, "home": Path(home), "quickstart": quick, "region_codes": region_codes}
    finally:
        server.terminate()
        server.wait(timeout=10)
        log_file.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API runs an event loop in the test thread
    while it is started, and Django refuses database calls beside a running loop, so it must not
    outlive the browser tests (pytest-xdist runs other files after them in the same worker)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (test extra)

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()
