"""``wenjiuye regions load FILE [--user USERNAME] [--json]``: load regions from a CSV file.

Columns ``code,name,level,parent_code[,sort_order]``; parents may be in the file or already
loaded, so townships and villages can be loaded from a file of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.core.management.commands.reference import actor_from, render_counts
from wenjiuye.core.reference_files import ReferenceDataError
from wenjiuye.core.reference_regions import regions_load


class Command(JsonCommand):
    help = "加载行政区划(CSV)"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="从 CSV 文件加载区划(有错误行则全部不改)")
        load.add_argument(
            "file", type=Path, metavar="FILE", help="CSV:code,name,level,parent_code[,sort_order]"
        )
        load.add_argument("--user", default=None, help="记入审计日志的操作人账号(默认 system)")
        add_json_switch(load)

    def run(self, **options: Any) -> Any:
        actor = actor_from(options.get("user"))
        try:
            return regions_load(path=options["file"], actor=actor)
        except (ReferenceDataError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def render(self, result: Any, **options: Any) -> None:
        render_counts(self, result)
