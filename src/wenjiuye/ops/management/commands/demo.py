"""``wenjiuye demo generate [--scale small|city] [--seed N] [--out DIR] [--as-of DATE | --end YYYYMM]
[--months 24] [--city DIR] [--json]``: write a deterministic demo city in the data-contract
formats, with planted risk scenarios listed in ``ground_truth.json``.

The window's last month is the last complete month before ``--as-of`` (default today), so a
demo made today looks current; ``--end`` fixes it instead (reproducible tests). The same options
and the same last month give byte-identical files. ``--out`` defaults to
``$WENJIUYE_HOME/demo/<scale>-seed<N>``; a folder from an earlier demo run is replaced, any
other non-empty folder is refused. ``--json`` prints ``{"out", "files": [{"path", "kind",
"format", "rows"}], "ground_truth", "manifest", "seed", "scale"}``; progress goes to stderr
at city scale (or with ``-v 2``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from wenjiuye.core.management.base import JsonCommand, parse_day
from wenjiuye.core.periods import today
from wenjiuye.core.reference import PACKAGED_CITY_DIR
from wenjiuye.demo import SCALES, DemoError, demo_generate
from wenjiuye.demo.timeline import end_before


class Command(JsonCommand):
    help = "生成演示数据:一个虚构城市两年的社保缴费、用工备案、失业登记等文件,并预设风险场景。"
    requires_system_checks: list[str] = []  # writes files only: no database

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="action", required=True, metavar="{generate}")
        gen = subparsers.add_parser(
            "generate", help="生成演示数据文件、ground_truth.json 和 manifest.json"
        )
        gen.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="规模:small(测试用)或 city(全市)",
        )
        gen.add_argument(
            "--seed", type=int, default=1, help="随机种子;相同种子和参数生成完全相同的文件"
        )
        gen.add_argument(
            "--out",
            type=Path,
            default=None,
            help="输出文件夹(默认 $WENJIUYE_HOME/demo/<规模>-seed<种子>)",
        )
        when = gen.add_mutually_exclusive_group()
        when.add_argument(
            "--as-of",
            type=parse_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="演示数据的“今天”:最后一个月为该日之前最近的完整月份(默认今天)",
        )
        when.add_argument(
            "--end", default=None, metavar="YYYYMM", help="固定最后一个月 YYYYMM(用于可重复的测试)"
        )
        gen.add_argument("--months", type=int, default=24, help="月数(默认 24)")
        gen.add_argument(
            "--city",
            type=Path,
            default=PACKAGED_CITY_DIR,
            help="城市参考数据文件夹(regions.csv、demo_profile.json)",
        )
        gen.add_argument(
            "--json",
            action="store_true",
            default=argparse.SUPPRESS,
            help="print one JSON document on stdout",
        )

    def run(self, **options: Any) -> dict[str, Any]:
        scale, seed = options["scale"], options["seed"]
        out = options["out"] or Path(settings.WENJIUYE_HOME) / "demo" / f"{scale}-seed{seed}"
        show = scale == "city" or options.get("verbosity", 1) >= 2
        started = time.monotonic()

        def progress(message: str) -> None:
            if show:
                self.stderr.write(f"[{time.monotonic() - started:6.1f}s] {message}")

        try:
            result = demo_generate(
                out=out,
                city_dir=options["city"],
                scale=scale,
                seed=seed,
                end=options["end"] or end_before(options["as_of"] or today()),
                months=options["months"],
                progress=progress,
            )
        except DemoError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        return {
            "out": str(result.out.resolve()),
            "files": [
                {"path": str(f.path.resolve()), "kind": f.kind, "format": f.format, "rows": f.rows}
                for f in result.files
            ],
            "ground_truth": str(result.ground_truth.resolve()),
            "manifest": str(result.manifest.resolve()),
            "seed": result.seed,
            "scale": result.scale,
            "periods": [result.periods[0], result.periods[-1]],
            "seconds": round(time.monotonic() - started, 1),
        }

    def render(self, result: dict[str, Any], **options: Any) -> None:
        self.stdout.write(f"演示数据已生成:{result['out']}(规模 {result['scale']},种子 {result['seed']},"
                          f"{result['periods'][0]}–{result['periods'][1]},用时 {result['seconds']} 秒)")  # fmt: skip
        by_kind: dict[str, list[int]] = {}
        for f in result["files"]:
            by_kind.setdefault(f["kind"], []).append(f["rows"])
        for kind, rows in by_kind.items():
            files = f"{len(rows)} 个文件" if len(rows) > 1 else "1 个文件"
            self.stdout.write(f"  {kind:<28} {files:<10} {sum(rows):>12,} 行")
        self.stdout.write(f"预设场景及应出现的预警:{result['ground_truth']}")
        self.stdout.write(f"文件清单(含 sha256):{result['manifest']}")
