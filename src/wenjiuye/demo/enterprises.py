"""The demo city's enterprises and the registry file that lists them.

Each enterprise has a county, a GB/T 4754 industry and a size from the city's
``demo_profile.json``, and a planned insured headcount per month: a quiet path that moves by at
most 3 % (and :data:`~wenjiuye.demo.model.QUIET_MAX_STEP` persons) a month, except at the
planted scenarios' firms (layoff, stop, arrears, wage arrears, export drop) and the control
group, which moves by at most one person.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from wenjiuye.demo.identity import make_uscc
from wenjiuye.demo.model import QUIET_MAX_STEP, Enterprise, Scale, Schedule
from wenjiuye.demo.profile import CityProfile, Industry
from wenjiuye.demo.sampling import weighted
from wenjiuye.demo.writers import WrittenFile, write_table


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), at least one each."""
    scaled = [total * w / sum(weights) for w in weights]
    counts = [max(1, math.floor(x)) for x in scaled]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - scaled[i], i))
    for i in by_remainder[: max(0, total - sum(counts))]:
        counts[i] += 1
    return counts


class _Planner:
    """Draws enterprises from one ``random.Random``; no name or USCC is given twice."""

    def __init__(self, rng: random.Random, profile: CityProfile, months: int) -> None:
        self.rng, self.profile, self.months = rng, profile, months
        self._usccs: set[str] = set()
        self._names: set[str] = set()

    def brand(self) -> str:
        rng = self.rng
        if self.profile.brand_words and rng.random() < 0.15:
            return rng.choice(self.profile.brand_words)
        return "".join(rng.sample(self.profile.brand_chars, 2))

    def new(self, *, county: int, industry: Industry, size: int, role: str) -> Enterprise:
        rng = self.rng
        c = self.profile.counties[county]
        if size >= 20 or role not in ("", "control"):
            org_type = "1"
        else:
            org_type = weighted(rng, industry.org_types)
        while True:
            brand, word = self.brand(), rng.choice(industry.names[org_type])
            if org_type == "1":
                form = rng.choices(("有限公司", "有限责任公司", "股份有限公司"), (70, 25, 5))[0]
                name = f"{rng.choice(c.name_prefixes)}{brand}{word}{form}"
            else:
                name = f"{c.name_prefixes[0]}{brand}{word}"
            if name not in self._names:
                self._names.add(name)
                break
        while True:
            uscc = make_uscc(
                rng,
                org_type=org_type,
                division=c.code,
                new_style=rng.random() < (0.2 if size >= 300 else 0.6),
            )
            if uscc not in self._usccs:
                self._usccs.add(uscc)
                break
        export = role == "export" or (
            role in ("", "control")
            and org_type == "1"
            and size >= 10
            and rng.random() < industry.export_share
        )
        return Enterprise(
            uscc=uscc,
            name=name,
            county=county,
            industry=industry,
            org_type=org_type,
            export=export,
            role=role,
            plan=[size],
            base_factor=rng.lognormvariate(0, 0.12) * (1.1 if size >= 300 else 1.0),
            wage_growth=rng.uniform(0.02, 0.07),
        )

    def walk(self, e: Enterprise, *, cap: int) -> None:
        """Plan a quiet headcount path: a change of at most 3 % (≥ 1, ≤ ``cap``) a month."""
        rng = self.rng
        h0 = e.plan[0]
        h = h0
        for _ in range(1, self.months):
            bound = 1 if h < 34 else min(cap, int(0.03 * h))
            stay = 0.85 if h < 10 else 0.55
            step = 0
            if rng.random() > stay:
                up = 0.3 if h > 1.15 * h0 else 0.75 if h < 0.9 * h0 else 0.55
                step = rng.randint(1, bound) * (1 if rng.random() < up else -1)
                if h + step < 1:
                    step = 0
            h += step
            e.plan.append(h)


def build_enterprises(
    *, profile: CityProfile, scale: Scale, seed: int, when: Schedule, months: int
) -> tuple[list[Enterprise], dict[str, Enterprise]]:
    """Every enterprise with its planned headcount, in a shuffled order, and the planted
    scenarios' enterprises by role (layoff, stop, arrears, wage, export)."""
    rng = random.Random(f"{seed}/enterprises")
    planner = _Planner(rng, profile, months)
    county_codes = [c.code for c in profile.counties]
    county_weights = {str(i): c.weight for i, c in enumerate(profile.counties)}

    def pick_county() -> int:
        return int(weighted(rng, county_weights))

    def pick_industry(county: int) -> Industry:
        return profile.industries[weighted(rng, profile.counties[county].industries)]

    planted = {
        "layoff": ("layoff_30pct_2m", scale.layoff_size),
        "stop": ("contributions_stop", scale.stop_size),
        "arrears": ("arrears", scale.arrears_size),
        "wage": ("wage_arrears_cluster", scale.wage_size),
        "export": ("export_drop", scale.export_size),
    }
    by_role: dict[str, Enterprise] = {}
    out: list[Enterprise] = []
    for role, (scenario, size) in planted.items():
        placement = profile.scenarios[scenario]
        e = planner.new(
            county=county_codes.index(placement["region_code"]),
            industry=profile.industries[placement["industry"]],
            size=size,
            role=role,
        )
        planner.walk(e, cap=QUIET_MAX_STEP)
        by_role[role] = e
        out.append(e)
    lay, stop, arr = by_role["layoff"], by_role["stop"], by_role["arrears"]
    before = lay.plan[when.layoff - 1]
    lay.plan[when.layoff] = before - round(0.15 * before)
    for m in range(when.layoff + 1, months):
        lay.plan[m] = before - round(0.30 * before)
    for m in range(when.stop, months):
        stop.plan[m] = 0
    for m in when.arrears:
        arr.plan[m] = arr.plan[when.arrears[0] - 1]
    for _ in range(scale.controls):
        county = pick_county()
        e = planner.new(
            county=county,
            industry=pick_industry(county),
            size=rng.randint(*scale.control_size),
            role="control",
        )
        planner.walk(e, cap=1)
        out.append(e)
    # Background firms: each county gets its weight's share of the firms and of the insured.
    remaining = scale.insured - sum(e.plan[0] for e in out)
    total_weight = sum(c.weight for c in profile.counties)
    counts = _apportion(scale.enterprises - len(out), [c.weight for c in profile.counties])
    for county, count in enumerate(counts):
        raw: list[tuple[Industry, float]] = []
        for _ in range(count):
            industry = pick_industry(county)
            lo, hi = profile.size_buckets[
                int(weighted(rng, {str(i): w for i, w in enumerate(industry.size_mix)}))
            ]
            raw.append(
                (industry, math.exp(rng.uniform(math.log(lo), math.log(hi + 1))))
            )  # log-uniform
        factor = remaining * profile.counties[county].weight / total_weight / sum(r[1] for r in raw)
        for industry, raw_size in raw:
            e = planner.new(
                county=county,
                industry=industry,
                size=max(1, round(raw_size * factor)),
                role="",
            )
            planner.walk(e, cap=QUIET_MAX_STEP)
            out.append(e)
    rng.shuffle(out)
    tiny = [e for e in out if e.role == "" and max(e.plan) < 10 and min(e.plan) >= 2]
    for e in rng.sample(tiny, min(scale.late_payments, len(tiny))):
        e.late_month = rng.randrange(1, months - 1)
    return out, by_role


def write_enterprises(
    *, out: Path, seed: int, profile: CityProfile, enterprises: list[Enterprise]
) -> WrittenFile:
    """``enterprises.csv`` (GBK): the registry's columns, with employees above the insured."""
    rng = random.Random(f"{seed}/registry")
    kinds = {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}
    rows = []
    for e in enterprises:
        last = next((h for h in reversed(e.headcount) if h > 0), 0)
        employees = round(last * (1 + rng.uniform(0, profile.uninsured_share_max)))
        rows.append(
            (
                e.uscc,
                e.name,
                e.region_code,
                e.industry.code,
                e.industry.name,
                kinds[e.org_type],
                employees,
                int(e.export),
            )
        )
    header = (
        "统一社会信用代码",
        "单位名称",
        "行政区划代码",
        "行业代码",
        "行业名称",
        "单位类型",
        "职工总数",
        "外贸企业",
    )
    return write_table(out, "enterprises", header, rows, fmt="gbk")
