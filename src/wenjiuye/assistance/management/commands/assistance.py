"""``wenjiuye assistance sync|sweep``: feed the assistance ledger and keep it current.

- ``sync``: put every active unemployment registration (intake) and every benefit recipient
  (lake ``benefit_payments``) on the ledger (idempotent);
- ``sweep [--on DATE]``: recompute each open case's tier and make sure it has its contact and
  one-week deadlines (run daily, e.g. from cron or the worker).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from wenjiuye.assistance.sync import (
    case_sync_benefit_payments,
    case_sync_registrations,
    cases_sweep,
)
from wenjiuye.core.management.base import JsonCommand, add_json_switch, parse_day


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r{done}/{total}")
    if done == total:
        sys.stderr.write("\n")


class Command(JsonCommand):
    help = "失业人员帮扶台账:同步失业登记、每日刷新帮扶档次和时限事项"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add_json_switch(sub.add_parser("sync", help="把失业登记纳入帮扶台账"))
        sweep = sub.add_parser("sweep", help="刷新在册人员的帮扶档次和联系、一周内就业时限")
        sweep.add_argument("--on", type=parse_day, default=None)
        add_json_switch(sweep)

    def run(self, **options: Any) -> dict[str, Any]:
        if options["action"] == "sync":
            return {
                "registrations": case_sync_registrations(progress=_progress),
                "benefit_payments": case_sync_benefit_payments(),
            }
        return cases_sweep(on=options.get("on"), progress=_progress)

    def render(self, result: dict[str, Any], **options: Any) -> None:
        if options["action"] == "sync":
            reg, pay = result["registrations"], result["benefit_payments"]
            self.stdout.write(
                f"失业登记:新纳入 {reg['opened']} 人,已在册 {reg['merged']} 人,"
                f"已注销 {reg['ended']} 条,号码无效 {reg['invalid']} 条"
            )
            self.stdout.write(
                f"待遇发放:新纳入 {pay['opened']} 人,已在册 {pay['merged']} 人,"
                f"人员库中无此人 {pay['unknown']} 人"
            )
        else:
            self.stdout.write(
                f"{result['on']}:在册 {result['cases']} 人,帮扶档次变化 {result['tier_changed']} 人"
            )
