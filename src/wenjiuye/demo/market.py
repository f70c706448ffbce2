"""The demo city's market side: job postings, labour cases, enterprise events, operating
figures and village monitoring points, with the scenarios planted in them.

Each part draws from its own seeded ``random.Random`` so that it does not shift the others.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wenjiuye.demo.model import Enterprise, Scale, Schedule
from wenjiuye.demo.postings import POSTING_COLUMNS, HireToPlant, postings_draw, true_hire_postings
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, write_table

CASE_COLUMNS = ("case_id", "uscc", "kind", "people", "filed_on", "closed_on", "summary")
EVENT_COLUMNS = ("uscc", "date", "kind", "note")
OPERATION_COLUMNS = (
    "period",
    "uscc",
    "output_value",
    "export_value",
    "orders_index",
    "electricity",
)
POINT_COLUMNS = ("point_id", "region_code", "period", "outbound", "returned", "returned_unemployed")
DISPUTE_TOPICS = (
    "解除劳动合同经济补偿金争议",
    "加班费争议",
    "未签订书面劳动合同二倍工资争议",
    "工伤保险待遇争议",
    "年休假工资争议",
)
COMPLAINT_TOPICS = (
    "反映单位未依法缴纳社会保险",
    "反映单位未签订劳动合同",
    "反映单位安排超时加班",
    "反映单位未发放高温津贴",
)
STOPPAGE_NOTES = ("重污染天气应急管控,临时停产", "设备检修,临时停产", "疫情防控,临时停工")


def _slash(day: date) -> str:
    return day.strftime("%Y/%m/%d")


def _money(value: float) -> str:
    return f"{value:.2f}"


def _cases(
    rng: random.Random,
    profile: CityProfile,
    scale: Scale,
    t: Timeline,
    when: Schedule,
    enterprises: list[Enterprise],
) -> tuple[list[list[Any]], list[dict[str, Any]], dict[str, Any]]:
    wage = next(e for e in enterprises if e.role == "wage")
    h = wage.plan[0]
    d0 = t.day(when.wage_cases, 8)
    big = min(h, max(31, round(0.4 * h)))
    y1, m1 = t.month(when.wage_cases - 3)
    y2, m2 = t.month(when.wage_cases - 1)
    unpaid = f"{y1}年{m1}月至{m2}月" if y1 == y2 else f"{y1}年{m1}月至{y2}年{m2}月"
    planted = [
        (
            "wage_arrears",
            big,
            d0,
            35,
            f"{big}名农民工反映{wage.name}拖欠{unpaid}工资约{round(big * 3 * 0.45, 1)}万元,已立案调查",
        ),
        (
            "dispute",
            3,
            d0 + timedelta(days=18),
            50,
            "3名职工申请仲裁,要求支付拖欠工资及解除劳动合同经济补偿金",
        ),
        (
            "wage_arrears",
            rng.randint(8, 12),
            d0 + timedelta(days=42),
            None,
            "班组人员反映项目部拖欠工资,涉及分包单位",
        ),
        (
            "complaint",
            5,
            d0 + timedelta(days=70),
            None,
            "5名职工投诉单位未按时发放工资、未缴纳社会保险",
        ),
    ]
    cases: list[tuple[str, Enterprise, int, date, date | None, str]] = []
    for kind, people, filed, close_after, summary in planted:
        closed = (
            filed + timedelta(days=close_after)
            if close_after and filed + timedelta(days=close_after) <= t.end
            else None
        )
        cases.append((kind, wage, people, filed, closed, summary))
    span = (t.end - t.start).days + 1
    eligible = [e for e in enterprises if e.role == "" and e.plan[0] >= 5]
    picked = rng.sample(eligible, min(scale.minor_cases, len(eligible)))
    for e in picked:
        first = t.start + timedelta(days=rng.randrange(span))
        dates = [first]
        if rng.random() < 0.2 and first + timedelta(days=150) <= t.end:
            dates.append(first + timedelta(days=rng.randint(150, max(150, (t.end - first).days))))
        for filed in dates:
            kind = rng.choices(("dispute", "complaint"), (65, 35))[0]
            people = rng.randint(1, 2) if kind == "dispute" else rng.randint(1, 3)
            topic = rng.choice(DISPUTE_TOPICS if kind == "dispute" else COMPLAINT_TOPICS)
            closed = filed + timedelta(days=rng.randint(15, 75))
            cases.append(
                (
                    kind,
                    e,
                    people,
                    filed,
                    closed if closed <= t.end else None,
                    f"{people}名职工{topic}",
                )
            )
    cases.sort(key=lambda c: (c[3], c[1].uscc, c[0]))
    counters: dict[tuple[str, int], int] = {}
    rows: list[list[Any]] = []
    wage_facts: list[dict[str, Any]] = []
    for kind, e, people, filed, closed, summary in cases:
        n = counters[(kind, filed.year)] = counters.get((kind, filed.year), 0) + 1
        case_id = f"{profile.case_prefixes[kind]}{filed.year}{n:04d}"
        rows.append(
            [
                case_id,
                e.uscc,
                kind,
                people,
                _slash(filed),
                _slash(closed) if closed else None,
                summary,
            ]
        )
        if e is wage:
            wage_facts.append(
                {"case_id": case_id, "kind": kind, "people": people, "filed_on": filed.isoformat()}
            )
    background = {
        "minor_cases": {
            "count": len(rows) - len(wage_facts),
            "note": "零星劳动争议和投诉(1–3人,不含欠薪案件),每家企业至多2件且相隔150天以上。",
        }
    }
    return rows, wage_facts, background


def _events(
    rng: random.Random,
    profile: CityProfile,
    scale: Scale,
    t: Timeline,
    when: Schedule,
    enterprises: list[Enterprise],
) -> tuple[list[list[Any]], list[dict[str, Any]], dict[str, Any]]:
    stop = next(e for e in enterprises if e.role == "stop")
    stopped = t.day(when.stop - 1, rng.randint(22, 27))
    events: list[tuple[date, Enterprise, str, str]] = [
        (stopped, stop, "stoppage", "资金链断裂,全面停产,企业负责人失联")
    ]
    span = (t.end - t.start).days - 30
    industrial = [
        e
        for e in enterprises
        if e.role == "" and "06" <= e.industry.code[:2] <= "46" and e.plan[0] >= 10
    ]
    short: list[dict[str, Any]] = []
    for e in rng.sample(industrial, min(scale.short_stoppages, len(industrial))):
        day = t.start + timedelta(days=rng.randrange(span))
        back = day + timedelta(days=rng.randint(5, 20))
        events += [
            (day, e, "stoppage", rng.choice(STOPPAGE_NOTES)),
            (back, e, "resumed", "复工复产"),
        ]
        short.append({"uscc": e.uscc, "stoppage": day.isoformat(), "resumed": back.isoformat()})
    movers = [e for e in enterprises if e.role == "" and e.plan[0] >= 20]
    relocations: list[dict[str, Any]] = []
    for e in rng.sample(movers, min(scale.relocations, len(movers))):
        day = t.start + timedelta(days=rng.randrange(span))
        events.append(
            (day, e, "relocation", f"厂区整体搬迁至{profile.counties[e.county].name}产业集聚区")
        )
        relocations.append({"uscc": e.uscc, "date": day.isoformat()})
    events.sort(key=lambda ev: (ev[0], ev[1].uscc, ev[2]))
    rows = [[e.uscc, _slash(day), kind, note] for day, e, kind, note in events]
    background = {
        "short_stoppages": {
            "items": sorted(short, key=lambda s: s["stoppage"]),
            "note": "短暂停产(限产、检修、疫情防控)5–20天后复工复产,参保人数不变。",
        },
        "relocations": {
            "items": sorted(relocations, key=lambda r: r["date"]),
            "note": "县内搬迁,不影响参保。",
        },
    }
    return rows, [{"kind": "stoppage", "date": stopped.isoformat()}], background


def _operations(
    rng: random.Random,
    profile: CityProfile,
    scale: Scale,
    t: Timeline,
    when: Schedule,
    enterprises: list[Enterprise],
) -> tuple[list[list[Any]], dict[str, Any]]:
    M = len(t)
    reporting = [
        e for e in enterprises
        if e.org_type == "1" and (e.plan[0] >= scale.ops_min_size or (e.export and e.plan[0] >= 10))
    ]  # fmt: skip
    rows: list[tuple[int, str, list[Any]]] = []
    facts: dict[str, Any] = {}
    for e in reporting:
        planted = e.role not in ("", "control")
        productivity = e.industry.output_per_worker * rng.uniform(0.8, 1.2)
        growth = 0.02 if planted else rng.uniform(-0.03, 0.08)
        export_share = 0.4 if e.role == "export" else rng.uniform(0.2, 0.5)
        exports: dict[int, float] = {}
        for m in range(M):
            if e.headcount[m] == 0:
                continue
            month = t.month(m)[1]
            trend = (1 + growth) ** t.year_index[m] * rng.uniform(0.97, 1.03)
            output = e.plan[0] * productivity * profile.output_seasonality[month - 1] * trend
            orders = 100 * (1 + growth) ** t.year_index[m] * rng.uniform(0.96, 1.04)
            export = output * export_share * rng.uniform(0.97, 1.03) if e.export else None
            if e.role == "layoff" and m >= when.layoff:
                output, orders = output * 0.82, orders * 0.85
            if e.role == "export" and m >= when.export_drop and export is not None:
                output -= export * 0.45
                export, orders = export * 0.55, orders * 0.75
            if export is not None:
                exports[m] = export
            kwh = (
                e.plan[0]
                * e.industry.kwh_per_worker
                * profile.output_seasonality[month - 1]
                * rng.uniform(0.95, 1.05)
            )
            rows.append(
                (
                    m,
                    e.uscc,
                    [
                        t.dash(m),
                        e.uscc,
                        _money(output),
                        _money(export) if export is not None else "",
                        f"{orders:.1f}",
                        round(kwh),
                    ],
                )  # fmt: skip
            )
        if e.role == "export":
            drop = range(when.export_drop, M)
            facts = {
                "type": "export_drop",
                "expected_flags": ["export_drop"],
                "uscc": e.uscc,
                "name": e.name,
                "region_code": e.region_code,
                "periods": [t.periods[m] for m in drop],
                "export_yoy_ratio": {
                    t.periods[m]: round(
                        float(f"{exports[m]:.2f}") / float(f"{exports[m - 12]:.2f}"), 4
                    )
                    for m in drop
                },
                "note": "外贸企业出口额较上年同月下降约45%;产值下降约18%,低于产值下降30%的默认阈值。",
            }
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows], facts


def _rise_ending_at(values: list[int], run: int) -> int | None:
    """The first index ending ``run`` rises in a row, or ``None``."""
    for i in range(run, len(values)):
        if all(values[k] > values[k - 1] for k in range(i - run + 1, i + 1)):
            return i
    return None


def _monitoring(
    rng: random.Random, profile: CityProfile, t: Timeline, when: Schedule
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Monthly reports of the village points: outbound workers dip and returnees peak around the
    Spring Festival. ``returned_unemployed`` rises at most two months in a row, at every quiet
    point and in every quiet county's sum, and rises month after month at the planted point."""
    M = len(t)
    rising = next(
        p
        for p in profile.monitoring_points
        if p.point_id == profile.scenarios["returned_unemployed_rise"]["point_id"]
    )
    series: dict[str, tuple[list[int], list[int], list[int]]] = {}
    for point in profile.monitoring_points:
        share = rng.uniform(0.22, 0.35)
        outbound, returned, idle = [], [], []
        for m in range(M):
            s = profile.returned_seasonality[t.month(m)[1] - 1]
            trend = 1 + 0.01 * t.year_index[m]
            outbound.append(
                round(point.outbound * (1 - 0.3 * (s - 1)) * trend * rng.uniform(0.97, 1.03))
            )
            returned.append(round(point.returned * s * rng.uniform(0.93, 1.07)))
            idle.append(round(returned[-1] * share * rng.uniform(0.9, 1.1)))
        if point is rising:
            for m in range(when.returned_rise, M):
                returned[m] = max(returned[m], round(returned[m - 1] * rng.uniform(1.06, 1.12)))
                idle[m] = max(idle[m - 1] + 3, round(idle[m - 1] * rng.uniform(1.12, 1.2)))
        series[point.point_id] = (outbound, returned, idle)
    quiet = [p for p in profile.monitoring_points if p is not rising]
    counties = sorted({p.region_code[:6] for p in quiet} - {rising.region_code[:6]})
    changed = True
    while changed:  # flatten the month that completes a third rise; values only go down
        changed = False
        groups = [[p] for p in quiet] + [
            [p for p in quiet if p.region_code[:6] == c] for c in counties
        ]
        for group in groups:
            total = [sum(series[p.point_id][2][m] for p in group) for m in range(M)]
            i = _rise_ending_at(total, 3)
            if i is not None:
                for p in group:
                    idle = series[p.point_id][2]
                    idle[i] = min(idle[i], idle[i - 1])
                changed = True
    rows = [
        [p.point_id, p.region_code, t.periods[m], *(v[m] for v in series[p.point_id])]
        for m in range(M)
        for p in sorted(profile.monitoring_points, key=lambda p: p.point_id)
    ]
    idle = series[rising.point_id][2]
    facts = {
        "type": "returned_unemployed_rise",
        "expected_flags": ["returned_unemployed_rising"],
        "point_id": rising.point_id,
        "region_code": rising.region_code,
        "name": rising.name,
        "periods": [t.periods[m] for m in range(when.returned_rise, M)],
        "returned_unemployed": {t.periods[m]: idle[m] for m in range(when.returned_rise - 1, M)},
        "county_region_code": rising.region_code[:6],
        "note": "返乡未就业人数连续多月上升,所在县的合计也随之上升;其他监测点和其他县的合计至多连续2个月上升。",
    }
    return rows, facts


def write_market(
    *,
    out: Path,
    seed: int,
    profile: CityProfile,
    scale: Scale,
    timeline: Timeline,
    when: Schedule,
    enterprises: list[Enterprise],
    true_hires: list[HireToPlant] | None = None,
) -> tuple[list[WrittenFile], dict[str, Any]]:
    """Write the five market-side files; return them and the facts the ground truth needs.

    The planted true hires' postings (``true_hires``: the pool to draw from) are appended
    after the others, drawn from their own random stream."""
    t = timeline
    postings = postings_draw(random.Random(f"{seed}/postings"), profile, scale, t, enterprises)
    planted, hire_facts = true_hire_postings(
        random.Random(f"{seed}/true-hires"), profile, scale, t, true_hires or [], len(postings) + 1
    )
    postings += planted
    case_rows, wage_cases, case_background = _cases(
        random.Random(f"{seed}/cases"), profile, scale, t, when, enterprises
    )
    event_rows, stop_events, event_background = _events(
        random.Random(f"{seed}/events"), profile, scale, t, when, enterprises
    )
    ops_rows, export_facts = _operations(
        random.Random(f"{seed}/operations"), profile, scale, t, when, enterprises
    )
    point_rows, point_facts = _monitoring(random.Random(f"{seed}/monitoring"), profile, t, when)
    files = [
        write_table(out, "job_postings", POSTING_COLUMNS, postings, fmt="xlsx", sheet="岗位信息"),
        write_table(out, "labour_cases", CASE_COLUMNS, case_rows, fmt="xlsx", sheet="案件台账"),
        write_table(out, "enterprise_events", EVENT_COLUMNS, event_rows, fmt="utf-8-bom"),
        write_table(out, "enterprise_operations", OPERATION_COLUMNS, ops_rows, fmt="utf-8"),
        write_table(out, "monitoring_point_reports", POINT_COLUMNS, point_rows, fmt="utf-8-bom"),
    ]
    facts = {
        "wage_cases": wage_cases,
        "stop_events": stop_events,
        "scenarios": [export_facts, point_facts],
        "background": {**case_background, **event_background},
        "true_hires": hire_facts,
    }
    return files, facts
