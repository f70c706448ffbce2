"""The scenario's layoff reports (one in each state of the workflow, with rosters), visits to key
enterprises, and key-list and risk-ledger entries with a named contact and follow-ups."""

from __future__ import annotations

import csv
import io
import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import User
from wenjiuye.core.policy import policy_value
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete
from wenjiuye.demo.scenario_base import (
    Scene,
    enterprises_in,
    flagged_enterprises,
    key_enterprises,
    made_up_person,
)
from wenjiuye.monitoring import ledger
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.registry.models import Enterprise
from wenjiuye.response import services as layoffs
from wenjiuye.response.models import LayoffReport, Visit
from wenjiuye.response.visits import visit_create

S = LayoffReport.Status
#: the kinds of obligation an implemented report still carries on (the re-hiring window)
CARRIED_ON = {"layoff.rehire_priority"}
LOCAL_AVERAGE_WAGE = Decimal("6180.00")  # the officer's entry on the report (demo figure)


def record(scene: Scene) -> None:
    picked = _pick_enterprises(scene)
    for state, (actor, enterprise) in picked.items():
        _report(scene, state, actor, enterprise)
    _visits(scene, picked)
    _ledger_follow_ups(scene)


# --- which enterprise, whose report ----------------------------------------------------------


def _pick_enterprises(scene: Scene) -> dict[str, tuple[str, Enterprise]]:
    """state → (who files it, on which enterprise). City users take the enterprises monitoring
    flagged as suspected of layoffs (wherever they are), the county officers their own county's
    flagged or key-concern enterprises, else its largest."""
    used: set[str] = set()
    # the largest first: the layoff carried out has the most workers to help
    suspected = sorted(flagged_enterprises("layoff_suspected"), key=lambda e: -(e.employees or 0))
    key = key_enterprises()

    def pick(county: str | None) -> Enterprise:
        pools = [suspected, key] if county is None else [suspected, key, enterprises_in(county)]
        for pool in pools:
            for e in pool:
                if e.uscc not in used and (county is None or e.region_id.startswith(county)):
                    used.add(e.uscc)
                    return e
        rest = enterprises_in(county or "", exclude=used)
        if not rest:
            raise DomainError(_("演示城市的企业不足,无法安排各状态的裁员报告"))
        used.add(rest[0].uscc)
        return rest[0]

    baofeng, yexian = scene.county_of("baofeng"), scene.county_of("yexian")
    return {
        S.IMPLEMENTED: ("member", pick(None)),
        S.SUBMITTED: ("office", pick(None)),
        S.REVIEWED: ("yexian", pick(yexian)),
        S.CLOSED: ("baofeng", pick(baofeng)),
        S.DRAFT: ("baofeng", pick(baofeng)),
    }


#: per state: days before as_of of (explained, reported, planned implementation); None = not yet
DATES: dict[str, tuple[int | None, int | None, int]] = {
    S.DRAFT: (None, None, -60),
    S.SUBMITTED: (0, 0, -40),
    S.REVIEWED: (1, 1, -35),
    S.IMPLEMENTED: (45, 44, 10),
    S.CLOSED: (110, 108, 75),
}
#: who reviews whose report (never the author: the no-self-review rule)
REVIEWER = {"member": "office", "yexian": "office", "baofeng": "member"}
ROSTER_STATES = {S.REVIEWED, S.IMPLEMENTED, S.CLOSED}


def _report(scene: Scene, state: str, username: str, enterprise: Enterprise) -> LayoffReport:
    actor = scene.users[username]
    total = max(enterprise.employees or 0, 12)
    # just above art. 41's share of the workforce (capped at its number of people): a layoff the
    # art. 41 procedure applies to
    ratio = float(policy_value("layoff.art41.min_ratio", on=scene.as_of))
    people = int(policy_value("layoff.art41.min_people", on=scene.as_of))
    planned = min(people, math.ceil(total * ratio) + 1)
    explained, reported, implement = DATES[state]
    report = layoffs.layoff_create(
        actor=actor,
        enterprise=enterprise,
        total_employees=total,
        planned_layoffs=planned,
        situation=LayoffReport.Situation.DIFFICULTY,
        planned_implementation_on=scene.day(implement),
        explained_on=None if explained is None else scene.day(explained),
        reported_on=None if reported is None else scene.day(reported),
        union_opinion=""
        if state == S.DRAFT
        else "工会已听取意见,同意按方案执行,要求优先安排再就业",
        local_average_wage=LOCAL_AVERAGE_WAGE,
    )
    scene.count("layoff_reports")
    scene.count(f"layoff_reports.{state}")
    if state in ROSTER_STATES:
        content = _roster_csv(scene, enterprise, planned, report.planned_implementation_on)
        result = layoffs.roster_import(
            actor=actor, report=report, content=content, filename=f"{enterprise.name}裁员名单.csv"
        )
        scene.count("layoff_workers", result.created)
    if state == S.DRAFT:
        return report
    report = layoffs.layoff_submit(actor=actor, report=report)
    if state == S.SUBMITTED:
        return report
    # the at-once reports were made on time (by the officer who filed the report); a report
    # already carried out also met its obligations before the implementation day
    _obligations_done(
        report, actor, keep=CARRIED_ON | {"layoff.job_fair"}, all_of_them=state != S.REVIEWED
    )
    reviewer = scene.users[REVIEWER[username]]
    report = layoffs.layoff_review(
        actor=reviewer, report=report, note="方案符合法定程序,同意实施;做好职工安置和再就业服务"
    )
    if state == S.REVIEWED:
        return report
    persons = layoffs.layoff_implement(
        actor=actor, report=report, implemented_on=report.planned_implementation_on
    )
    scene.count("cases_from_layoffs", len(persons))
    report.refresh_from_db()
    if state == S.IMPLEMENTED:
        scene.layoff_fair_report = report
        return report
    return layoffs.layoff_close(
        actor=actor,
        report=report,
        note="被裁减人员已全部纳入失业人员帮扶台账,经济补偿已足额支付;优先招用期内继续跟踪",
    )


def _obligations_done(
    report: LayoffReport, actor: User, *, keep: set[str], all_of_them: bool
) -> None:
    """Complete the report's open obligations but ``keep``: all of them (a layoff carried out
    met them before its day), or only those due in the next two days (the at-once reports)."""
    soon = timezone.now() + timedelta(days=2)
    for deadline in deadlines_for(report).filter(status=Deadline.Status.OPEN).order_by("pk"):
        if deadline.kind in keep or (not all_of_them and deadline.due_at > soon):
            continue
        deadline_complete(
            deadline=deadline, actor=actor, note=DONE_NOTES.get(deadline.kind, "已办理")
        )


DONE_NOTES = {
    "layoff.report_city": "已报告市人社局",
    "layoff.report_province": "已报告省人社厅",
    "layoff.report_party_government": "已报告当地党委政府",
    "layoff.early_intervention": "已提前介入,指导企业依法裁员",
    "layoff.retain_first": "名单核对无应优先留用人员",
}


ROSTER_HEADER = [
    "姓名",
    "公民身份号码",
    "手机号",
    "劳动合同类型",
    "入职日期",
    "月平均工资",
    "家庭无其他就业人员",
    "有需要扶养的老人或者未成年人",
    "常住地区划代码",
]


def _roster_csv(scene: Scene, enterprise: Enterprise, rows: int, implement: date) -> bytes:
    """The roster file the enterprise hands in: workers living in its county, fixed-term
    contracts (none to be retained first, none protected by art. 42)."""
    county = enterprise.region_id[:6]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    rng = scene.rng
    for _row in range(rows):
        who = made_up_person(scene, county)
        hired = date(implement.year - rng.randint(2, 12), rng.randint(1, 12), rng.randint(1, 28))
        writer.writerow(
            [
                who["name"],
                who["id_number"],
                who["phone"],
                "固定期限",
                hired.isoformat(),
                str(rng.randrange(3600, 7200, 50)),
                "否",
                "是" if rng.random() < 0.4 else "否",
                county,
            ]
        )
    return out.getvalue().encode("utf-8")


# --- visits and the ledgers --------------------------------------------------------------------

VISIT_PLAN: list[dict[str, Any]] = [
    {
        "state": S.IMPLEMENTED,
        "days": 50,
        "difficulties": "订单下降三成,高炉检修停产,拟裁减部分岗位",
        "policies_briefed": [Visit.PolicyBriefed.REFUND, Visit.PolicyBriefed.SOCIAL_INSURANCE],
        "measures": [Visit.Measure.TRANSFER, Visit.Measure.TRAINING],
        "handbook_given": True,
        "outcome": "企业承诺依法履行裁员程序,提前三十日说明情况并报告",
    },
    {
        "state": S.SUBMITTED,
        "days": 20,
        "difficulties": "原料价格上涨,资金周转困难",
        "policies_briefed": [Visit.PolicyBriefed.REFUND],
        "measures": [Visit.Measure.PAY],
        "handbook_given": True,
        "outcome": "已指导企业提交裁员报告",
    },
    {
        "state": S.DRAFT,
        "days": 12,
        "difficulties": "主要客户订单转移,产能利用率不足六成",
        "policies_briefed": [Visit.PolicyBriefed.TRAINING, Visit.PolicyBriefed.SOCIAL_INSURANCE],
        "measures": [Visit.Measure.TRAINING],
        "handbook_given": True,
        "outcome": "企业正在拟定减员方案,督促其按程序报告",
    },
    {
        "state": S.REVIEWED,
        "days": 6,
        "difficulties": "",
        "policies_briefed": [Visit.PolicyBriefed.REFUND],
        "measures": [Visit.Measure.TRANSFER],
        "handbook_given": False,
        "outcome": "核实裁员方案与报告一致,职工情绪稳定",
    },
]


def _visits(scene: Scene, picked: dict[str, tuple[str, Enterprise]]) -> None:
    """Visits by whoever filed the enterprise's report (a city user for the city's picks), each
    updating the enterprise's key-concern entry; the visitor becomes its contact and follows it
    up."""
    for plan in VISIT_PLAN:
        username, enterprise = picked[plan["state"]]
        actor = scene.users[username]
        values = {k: v for k, v in plan.items() if k not in ("state", "days")}
        visit_create(
            actor=actor,
            enterprise=enterprise,
            visited_on=scene.day(plan["days"]),
            visitors=f"{actor.first_name or actor.username}(2人)",
            next_visit_on=scene.day(plan["days"] - 30),
            **values,
        )
        scene.count("visits")
        entry = (
            LedgerEntry.objects.filter(
                ledger=LedgerEntry.Ledger.KEY_ENTERPRISE, subject_id=enterprise.uscc
            )
            .exclude(status=LedgerEntry.Status.CLOSED)
            .first()
        )
        if entry is None:
            continue
        if entry.contact_id != actor.pk:
            ledger.ledger_assign(actor=actor, entry=entry, contact=actor)
        if entry.status == LedgerEntry.Status.OPEN:
            ledger.ledger_set_status(
                actor=actor, entry=entry, status=LedgerEntry.Status.FOLLOWING_UP
            )
            scene.count("ledger_followed_up")


def _ledger_follow_ups(scene: Scene) -> None:
    """Risk-ledger and key-region entries taken up by the officers: the county officers follow
    their county's first risk entry, the member a key region; the office closes a risk entry of a
    county whose risk is resolved (with the reason)."""
    risk = LedgerEntry.objects.filter(
        ledger=LedgerEntry.Ledger.RISK, status=LedgerEntry.Status.OPEN
    ).order_by("region_code", "pk")
    for username in ("baofeng", "yexian"):
        entry = risk.filter(region_code__startswith=scene.county_of(username)).first()
        if entry is not None:
            _follow(scene, username, entry)
    region = (
        LedgerEntry.objects.filter(
            ledger=LedgerEntry.Ledger.KEY_REGION, status=LedgerEntry.Status.OPEN
        )
        .order_by("region_code", "pk")
        .first()
    )
    if region is not None:
        _follow(scene, "member", region)
    taken = {scene.county_of("baofeng"), scene.county_of("yexian")}
    candidates = [
        e
        for e in risk.filter(status=LedgerEntry.Status.OPEN, subject_type="enterprise")
        if e.region_code[:6] not in taken
    ]
    # an enterprise in arrears that has paid up, else any enterprise whose risk has passed
    candidates.sort(key=lambda e: not any("arrears" in str(r) for r in e.reasons))
    for entry in candidates[:1]:
        ledger.ledger_set_status(
            actor=scene.users["office"],
            entry=entry,
            status=LedgerEntry.Status.CLOSED,
            reason="经核查,企业已补缴欠费并恢复正常生产经营,风险已化解"
            if any("arrears" in str(r) for r in entry.reasons)
            else "经核查,企业生产经营已恢复正常,风险隐患已消除",
        )
        scene.count("ledger_closed")


def _follow(scene: Scene, username: str, entry: LedgerEntry) -> None:
    actor = scene.users[username]
    ledger.ledger_assign(actor=actor, entry=entry, contact=actor)
    ledger.ledger_set_status(actor=actor, entry=entry, status=LedgerEntry.Status.FOLLOWING_UP)
    scene.count("ledger_followed_up")
