"""Worker tasks (Huey, ``wenjiuye run_huey``): fire due reminders and escalations.

``deadlines_tick_task`` runs every minute, the finest schedule of Huey's periodic tasks. A site
that wants reminders sooner sets ``WENJIUYE_TICK_SECONDS`` below 60 (README, *Configuration*):
each worker then also starts, on start-up, a self-rescheduling ``deadlines_fast_tick`` that runs
the same pass, and attempts the pending deliveries, every that many seconds. Concurrent passes
never fire a step twice: a step is claimed by a conditional UPDATE.
"""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from wenjiuye.deadlines.services import deadlines_tick
from wenjiuye.notify.services import deliveries_process


@db_periodic_task(crontab(minute="*"))
def deadlines_tick_task() -> dict[str, int]:
    return deadlines_tick()


def _interval() -> int:
    return int(getattr(settings, "WENJIUYE_TICK_SECONDS", 60))


@db_task()
def deadlines_fast_tick() -> dict[str, int]:
    try:
        fired = deadlines_tick()
        deliveries_process()
    finally:
        deadlines_fast_tick.schedule(delay=_interval())
    return fired


@on_startup()
def _start_fast_tick() -> None:
    if _interval() < 60:
        deadlines_fast_tick()
