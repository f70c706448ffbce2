"""``wenjiuye deadlines …``: the deadline worker from the command line.

- ``deadlines tick [--at ISO]``: one pass: fire every due reminder and escalation, then attempt
  the pending external deliveries. Safe to run next to the worker (steps are claimed).
- ``deadlines list [--overdue] [--at ISO]``: open deadlines with their due time and clause.

The continuous worker is Huey's consumer: ``wenjiuye run_huey`` (the periodic task fires every
minute; ``WENJIUYE_TICK_SECONDS`` below 60 makes it pass more often).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadline_dict
from wenjiuye.deadlines.services import deadlines_tick
from wenjiuye.notify.services import deliveries_process


def parse_at(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("时间格式应为 ISO 8601:%(text)s") % {"text": text}
        ) from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(JsonCommand):
    help = "时限事项:触发到期提醒和逾期督办、列出待办"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="执行一次:触发到期的提醒和督办,并重试待发消息")
        tick.add_argument("--at", type=parse_at, help="按该时间执行(默认现在)")
        add_json_switch(tick)
        listing = sub.add_parser("list", help="列出待办时限事项")
        listing.add_argument("--overdue", action="store_true", help="只列逾期")
        listing.add_argument("--at", type=parse_at)
        add_json_switch(listing)

    def run(self, **options: Any) -> Any:
        at = options.get("at") or timezone.now()
        if options["action"] == "tick":
            fired = deadlines_tick(at=at)
            sent = deliveries_process(at=at)
            return {"at": at, "fired": fired, "deliveries": sent}
        qs = Deadline.objects.filter(status=Deadline.Status.OPEN).select_related(
            "region", "unit", "assignee"
        )
        if options.get("overdue"):
            qs = qs.filter(due_at__lt=at)
        return [deadline_dict(d, at=at) for d in qs]

    def render(self, result: Any, **options: Any) -> None:
        if options["action"] == "tick":
            f, s = result["fired"], result["deliveries"]
            self.stdout.write(
                f"提醒 {f['reminder']} 条,督办 {f['escalation']} 条;"
                f"消息发送成功 {s['sent']},待重试 {s['pending']},失败 {s['failed']}"
            )
            return
        for d in result:
            flag = "逾期" if d["overdue"] else "待办"
            due = timezone.localtime(d["due_at"]).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"{d['id']}\t{flag}\t{due}\t{d['region']}\t{d['title']}\t{d['clause']}"
            )
        self.stdout.write(f"共 {len(result)} 项")
