"""The demo city's work in progress (``demo_scenario``): what the bureau's officers have been doing
in the weeks before ``as_of``, recorded through the product's own services so that every page of
the demo has something to show.

Quickstart runs it once, after the demo city is loaded and the assistance ledger built. Each step
acts as one of the demo users (``core.demo_users``: office, member, baofeng, yexian, grid), within
that user's rights and scope — never as the system — and is dated relative to ``as_of``:

- layoff reports in every state of their workflow, on the enterprises monitoring flagged where
  there are any, with rosters; a report is reviewed by someone other than its author;
- visits, key-concern and risk-ledger entries with a named contact and follow-ups;
- mass incidents (open, escalated, closed after review) and public opinion (unverified, verified,
  linked to an incident);
- training courses with attendance, completions and certificates; job fairs with employers,
  job seekers and hires; public-welfare positions with placements; help pairs;
- cases with contacts, one-week promises met and missed, employment and follow-ups, so that on
  ``as_of`` the county inspection (U8) finds some counties passing all four checks and others not;
- a duty shift, and the deadline worker's passes (``deadlines_tick``) at the moments the
  reminders and escalations fell due, so every demo user's inbox has messages.

The parts live in ``scenario_response``, ``scenario_events``, ``scenario_programmes`` and
``scenario_assistance``; the shared pieces (who acts, the days, the counts) in ``scenario_base``.
The result depends only on the demo city (its seed) and ``as_of``. Seconds, not minutes: a few
hundred service calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.duty import duty_shift_create
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import DutyShift, RegionLevel, WorkGroup
from wenjiuye.core.periods import day_start, end_of_day, today
from wenjiuye.deadlines.services import deadlines_tick
from wenjiuye.demo import (
    scenario_assistance,
    scenario_events,
    scenario_programmes,
    scenario_response,
)
from wenjiuye.demo.scenario_base import Scene, demo_actors, quiet_county
from wenjiuye.notify.models import Notification
from wenjiuye.response.models import LayoffReport


def demo_scenario(
    *,
    as_of: date | None = None,
    seed: int = 2022,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Record the demo's work in progress up to ``as_of`` (default today); returns counts per
    kind. Runs once: a database that already has layoff reports is left as it is."""
    day = as_of or today()
    if day > today():
        raise DomainError(_("演示业务数据的日期不能晚于今天"))
    say = progress or (lambda message: None)
    if LayoffReport.objects.exists():
        say("  已有业务数据,跳过演示业务场景")
        return {"skipped": True}
    messages = Notification.objects.count()
    with transaction.atomic():
        scene = Scene(as_of=day, rng=random.Random(seed), users=demo_actors())
        say("  裁员报告、企业走访、重点清单…")
        scenario_response.record(scene)
        scene.quiet_county = quiet_county(scene)
        say("  突发事件、舆情…")
        scenario_events.record(scene)
        say("  培训、招聘会、公益性岗位、结对帮扶…")
        scenario_programmes.record(scene)
        say("  帮扶台账:联系、一周内就业承诺、就业与回访…")
        scenario_assistance.record(scene)
        say("  值班与时限提醒…")
        _duty_and_ticks(scene)
        scenario_assistance.inspections(scene)
        scene.count("inbox_messages", Notification.objects.count() - messages)
    return dict(sorted(scene.counts.items()))


def scenario_line(counts: dict[str, Any]) -> str:
    """One line for quickstart's output."""
    if counts.get("skipped"):
        return "演示业务场景:数据库中已有业务数据,未重复记录"
    c = {k: int(v) for k, v in counts.items()}
    return (
        f"演示业务场景:裁员报告 {c.get('layoff_reports', 0)} 份(草稿至办结各状态)、"
        f"走访 {c.get('visits', 0)} 次、突发事件 {c.get('incidents', 0)} 起、"
        f"舆情 {c.get('opinion_items', 0)} 条、站内消息 {c.get('inbox_messages', 0)} 条、"
        f"培训班 {c.get('courses', 0)} 期、招聘会 {c.get('job_fairs', 0)} 场、"
        f"公益性岗位安置 {c.get('placements', 0)} 人、结对帮扶 {c.get('pairs', 0)} 对;"
        f"检查评估 {c.get('inspection_passing', 0)} 个县(市、区)四项均达标、"
        f"{c.get('inspection_failing', 0)} 个有待整改"
    )


def _duty_and_ticks(scene: Scene) -> None:
    """The worker's passes at the moments the deadlines fell due, each with what happened
    between them: the member's city duty shift three days ago (the city's escalations that day
    reach whoever is on duty), and the late verification of the city's transferred opinion."""
    city_group = WorkGroup.objects.filter(region__level=RegionLevel.CITY).first()
    start = day_start(scene.day(3)) + timedelta(hours=8, minutes=30)
    end = start + timedelta(days=1)
    if (
        city_group is not None
        and not DutyShift.objects.filter(
            work_group=city_group, starts_at__lt=end, ends_at__gt=start
        ).exists()
    ):
        duty_shift_create(
            actor=scene.users["office"],
            work_group=city_group,
            starts_at=start,
            ends_at=end,
            on_duty=scene.users["member"],
            phone="0375-2000001",
        )
        scene.count("duty_shifts")
    for moment, after in scene.ticks_in_order():
        _tick(scene, moment)
        for step in after:
            step()
    _tick(scene, min(timezone.now(), end_of_day(scene.as_of)))


def _tick(scene: Scene, at: datetime) -> None:
    fired = deadlines_tick(at=at)
    scene.count("reminders_fired", fired["reminder"])
    scene.count("escalations_fired", fired["escalation"])
