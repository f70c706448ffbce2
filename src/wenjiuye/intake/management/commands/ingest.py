"""``wenjiuye ingest PATH... [--kind KIND] [--json]``: load the bureau's export files.

Every file is opened and its header checked before any is loaded: one unreadable file stops
the command with exit status 2 and nothing changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand
from wenjiuye.intake.contract import KINDS
from wenjiuye.intake.readers import UnreadableFile, open_file
from wenjiuye.intake.services import ingest_file


class Command(JsonCommand):
    help = "导入数据文件(CSV/XLSX),逐行校验,拒绝行生成报告"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--kind", choices=sorted(KINDS), help="文件类型(默认按表头识别)")

    def run(self, **options: Any) -> dict[str, Any]:
        paths = [Path(p) for p in options["paths"]]
        try:
            for path in paths:
                open_file(path, options["kind"])
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=2) from exc
        files = []
        for path in paths:

            def progress(rows: int, name: str = path.name) -> None:
                self.stderr.write(f"  {name}: {rows:,} 行…")

            result = ingest_file(path=path, kind=options["kind"], progress=progress)
            files.append(result.as_dict())
            if not options["json"]:
                self.stderr.write(f"{path.name}: {result.kind} {result.accepted}/{result.rows} 行")
        return {"files": files}

    def render(self, result: dict[str, Any], **options: Any) -> None:
        for f in result["files"]:
            state = "(内容相同,已跳过)" if f["duplicate"] else ""
            line = f"{f['path']}  {f['kind']}  共 {f['rows']} 行,接收 {f['accepted']},拒绝 {f['rejected']} {state}"
            self.stdout.write(line)
            if f["report"]:
                self.stdout.write(f"  拒绝行报告:{f['report']}")
