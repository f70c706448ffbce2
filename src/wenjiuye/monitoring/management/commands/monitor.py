"""``wenjiuye monitor [--period YYYYMM] [--engine duckdb|spark] [--json]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand
from wenjiuye.intake.validation import BadValue, parse_period
from wenjiuye.monitoring.models import Flag
from wenjiuye.monitoring.services import monitor_run


class Command(JsonCommand):
    help = "运行监测预警:企业和区域指标、风险预警、数据比对、分级预警"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", help="只计算该月(YYYYMM);默认全部期间")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")

    def run(self, **options: Any) -> dict[str, Any]:
        period = options["period"]
        if period:
            try:
                period = parse_period(period)
            except BadValue as exc:
                raise CommandError(f"--period {period}: {exc}", returncode=2) from exc
        quiet = options["json"]
        run = monitor_run(
            engine=options["engine"], period=period, progress=None if quiet else self.stderr.write
        )
        by_code: dict[str, int] = {}
        by_level: dict[int, int] = {}
        for code, level in Flag.objects.filter(run=run).values_list("code", "level"):
            by_code[code] = by_code.get(code, 0) + 1
            by_level[level] = by_level.get(level, 0) + 1
        return {
            "run": run.pk,
            "engine": run.engine,
            "period": run.period or None,
            "counts": run.counts,
            "flags_by_code": dict(sorted(by_code.items())),
            "flags_by_level": {str(k): v for k, v in sorted(by_level.items())},
            "policy": run.policy,
        }

    def render(self, result: dict[str, Any], **options: Any) -> None:
        self.stdout.write(
            f"监测运行 #{result['run']}({result['engine']},{result['period'] or '全部期间'})"
        )
        names = {1: "Ⅰ级(红)", 2: "Ⅱ级(橙)", 3: "Ⅲ级(黄)", 4: "Ⅳ级(蓝)"}
        for level, n in result["flags_by_level"].items():
            self.stdout.write(f"  {names[int(level)]}: {n}")
        for code, n in result["flags_by_code"].items():
            self.stdout.write(f"  {code}: {n}")
