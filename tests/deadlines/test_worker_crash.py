"""Acceptance: the real Huey consumer, killed with SIGKILL mid-run and restarted, fires every due
reminder exactly once.

The pytest database is invisible to a subprocess, so this test migrates its own SQLite file in a
temporary WENJIUYE_HOME and creates the deadlines through ``wenjiuye shell -c`` with the same env.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WENJIUYE = str(Path(sys.executable).parent / "wenjiuye")
N = 40

CREATE = """
import json
from datetime import timedelta
from django.utils import timezone
from wenjiuye.core.models import Region, User
from wenjiuye.deadlines.services import deadline_create
Region.objects.create(code="410400", name="平顶山市", level="city")
county = Region.objects.create(code="410421", name="宝丰县", level="county", parent_id="410400")
officer = User.objects.create_user(username="baofeng", role="county_officer", region=county)
base = timezone.now() + timedelta(seconds=4)
out = []
for i in range(N):
    d = deadline_create(
        kind=f"crash.{i}", title=f"事项{i}", clause="E5", subject=county, region=county,
        due_at=base + timedelta(seconds=i * 0.5, minutes=1), assignee=officer,
        reminders=[1], escalation=[],
    )
    out.append(d.steps.get().pk)
print(json.dumps(out))
""".replace("N)", f"{N})")


def fired(db: Path) -> int:
    with sqlite3.connect(db, timeout=20) as con:
        return int(
            con.execute(
                "SELECT count(*) FROM deadlines_deadlinestep WHERE fired_at IS NOT NULL"
            ).fetchone()[0]
        )


def wait_for(db: Path, at_least: int, proc: subprocess.Popen[bytes], timeout: float) -> int:
    end = time.monotonic() + timeout
    count = 0
    while time.monotonic() < end:
        assert proc.poll() is None, "the worker died"
        count = fired(db)
        if count >= at_least:
            return count
        time.sleep(0.2)
    return count


@pytest.mark.slow
def test_kill_9_and_restart_fires_every_due_reminder_exactly_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        WENJIUYE_HOME=str(tmp_path),
        WENJIUYE_TICK_SECONDS="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    db = tmp_path / "wenjiuye.sqlite3"
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "timeout": 300}
    subprocess.run([WENJIUYE, "migrate", "--no-input"], **run)  # type: ignore[call-overload]
    created = subprocess.run([WENJIUYE, "shell", "-c", CREATE], **run)  # type: ignore[call-overload]
    step_ids = json.loads(created.stdout.decode().strip().splitlines()[-1])
    assert len(step_ids) == N and fired(db) == 0

    log = (tmp_path / "huey.log").open("ab")
    worker = [WENJIUYE, "run_huey", "--workers", "2", "--worker-type", "thread"]
    first = subprocess.Popen(worker, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        count = wait_for(db, N // 3, first, timeout=120)
        assert N // 3 <= count < N, count  # killed mid-way
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    at_kill = fired(db)

    second = subprocess.Popen(worker, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        assert wait_for(db, N, second, timeout=120) == N
        time.sleep(3)  # a few more passes: nothing may fire again
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    log.close()

    with sqlite3.connect(db) as con:
        per_step = dict(
            con.execute(
                "SELECT s.id, (SELECT count(*) FROM notify_notification n"
                " WHERE n.ref = 'deadlines.deadlinestep:' || s.id) FROM deadlines_deadlinestep s"
            ).fetchall()
        )
        unfired = con.execute(
            "SELECT count(*) FROM deadlines_deadlinestep WHERE fired_at IS NULL"
        ).fetchone()[0]
        deliveries = con.execute("SELECT count(*) FROM notify_delivery").fetchone()[0]
    assert sorted(per_step) == sorted(step_ids)
    assert set(per_step.values()) == {1}, {k: v for k, v in per_step.items() if v != 1}
    assert unfired == 0 and deliveries == N
    assert at_kill < N
