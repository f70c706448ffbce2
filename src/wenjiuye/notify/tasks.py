"""Worker tasks (Huey): retry pending external deliveries every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenjiuye.notify.services import deliveries_process


@db_periodic_task(crontab(minute="*"))
def deliveries_tick() -> dict[str, int]:
    return deliveries_process()
