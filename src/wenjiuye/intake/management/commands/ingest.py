"""``wenjiuye ingest PATH... [--kind KIND] [--json]``: load the bureau's export files.

Every file is opened and checked (format, encoding, the XLSX archive, header; with several
files, every CSV is also read through) before any is loaded: one unreadable file stops the command with exit
status 2 and nothing changed. A file found unreadable only while it loads (an XLSX sheet over
the row or time limit) also exits 2: that file changed nothing, the files before it are loaded
and named in the message.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand
from wenjiuye.intake.bounds import Limits, UnreadableFile
from wenjiuye.intake.contract import KINDS
from wenjiuye.intake.readers import open_file, read_rows
from wenjiuye.intake.services import ingest_file


class Command(JsonCommand):
    help = "导入数据文件(CSV/XLSX),逐行校验,拒绝行生成报告"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--kind", choices=sorted(KINDS), help="文件类型(默认按表头识别)")

    def run(self, **options: Any) -> dict[str, Any]:
        paths = [Path(p) for p in options["paths"]]
        # Files on the server's own disk: any size (a CSV streams; an XLSX is bounded by what it
        # expands to). Every other limit holds as for an upload.
        limits = Limits.from_settings(max_bytes=sys.maxsize)
        try:
            for path in paths:
                opened = open_file(path, options["kind"], limits=limits)
                if len(paths) > 1 and opened.format == "csv":
                    # Some problems show only in the rows (a quote never closed, too many rows).
                    # A CSV reads through in a second or two a million rows; an XLSX sheet takes
                    # minutes, and its archive was checked whole by open_file.
                    for _row in read_rows(opened):
                        pass
        except UnreadableFile as exc:
            raise CommandError(str(exc), returncode=2) from exc
        files: list[dict[str, Any]] = []
        for path in paths:

            def progress(rows: int, name: str = path.name) -> None:
                self.stderr.write(f"  {name}: {rows:,} 行…")

            try:
                result = ingest_file(
                    path=path, kind=options["kind"], progress=progress, limits=limits
                )
            except UnreadableFile as exc:
                loaded = "、".join(f["path"] for f in files)
                note = f"(此前的文件已导入:{loaded})" if loaded else ""
                raise CommandError(f"{exc}{note}", returncode=2) from exc
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
