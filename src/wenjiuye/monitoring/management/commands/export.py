"""``wenjiuye export key-enterprises|key-regions|key-groups|crossmatch|risk-ledger [--period YYYYMM]
--format json|csv|xlsx [--out FILE] [--user USERNAME] [--json]``.

CSV and XLSX carry the kind's declared columns with Chinese headers
(:data:`wenjiuye.monitoring.exports.COLUMNS`); the file is written completely or not at all.

Personal data: with ``--user`` the export is that user's: only their jurisdiction, and resident
ID numbers masked unless the user has the ``view_personal`` capability (an unmasked export is
audited as ``view_unmasked`` under their name). Without ``--user`` the command runs as the
operator of the server, who can read the database anyway: every row, ID numbers in full, and the
export is audited as the system's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand
from wenjiuye.core.management.commands.reference import actor_from
from wenjiuye.intake.validation import BadValue, parse_period
from wenjiuye.monitoring.exports import EXPORTS, export_rows, export_write


class Command(JsonCommand):
    help = "导出重点清单、风险隐患台账或数据比对名单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(EXPORTS))
        parser.add_argument("--period", help="YYYYMM")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--out", help="输出文件(默认 $WENJIUYE_HOME/reports/exports/…)")
        parser.add_argument(
            "--user",
            default=None,
            metavar="USERNAME",
            help="以该用户身份导出:仅其管辖范围,无“查看完整个人信息”权限时身份证号脱敏"
            "(默认为系统运维身份:全部数据、不脱敏)",
        )

    def run(self, **options: Any) -> dict[str, Any]:
        period = options["period"]
        if period:
            try:
                period = parse_period(period)
            except BadValue as exc:
                raise CommandError(f"--period {period}: {exc}", returncode=2) from exc
        actor = actor_from(options.get("user"))
        rows = export_rows(what=options["what"], period=period, user=actor)
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
        try:
            export_write(what=options["what"], rows=rows, fmt=fmt, path=out, actor=actor)
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror or exc}", returncode=2) from exc
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
