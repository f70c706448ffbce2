"""``wenjiuye opinion ingest PATH_OR_URL... [--source SOURCE] [--region CODE] [--user NAME] [--json]``:
collect public opinion from RSS 2.0, Atom and JSON-lines feeds (files or http(s) URLs).

Every feed is read before any entry is collected: one unreadable feed stops the command with
exit status 2 and nothing changed. Entries already collected (same guid or url) are skipped.
Without ``--user`` the import is the system's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.core.models import Region, User
from wenjiuye.opinion.feeds import FeedError
from wenjiuye.opinion.models import OpinionItem
from wenjiuye.opinion.services import opinion_ingest


class Command(JsonCommand):
    help = "舆情采集:导入 RSS 2.0、Atom、JSON Lines 文件或网址"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="导入舆情源(文件或 http(s) 网址)")
        ingest.add_argument("locations", nargs="+", metavar="PATH_OR_URL")
        ingest.add_argument(
            "--source",
            choices=OpinionItem.Source.values,
            help="来源(默认按格式;省、市转办的舆情用 province / city)",
        )
        ingest.add_argument("--region", help="涉及区划代码(默认按关联企业或市)")
        ingest.add_argument("--user", help="以该用户身份导入(默认为系统)")
        add_json_switch(ingest)

    def run(self, **options: Any) -> dict[str, Any]:
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(
                    _("用户 %(value)s 不存在") % {"value": options["user"]}, returncode=2
                )
        region = None
        if options.get("region"):
            region = Region.objects.filter(pk=options["region"]).first()
            if region is None:
                raise CommandError(
                    _("区划代码 %(value)s 不存在") % {"value": options["region"]}, returncode=2
                )
        quiet = options["json"]

        def progress(name: str, done: int, total: int) -> None:
            if done == total or done % 100 == 0:
                self.stderr.write(
                    f"  {name}: {done:,}/{total:,} 条…", ending="\r" if done < total else "\n"
                )

        try:
            return opinion_ingest(
                locations=options["locations"],
                actor=actor,
                source=options.get("source"),
                region=region,
                progress=None if quiet else progress,
            )
        except FeedError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(
                "; ".join(getattr(exc, "messages", [str(exc)])), returncode=2
            ) from exc

    def render(self, result: dict[str, Any], **options: Any) -> None:
        for feed in result["feeds"]:
            self.stdout.write(
                f"{feed['source']}  {feed['format']}  共 {feed['entries']} 条,新增 {feed['created']},"
                f"重复跳过 {feed['duplicates']}"
            )
            for problem in feed["problems"]:
                self.stdout.write(f"  {problem}")
