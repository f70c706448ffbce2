"""``wenjiuye quickstart [--scale small|city] [--seed N] [--as-of DATE] [--json]``: reference data,
the demo city loaded through the intake, monitoring, the assistance ledger from its registrations
and payments, demo logins.

The demo city's 24 months end in the last complete month before ``--as-of`` (default today), so
on a fresh machine its registrations, benefit payments, open vacancies and ages are current. The
result reports ``open_vacancies``: how many persons on the ledger matching finds at least one
open vacancy for on that day (the share is printed), and ``ledger``: the open cases by tier and
the longest time since registering. The ledger itself (tiers, contacts and one-week deadlines) is
built on the day the command runs, as ``case_open`` does: another ``--as-of`` than today dates the
demo's files only. Benefit recipients are put on the ledger from the latest month's payments: a
person paid a year ago whose registration has since ended is no longer unemployed.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from wenjiuye.assistance.benefits import LABELS as BENEFIT_NAMES
from wenjiuye.assistance.models import OPEN_STATUSES, Case
from wenjiuye.assistance.sync import case_sync_benefit_payments, case_sync_registrations
from wenjiuye.assistance.tiers import full_months_between, tier_labels
from wenjiuye.core.demo_users import demo_duty_ensure, demo_users_ensure
from wenjiuye.core.management.base import JsonCommand, parse_day
from wenjiuye.core.periods import today
from wenjiuye.core.reference import PACKAGED_CITY_DIR, reference_load_default
from wenjiuye.demo.generator import demo_generate
from wenjiuye.demo.scenario import demo_scenario, scenario_line
from wenjiuye.demo.timeline import end_before
from wenjiuye.intake.services import ingest_file
from wenjiuye.matching.engine import match
from wenjiuye.matching.services import match_params, persons_table, vacancies_table
from wenjiuye.monitoring.services import monitor_run
from wenjiuye.registry.models import Person


def ledger_summary(on: date) -> dict[str, Any]:
    """The open cases of the assistance ledger on ``on``: how many, by tier, and the longest
    time since registering (months)."""
    cases = list(Case.objects.filter(status__in=OPEN_STATUSES).values_list("tier", "registered_on"))
    counts = Counter(tier for tier, _registered in cases)
    by_tier = {label: counts.pop(tier, 0) for tier, label in tier_labels(on)}
    if counts:  # a tier the policy in force no longer names
        by_tier[_("其他")] = sum(counts.values())
    months = [full_months_between(registered, on) for _tier, registered in cases]
    return {"open": len(cases), "by_tier": by_tier, "longest_months": max(months, default=0)}


def open_vacancy_share(on: date) -> dict[str, Any]:
    """Of the persons with an open case on the assistance ledger, how many have at least one open
    vacancy that passes matching's filters on ``on`` (what ``wenjiuye match --person`` lists)."""
    persons = Person.objects.filter(assistance_case__status__in=OPEN_STATUSES)
    result = match(
        persons_table(persons, on=on),
        vacancies_table(),
        params=match_params(on=on),
        on=on,
        top=1,
    )
    total = len(result.persons.frame)
    found = int((result.eligible_counts > 0).sum())
    return {
        "on": on,
        "persons": total,
        "with_open_vacancy": found,
        "share": round(found / total, 4) if total else None,
        "open_postings": len(result.vacancies.frame),
    }


def _amount_lines(amounts: dict[str, Any]) -> list[str]:
    """What the demo's benefit payments rest on, said plainly (ground truth ``benefit_amounts``)."""
    lines = []
    carried: dict[tuple[int, int], list[str]] = {}
    for year, a in amounts["ui_benefit_monthly"].items():
        if a["carried_forward"]:
            carried.setdefault((a["from_year"], a["amount"]), []).append(year)
    for (from_year, amount), years in carried.items():
        lines.append(
            f"演示数据说明:{'、'.join(years)} 年的失业保险金按演示配置中 {from_year} 年的金额"
            f" {amount} 元/月顺延发放,是演示数据,不是省定标准。"
        )
    lapsed: dict[tuple[str, str], list[str]] = {}
    for kind, rule in amounts["dated_policy"].items():
        if not rule["paid_in_window"]:
            span = (rule["effective_from"] or "—", rule["effective_to"] or "长期")
            lapsed.setdefault(span, []).append(BENEFIT_NAMES[kind])
    for (start, end), names in lapsed.items():
        lines.append(
            f"演示数据说明:{'、'.join(names)}的标准实施期为 {start} 至 {end},"
            "不在演示期内,演示数据中不发放,也不编造现行金额。"
        )
    return lines


class Command(JsonCommand):
    help = "加载基础数据、生成并导入演示城市、创建演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "city"], default="small")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument(
            "--as-of",
            type=parse_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="演示数据的“今天”:演示城市的24个月截至该日之前最近的完整月份(默认今天)",
        )

    def run(self, **options: Any) -> dict[str, Any]:
        if settings.PRODUCTION:  # before anything is loaded: demo data and logins are never wanted
            raise CommandError(
                _(
                    "quickstart 只用于演示:生产环境(WENJIUYE_ENV=production)不生成演示城市和演示账号"
                ),
                returncode=2,
            )
        quiet = options["json"]
        as_of = options["as_of"] or today()

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
            end=end_before(as_of),
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
            # the recipients of the latest month: a person paid last year and re-employed since
            # is no longer unemployed (the register says so: their registration has ended)
            "benefit_payments": case_sync_benefit_payments(first=demo.periods[-1]),
        }
        say("记录演示业务场景(以演示账号办理)…")
        scenario = demo_scenario(as_of=as_of, seed=options["seed"], progress=say)
        say("人岗匹配:帮扶台账人员的在招岗位…")
        vacancies = open_vacancy_share(as_of)
        truth = json.loads(demo.ground_truth.read_text(encoding="utf-8"))
        return {
            "reference": reference,
            "as_of": as_of,
            "periods": [demo.periods[0], demo.periods[-1]],
            "demo": str(out),
            "ground_truth": str(demo.ground_truth),
            "files": loaded,
            "monitoring": run.counts,
            "assistance": cases,
            "ledger": ledger_summary(as_of),
            "open_vacancies": vacancies,
            "benefit_amounts": truth["benefit_amounts"],
            "duty_shifts": duty,
            "users": users,
            "scenario": scenario,
        }

    def render(self, result: dict[str, Any], **options: Any) -> None:
        v = result["open_vacancies"]
        first, last = result["periods"]
        self.stdout.write("")
        self.stdout.write(f"演示城市数据:{first}–{last}(截至 {result['as_of']} 前最近的完整月份)")
        ledger = result["ledger"]
        tiers = ",".join(f"{label} {n}" for label, n in ledger["by_tier"].items())
        self.stdout.write(
            f"帮扶台账:在帮扶 {ledger['open']} 人({tiers});登记最久 {ledger['longest_months']} 个月"
        )
        share = f"{v['share']:.1%}" if v["share"] is not None else "—"
        self.stdout.write(
            f"人岗匹配({v['on']}):帮扶台账 {v['persons']} 人中 {v['with_open_vacancy']} 人"
            f"有符合条件的在招岗位({share};在招岗位 {v['open_postings']} 个)"
        )
        for line in _amount_lines(result["benefit_amounts"]):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(scenario_line(result["scenario"]))
        self.stdout.write("演示账号(密码相同):")
        for u in result["users"]:
            self.stdout.write(f"  {u['username']:<10} {u['password']}  {u['role']} · {u['scope']}")
        self.stdout.write("")
