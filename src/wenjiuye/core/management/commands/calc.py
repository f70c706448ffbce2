"""``wenjiuye calc …``: the plan's rules as calculators a person or a script can call.

- ``calc region-warning --csv FILE --period-column C --value-column V [--threshold 0.5]``: the
  unemployment-rising rule (Sahm-rule form) on any published monthly series.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.monitoring.region_rule import sahm_style


def read_series(path: Path, period_column: str, value_column: str) -> list[tuple[str, str]]:
    if not path.is_file():
        raise CommandError(f"{path}: 文件不存在", returncode=2)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="strict")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in (period_column, value_column) if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            f"{path.name}: 没有列 {', '.join(missing)}(表头:{reader.fieldnames})", returncode=2
        )
    return [(row[period_column], row[value_column]) for row in reader]


class Command(JsonCommand):
    help = "按预案规则计算(区域预警等)"

    def add_arguments(self, parser: CommandParser) -> None:
        calcs = parser.add_subparsers(dest="calc", required=True)
        region = calcs.add_parser(
            "region-warning", help="失业率快速攀升规则(萨姆规则形式)用于任意月度序列"
        )
        region.add_argument("--csv", required=True, type=Path)
        region.add_argument("--period-column", required=True)
        region.add_argument("--value-column", required=True)
        region.add_argument("--threshold", type=float, default=0.5, help="百分点(默认 0.5)")
        region.add_argument("--window", type=int, default=3)
        region.add_argument("--lookback", type=int, default=12)
        add_json_switch(region)

    def run(self, **options: Any) -> dict[str, Any]:
        series = read_series(options["csv"], options["period_column"], options["value_column"])
        try:
            return sahm_style(
                series,
                threshold=options["threshold"],
                window=options["window"],
                lookback=options["lookback"],
            )
        except ValueError as exc:
            raise CommandError(f"{options['csv'].name}: {exc}", returncode=2) from exc

    def render(self, result: dict[str, Any], **options: Any) -> None:
        for row in result["values"]:
            value = "—" if row["indicator"] is None else f"{row['indicator']:.2f}"
            mark = "  ← 触发" if row["period"] in result["triggers"] else ""
            self.stdout.write(f"{row['period']}  {value}{mark}")
