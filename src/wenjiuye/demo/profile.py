"""A city folder as the demo generator reads it: ``regions.csv`` + ``demo_profile.json``.

Everything city-specific (counties and their industries, migrant origins, partner cities,
village monitoring points, where each planted scenario happens) comes from these files; the
generator has none of it. Policy amounts (unemployment subsidy, temporary allowance) come from
the policy files the profile names, with their effective dates: outside them nothing is paid (the
2022 subsidy rules pay nothing in a window after 2022). The monthly UI benefit is the profile's
own demo amount per year (``ui_benefit_monthly``), the last one carried forward to later years.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from wenjiuye.core.errors import DomainError
from wenjiuye.core.i18n import gettext as _

PROFILE_FILE = "demo_profile.json"
REGIONS_FILE = "regions.csv"
COUNTY_LEVELS = ("county", "zone")
SCENARIO_PLACEMENTS = (
    "layoff_30pct_2m",
    "contributions_stop",
    "arrears",
    "wage_arrears_cluster",
    "county_unemployment_climb",
    "export_drop",
    "returned_unemployed_rise",
)


class DemoError(DomainError):
    """The demo cannot be generated: a bad city folder or bad options."""


@dataclass(frozen=True)
class Job:
    key: str
    title: str
    occupation: str
    education: str
    salary: tuple[int, int]
    duty: str
    skill: str


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    size_mix: tuple[float, ...]
    org_types: dict[str, float]
    names: dict[str, list[str]]
    base: int
    separation_rate: float
    male_share: float
    export_share: float
    output_per_worker: float
    kwh_per_worker: float
    jobs: tuple[str, ...]


@dataclass(frozen=True)
class County:
    code: str
    name: str
    weight: float
    unemployment_factor: float
    name_prefixes: tuple[str, ...]
    id_address_codes: tuple[str, ...]
    industries: dict[str, float]


@dataclass(frozen=True)
class PartnerCity:
    name: str
    code: str
    short: str
    words: tuple[str, ...]
    jobs: tuple[str, ...]
    salary_factor: float


@dataclass(frozen=True)
class MonitoringPoint:
    point_id: str
    region_code: str
    name: str
    outbound: int
    returned: int


@dataclass(frozen=True)
class PolicyValue:
    value: Any
    effective_from: date
    effective_to: date | None

    def applies(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class CityProfile:
    folder: Path
    city_code: str
    city_name: str
    region_codes: frozenset[str]
    counties: tuple[County, ...]
    industries: dict[str, Industry]
    jobs: dict[str, Job]
    size_buckets: tuple[tuple[int, int], ...]
    male_share: float
    uninsured_share_max: float
    output_seasonality: tuple[float, ...]
    returned_seasonality: tuple[float, ...]
    ui_benefit_monthly: dict[int, int]
    policy: dict[str, PolicyValue]
    same_province_codes: tuple[
        str, ...
    ]  # ID address codes of migrants from the rest of the province
    other_province_codes: tuple[str, ...]
    share_same_province: float
    share_other_province: float
    partner_cities: tuple[PartnerCity, ...]
    monitoring_points: tuple[MonitoringPoint, ...]
    brand_chars: str
    brand_words: tuple[str, ...]
    education_levels: tuple[str, ...]
    education_by_age: tuple[
        tuple[int, tuple[float, ...]], ...
    ]  # (below this age, weight per level)
    health: dict[str, float]
    skills: tuple[str, ...]
    case_prefixes: dict[str, str]
    scenarios: dict[str, dict[str, str]]

    def county(self, code: str) -> County:
        for county in self.counties:
            if county.code == code:
                return county
        raise DemoError(_("%(code)s 不是本市的县级区划") % {"code": code})

    def ui_benefit_year(self, year: int) -> int:
        """The year of the profile's UI benefit amount that ``year`` pays: ``year`` itself when
        listed, else the last listed year before it (carried forward; the first listed year for a
        year before all of them). Demo data: the ground truth says which years are carried."""
        known = sorted(self.ui_benefit_monthly)
        return max((y for y in known if y <= year), default=known[0])

    def ui_benefit(self, year: int) -> int:
        """The monthly UI benefit the demo pays in ``year`` (:meth:`ui_benefit_year`)."""
        return self.ui_benefit_monthly[self.ui_benefit_year(year)]

    def policy_value(self, key: str, day: date) -> Any | None:
        entry = self.policy.get(key)
        return entry.value if entry is not None and entry.applies(day) else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DemoError(_("找不到 %(path)s") % {"path": path}) from None
    except json.JSONDecodeError as exc:
        raise DemoError(
            _("%(path)s 不是有效的 JSON:第%(lineno)s行 %(msg)s")
            % {"path": path, "lineno": exc.lineno, "msg": exc.msg}
        ) from None
    if not isinstance(data, dict):
        raise DemoError(_("%(path)s 应为 JSON 对象") % {"path": path})
    return data


def _read_regions(path: Path) -> tuple[str, str, dict[str, str]]:
    """The city (code, name) and its county-level units {code: name} from regions.csv."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise DemoError(_("找不到 %(path)s") % {"path": path}) from None
    cities = [r for r in rows if r.get("level") == "city"]
    if len(cities) != 1:
        raise DemoError(_("%(path)s 应恰有一行 level=city") % {"path": path})
    city = cities[0]
    counties = {
        r["code"]: r["name"]
        for r in rows
        if r.get("level") in COUNTY_LEVELS and r.get("parent_code") == city["code"]
    }
    if not counties:
        raise DemoError(_("%(path)s 没有县级区划(level=county 或 zone)") % {"path": path})
    return city["code"], city["name"], counties


def _read_policy(files: list[Path]) -> dict[str, PolicyValue]:
    out: dict[str, PolicyValue] = {}
    for path in files:
        for param in _read_json(path).get("parameters", []):
            to = param.get("effective_to")
            out[param["key"]] = PolicyValue(
                param["value"],
                date.fromisoformat(param["effective_from"]),
                date.fromisoformat(to) if to else None,
            )
    return out


def _weights(raw: dict[str, Any], where: str) -> dict[str, float]:
    out = {str(k): float(v) for k, v in raw.items()}
    if not out or any(v < 0 for v in out.values()) or sum(out.values()) <= 0:
        raise DemoError(_("%(where)s: 权重应为非负数且不全为零") % {"where": where})
    return out


def load_city(folder: Path) -> CityProfile:
    """Read and check a city folder; every problem raises :class:`DemoError`."""
    folder = Path(folder)
    city_code, city_name, county_names = _read_regions(folder / REGIONS_FILE)
    raw = _read_json(folder / PROFILE_FILE)
    jobs = {
        key: Job(
            key,
            j["title"],
            j["occupation"],
            j["education"],
            (int(j["salary"][0]), int(j["salary"][1])),
            j["duty"],
            j["skill"],
        )
        for key, j in raw["jobs"].items()
    }
    industries: dict[str, Industry] = {}
    for code, i in raw["industries"].items():
        missing_jobs = [k for k in i["jobs"] if k not in jobs]
        if missing_jobs:
            raise DemoError(
                _("行业 %(code)s 引用了未定义的岗位 %(missing_jobs)s")
                % {"code": code, "missing_jobs": missing_jobs}
            )
        org_types = _weights(i["org_types"], f"行业 {code} org_types")
        if any(t not in i["names"] for t in org_types):
            raise DemoError(
                _("行业 %(code)s: 每种 org_types 都要在 names 中给出名称用词") % {"code": code}
            )
        industries[code] = Industry(
            code=code,
            name=i["name"],
            size_mix=tuple(float(w) for w in i["size_mix"]),
            org_types=org_types,
            names={k: list(v) for k, v in i["names"].items()},
            base=int(i["base"]),
            separation_rate=float(i["separation_rate"]),
            male_share=float(i.get("male_share", raw.get("male_share", 0.6))),
            export_share=float(i.get("export_share", 0)),
            output_per_worker=float(i["output_per_worker"]),
            kwh_per_worker=float(i["kwh_per_worker"]),
            jobs=tuple(i["jobs"]),
        )
    size_buckets = tuple((int(a), int(b)) for a, b in raw["size_buckets"])
    counties: list[County] = []
    for code, c in raw["counties"].items():
        if code not in county_names:
            raise DemoError(
                _("demo_profile.json 的县 %(code)s 不在 regions.csv 的本市县级区划中")
                % {"code": code}
            )
        unknown = [k for k in c["industries"] if k not in industries]
        if unknown:
            raise DemoError(
                _("县 %(code)s 引用了未定义的行业 %(unknown)s") % {"code": code, "unknown": unknown}
            )
        counties.append(
            County(
                code=code,
                name=county_names[code],
                weight=float(c["weight"]),
                unemployment_factor=float(c.get("unemployment_factor", 1.0)),
                name_prefixes=tuple(c["name_prefixes"]),
                id_address_codes=tuple(c.get("id_address_codes", [code])),
                industries=_weights(c["industries"], f"县 {code} industries"),
            )
        )
    for code, i in industries.items():
        if len(i.size_mix) != len(size_buckets):
            raise DemoError(
                _("行业 %(code)s 的 size_mix 应有 %(size_buckets)s 项")
                % {"code": code, "size_buckets": len(size_buckets)}
            )
    migrants = raw["migrants"]
    scenarios = raw["scenarios"]
    missing = [s for s in SCENARIO_PLACEMENTS if s not in scenarios]
    if missing:
        raise DemoError(_("demo_profile.json 的 scenarios 缺少 %(missing)s") % {"missing": missing})
    for name, placement in scenarios.items():
        if "region_code" in placement and placement["region_code"] not in county_names:
            raise DemoError(_("场景 %(name)s 的 region_code 不是本市县级区划") % {"name": name})
        if "industry" in placement and placement["industry"] not in industries:
            raise DemoError(_("场景 %(name)s 的 industry 未定义") % {"name": name})
    points = tuple(
        MonitoringPoint(
            p["point_id"], p["region_code"], p["name"], int(p["outbound"]), int(p["returned"])
        )
        for p in raw["monitoring_points"]
    )
    if not any(p.point_id == scenarios["returned_unemployed_rise"]["point_id"] for p in points):
        raise DemoError(_("场景 returned_unemployed_rise 的 point_id 不在 monitoring_points 中"))
    for p in points:
        if p.region_code[:6] not in county_names:
            raise DemoError(
                _("监测点 %(point_id)s 的区划代码不属于本市县级区划") % {"point_id": p.point_id}
            )
    partners = tuple(
        PartnerCity(
            p["name"],
            p["code"],
            p["short"],
            tuple(p["words"]),
            tuple(p["jobs"]),
            float(p["salary_factor"]),
        )
        for p in raw["partner_cities"]
    )
    levels = tuple(raw["education_levels"])
    education_by_age = tuple(
        (int(below), tuple(float(w) for w in weights)) for below, weights in raw["education_by_age"]
    )
    if not education_by_age or any(len(w) != len(levels) for _, w in education_by_age):
        raise DemoError(_("education_by_age 的每组权重应与 education_levels 一一对应"))
    if education_by_age[-1][0] <= 65:
        raise DemoError(_("education_by_age 的最后一组应覆盖所有年龄(上限大于65)"))
    return CityProfile(
        folder=folder,
        city_code=city_code,
        city_name=city_name,
        region_codes=frozenset(county_names),
        counties=tuple(counties),
        industries=industries,
        jobs=jobs,
        size_buckets=size_buckets,
        male_share=float(raw.get("male_share", 0.6)),
        uninsured_share_max=float(raw.get("uninsured_share_max", 0.05)),
        output_seasonality=tuple(float(x) for x in raw["output_seasonality"]),
        returned_seasonality=tuple(float(x) for x in raw["returned_seasonality"]),
        ui_benefit_monthly={int(y): int(v) for y, v in raw["ui_benefit_monthly"].items()},
        policy=_read_policy([(folder / p).resolve() for p in raw.get("policy_files", [])]),
        same_province_codes=tuple(migrants["same_province_codes"]),
        other_province_codes=tuple(migrants["other_province_codes"]),
        share_same_province=float(migrants["share_same_province"]),
        share_other_province=float(migrants["share_other_province"]),
        partner_cities=partners,
        monitoring_points=points,
        brand_chars=raw["brand_chars"],
        brand_words=tuple(raw.get("brand_words", [])),
        education_levels=levels,
        education_by_age=education_by_age,
        health=_weights(raw["health"], "health"),
        skills=tuple(raw["skills"]),
        case_prefixes=dict(raw["case_prefixes"]),
        scenarios={k: dict(v) for k, v in scenarios.items()},
    )
