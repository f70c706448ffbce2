"""The demo city's job postings: the job board of the window (local employers and the partner
cities), and the postings of the planted true hires the matching benchmark looks for.

Drawn from the random stream the caller gives (``market.write_market``), so that they do not
shift the other market files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from wenjiuye.demo.model import Enterprise, Scale
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.timeline import Timeline

POSTING_COLUMNS = (
    "posting_id", "employer_name", "uscc", "title", "occupation", "region_code", "city", "openings",
    "salary_min", "salary_max", "education_min", "age_max", "posted_on", "closes_on", "description",
)  # fmt: skip

WELFARE = (
    "缴纳五险",
    "五险一金",
    "包吃住",
    "提供宿舍",
    "工作餐",
    "节日福利",
    "带薪年假",
    "定期体检",
    "月休4天",
    "岗前培训",
)
#: How a planted true hire's posting is worded: the desired job as is, a variant of its title,
#: or (noise) another job of the employer's industry.
TITLE_VARIANTS = ("急招{}", "熟练{}", "{}(长白班)", "{}学徒", "招聘{}若干名")
TRUE_HIRE_MIX = {"exact": 60, "variant": 25, "other_job": 15}
#: Postings of the window's last ``RECENT_DAYS`` days are still open ``OPEN_AFTER_END_DAYS`` days
#: after it: the demo is used in the month after its window (``demo generate --as-of``), and on
#: any day of that month the job board holds current vacancies, as a real one does.
RECENT_DAYS = 60
OPEN_AFTER_END_DAYS = 45


@dataclass(frozen=True)
class HireToPlant:
    """A registration that ended for a job and the hire (employment filing) that followed."""

    person_id: str
    age: int
    education: str
    desired_job: str
    skills: str
    registered_on: date
    ended_on: date
    as_of: date  # the day the posting is open and the person still registered
    employer: Enterprise
    hired_on: date


def postings_draw(
    rng: random.Random,
    profile: CityProfile,
    scale: Scale,
    t: Timeline,
    enterprises: list[Enterprise],
) -> list[list[Any]]:
    span = (t.end - t.start).days + 1
    local = [e for e in enterprises if e.role not in ("layoff", "stop")]
    weights = [e.hires + 1 for e in local]
    partner_employers = {
        p.name: sorted(
            {
                f"{p.short}{''.join(rng.sample(profile.brand_chars, 2))}{rng.choice(p.words)}有限公司"
                for _ in range(6)
            }
        )
        for p in profile.partner_cities
    }
    n_partner = round(scale.postings * 0.25) if profile.partner_cities else 0
    drafts: list[tuple[date, str, list[Any]]] = []
    for i in range(scale.postings):
        posted = t.start + timedelta(days=rng.randrange(span))
        closes = posted + timedelta(days=rng.choice((30, 45, 60, 90)))
        if (t.end - posted).days < RECENT_DAYS:
            closes = max(closes, t.end + timedelta(days=OPEN_AFTER_END_DAYS))
        welfare = "、".join(rng.sample(WELFARE, 3))
        if i < n_partner:
            p = rng.choice(profile.partner_cities)
            job = profile.jobs[rng.choice(p.jobs)]
            factor = p.salary_factor * rng.uniform(0.95, 1.08)
            age_max: int | None = rng.choice((45, 50, 55))
            openings = rng.randint(10, 120)
            description = (
                f"{job.duty}。要求:{age_max}周岁以下,身体健康。待遇:{welfare}。"
                f"劳务协作岗位,由{profile.city_name}人社部门统一组织输送,免费乘车。"
            )
            employer, uscc, region, city, code = (
                rng.choice(partner_employers[p.name]),
                None,
                None,
                p.name,
                p.code,
            )
        else:
            e = rng.choices(local, weights=weights)[0]
            job = profile.jobs[rng.choice(e.industry.jobs)]
            factor = rng.uniform(0.92, 1.1)
            age_max = rng.choice((None, 35, 40, 45, 50, 55))
            openings = max(1, min(round(rng.paretovariate(1.6)), max(1, e.plan[0] // 5), 50))
            need = f"{age_max}周岁以下," if age_max else ""
            edu = "学历不限" if job.education == "不限" else f"{job.education}及以上学历"
            description = f"{job.duty}。要求:{need}{edu}。待遇:{welfare}。工作地点:{profile.counties[e.county].name}。"
            employer, uscc, region, city, code = (
                e.name,
                e.uscc,
                e.region_code,
                None,
                profile.city_code,
            )
        low = round(job.salary[0] * factor, -2)
        high = max(low + 300, round(job.salary[1] * factor, -2))
        row = [employer, uscc, job.title, job.occupation, region, city, openings, int(low), int(high),
               job.education, age_max, posted, closes, description]  # fmt: skip
        drafts.append((posted, code, row))
    drafts.sort(key=lambda d: (d[0], d[1], d[2][0], d[2][2]))
    return [
        [f"GW{code}{posted:%Y%m}{n:05d}", *row]
        for n, (posted, code, row) in enumerate(drafts, start=1)
    ]


def true_hire_postings(
    rng: random.Random,
    profile: CityProfile,
    scale: Scale,
    t: Timeline,
    pool: list[HireToPlant],
    first_n: int,
) -> tuple[list[list[Any]], dict[str, Any]]:
    """Plant, for ``scale.true_hires`` of ``pool``, the posting the person was hired on: at the
    hiring employer, open on ``as_of`` (posted up to 40 days before), whose requirements the
    person meets and whose wording follows :data:`TRUE_HIRE_MIX`. Rows are numbered after the
    other postings (``first_n`` on), so those keep their identifiers and order."""
    by_title = {j.title: j for j in sorted(profile.jobs.values(), key=lambda j: j.key)}
    levels = list(profile.education_levels)
    chosen = rng.sample(pool, min(scale.true_hires, len(pool)))
    chosen.sort(key=lambda h: (h.as_of, h.person_id))
    rows: list[list[Any]] = []
    items: list[dict[str, Any]] = []
    for n, h in enumerate(chosen, start=first_n):
        e = h.employer
        wanted = by_title.get(h.desired_job)
        kind = rng.choices(list(TRUE_HIRE_MIX), weights=list(TRUE_HIRE_MIX.values()))[0]
        others = [k for k in e.industry.jobs if wanted is None or k != wanted.key]
        if wanted is None or (kind == "other_job" and others):
            job = profile.jobs[rng.choice(others or list(e.industry.jobs))]
            kind = "other_job"
        else:
            job = wanted
        title = rng.choice(TITLE_VARIANTS).format(job.title) if kind == "variant" else job.title
        # The person was hired: the posting asks for nothing the person lacks.
        education = job.education
        if education in levels and (
            h.education not in levels or levels.index(h.education) < levels.index(education)
        ):
            education = "不限"
        ages = [a for a in (35, 40, 45, 50, 55) if a >= h.age]
        age_max: int | None = rng.choice([None, *ages]) if ages else None
        posted = max(t.start, h.as_of - timedelta(days=rng.randint(0, 40)))
        closes = posted + timedelta(days=rng.choice((45, 60, 90)))
        welfare = "、".join(rng.sample(WELFARE, 3))
        need = f"{age_max}周岁以下," if age_max else ""
        edu = "学历不限" if education == "不限" else f"{education}及以上学历"
        county = next(c for c in profile.counties if c.code == e.region_code)
        description = f"{job.duty}。要求:{need}{edu}。待遇:{welfare}。工作地点:{county.name}。"
        factor = rng.uniform(0.92, 1.1)
        low = round(job.salary[0] * factor, -2)
        high = max(low + 300, round(job.salary[1] * factor, -2))
        posting_id = f"GW{profile.city_code}{posted:%Y%m}{n:05d}"
        rows.append(
            [posting_id, e.name, e.uscc, title, job.occupation, e.region_code, None,
             rng.randint(1, 5), int(low), int(high), education, age_max, posted, closes,
             description]
        )  # fmt: skip
        items.append(
            {
                "person_id": h.person_id,
                "posting_id": posting_id,
                "uscc": e.uscc,
                "region_code": e.region_code,
                "as_of": h.as_of.isoformat(),
                "registered_on": h.registered_on.isoformat(),
                "ended_on": h.ended_on.isoformat(),
                "hired_on": h.hired_on.isoformat(),
                "desired_job": h.desired_job,
                "skills": h.skills,
                "posting_title": title,
                "wording": kind,
            }
        )
    facts = {
        "format": "person_id → posting_id",
        "count": len(items),
        "by_person": {i["person_id"]: i["posting_id"] for i in items},
        "items": items,
        "note": "失业登记因“就业”注销、随后在本县单位参保(用工备案 hire)的人员中抽取;该单位在注销前一日(as_of)"
        "有在招岗位,本人满足其学历、年龄要求。岗位名称:60%与求职意向相同,25%为其变体(如“急招…”),"
        "15%为该单位行业的其他岗位(噪声)。评估人岗匹配时,以 as_of 为匹配日、该日仍在登记的人员为对象,"
        "看该岗位是否进入前10名。",
    }
    return rows, facts
