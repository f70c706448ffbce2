"""``wenjiuye quickstart``: reference data, the demo city loaded through the intake, monitoring, the
assistance ledger from its registrations and payments, demo logins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from wenjiuye.assistance.sync import case_sync_benefit_payments, case_sync_registrations
from wenjiuye.core.demo_users import demo_duty_ensure, demo_users_ensure
from wenjiuye.core.management.base import JsonCommand
from wenjiuye.core.periods import today
from wenjiuye.core.reference import PACKAGED_CITY_DIR, reference_load_default
from wenjiuye.demo.generator import demo_generate
from wenjiuye.demo.scenario import demo_scenario, scenario_line
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring.services import monitor_run


class Command(JsonCommand):
    help = "加载基础数据、生成并导入演示城市、创建演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "city"], default="small")
        parser.add_argument("--seed", type=int, default=2022)

    def run(self, **options: Any) -> dict[str, Any]:
        if settings.PRODUCTION:  # before anything is loaded: demo data and logins are never wanted
            raise CommandError(
                _(
                    "quickstart 只用于演示:生产环境(WENJIUYE_ENV=production)不生成演示城市和演示账号"
                ),
                returncode=2,
            )
        quiet = options["json"]

        def say(message: str) -> None:
            if not quiet:
                self.stderr.write(message)

        say("载入基础数据(区划、组织机构、政策参数)…")
        reference = reference_load_default()
        out = Path(settings.WENJIUYE_HOME) / "demo" / f"{options['scale']}-seed{options['seed']}"
        say(f"生成演示城市 → {out}")
        demo = demo_generate(
            out=out,
            city_dir=PACKAGED_CITY_DIR,
            scale=options["scale"],
            seed=options["seed"],
            progress=say,
        )
        loaded = []
        for written in demo.files:
            result = ingest_file(path=written.path, kind=written.kind)
            say(f"  导入 {written.path.name}: {result.accepted}/{result.rows} 行")
            loaded.append(result.as_dict())
        say("运行监测预警…")
        run = monitor_run(progress=say)
        users = demo_users_ensure()
        say("排定演示值班(今明两天)…")
        duty = demo_duty_ensure()
        say("建立失业人员帮扶台账(失业登记、待遇领取人员)…")
        cases = {
            "registrations": case_sync_registrations(
                progress=lambda i, n: say(f"  失业登记 {i}/{n}") if i == n else None
            ),
            "benefit_payments": case_sync_benefit_payments(),
        }
        say("记录演示业务场景(以演示账号办理)…")
        scenario = demo_scenario(
            as_of=options.get("as_of") or today(), seed=options["seed"], progress=say
        )
        return {
            "reference": reference,
            "demo": str(out),
            "ground_truth": str(demo.ground_truth),
            "files": loaded,
            "monitoring": run.counts,
            "assistance": cases,
            "duty_shifts": duty,
            "users": users,
            "scenario": scenario,
        }

    def render(self, result: dict[str, Any], **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(scenario_line(result["scenario"]))
        self.stdout.write("演示账号(密码相同):")
        for u in result["users"]:
            self.stdout.write(f"  {u['username']:<10} {u['password']}  {u['role']} · {u['scope']}")
        self.stdout.write("")
