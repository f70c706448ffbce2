"""Worker tasks (Huey, ``wenjiuye run_huey``): the nightly sweep of the assistance ledger."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wenjiuye.assistance.sync import cases_sweep


@db_periodic_task(crontab(hour="1", minute="30"))
def assistance_sweep_task() -> dict[str, Any]:
    return cases_sweep()
