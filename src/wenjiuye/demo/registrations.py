"""The unemployment register: who registers and leaves it during the simulation, each county's
stock held at its target rate, and the ledger file (``unemployment_registrations``) it leaves.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from wenjiuye.demo.model import LAYOFF_REGISTER_SHARE, Enterprise, Registration, Scale, Schedule
from wenjiuye.demo.people import People
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.sampling import weighted
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, write_table

#: What the ledger row of a registration says: education, desired job, skills.
LedgerRow = tuple[str, str, str]


class Register:
    """The register as the simulation keeps it; draws from the labour market's ``rng``."""

    def __init__(
        self,
        *,
        rng: random.Random,
        people: People,
        profile: CityProfile,
        scale: Scale,
        timeline: Timeline,
        when: Schedule,
        climb_county: int,
    ) -> None:
        self.rng, self.people, self.profile, self.scale = rng, people, profile, scale
        self.t, self.when, self.climb_county = timeline, when, climb_county
        self.M = M = len(timeline)
        self.registrations: list[Registration] = []
        self.open_regs: list[dict[int, Registration]] = [{} for _ in profile.counties]
        self.pending: dict[int, list[int]] = {}  # month -> people leaving the register for a job
        self.targets: list[list[int]] = []
        self.inflow = [[0] * M for _ in profile.counties]
        # Registrations ended for a job ("就业") whose hire is still to come (bookkeeping only:
        # no random draws).
        self.awaiting_hire: dict[int, Registration] = {}

    def set_targets(self, enterprises: list[Enterprise]) -> None:
        """Each county's registered unemployed stock target per month."""
        scale, M = self.scale, self.M
        employed0 = [0] * len(self.profile.counties)
        for e in enterprises:
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

    def add(
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

    def add_newcomer(self, county: int, m: int) -> None:
        rng = self.rng
        on = self.t.day(m, rng.randint(1, 28))
        if rng.random() < 0.6:
            person = self.people.add(home=county, on=on, ages=(19, 24), migrant=0)
            reason = "毕业未就业"
        else:
            person = self.people.add(home=county, on=on, ages=(25, 45), migrant=0)
            reason = "返乡未就业"
        self.add(person, on, reason, last_industry=None)

    def add_initial(self) -> None:
        """The stock at the first month: people registered during the year before."""
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
                reg = self.add(person, on, reason, last_industry=None)
                reg.planned_exit = rng.randint(0, 11)

    def end(self, reg: Registration, m: int) -> None:
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
            self.awaiting_hire[reg.person] = reg
        else:
            reg.ended_on = self.t.day(m, rng.randint(min(low, 28), 28))
        reg.end_reason = reason

    def quotas(self, m: int, forced_by_county: list[int]) -> list[int]:
        """New registrations each county needs this month to stay on its stock target."""
        rng = self.rng
        quotas = []
        for c, regs in enumerate(self.open_regs):
            gap = self.targets[c][m] - len(regs) - forced_by_county[c]
            if gap < 0 and c != self.climb_county:
                # Planted registrations would lift a quiet county: others leave the register a little earlier.
                pullable = [r for r in regs.values() if not r.special and r.month < m]
                for reg in rng.sample(pullable, min(-gap, len(pullable))):
                    self.end(reg, m)
                gap = self.targets[c][m] - len(regs) - forced_by_county[c]
            quotas.append(max(0, gap))
        return quotas


def write_registrations(
    *,
    out: Path,
    seed: int,
    profile: CityProfile,
    people: People,
    registrations: list[Registration],
) -> tuple[WrittenFile, dict[int, LedgerRow]]:
    """The ledger file (GBK), and what each registration's row says by its serial."""
    rng = random.Random(f"{seed}/ledger")
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    job_titles = sorted({j.title for j in profile.jobs.values()})
    ledger: dict[int, LedgerRow] = {}
    rows = []
    for reg in sorted(registrations, key=lambda r: (r.registered_on, r.serial)):
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
        ledger[reg.serial] = (education, desired, skills_text)
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
                weighted(rng, profile.health),
                int(rng.random() < 0.4),
                desired,
                reg.ended_on.strftime("%Y%m%d") if reg.ended_on else "",
                reg.end_reason,
            )
        )
    header = ("公民身份号码", "姓名", "性别", "常住地", "登记日期", "联系电话", "失业原因", "学历", "技能",
              "身体状况", "培训意愿", "求职意向", "注销日期", "注销原因")  # fmt: skip
    return write_table(out, "unemployment_registrations", header, rows, fmt="gbk"), ledger
