"""``wenjiuye calc …``: the plan's rules as calculators a person or a script can call.

- ``calc region-warning --csv FILE --period-column C --value-column V [--threshold 0.5]``: the
  unemployment-rising rule (Sahm-rule form) on any published monthly series;
- ``calc severance --start DATE --end DATE --monthly-wage X --local-average-wage Y`` (art. 47);
- ``calc layoff-check --employees N --layoffs M [--influential] [--on DATE]`` (art. 41 and the plan);
- ``calc incident-escalation --people N [--cause C] [--on DATE]`` (E8, I2, I8);
- ``calc benefits --input person.json`` (U3, E6): UI benefit, unemployment subsidy and temporary
  living allowance, each with eligibility, reason, monthly amount, months and total.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from wenjiuye.assistance.benefits import BenefitInput, assess_dict
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.management.base import JsonCommand, add_json_switch, parse_day
from wenjiuye.monitoring.region_rule import sahm_style
from wenjiuye.response.rules import incident_escalation, layoff_check, severance


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


def run_benefits(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CommandError(f"{path}: 文件不存在", returncode=2)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return assess_dict(BenefitInput.from_dict(data))
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path.name}: 不是有效的 JSON({exc})", returncode=2) from exc
    except ValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise CommandError(f"{path.name}: {detail}", returncode=2) from exc


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
        sev = calcs.add_parser("severance", help="经济补偿(《劳动合同法》第四十七条)")
        sev.add_argument("--start", required=True, type=parse_day, help="入职日期 YYYY-MM-DD")
        sev.add_argument("--end", required=True, type=parse_day, help="劳动合同解除或终止日期")
        sev.add_argument(
            "--monthly-wage", required=True, type=Decimal, help="离职前十二个月平均工资(元)"
        )
        sev.add_argument(
            "--local-average-wage", required=True, type=Decimal, help="当地上年度职工月平均工资(元)"
        )
        add_json_switch(sev)
        check = calcs.add_parser("layoff-check", help="是否属于规模裁员及应履行的程序")
        check.add_argument("--employees", required=True, type=int)
        check.add_argument("--layoffs", required=True, type=int)
        check.add_argument(
            "--influential", action="store_true", help="区域、行业中具有较大影响力的企业"
        )
        check.add_argument("--on", type=parse_day, default=None, help="按该日有效的政策(默认今天)")
        add_json_switch(check)
        incident = calcs.add_parser("incident-escalation", help="群体性事件报告对象")
        incident.add_argument("--people", required=True, type=int)
        incident.add_argument(
            "--cause",
            choices=["pay", "hours", "rest", "layoff", "other"],
            default=None,
            help="起因:劳动报酬、工作时间、休息休假引发的须同时报告市委、市政府和省人社厅(I2)",
        )
        incident.add_argument("--on", type=parse_day, default=None)
        add_json_switch(incident)
        benefits = calcs.add_parser(
            "benefits", help="失业保险金、失业补助金、临时生活补助的资格和金额"
        )
        benefits.add_argument(
            "--input", required=True, type=Path, help="人员情况 JSON(字段见 assistance/benefits.py)"
        )
        add_json_switch(benefits)

    def run(self, **options: Any) -> dict[str, Any]:
        if options["calc"] == "benefits":
            return run_benefits(options["input"])
        try:
            if options["calc"] == "severance":
                return severance(
                    start=options["start"],
                    end=options["end"],
                    monthly_wage=options["monthly_wage"],
                    local_average_wage=options["local_average_wage"],
                )
            on = options.get("on") or timezone.localdate()
            if options["calc"] == "layoff-check":
                return layoff_check(
                    employees=options["employees"],
                    layoffs=options["layoffs"],
                    influential=options["influential"],
                    on=on,
                )
            if options["calc"] == "incident-escalation":
                return incident_escalation(people=options["people"], on=on, cause=options["cause"])
        except (ValueError, PolicyNotInForce) as exc:
            raise CommandError(str(exc), returncode=2) from exc
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
        if options["calc"] == "benefits":
            for b in result["benefits"]:
                mark = "符合" if b["eligible"] else ("未实施" if not b["in_force"] else "不符合")
                self.stdout.write(
                    f"{b['label']}:{mark};每月 {b['monthly_amount']} 元 × {b['months']} 个月"
                    f" = {b['total']} 元。{b['reason']}"
                )
            self.stdout.write(f"合计:{result['total']} 元")
            return
        if options["calc"] != "region-warning":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for row in result["values"]:
            value = "—" if row["indicator"] is None else f"{row['indicator']:.2f}"
            mark = "  ← 触发" if row["period"] in result["triggers"] else ""
            self.stdout.write(f"{row['period']}  {value}{mark}")
