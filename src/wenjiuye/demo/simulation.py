"""The month-by-month labour market of the demo city: the insured at the first month, then
each month's separations, the register's exits and entries, and hiring.

One ``random.Random`` (``<seed>/labour-market``) drives the market's moves; the people, the
enterprises and each file's extra columns have random generators of their own, so that one
part does not shift another.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from wenjiuye.core.i18n import gettext as _
from wenjiuye.demo import market, postings
from wenjiuye.demo.benefits import ui_months, write_benefits
from wenjiuye.demo.contributions import Filing, write_contributions, write_filings
from wenjiuye.demo.enterprises import build_enterprises, write_enterprises
from wenjiuye.demo.model import (
    LAYOFF_REGISTER_SHARE,
    RETIREMENT_AGE,
    Enterprise,
    Registration,
    Scale,
    Schedule,
)
from wenjiuye.demo.people import People
from wenjiuye.demo.profile import CityProfile, DemoError
from wenjiuye.demo.registrations import LedgerRow, Register, write_registrations
from wenjiuye.demo.sampling import cumulative, round_random
from wenjiuye.demo.separations import Separation, Separations
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, yuan


def _take_slot(pool: list[Enterprise], *, background_only: bool) -> Enterprise | None:
    """Remove and return a vacancy from ``pool`` (only at a background firm, if asked)."""
    for i in range(len(pool) - 1, -1, -1):
        if not background_only or pool[i].role == "":
            return pool.pop(i)
    return None


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
        self.climb_county = [c.code for c in profile.counties].index(
            profile.scenarios["county_unemployment_climb"]["region_code"]
        )
        self.enterprises: list[Enterprise] = []
        self.by_role: dict[str, Enterprise] = {}
        self.register = Register(
            rng=self.rng,
            people=self.people,
            profile=profile,
            scale=scale,
            timeline=timeline,
            when=self.when,
            climb_county=self.climb_county,
        )
        self.separations = Separations(
            rng=self.rng,
            people=self.people,
            profile=profile,
            timeline=timeline,
            when=self.when,
            climb_county=self.climb_county,
        )
        self.filings: list[Filing] = []
        self.forced_regs: dict[int, list[tuple[int, date, str, str | None]]] = {}
        self.stock = [[0] * M for _x in profile.counties]
        self.employed = [[0] * M for _x in profile.counties]
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
        # The hires of people who left the register for a job (registration, employer, filing
        # date), and what each registration's ledger row says — the material of the planted
        # true hires (bookkeeping only: no random draws).
        self.exit_hires: list[tuple[Registration, Enterprise, date]] = []
        self.ledger: dict[int, LedgerRow] = {}  # serial -> education, desired, skills

    def _populate(self) -> None:
        """The insured at the first month, and who of them retires during the window."""
        rng, people, M = self.rng, self.people, self.M
        years = math.ceil(M / 12) + 1
        start = self.t.start
        retire_pool: list[tuple[int, Enterprise]] = []
        for e in self.enterprises:
            for _slot in range(e.plan[0]):
                male = rng.random() < e.industry.male_share
                top = RETIREMENT_AGE[male] - years
                person = people.add(
                    home=e.county, on=start, ages=(18, top), male=male, prior=rng.randint(6, 240)
                )
                e.roster.append(self._new_spell(person, e))
                if e.role == "":
                    retire_pool.append((person, e))
        self.separations.plan_retirements(retire_pool, self.scale.retire_rate)

    def _new_spell(self, person: int, e: Enterprise) -> tuple[int, str, str, tuple[str, ...]]:
        rng = self.rng
        base = e.industry.base * e.base_factor * rng.lognormvariate(0, 0.22)
        bases = tuple(
            yuan(min(12_000, max(2_000, round(base * (1 + e.wage_growth) ** k))))
            for k in range(len(self.t.years))
        )
        return (person, self.people.pid[person], self.people.name[person], bases)

    def _place(self, m: int, obligatory: list[tuple[int, bool]]) -> None:
        """Fill this month's vacancies: first people who must be placed, then newcomers.

        ``obligatory`` holds (person, background_only). A person goes to a firm of the county
        he lives in; when it has no vacancy a background firm there grows by one.
        """
        rng, t = self.rng, self.t
        slots: list[list[Enterprise]] = [[] for _x in self.profile.counties]
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
            reg = self.register.awaiting_hire.pop(person, None)
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
            if not eligible:  # late payers stay under 10 insured: see build_enterprises
                eligible = [
                    e
                    for e in self.enterprises
                    if e.role == "" and e.plan[m] >= 3 and e.late_month < 0
                ]
            self._bump_pool[key] = (eligible, cumulative([e.plan[m] for e in eligible]))
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
            for c, regs in enumerate(self.register.open_regs)
            if c != self.climb_county
            for r in regs.values()
            if not r.special and r.planned_exit > m
        ]
        if kind == "benefit_while_contributing":
            regs = [
                r for r in regs if ui_months(self.profile, r) >= 12 and m - 8 <= r.month <= m - 2
            ]
            overlap = 3
        else:
            regs = [r for r in regs if r.insured_months == 0 and r.month <= m - 1]
            overlap = 4
        if len(regs) < 6:
            raise DemoError(
                _("内部错误:%(kind)s 场景的候选人不足(%(regs)s)")
                % {"kind": kind, "regs": len(regs)}
            )
        out = []
        for reg in rng.sample(regs, 6):
            reg.special = kind
            reg.planned_exit = min(m + overlap - 1, M - 1)
            self.separations.protected.add(reg.person)
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
        separated = self.separations.separate(m, self.enterprises) if m > 0 else []
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
        for regs in self.register.open_regs:
            for reg in [r for r in regs.values() if r.planned_exit <= m]:
                self.register.end(reg, m)
        forced: list[tuple[int, date, str, str | None]] = self.forced_regs.pop(m, [])
        movers: list[tuple[int, bool]] = []
        churned: list[Separation] = []
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
        picks = self.separations.pick_planted(m, churned, self.register.targets)
        by_county: list[list[tuple[int, Enterprise, date]]] = [[] for _x in self.profile.counties]
        for person, e, on, _when in churned:
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
        for person, *_rest in forced:
            forced_by_county[people.home[person]] += 1
        quotas = self.register.quotas(m, forced_by_county)
        for person, on, reason, industry in forced:
            reg = self.register.add(
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
            newcomers = round_random(rng, quota * 0.25)
            from_jobs = min(len(pool), quota - newcomers)
            newcomers = quota - from_jobs
            for i, (person, e, on) in enumerate(pool):
                if i < from_jobs:
                    reason = reasons[person] = rng.choices(
                        ("合同到期", "协商解除", "个人辞职"), (35, 35, 30)
                    )[0]
                    limit = max(1, min(28, on.day + 40 - last_day))
                    self.register.add(
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
            for _step in range(newcomers):
                self.register.add_newcomer(c, m)
        for person, e, on, _x in separated:
            if person in reasons:
                self.filings.append((people.pid[person], e.uscc, "separation", on, reasons[person]))
        obligatory = (
            [(p, False) for p in self.register.pending.pop(m, [])]
            + movers
            + self._special_registrants(m)
        )
        self._place(m, obligatory)
        if m == self.when.arrears[0]:
            roster = self.by_role["arrears"].roster
            chosen = rng.sample(roster, round(0.6 * len(roster)))
            self.planted["arrears_persons"] = sorted(r[0] for r in chosen)
        for c, regs in enumerate(self.register.open_regs):
            self.stock[c][m] = len(regs)
        for e in self.enterprises:
            e.headcount.append(len(e.roster))
            self.employed[e.county][m] += len(e.roster)

    def run(self) -> tuple[list[WrittenFile], dict[str, Any]]:
        self.progress(f"规划企业:{self.scale.enterprises} 家")
        self.enterprises, self.by_role = build_enterprises(
            profile=self.profile, scale=self.scale, seed=self.seed, when=self.when, months=self.M
        )
        self.progress(f"生成参保人员:约 {self.scale.insured} 人")
        self._populate()
        self.register.set_targets(self.enterprises)
        self.register.add_initial()
        for m in range(self.M):
            self._step(m)
            arrears = set(self.planted["arrears_persons"]) if m in self.when.arrears else set()
            self.files.append(
                write_contributions(
                    out=self.out,
                    timeline=self.t,
                    m=m,
                    enterprises=self.enterprises,
                    insured=self.people.insured,
                    arrears=arrears,
                )
            )
            self.progress(
                f"{self.t.periods[m]}:参保 {sum(len(e.roster) for e in self.enterprises)} 人,"
                f"登记失业 {sum(len(r) for r in self.register.open_regs)} 人"
            )
        if self.separations.backlog:
            raise DemoError(
                _("内部错误:未能安排的预设离职 %(backlog)s") % {"backlog": self.separations.backlog}
            )
        self.progress("写出企业、用工备案、失业登记、待遇发放")
        self.files.append(
            write_enterprises(
                out=self.out, seed=self.seed, profile=self.profile, enterprises=self.enterprises
            )
        )
        self.files.append(write_filings(out=self.out, filings=self.filings))
        registrations_file, self.ledger = write_registrations(
            out=self.out,
            seed=self.seed,
            profile=self.profile,
            people=self.people,
            registrations=self.register.registrations,
        )
        self.files.append(registrations_file)
        self.files.append(
            write_benefits(
                out=self.out,
                profile=self.profile,
                timeline=self.t,
                people=self.people,
                registrations=self.register.registrations,
            )
        )
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

    def _true_hire_candidates(self) -> list[postings.HireToPlant]:
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
            education, desired, skills = self.ledger[reg.serial]
            out.append(
                postings.HireToPlant(
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
