"""``ground_truth.json``: the planted scenarios with the identifiers and periods involved and
the flags a correct rule engine raises, the quiet control group, and the background a rule
engine must leave alone (retirements, late payments, each county's registered rate)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wenjiuye.demo.benefits import benefit_amounts
from wenjiuye.demo.model import GENERATOR, Enterprise
from wenjiuye.demo.simulation import Simulation


def _rate(stock: int, employed: int) -> float:
    return stock / (employed + stock) if employed + stock else 0.0


def sahm_rise(rates: list[float], *, window: int = 3, lookback: int = 12) -> tuple[float, int]:
    """Largest rise (percentage points) of the ``window``-month average over the lowest
    ``window``-month average of the previous ``lookback`` months, and the month it occurs."""
    avgs = [
        sum(rates[i - window + 1 : i + 1]) / window if i >= window - 1 else None
        for i in range(len(rates))
    ]
    best, at = 0.0, -1
    for i, avg in enumerate(avgs):
        previous = [a for a in avgs[max(0, i - lookback) : i] if a is not None]
        if avg is None or not previous:
            continue
        rise = (avg - min(previous)) * 100
        if rise > best:
            best, at = rise, i
    return best, at


def build_ground_truth(sim: Simulation, market_facts: dict[str, Any]) -> dict[str, Any]:
    t, people, profile, M = sim.t, sim.people, sim.profile, sim.M
    pid = people.pid
    periods = t.periods

    def ent(e: Enterprise) -> dict[str, Any]:
        return {"uscc": e.uscc, "name": e.name, "region_code": e.region_code}

    def headcount(e: Enterprise, months: range | list[int]) -> dict[str, int]:
        return {periods[m]: e.headcount[m] for m in months if 0 <= m < M}

    lay, stop, arr, wage = (sim.by_role[r] for r in ("layoff", "stop", "arrears", "wage"))
    tl = sim.when.layoff
    laid_off = sim.planted["laid_off"]
    scenarios: list[dict[str, Any]] = []
    before = lay.headcount[tl - 1]
    scenarios.append(
        {
            "type": "layoff_30pct_2m",
            "expected_flags": ["layoff_suspected"],
            **ent(lay),
            "periods": [periods[tl], periods[tl + 1]],
            "headcount": headcount(lay, range(tl - 2, tl + 3)),
            "cut": before - lay.headcount[tl + 1],
            "cut_share": round((before - lay.headcount[tl + 1]) / before, 4),
            "person_ids": sorted(pid[p] for p, _ in laid_off),
            "separation_reason": "经济性裁员",
            "separated_on": {
                "first": min(on for _, on in laid_off).isoformat(),
                "last": max(on for _, on in laid_off).isoformat(),
            },
            "registered_unemployed": sorted(
                pid[r.person] for r in sim.planted["layoff_registered"]
            ),
            "remaining_person_ids": sorted(r[1] for r in lay.roster),
            "remaining_expected_flags": ["at_risk_worker"],
            "note": "裁员分两个月各约15%,合计约30%;被裁人员约半数在次月办理失业登记,其余当月在本地其他单位参保。"
            "企业在本县(也是 county_unemployment_climb 场景的县)。产值随之下降约18%,低于产值下降30%的默认阈值。",
        }
    )
    ts = sim.when.stop
    scenarios.append(
        {
            "type": "contributions_stop",
            "expected_flags": ["si_break"],
            "also_acceptable_flags": ["layoff_suspected"],
            **ent(stop),
            "periods": [periods[ts]],
            "last_paid_period": periods[ts - 1],
            "headcount": headcount(stop, range(ts - 2, ts + 2)),
            "person_ids": sorted(pid[p] for p in sim.planted["stop_workers"]),
            "events": market_facts["stop_events"],
            "note": "停产停工后整体停缴,无复工事件;未做解除备案(企业失联),职工当月在本县其他单位参保,不应产生未登记离职。"
            "全员停缴同时满足规模裁员的人数或比例条件,故 layoff_suspected 亦可接受。",
        }
    )
    arrears_share = {}
    arrears_set = set(sim.planted["arrears_persons"])
    for m in sim.when.arrears:
        arrears_share[periods[m]] = round(len(arrears_set) / arr.headcount[m], 4)
    scenarios.append(
        {
            "type": "arrears",
            "expected_flags": ["si_arrears"],
            **ent(arr),
            "periods": [periods[m] for m in sim.when.arrears],
            "arrears_share": arrears_share,
            "person_ids": sorted(pid[p] for p in sim.planted["arrears_persons"]),
            "note": "连续3个月约60%的参保职工欠缴,之后恢复正常缴费;非整体欠缴,不应判为断保。",
        }
    )
    cases = market_facts["wage_cases"]
    scenarios.append(
        {
            "type": "wage_arrears_cluster",
            "expected_flags": ["wage_arrears", "frequent_disputes"],
            **ent(wage),
            "periods": sorted({c["filed_on"][:7].replace("-", "") for c in cases}),
            "cases": cases,
            "span_days": (
                date.fromisoformat(cases[-1]["filed_on"]) - date.fromisoformat(cases[0]["filed_on"])
            ).days,
        }
    )
    c = sim.climb_county
    series = {
        periods[m]: {
            "employed": sim.employed[c][m],
            "registered_stock": sim.stock[c][m],
            "inflow": sim.register.inflow[c][m],
            "rate": round(_rate(sim.stock[c][m], sim.employed[c][m]), 6),
        }
        for m in range(M)
    }
    rise, at = sahm_rise([_rate(sim.stock[c][m], sim.employed[c][m]) for m in range(M)])
    scenarios.append(
        {
            "type": "county_unemployment_climb",
            "expected_flags": ["unemployment_rising"],
            "region_code": profile.counties[c].code,
            "region_name": profile.counties[c].name,
            "periods": [periods[m] for m in sim.when.climb],
            "rate_definition": "登记失业率 = 月末登记失业人数 / (该月参保在职人数 + 月末登记失业人数)。参保在职人数:"
            "该月有缴费记录(已缴或欠缴)、单位行政区划代码属于该县的人数(按 person_id 去重);月末登记失业人数:"
            "常住地属于该县、登记日期不晚于月末、注销日期为空或晚于月末的登记。",
            "rule": "近3个月平均登记失业率比此前12个月内3个月平均值的最低值高出0.5个百分点及以上",
            "max_rise_points": round(rise, 3),
            "max_rise_period": periods[at] if at >= 0 else None,
            "series": series,
            "note": "该县月度新增登记人数在最后8个月逐月增加;同县的 layoff_30pct_2m 裁员也推高了登记人数。",
        }
    )
    for kind, overlap_note in (
        ("benefit_while_contributing", "登记未注销、失业保险金照发期间,已在新单位参保缴费"),
        ("registered_but_contributing", "已在新单位参保缴费,失业登记未及时注销(未领取待遇)"),
    ):
        persons = []
        for reg in sim.planted[kind]:
            employer, start = sim.special_hires[reg.person]
            end = t.index(reg.ended_on) if reg.ended_on else M - 1
            persons.append(
                {
                    "person_id": pid[reg.person],
                    "uscc": employer.uscc,
                    "registered_on": reg.registered_on.isoformat(),
                    "ended_on": reg.ended_on.isoformat() if reg.ended_on else None,
                    "contributing_from": periods[start],
                    "periods": [periods[m] for m in range(start, end + 1)],
                }
            )
        scenarios.append(
            {
                "type": kind,
                "expected_flags": ["benefit_while_contributing", "registered_but_contributing"]
                if kind == "benefit_while_contributing"
                else ["registered_but_contributing"],
                "person_ids": [p["person_id"] for p in persons],
                "periods": sorted({x for p in persons for x in p["periods"]}),
                "persons": persons,
                "note": overlap_note
                + ";注销日期为所列最后一个月的25日,最后一个月登记只在月中有效。",
            }
        )
    gone = [
        {"person_id": pid[p], "uscc": e.uscc, "separated_on": on.isoformat(), "registered_on": None, "days": None,
         "expected_flags": ["unregistered_separation"]}
        for p, e, on, _ in sim.planted["gone"]
    ]  # fmt: skip
    boundary = [
        {"person_id": pid[p], "uscc": e.uscc, "separated_on": on.isoformat(), "registered_on": when.isoformat(),
         "days": days, "expected_flags": ["unregistered_separation"] if days > 60 else []}
        for p, e, on, when, days in sim.planted["boundary"]
    ]  # fmt: skip
    scenarios.append(
        {
            "type": "unregistered_separation",
            "expected_flags": ["unregistered_separation"],
            "window_days": 60,
            "person_ids": [g["person_id"] for g in gone]
            + [b["person_id"] for b in boundary if b["days"] > 60],
            "periods": sorted({g["separated_on"][:7].replace("-", "") for g in gone + boundary}),
            "persons": gone,
            "boundary_controls": boundary,
            "note": "解除备案后再无缴费记录;persons 始终未登记失业,boundary_controls 在解除后第59天(不应列入)或第61天(应列入)登记失业。",
        }
    )
    scenarios.extend(market_facts["scenarios"])
    controls = [
        {**ent(e), "headcount_min": min(e.headcount), "headcount_max": max(e.headcount)}
        for e in sim.enterprises
        if e.role == "control"
    ]
    rates = {}
    for ci, county in enumerate(profile.counties):
        r = [_rate(sim.stock[ci][m], sim.employed[ci][m]) for m in range(M)]
        rates[county.code] = {
            "max_rise_points": round(sahm_rise(r)[0], 3),
            "rates": [round(x, 6) for x in r],
        }
    return {
        "format": "wenjiuye.demo-ground-truth/1",
        "generator": GENERATOR,
        "seed": sim.seed,
        "scale": sim.scale.name,
        "city": {"code": profile.city_code, "name": profile.city_name},
        "periods": {"first": periods[0], "last": periods[-1], "count": M},
        "definitions": {
            "insured_headcount": "某单位某月的参保人数 = 该月缴费文件中该单位的记录数(已缴与欠缴都算),每人每单位每月一行。",
            "quiet_thresholds": "未预设场景的企业:每月参保人数净减少不超过3%且不超过6人(小于20人、也不同时满足10%与5人),"
            "从不归零;90天内案件不足3件,无欠薪案件;无连续2个月欠缴;不足10人的小微企业偶有1个月整体欠缴;"
            "出口额和产值较上年同月下降不超过约15%。",
        },
        "scenarios": scenarios,
        "controls": {
            "expected_flags": [],
            "bounds": "每月参保人数变化不超过1人(小于5%且小于5人),无欠缴、无案件、无事件,不接收预设场景人员。",
            "enterprises": controls,
        },
        "background": {
            "expected_flags": [],
            "retirements": {
                "count": len(sim.planted["retired"]),
                "note": "达到法定退休年龄(男60周岁、女50周岁)的职工以“退休”解除备案,此后无缴费、不登记失业,不是未登记离职。",
                "person_ids": sorted(pid[p] for p, _, _ in sim.planted["retired"]),
            },
            "late_payments": [
                {
                    **ent(e),
                    "period": periods[e.late_month],
                    "headcount": e.headcount[e.late_month],
                    "also_acceptable_flags": ["si_arrears"],
                }
                for e in sim.enterprises
                if e.late_month >= 0
            ],
            "late_payments_note": "不足10人的小微企业有1个月整体欠缴,次月恢复;不满足断保(上月10人以上)和连续欠缴条件。整体欠缴的一个月可按欠缴比例规则列入 si_arrears,其余规则不应触发。",
            **market_facts["background"],
            "region_unemployment": {
                "note": "各县登记失业率(定义见 county_unemployment_climb),除预设的县外每月保持在目标水平。",
                "counties": rates,
            },
        },
        "true_hires": market_facts["true_hires"],
        "benefit_amounts": benefit_amounts(profile, t),
    }
