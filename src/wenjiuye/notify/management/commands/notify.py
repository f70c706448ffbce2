"""``wenjiuye notify …``: send one message, or retry the pending deliveries once.

- ``notify send --channel email --to a@b.cn --subject S --body B``
- ``notify retry``: attempt every pending delivery that is due (what the worker does each minute)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.notify.services import CHANNELS, deliveries_process, send


class Command(JsonCommand):
    help = "消息通知:发送一条消息,或重试待发消息"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        one = sub.add_parser("send", help="发送一条消息")
        one.add_argument("--channel", required=True, choices=CHANNELS)
        one.add_argument("--to", required=True, help="用户名/邮箱/手机号/群机器人编号")
        one.add_argument("--subject", required=True)
        one.add_argument("--body", default="")
        one.add_argument("--link", default="")
        add_json_switch(one)
        retry = sub.add_parser("retry", help="重试到期的待发消息")
        add_json_switch(retry)

    def run(self, **options: Any) -> Any:
        if options["action"] == "retry":
            return deliveries_process()
        try:
            d = send(
                channel=options["channel"],
                to=options["to"],
                subject=options["subject"],
                body=options["body"],
                link=options["link"],
            )
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages), returncode=2) from exc
        d.refresh_from_db()
        return {
            "id": d.pk,
            "uuid": str(d.uuid),
            "channel": d.channel,
            "target": d.target,
            "status": d.status,
            "attempts": d.attempts,
            "last_error": d.last_error,
        }

    def render(self, result: Any, **options: Any) -> None:
        if options["action"] == "retry":
            self.stdout.write(
                f"发送成功 {result['sent']},待重试 {result['pending']},失败 {result['failed']}"
            )
        else:
            self.stdout.write(
                f"{result['channel']} → {result['target']}:{result['status']}"
                f"(第 {result['attempts']} 次){result['last_error']}"
            )
