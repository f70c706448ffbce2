"""``wenjiuye deadlines tick/list --json`` and ``wenjiuye notify send/retry``."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.factories import OWN_COUNTY
from wenjiuye.core.models import Region
from wenjiuye.deadlines.services import deadline_create

pytestmark = pytest.mark.django_db


def run(*args: str) -> object:
    out = StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_tick_and_list(users, settings, tmp_path):
    due = timezone.now() + timedelta(hours=2)
    d = deadline_create(
        kind="k",
        title="报告",
        clause="E4",
        subject=Region.objects.get(pk=OWN_COUNTY),
        region=OWN_COUNTY,
        due_at=due,
        reminders=[60],
        escalation=[{"after_minutes": 0, "to": "city_office"}],
    )
    at = (due + timedelta(minutes=5)).isoformat()
    result = run("deadlines", "tick", "--at", at)
    assert result["fired"] == {"reminder": 1, "escalation": 1}
    assert run("deadlines", "tick", "--at", at)["fired"] == {"reminder": 0, "escalation": 0}
    rows = run("deadlines", "list", "--overdue", "--at", at)
    assert [(r["id"], r["overdue"], r["escalation_level"]) for r in rows] == [(d.pk, True, 1)]
    assert run("deadlines", "list", "--overdue") == []


def test_notify_send_and_retry(users, settings, tmp_path):
    settings.WENJIUYE_HOME = tmp_path
    sent = run("notify", "send", "--channel", "inbox", "--to", "baofeng", "--subject", "测试")
    assert sent["status"] == "sent"
    queued = run("notify", "send", "--channel", "sms", "--to", "13800000000", "--subject", "短信")
    assert queued["status"] == "pending"
    assert run("notify", "retry") == {"sent": 1, "pending": 0, "failed": 0}
    assert (tmp_path / "sms").is_dir()
    with pytest.raises(CommandError):
        call_command("notify", "send", "--channel", "inbox", "--to", "nobody", "--subject", "x")
