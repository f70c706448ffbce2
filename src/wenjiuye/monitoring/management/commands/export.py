"""``wenjiuye export key-enterprises|key-regions|key-groups|crossmatch|risk-ledger [--period YYYYMM]
--format json|csv|xlsx [--out FILE] [--json]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand
from wenjiuye.intake.validation import BadValue, parse_period
from wenjiuye.monitoring.exports import EXPORTS, export_rows, export_write


class Command(JsonCommand):
    help = "导出重点清单、风险隐患台账或数据比对名单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(EXPORTS))
        parser.add_argument("--period", help="YYYYMM")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--out", help="输出文件(默认 $WENJIUYE_HOME/reports/exports/…)")

    def run(self, **options: Any) -> dict[str, Any]:
        period = options["period"]
        if period:
            try:
                period = parse_period(period)
            except BadValue as exc:
                raise CommandError(f"--period {period}: {exc}", returncode=2) from exc
        rows = export_rows(what=options["what"], period=period)
        fmt = options["format"]
        out = (
            Path(options["out"])
            if options["out"]
            else (
                Path(settings.WENJIUYE_HOME)
                / "reports"
                / "exports"
                / f"{options['what']}-{period or 'all'}.{fmt}"
            )
        )
        export_write(what=options["what"], rows=rows, fmt=fmt, path=out)
        return {
            "what": options["what"],
            "period": period,
            "format": fmt,
            "path": str(out),
            "rows": len(rows),
            "entries": rows if fmt == "json" else None,
        }

    def render(self, result: dict[str, Any], **options: Any) -> None:
        self.stdout.write(f"{result['what']}: {result['rows']} 条 → {result['path']}")
