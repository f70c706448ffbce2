"""Acceptance: a worker killed with SIGKILL in the middle of a pass, inside the transaction of a
step it has claimed and notified, then restarted, fires every due reminder exactly once.

Deterministic, without a clock or sleeping: the reminders are made due before any worker runs;
each worker is a real process running the pass Huey's consumer runs (``deadlines_tick_task``).
The first one has ``notify_users`` wrapped so that, inside the transaction of the step after
``K`` fired ones, it says so on its stdout pipe and waits; the test kills it there. The restarted
worker runs the pass to the end, and one more pass (``wenjiuye deadlines tick``) fires nothing.

The pytest database is invisible to a subprocess, so this test migrates its own SQLite file in a
temporary WENJIUYE_HOME and runs everything through ``wenjiuye`` with the same env.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WENJIUYE = str(Path(sys.executable).parent / "wenjiuye")
N = 12  # due reminders
K = 4  # committed before the crash
PAUSED = "paused inside a claimed step"

CREATE = f"""
import json
from datetime import timedelta
from django.utils import timezone
from wenjiuye.core.models import Region, User
from wenjiuye.deadlines.models import DeadlineStep
from wenjiuye.deadlines.services import deadline_create
Region.objects.create(code="410400", name="平顶山市", level="city")
county = Region.objects.create(code="410421", name="宝丰县", level="county", parent_id="410400")
officer = User.objects.create_user(username="baofeng", role="county_officer", region=county)
due = timezone.now() + timedelta(days=1)
out = []
for i in range({N}):
    d = deadline_create(
        kind=f"crash.{{i}}", title=f"事项{{i}}", clause="E5", subject=county, region=county,
        due_at=due, assignee=officer, reminders=[60], escalation=[],
    )
    out.append(d.steps.get().pk)
# every reminder due from now on: no worker below waits for a clock
DeadlineStep.objects.update(fire_at=timezone.now() - timedelta(minutes=1))
print(json.dumps(out))
"""

PASS = """
import json
from wenjiuye.deadlines.tasks import deadlines_tick_task
print(json.dumps(deadlines_tick_task.call_local()))
"""

# The same pass, stopped for good inside the transaction of step K + 1, after its claim and its
# notification were written (not committed).
CRASHING_PASS = f"""
import signal
from wenjiuye.deadlines import services
notify_users, calls = services.notify_users, []
def stop_in_step(**kwargs):
    notify_users(**kwargs)
    calls.append(1)
    if len(calls) == {K} + 1:
        print({PAUSED!r}, flush=True)
        while True:
            signal.pause()
services.notify_users = stop_in_step
{PASS}
"""


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=20) as con:
        return int(con.execute(sql).fetchone()[0])


def fired(db: Path) -> int:
    return count(db, "SELECT count(*) FROM deadlines_deadlinestep WHERE fired_at IS NOT NULL")


def notifications(db: Path) -> int:
    return count(db, "SELECT count(*) FROM notify_notification")


@pytest.mark.slow
def test_kill_9_and_restart_fires_every_due_reminder_exactly_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        WENJIUYE_HOME=str(tmp_path),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    db = tmp_path / "wenjiuye.sqlite3"
    run = {"env": env, "cwd": ROOT, "check": True, "capture_output": True, "timeout": 300}

    def printed(*args: str) -> object:
        """The JSON document a command printed last (on its own line, or as all its output)."""
        out = subprocess.run([WENJIUYE, *args], **run).stdout.decode()  # type: ignore[call-overload]
        return json.loads(out if args[0] != "shell" else out.strip().splitlines()[-1])

    subprocess.run([WENJIUYE, "migrate", "--no-input"], **run)  # type: ignore[call-overload]
    step_ids = printed("shell", "-c", CREATE)
    assert isinstance(step_ids, list) and len(step_ids) == N and fired(db) == 0

    log = (tmp_path / "worker.log").open("w")
    first = subprocess.Popen(
        [WENJIUYE, "shell", "-c", CRASHING_PASS],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert first.stdout is not None
        lines = iter(first.stdout.readline, "")
        assert PAUSED in (line.strip() for line in lines), "the worker ended before the crash"
        # K steps committed; step K + 1 claimed and notified inside its open transaction
        assert (fired(db), notifications(db)) == (K, K)
    finally:
        first.kill()  # SIGKILL
        first.wait()
        log.close()
    assert first.returncode == -9
    assert (fired(db), notifications(db)) == (K, K)  # the half-done step left nothing

    assert printed("shell", "-c", PASS) == {"reminder": N - K, "escalation": 0}
    again = printed("deadlines", "tick", "--json")
    assert isinstance(again, dict) and again["fired"] == {"reminder": 0, "escalation": 0}

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
