"""``wenjiuye demo generate``: a deterministic demo city in the data-contract formats.

The generator simulates a city's insured labour market month by month:

- enterprises (county, GB/T 4754 industry and size from the city's ``demo_profile.json``) with a
  planned insured headcount that moves by at most 3 % (and 6 persons) a month;
- people with valid resident ID numbers, who are hired, change jobs, register as unemployed,
  receive benefits, find work again or retire, each step leaving the records the bureau's
  systems would export (contributions, employment filings, registrations, benefit payments);
- the market side (job postings, labour cases, enterprise events, operating figures, village
  monitoring points) in :mod:`wenjiuye.demo.market`.

Each county's registered unemployed stock is held at a target rate, so regions stay quiet
unless a scenario moves them. Ten risk scenarios and a quiet control group are planted and
written, with the identifiers and periods involved and the flags a correct rule engine raises,
to ``ground_truth.json``; ``manifest.json`` lists every file with its kind, rows and sha256.

The same seed and options give byte-identical files: one ``random.Random`` per concern,
seeded from the seed; Faker seeded the same way; fixed ordering; no timestamps in files.
Contributions are streamed to one CSV per period, so memory stays bounded at city scale.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from faker.providers.person.zh_CN import Provider as ZhPersonNames

from wenjiuye.demo import market
from wenjiuye.demo.identity import make_resident_id, make_uscc
from wenjiuye.demo.model import (
    INVOLUNTARY,
    KINDS,
    QUIET_MAX_STEP,
    RETIREMENT_AGE,
    SCALES,
    Enterprise,
    Registration,
    Scale,
    Schedule,
)
from wenjiuye.demo.profile import CityProfile, DemoError, Industry, load_city
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import CsvFile, WrittenFile, sha256_file, write_table

MIN_MONTHS = 18
MAX_SUBSIDY_MONTHS = 6
LAYOFF_REGISTER_SHARE = 0.5  # of the laid-off register as unemployed; the others find work at once
MAX_MONTHS = 60
MANIFEST = "manifest.json"
GROUND_TRUTH = "ground_truth.json"
GENERATOR = "wenjiuye demo generate"


@dataclass(frozen=True)
class DemoResult:
    out: Path
    files: list[WrittenFile]
    ground_truth: Path
    manifest: Path
    seed: int
    scale: str
    periods: list[str]


class People:
    """Persons as parallel lists (compact at 700,000 persons)."""

    def __init__(self, rng: random.Random, profile: CityProfile) -> None:
        self.rng, self.profile = rng, profile
        self.pid: list[str] = []
        self.name: list[str] = []
        self.male: list[bool] = []
        self.birth: list[date] = []
        self.home: list[int] = []
        self.migrant: list[int] = []  # 0 local, 1 other city of the province, 2 other province
        self.prior: list[int] = []  # insured months before the window
        self.insured: list[int] = []  # insured months inside the window so far
        self._seen: set[str] = set()
        # Faker's zh_CN names (surnames weighted by frequency), as far as GBK can encode them.
        self._surnames = [n for n in ZhPersonNames.last_names if _gbk_ok(n)]
        self._surname_cum = _cumulative([ZhPersonNames.last_names[n] for n in self._surnames])
        self._given = {
            True: [n for n in ZhPersonNames.first_names_male if _gbk_ok(n)],
            False: [n for n in ZhPersonNames.first_names_female if _gbk_ok(n)],
        }
        self._single = {k: [n for n in v if len(n) == 1] for k, v in self._given.items()}

    def __len__(self) -> int:
        return len(self.pid)

    def add(
        self,
        *,
        home: int,
        on: date,
        ages: tuple[int, int],
        male: bool | None = None,
        migrant: int | None = None,
        prior: int = 0,
    ) -> int:
        rng, profile = self.rng, self.profile
        if male is None:
            male = rng.random() < profile.male_share
        if migrant is None:
            r = rng.random()
            same, other = profile.share_same_province, profile.share_other_province
            migrant = 1 if r < same else 2 if r < same + other else 0
        age = rng.randint(*ages)
        birth = date(on.year - age - 1, on.month, 1) + timedelta(days=rng.randrange(1, 365))
        if migrant == 1:
            address = rng.choice(profile.same_province_codes)
        elif migrant == 2:
            address = rng.choice(profile.other_province_codes)
        else:
            address = rng.choice(profile.counties[home].id_address_codes)
        pid = self._new_id(address, birth, male)
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        if rng.random() < 0.35:
            given = "".join(rng.sample(self._single[male], 2))
        else:
            given = rng.choice(self._given[male])
        self.pid.append(pid)
        self.name.append(surname + given)
        self.male.append(male)
        self.birth.append(birth)
        self.home.append(home)
        self.migrant.append(migrant)
        self.prior.append(prior)
        self.insured.append(0)
        return len(self.pid) - 1

    def set_birth(self, person: int, birth: date) -> None:
        """Change a birth date, and so the ID number (same address code and sex)."""
        self.birth[person] = birth
        self.pid[person] = self._new_id(self.pid[person][:6], birth, self.male[person])

    def _new_id(self, address: str, birth: date, male: bool) -> str:
        while True:
            pid = make_resident_id(address, birth, self.rng.randrange(500) * 2 + (1 if male else 0))
            if pid[:17] not in self._seen:
                self._seen.add(pid[:17])
                return pid

    def age(self, person: int, on: date) -> int:
        b = self.birth[person]
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    def insured_months(self, person: int) -> int:
        return self.prior[person] + self.insured[person]


def _gbk_ok(text: str) -> bool:
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _apportion(total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), at least one each."""
    scaled = [total * w / sum(weights) for w in weights]
    counts = [max(1, math.floor(x)) for x in scaled]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - scaled[i], i))
    for i in by_remainder[: max(0, total - sum(counts))]:
        counts[i] += 1
    return counts


def _take_slot(pool: list[Enterprise], *, background_only: bool) -> Enterprise | None:
    """Remove and return a vacancy from ``pool`` (only at a background firm, if asked)."""
    for i in range(len(pool) - 1, -1, -1):
        if not background_only or pool[i].role == "":
            return pool.pop(i)
    return None


def _round_random(rng: random.Random, x: float) -> int:
    whole = math.floor(x)
    return whole + (1 if rng.random() < x - whole else 0)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _yuan(amount: int) -> str:
    return f"{amount}.00"


class Simulation:
    """One run of the generator; :meth:`run` writes every file into ``out``."""

    def __init__(
        self,
        *,
        profile: CityProfile,
        scale: Scale,
        seed: int,
        timeline: Timeline,
        out: Path,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.profile, self.scale, self.seed, self.t, self.out = profile, scale, seed, timeline, out
        self.progress = progress or (lambda _message: None)
        self.rng = random.Random(f"{seed}/labour-market")
        self.people = People(random.Random(f"{seed}/people"), profile)
        self.M = len(timeline)
        M = self.M
        self.when = Schedule(M)
        self.county_codes = [c.code for c in profile.counties]
        self.climb_county = self.county_codes.index(
            profile.scenarios["county_unemployment_climb"]["region_code"]
        )
        self.enterprises: list[Enterprise] = []
        self.by_role: dict[str, Enterprise] = {}
        self._usccs: set[str] = set()
        self._names: set[str] = set()
        self.protected: set[int] = set()
        self.retire_at: dict[int, list[tuple[int, Enterprise]]] = {}
        self.filings: list[tuple[str, str, str, date, str]] = []
        self.registrations: list[Registration] = []
        self.open_regs: list[dict[int, Registration]] = [{} for _ in profile.counties]
        self.pending: dict[int, list[int]] = {}  # month -> people leaving the register for a job
        self.forced_regs: dict[int, list[tuple[int, date, str, str | None]]] = {}
        self.targets: list[list[int]] = []
        self.inflow = [[0] * M for _ in profile.counties]
        self.stock = [[0] * M for _ in profile.counties]
        self.employed = [[0] * M for _ in profile.counties]
        self.planted: dict[str, Any] = {
            "laid_off": [],
            "layoff_registered": [],
            "stop_workers": [],
            "arrears_persons": [],
            "gone": [],
            "boundary": [],
            "benefit_while_contributing": [],
            "registered_but_contributing": [],
            "retired": [],
        }
        self.files: list[WrittenFile] = []
        self.special_hires: dict[int, tuple[Enterprise, int]] = {}
        self._bump_pool: dict[tuple[int, int], tuple[list[Enterprise], list[float]]] = {}
        self._planted_backlog: list[str] = []
        # Registrations ended for a job ("就业") whose hire is still to come; then the hires made
        # (registration, employer, filing date), and what each registration's row says — the
        # material of the planted true hires (bookkeeping only: no random draws).
        self._awaiting_hire: dict[int, Registration] = {}
        self.exit_hires: list[tuple[Registration, Enterprise, date]] = []
        self.reg_rows: dict[int, tuple[str, str, str]] = {}  # serial -> education, desired, skills

    # ------------------------------------------------------------------ enterprises

    def _brand(self, rng: random.Random) -> str:
        if self.profile.brand_words and rng.random() < 0.15:
            return rng.choice(self.profile.brand_words)
        return "".join(rng.sample(self.profile.brand_chars, 2))

    def _new_enterprise(
        self, rng: random.Random, *, county: int, industry: Industry, size: int, role: str
    ) -> Enterprise:
        c = self.profile.counties[county]
        if size >= 20 or role not in ("", "control"):
            org_type = "1"
        else:
            org_type = _weighted(rng, industry.org_types)
        while True:
            brand, word = self._brand(rng), rng.choice(industry.names[org_type])
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

    def _walk(self, rng: random.Random, e: Enterprise, *, cap: int) -> None:
        """Plan a quiet headcount path: a change of at most 3 % (≥ 1, ≤ ``cap``) a month."""
        h0 = e.plan[0]
        h = h0
        for _ in range(1, self.M):
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

    def _build_enterprises(self) -> None:
        rng = random.Random(f"{self.seed}/enterprises")
        profile, scale, M = self.profile, self.scale, self.M
        county_weights = {str(i): c.weight for i, c in enumerate(profile.counties)}

        def pick_county() -> int:
            return int(_weighted(rng, county_weights))

        def pick_industry(county: int) -> Industry:
            return profile.industries[_weighted(rng, profile.counties[county].industries)]

        planted = {
            "layoff": ("layoff_30pct_2m", scale.layoff_size),
            "stop": ("contributions_stop", scale.stop_size),
            "arrears": ("arrears", scale.arrears_size),
            "wage": ("wage_arrears_cluster", scale.wage_size),
            "export": ("export_drop", scale.export_size),
        }
        out: list[Enterprise] = []
        for role, (scenario, size) in planted.items():
            placement = profile.scenarios[scenario]
            e = self._new_enterprise(
                rng,
                county=self.county_codes.index(placement["region_code"]),
                industry=profile.industries[placement["industry"]],
                size=size,
                role=role,
            )
            self._walk(rng, e, cap=QUIET_MAX_STEP)
            self.by_role[role] = e
            out.append(e)
        lay, stop, arr = self.by_role["layoff"], self.by_role["stop"], self.by_role["arrears"]
        before = lay.plan[self.when.layoff - 1]
        lay.plan[self.when.layoff] = before - round(0.15 * before)
        for m in range(self.when.layoff + 1, M):
            lay.plan[m] = before - round(0.30 * before)
        for m in range(self.when.stop, M):
            stop.plan[m] = 0
        for m in self.when.arrears:
            arr.plan[m] = arr.plan[self.when.arrears[0] - 1]
        for _ in range(scale.controls):
            county = pick_county()
            e = self._new_enterprise(
                rng,
                county=county,
                industry=pick_industry(county),
                size=rng.randint(*scale.control_size),
                role="control",
            )
            self._walk(rng, e, cap=1)
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
                    int(_weighted(rng, {str(i): w for i, w in enumerate(industry.size_mix)}))
                ]
                raw.append(
                    (industry, math.exp(rng.uniform(math.log(lo), math.log(hi + 1))))
                )  # log-uniform
            factor = (
                remaining * profile.counties[county].weight / total_weight / sum(r[1] for r in raw)
            )
            for industry, raw_size in raw:
                e = self._new_enterprise(
                    rng,
                    county=county,
                    industry=industry,
                    size=max(1, round(raw_size * factor)),
                    role="",
                )
                self._walk(rng, e, cap=QUIET_MAX_STEP)
                out.append(e)
        rng.shuffle(out)
        tiny = [e for e in out if e.role == "" and max(e.plan) < 10 and min(e.plan) >= 2]
        for e in rng.sample(tiny, min(scale.late_payments, len(tiny))):
            e.late_month = rng.randrange(1, M - 1)
        self.enterprises = out

    # ------------------------------------------------------------------ people

    def _new_spell(self, person: int, e: Enterprise) -> tuple[int, str, str, tuple[str, ...]]:
        rng = self.rng
        base = e.industry.base * e.base_factor * rng.lognormvariate(0, 0.22)
        bases = tuple(
            _yuan(min(12_000, max(2_000, round(base * (1 + e.wage_growth) ** k))))
            for k in range(len(self.t.years))
        )
        return (person, self.people.pid[person], self.people.name[person], bases)

    def _populate(self) -> None:
        """The insured at the first month, and who of them retires during the window."""
        rng, people, M = self.rng, self.people, self.M
        years = math.ceil(M / 12) + 1
        start = self.t.start
        retire_pool: list[tuple[int, Enterprise]] = []
        for e in self.enterprises:
            for _ in range(e.plan[0]):
                male = rng.random() < e.industry.male_share
                top = RETIREMENT_AGE[male] - years
                person = people.add(
                    home=e.county, on=start, ages=(18, top), male=male, prior=rng.randint(6, 240)
                )
                e.roster.append(self._new_spell(person, e))
                if e.role == "":
                    retire_pool.append((person, e))
        count = round(self.scale.retire_rate * len(retire_pool) * M / 12)
        for person, e in rng.sample(retire_pool, min(count, len(retire_pool))):
            month = rng.randrange(0, M - 1)  # retires in this month, leaves from the next
            male = people.male[person]
            y, mo = self.t.month(month)
            people.set_birth(person, date(y - RETIREMENT_AGE[male], mo, rng.randint(1, 28)))
            idx = next(i for i, r in enumerate(e.roster) if r[0] == person)
            e.roster[idx] = (person, people.pid[person], people.name[person], e.roster[idx][3])
            self.retire_at.setdefault(month + 1, []).append((person, e))
            self.protected.add(person)

    # ------------------------------------------------------------------ registrations

    def _targets(self) -> None:
        """Each county's registered unemployed stock target per month."""
        scale, M = self.scale, self.M
        employed0 = [0] * len(self.profile.counties)
        for e in self.enterprises:
            employed0[e.county] += e.plan[0]
        for c, county in enumerate(self.profile.counties):
            rate = scale.unemployment_rate * county.unemployment_factor
            base = max(1, round(rate / (1 - rate) * employed0[c]))
            row = [base] * M
            if c == self.climb_county:
                # +1.5 points over eight months, and at least twice the layoff's registrations
                # (at small scale the layoff firm is a large part of its county).
                layoff_registrations = 0.3 * LAYOFF_REGISTER_SHARE * scale.layoff_size
                ramp = max(10, round(0.015 * employed0[c]), round(2 * layoff_registrations))
                for i, m in enumerate(self.when.climb, start=1):
                    row[m] = base + round(ramp * i * (i + 1) / 72)
            self.targets.append(row)

    def _register(
        self,
        person: int,
        on: date,
        reason: str,
        *,
        last_industry: str | None,
        duration: int | None = None,
    ) -> Registration:
        rng = self.rng
        if duration is None:
            duration = rng.choices(
                range(2, 19), weights=[14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1]
            )[0]
        month = self.t.index(on)
        reg = Registration(
            serial=len(self.registrations),
            person=person,
            county=self.people.home[person],
            registered_on=on,
            month=month,
            reason=reason,
            planned_exit=month + duration,
            insured_months=self.people.insured_months(person),
            last_industry=last_industry,
        )
        self.registrations.append(reg)
        self.open_regs[reg.county][reg.serial] = reg
        if 0 <= month < self.M:
            self.inflow[reg.county][month] += 1
        return reg

    def _newcomer_registration(self, county: int, m: int) -> None:
        rng = self.rng
        on = self.t.day(m, rng.randint(1, 28))
        if rng.random() < 0.6:
            person = self.people.add(home=county, on=on, ages=(19, 24), migrant=0)
            reason = "毕业未就业"
        else:
            person = self.people.add(home=county, on=on, ages=(25, 45), migrant=0)
            reason = "返乡未就业"
        self._register(person, on, reason, last_industry=None)

    def _initial_registrations(self) -> None:
        rng = self.rng
        for c in range(len(self.profile.counties)):
            for _ in range(self.targets[c][0]):
                on = self.t.first(0) - timedelta(days=rng.randint(20, 360))
                if rng.random() < 0.7:
                    person = self.people.add(
                        home=c, on=on, ages=(22, 50), prior=rng.randint(3, 150)
                    )
                    reason = rng.choices(("合同到期", "协商解除", "个人辞职"), (40, 35, 25))[0]
                else:
                    person = self.people.add(home=c, on=on, ages=(19, 24), migrant=0)
                    reason = "毕业未就业"
                reg = self._register(person, on, reason, last_industry=None)
                reg.planned_exit = rng.randint(0, 11)

    def _end_registration(self, reg: Registration, m: int) -> None:
        rng = self.rng
        del self.open_regs[reg.county][reg.serial]
        if reg.special:
            reg.ended_on, reg.end_reason = self.t.day(m, 25), "就业"
            return
        reason = rng.choices(("就业", "灵活就业", "创业", "其他"), (70, 14, 8, 8))[0]
        low = min(28, reg.registered_on.day + 1) if reg.month == m else 1
        if reason == "就业":
            reg.ended_on = self.t.day(m, rng.randint(max(15, low), 28))
            self.pending.setdefault(m + 1, []).append(reg.person)
            self._awaiting_hire[reg.person] = reg
        else:
            reg.ended_on = self.t.day(m, rng.randint(min(low, 28), 28))
        reg.end_reason = reason

    # ------------------------------------------------------------------ one month

    def _separate(self, m: int) -> list[tuple[int, Enterprise, date, str]]:
        """Who leaves between month m-1 and m; dated in month m-1 (their last insured month)."""
        rng, t = self.rng, self.t
        out: list[tuple[int, Enterprise, date, str]] = []
        retiring: dict[Enterprise, set[int]] = {}
        for person, e in self.retire_at.get(m, []):
            retiring.setdefault(e, set()).add(person)
        for e in self.enterprises:
            n = len(e.roster)
            if n == 0:
                continue
            if e.role == "stop" and m == self.when.stop:
                for person, *_ in e.roster:
                    out.append((person, e, t.day(m - 1, 28), "stop"))
                e.roster = []
                continue
            if e.role == "layoff" and m >= self.when.layoff:
                if m > self.when.layoff + 1:
                    continue
                k, fate = n - e.plan[m], "laid_off"
                leave: list[int] = []
            elif e.role == "arrears" and m in self.when.arrears:
                continue
            else:
                gone = retiring.get(e)
                leave = [i for i, r in enumerate(e.roster) if r[0] in gone] if gone else []
                churn = _round_random(rng, n * e.industry.separation_rate / 12)
                k, fate = max(churn, n - e.plan[m]) - len(leave), "churn"
            if k > 0:
                chosen = set(leave)
                for i in rng.sample(range(n), min(n, k + 8)):
                    if len(chosen) - len(leave) >= k:
                        break
                    if i not in chosen and e.roster[i][0] not in self.protected:
                        chosen.add(i)
                leave = sorted(chosen)
            for i in sorted(leave, reverse=True):
                person = e.roster[i][0]
                e.roster[i] = e.roster[-1]
                e.roster.pop()
                if e in retiring and person in retiring[e]:
                    day = self.people.birth[person].day
                    out.append((person, e, t.day(m - 1, day), "retire"))
                else:
                    day = rng.randint(20, 28) if fate == "laid_off" else rng.randint(1, 28)
                    out.append((person, e, t.day(m - 1, day), fate))
            e.plan[m] = max(e.plan[m], len(e.roster))
        return out

    def _quotas(self, m: int, forced_by_county: list[int]) -> list[int]:
        """New registrations each county needs this month to stay on its stock target."""
        rng = self.rng
        quotas = []
        for c, regs in enumerate(self.open_regs):
            gap = self.targets[c][m] - len(regs) - forced_by_county[c]
            if gap < 0 and c != self.climb_county:
                # Planted registrations would lift a quiet county: others leave the register a little earlier.
                pullable = [r for r in regs.values() if not r.special and r.month < m]
                for reg in rng.sample(pullable, min(-gap, len(pullable))):
                    self._end_registration(reg, m)
                gap = self.targets[c][m] - len(regs) - forced_by_county[c]
            quotas.append(max(0, gap))
        return quotas

    def _pick_planted_separations(
        self, m: int, churned: list[tuple[int, Enterprise, date, str]]
    ) -> dict[int, str]:
        """Unregistered separations (and the day-59/day-61 boundary controls) taken from this month's churn."""
        wanted = self._planted_backlog + self.when.unregistered.get(m, [])
        self._planted_backlog = []
        if not wanted:
            return {}
        eligible_counties = {
            c
            for c in range(len(self.profile.counties))
            if c != self.climb_county and self.targets[c][0] >= 5
        }
        candidates = [
            (person, e) for person, e, _, fate in churned
            if fate == "churn" and e.role == "" and self.people.home[person] in eligible_counties
        ]  # fmt: skip
        self.rng.shuffle(candidates)
        picks: dict[int, str] = {}
        used_counties: set[int] = set()
        for kind in wanted:
            found = next(
                (
                    p
                    for p, _ in candidates
                    if p not in picks
                    and (kind == "gone" or self.people.home[p] not in used_counties)
                ),
                None,
            )
            if found is None or m > self.when.last_unregistered:
                self._planted_backlog.append(kind)
                continue
            picks[found] = kind
            if kind != "gone":
                used_counties.add(self.people.home[found])
        return picks

    def _place(self, m: int, obligatory: list[tuple[int, bool]]) -> None:
        """Fill this month's vacancies: first people who must be placed, then newcomers.

        ``obligatory`` holds (person, background_only). A person goes to a firm of the county
        he lives in; when it has no vacancy a background firm there grows by one.
        """
        rng, t = self.rng, self.t
        slots: list[list[Enterprise]] = [[] for _ in self.profile.counties]
        for e in self.enterprises:
            need = e.plan[m] - len(e.roster)
            if need > 0:
                slots[e.county].extend([e] * need)
        for s in slots:
            rng.shuffle(s)
        for person, background_only in obligatory:
            c = self.people.home[person]
            employer = _take_slot(slots[c], background_only=background_only) or self._bump(c, m)
            self._hire(person, employer, m)
            reg = self._awaiting_hire.pop(person, None)
            if reg is not None:
                self.exit_hires.append((reg, employer, self.filings[-1][3]))
            if background_only:
                self.special_hires[person] = (employer, m)
        for c, pool in enumerate(slots):
            for e in pool:
                person = self.people.add(home=c, on=t.first(m), ages=(18, 35))
                self._hire(person, e, m)

    def _bump(self, county: int, m: int) -> Enterprise:
        """One more vacancy at a background firm (of ``county`` if it has one), from month m on."""
        key = (m, county)
        if key not in self._bump_pool:
            eligible = [
                e
                for e in self.enterprises
                if e.role == "" and e.county == county and e.plan[m] >= 3 and e.late_month < 0
            ]
            if not eligible:  # late payers stay under 10 insured: see _build_enterprises
                eligible = [
                    e
                    for e in self.enterprises
                    if e.role == "" and e.plan[m] >= 3 and e.late_month < 0
                ]
            self._bump_pool[key] = (eligible, _cumulative([e.plan[m] for e in eligible]))
        eligible, cum = self._bump_pool[key]
        e = self.rng.choices(eligible, cum_weights=cum)[0]
        for k in range(m, self.M):
            e.plan[k] += 1
        return e

    def _hire(self, person: int, e: Enterprise, m: int) -> None:
        e.roster.append(self._new_spell(person, e))
        e.hires += 1
        self.filings.append(
            (self.people.pid[person], e.uscc, "hire", self.t.day(m, self.rng.randint(1, 28)), "")
        )

    def _special_registrants(self, m: int) -> list[tuple[int, bool]]:
        """At the planted months, registered people who take a job without leaving the register."""
        rng, M = self.rng, self.M
        if m not in (self.when.benefit_while_contributing, self.when.registered_but_contributing):
            return []
        kind = (
            "benefit_while_contributing"
            if m == self.when.benefit_while_contributing
            else "registered_but_contributing"
        )
        regs = [
            r
            for c, regs in enumerate(self.open_regs)
            if c != self.climb_county
            for r in regs.values()
            if not r.special and r.planned_exit > m
        ]
        if kind == "benefit_while_contributing":
            regs = [r for r in regs if self._ui_months(r) >= 12 and m - 8 <= r.month <= m - 2]
            overlap = 3
        else:
            regs = [r for r in regs if r.insured_months == 0 and r.month <= m - 1]
            overlap = 4
        if len(regs) < 6:
            raise DemoError(f"内部错误:{kind} 场景的候选人不足({len(regs)})")
        out = []
        for reg in rng.sample(regs, 6):
            reg.special = kind
            reg.planned_exit = min(m + overlap - 1, M - 1)
            self.protected.add(reg.person)
            self.planted[kind].append(reg)
            out.append((reg.person, True))
        return out

    def _step(self, m: int) -> None:
        """Month m: separations (dated in m-1), the register's exits and entries, then hiring.

        Order matters: people leave; the register loses its exits; planted registrations are
        counted against each county's target so the quota of new registrations keeps quiet
        counties on target; churned leavers register (by quota) or change jobs; vacancies are
        filled by job changers and people leaving the register first, then by newcomers.
        """
        rng, t, people = self.rng, self.t, self.people
        separated = self._separate(m) if m > 0 else []
        reasons: dict[int, str] = {}  # separation filing reason per person (none: no filing)
        for person, e, on, fate in separated:
            if fate == "stop":
                self.planted["stop_workers"].append(person)
            elif fate == "retire":
                reasons[person] = "退休"
                self.planted["retired"].append((person, e, on))
            elif fate == "laid_off":
                reasons[person] = "经济性裁员"
        # Registrations: who leaves the register this month, who must join it, who may.
        for regs in self.open_regs:
            for reg in [r for r in regs.values() if r.planned_exit <= m]:
                self._end_registration(reg, m)
        forced: list[tuple[int, date, str, str | None]] = self.forced_regs.pop(m, [])
        movers: list[tuple[int, bool]] = []
        churned: list[tuple[int, Enterprise, date, str]] = []
        last_day = t.days(m - 1) if m > 0 else 30
        for person, e, on, fate in separated:
            if fate == "laid_off":
                self.planted["laid_off"].append((person, on))
                if rng.random() < LAYOFF_REGISTER_SHARE:
                    limit = max(1, min(28, on.day + 40 - last_day))
                    forced.append(
                        (person, t.day(m, rng.randint(1, limit)), "经济性裁员", e.industry.code)
                    )
                else:
                    movers.append((person, False))
            elif fate == "stop":
                movers.append((person, False))
            elif fate == "churn":
                churned.append((person, e, on, fate))
        picks = self._pick_planted_separations(m, churned)
        by_county: list[list[tuple[int, Enterprise, date]]] = [[] for _ in self.profile.counties]
        for person, e, on, _ in churned:
            kind = picks.get(person)
            if kind is None:
                by_county[people.home[person]].append((person, e, on))
                continue
            reason = reasons[person] = rng.choice(("个人辞职", "协商解除"))
            if kind == "gone":
                self.planted["gone"].append((person, e, on, None))
            else:
                days = 59 if kind == "day59" else 61
                when = on + timedelta(days=days)  # this month or a later one
                due = (
                    forced if t.index(when) == m else self.forced_regs.setdefault(t.index(when), [])
                )
                due.append((person, when, reason, e.industry.code))
                self.planted["boundary"].append((person, e, on, when, days))
        forced_by_county = [0] * len(self.profile.counties)
        for person, *_ in forced:
            forced_by_county[people.home[person]] += 1
        quotas = self._quotas(m, forced_by_county)
        for person, on, reason, industry in forced:
            reg = self._register(
                person,
                on,
                reason,
                last_industry=industry,
                duration=rng.randint(4, 12) if reason == "经济性裁员" else None,
            )
            if reason == "经济性裁员":
                self.planted["layoff_registered"].append(reg)
        for c, pool in enumerate(by_county):
            rng.shuffle(pool)
            quota = quotas[c]
            newcomers = _round_random(rng, quota * 0.25)
            from_jobs = min(len(pool), quota - newcomers)
            newcomers = quota - from_jobs
            for i, (person, e, on) in enumerate(pool):
                if i < from_jobs:
                    reason = reasons[person] = rng.choices(
                        ("合同到期", "协商解除", "个人辞职"), (35, 35, 30)
                    )[0]
                    limit = max(1, min(28, on.day + 40 - last_day))
                    self._register(
                        person,
                        t.day(m, rng.randint(1, limit)),
                        reason,
                        last_industry=e.industry.code,
                    )
                else:
                    reasons[person] = rng.choices(
                        ("个人辞职", "协商解除", "合同到期"), (60, 25, 15)
                    )[0]
                    movers.append((person, False))
            for _ in range(newcomers):
                self._newcomer_registration(c, m)
        for person, e, on, _ in separated:
            if person in reasons:
                self.filings.append((people.pid[person], e.uscc, "separation", on, reasons[person]))
        obligatory = (
            [(p, False) for p in self.pending.pop(m, [])] + movers + self._special_registrants(m)
        )
        self._place(m, obligatory)
        if m == self.when.arrears[0]:
            roster = self.by_role["arrears"].roster
            chosen = rng.sample(roster, round(0.6 * len(roster)))
            self.planted["arrears_persons"] = sorted(r[0] for r in chosen)
        for c, regs in enumerate(self.open_regs):
            self.stock[c][m] = len(regs)
        for e in self.enterprises:
            e.headcount.append(len(e.roster))
            self.employed[e.county][m] += len(e.roster)

    # ------------------------------------------------------------------ writing

    def _write_contributions(self, m: int) -> None:
        period = self.t.periods[m]
        year = self.t.year_index[m]
        insured = self.people.insured
        arrears = set(self.planted["arrears_persons"]) if m in self.when.arrears else set()
        out = CsvFile(
            self.out / f"si_contributions_{period}.csv",
            "si_contributions",
            ("period", "uscc", "person_id", "name", "base", "status"),
            "utf-8",
        )
        for e in self.enterprises:
            if not e.roster:
                continue
            uscc = e.uscc
            if e.role == "arrears" and arrears:
                rows = [
                    (period, uscc, pid, name, bases[year], "arrears" if p in arrears else "paid")
                    for p, pid, name, bases in e.roster
                ]
            else:
                status = "arrears" if e.late_month == m else "paid"
                rows = [
                    (period, uscc, pid, name, bases[year], status)
                    for _, pid, name, bases in e.roster
                ]
            out.write(rows)
            for r in e.roster:
                insured[r[0]] += 1
        self.files.append(out.close())

    def _write_enterprises(self) -> None:
        rng = random.Random(f"{self.seed}/registry")
        kinds = {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}
        rows = []
        for e in self.enterprises:
            last = next((h for h in reversed(e.headcount) if h > 0), 0)
            employees = round(last * (1 + rng.uniform(0, self.profile.uninsured_share_max)))
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
        self.files.append(write_table(self.out, "enterprises", header, rows, fmt="gbk"))

    def _write_filings(self) -> None:
        rows = sorted(self.filings, key=lambda f: (f[3], f[2], f[1], f[0]))
        self.files.append(
            write_table(
                self.out,
                "employment_filings",
                ("person_id", "uscc", "kind", "date", "reason"),
                [(pid, uscc, kind, on.isoformat(), reason) for pid, uscc, kind, on, reason in rows],
                fmt="utf-8-bom",
            )
        )

    def _write_registrations(self) -> None:
        rng = random.Random(f"{self.seed}/ledger")
        fake = Faker("zh_CN")
        fake.seed_instance(self.seed)
        people, profile = self.people, self.profile
        job_titles = sorted({j.title for j in profile.jobs.values()})
        rows = []
        for reg in sorted(self.registrations, key=lambda r: (r.registered_on, r.serial)):
            p = reg.person
            age = people.age(p, reg.registered_on)
            weights = next(w for below, w in profile.education_by_age if age < below)
            education = rng.choices(profile.education_levels, weights=weights)[0]
            if reg.last_industry:
                job = profile.jobs[rng.choice(profile.industries[reg.last_industry].jobs)]
                desired, skill = job.title, job.skill
            else:
                desired, skill = rng.choice(job_titles), "无"
            skills = [
                s
                for s in (skill, rng.choice(profile.skills) if rng.random() < 0.3 else "")
                if s and s != "无"
            ]
            skills_text = "、".join(dict.fromkeys(skills)) or "无"
            self.reg_rows[reg.serial] = (education, desired, skills_text)
            rows.append(
                (
                    people.pid[p],
                    people.name[p],
                    "男" if people.male[p] else "女",
                    profile.counties[reg.county].code,
                    reg.registered_on.strftime("%Y%m%d"),
                    fake.phone_number(),
                    reg.reason,
                    education,
                    skills_text,
                    _weighted(rng, profile.health),
                    int(rng.random() < 0.4),
                    desired,
                    reg.ended_on.strftime("%Y%m%d") if reg.ended_on else "",
                    reg.end_reason,
                )
            )
        header = ("公民身份号码", "姓名", "性别", "常住地", "登记日期", "联系电话", "失业原因", "学历", "技能",
                  "身体状况", "培训意愿", "求职意向", "注销日期", "注销原因")  # fmt: skip
        self.files.append(
            write_table(
                self.out,
                "unemployment_registrations",
                header,
                rows,
                fmt="gbk",
            )
        )

    def _ui_months(self, reg: Registration) -> int:
        """Months of UI benefit a registration is entitled to (0: none), by the policy in force
        when registering: an involuntary separation and enough insured years, by duration band."""
        policy = self.profile.policy_value
        minimum = policy("ui.benefit.min_contribution_years", reg.registered_on)
        bands = policy("ui.benefit.duration_bands", reg.registered_on)
        years = reg.insured_months / 12
        if reg.reason not in INVOLUNTARY or minimum is None or not bands or years < minimum:
            return 0
        return max((b["max_months"] for b in bands if years >= b["min_years"]), default=0)

    def _payments(self, reg: Registration) -> Iterator[tuple[int, str, int]]:
        """(month, kind, amount) paid on one registration, each month from the month after
        registering to the month it ends (or the window's last month):

        - 失业保险金 ``ui_benefit`` while entitled (:meth:`_ui_months`), at the profile's monthly
          amount; after that, while the subsidy policy is in force, 失业补助金 ``subsidy`` at the
          low tier;
        - other insured people registering while the policy is in force: 临时生活补助
          ``temp_allowance`` for migrants insured fewer months than the policy says, else
          失业补助金 at the tier of their insured months.

        Subsidy and allowance amounts, tiers, months and effective dates are the policy's
        parameters; the subsidy is paid for at most :data:`MAX_SUBSIDY_MONTHS` months.
        """
        policy, t, M = self.profile.policy_value, self.t, self.M
        on = reg.registered_on
        ui_months = self._ui_months(reg)
        migrant = self.people.migrant[reg.person] > 0
        allowance_below = policy("temporary_allowance.insured_below_months", on)
        allowance = migrant and allowance_below is not None and reg.insured_months < allowance_below
        limits = {
            "subsidy": MAX_SUBSIDY_MONTHS,
            "temp_allowance": policy("temporary_allowance.months", on) or 0,
        }
        paid = {"subsidy": 0, "temp_allowance": 0}
        end = t.index(reg.ended_on) if reg.ended_on else M - 1
        for k in range(max(reg.month + 1, 0), min(end, M - 1) + 1):
            first = t.first(k)
            if ui_months:
                if k <= reg.month + ui_months:
                    yield k, "ui_benefit", self.profile.ui_benefit(first.year)
                    continue
                kind, tier = "subsidy", "low"  # UI benefit ran out, still unemployed
            elif reg.insured_months == 0 or policy("unemployment_subsidy.monthly.low", on) is None:
                return  # never insured, or not a new case under the subsidy policy
            elif allowance:
                kind, tier = "temp_allowance", ""
            elif reg.insured_months >= (
                policy("unemployment_subsidy.high.min_months", first) or 12
            ):
                kind, tier = "subsidy", "high"
            elif reg.insured_months >= (policy("unemployment_subsidy.mid.min_months", first) or 6):
                kind, tier = "subsidy", "mid"
            else:
                kind, tier = "subsidy", "low"
            key = (
                "temporary_allowance.monthly"
                if tier == ""
                else f"unemployment_subsidy.monthly.{tier}"
            )
            amount = policy(key, first)
            if amount is not None and paid[kind] < limits[kind]:
                paid[kind] += 1
                yield k, kind, amount

    def _write_benefits(self) -> None:
        pid = self.people.pid
        rows = sorted(
            (
                (pid[reg.person], k, kind, amount)
                for reg in self.registrations
                for k, kind, amount in self._payments(reg)
            ),
            key=lambda b: (b[1], b[0], b[2]),
        )
        self.files.append(
            write_table(
                self.out,
                "benefit_payments",
                ("person_id", "period", "kind", "amount"),
                [(pid, self.t.dash(k), kind, _yuan(amount)) for pid, k, kind, amount in rows],
                fmt="utf-8",
            )
        )

    # ------------------------------------------------------------------ run

    def run(self) -> tuple[list[WrittenFile], dict[str, Any]]:
        self.progress(f"规划企业:{self.scale.enterprises} 家")
        self._build_enterprises()
        self.progress(f"生成参保人员:约 {self.scale.insured} 人")
        self._populate()
        self._targets()
        self._initial_registrations()
        for m in range(self.M):
            self._step(m)
            self._write_contributions(m)
            self.progress(
                f"{self.t.periods[m]}:参保 {sum(len(e.roster) for e in self.enterprises)} 人,"
                f"登记失业 {sum(len(r) for r in self.open_regs)} 人"
            )
        if self._planted_backlog:
            raise DemoError(f"内部错误:未能安排的预设离职 {self._planted_backlog}")
        self.progress("写出企业、用工备案、失业登记、待遇发放")
        self._write_enterprises()
        self._write_filings()
        self._write_registrations()
        self._write_benefits()
        self.progress("写出岗位、劳动案件、企业事件、经营数据、村级监测点")
        market_files, facts = market.write_market(
            out=self.out,
            seed=self.seed,
            profile=self.profile,
            scale=self.scale,
            timeline=self.t,
            when=self.when,
            enterprises=self.enterprises,
            true_hires=self._true_hire_candidates(),
        )
        self.files.extend(market_files)
        self.files.sort(key=lambda f: f.path.name)
        return self.files, facts

    def _true_hire_candidates(self) -> list[market.HireToPlant]:
        """Registrations ended for a job and followed by a hire (employment filing) at a
        background firm of the person's county inside the window: the pool the market side
        draws the planted true hires from, in registration order."""
        people, out = self.people, []
        for reg, employer, hired_on in sorted(self.exit_hires, key=lambda h: h[0].serial):
            if employer.role != "" or reg.ended_on is None:
                continue
            as_of = reg.ended_on - timedelta(days=1)
            if as_of < max(self.t.start, reg.registered_on):
                continue
            education, desired, skills = self.reg_rows[reg.serial]
            out.append(
                market.HireToPlant(
                    person_id=people.pid[reg.person],
                    age=people.age(reg.person, as_of),
                    education=education,
                    desired_job=desired,
                    skills=skills,
                    registered_on=reg.registered_on,
                    ended_on=reg.ended_on,
                    as_of=as_of,
                    employer=employer,
                    hired_on=hired_on,
                )
            )
        return out


def _clear_previous(out: Path) -> None:
    """Create ``out``, or empty it of an earlier (maybe interrupted) demo run's files; refuse a
    folder holding anything else."""
    if not out.exists():
        out.mkdir(parents=True)
        return
    if not out.is_dir():
        raise DemoError(f"{out} 不是文件夹")
    ours = re.compile(
        rf"^(si_contributions_\d{{6}}\.csv|({'|'.join(KINDS)})\.(csv|xlsx)|{re.escape(GROUND_TRUTH)}|{re.escape(MANIFEST)})$"
    )
    names = sorted(p.name for p in out.iterdir())
    foreign = [n for n in names if not ours.match(n)]
    if foreign:
        raise DemoError(f"{out} 不是空文件夹,也不是演示数据文件夹(含 {', '.join(foreign[:5])})")
    for name in names:
        (out / name).unlink()


def demo_generate(
    *,
    out: Path,
    city_dir: Path,
    scale: str = "small",
    seed: int = 1,
    end: str = "202212",
    months: int = 24,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Generate the demo city into ``out`` (created; an earlier demo run there is replaced)."""
    if scale not in SCALES:
        raise DemoError(f"规模应为 {' / '.join(SCALES)}:{scale!r}")
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise DemoError(f"月数应在 {MIN_MONTHS}–{MAX_MONTHS} 之间:{months}")
    profile = load_city(city_dir)
    timeline = Timeline(end, months)
    out = Path(out)
    _clear_previous(out)
    sim = Simulation(
        profile=profile,
        scale=SCALES[scale],
        seed=seed,
        timeline=timeline,
        out=out,
        progress=progress,
    )
    files, market_facts = sim.run()
    truth = build_ground_truth(sim, market_facts)
    truth_path = out / GROUND_TRUTH
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    manifest = {
        "generator": GENERATOR,
        "seed": seed,
        "scale": scale,
        "city": profile.city_name,
        "periods": {"first": timeline.periods[0], "last": timeline.periods[-1], "count": months},
        "files": [
            {
                "path": f.path.name,
                "kind": f.kind,
                "format": f.format,
                "rows": f.rows,
                "sha256": sha256_file(f.path),
            }
            for f in files
        ],
        "ground_truth": {"path": GROUND_TRUTH, "sha256": sha256_file(truth_path)},
    }
    manifest_path = out / MANIFEST
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return DemoResult(out, files, truth_path, manifest_path, seed, scale, timeline.periods)


# ---------------------------------------------------------------------- ground truth


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
            "inflow": sim.inflow[c][m],
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
    }
