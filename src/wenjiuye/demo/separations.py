"""Who leaves a job each month: churn, retirement at the statutory age, the planted layoff and
stop, and the planted unregistered separations (with their day-59/day-61 boundary controls)."""

from __future__ import annotations

import random
from datetime import date

from wenjiuye.demo.model import RETIREMENT_AGE, Enterprise, Schedule
from wenjiuye.demo.people import People
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.sampling import round_random
from wenjiuye.demo.timeline import Timeline

#: A separation: person, employer, day (in the last insured month), fate (churn, retire,
#: laid_off, stop).
Separation = tuple[int, Enterprise, date, str]


class Separations:
    """Draws from the labour market's ``rng``; ``protected`` persons never leave by churn."""

    def __init__(
        self,
        *,
        rng: random.Random,
        people: People,
        profile: CityProfile,
        timeline: Timeline,
        when: Schedule,
        climb_county: int,
    ) -> None:
        self.rng, self.people, self.profile = rng, people, profile
        self.t, self.when, self.climb_county = timeline, when, climb_county
        self.protected: set[int] = set()
        self.retire_at: dict[int, list[tuple[int, Enterprise]]] = {}
        self.backlog: list[str] = []  # planted separations still to place

    def plan_retirements(self, pool: list[tuple[int, Enterprise]], rate: float) -> None:
        """Who of ``pool`` (person, employer) retires during the window: their birth date (so
        their ID number) is moved to reach the statutory age in a month of the window."""
        rng, people, M = self.rng, self.people, len(self.t)
        count = round(rate * len(pool) * M / 12)
        for person, e in rng.sample(pool, min(count, len(pool))):
            month = rng.randrange(0, M - 1)  # retires in this month, leaves from the next
            male = people.male[person]
            y, mo = self.t.month(month)
            people.set_birth(person, date(y - RETIREMENT_AGE[male], mo, rng.randint(1, 28)))
            idx = next(i for i, r in enumerate(e.roster) if r[0] == person)
            e.roster[idx] = (person, people.pid[person], people.name[person], e.roster[idx][3])
            self.retire_at.setdefault(month + 1, []).append((person, e))
            self.protected.add(person)

    def separate(self, m: int, enterprises: list[Enterprise]) -> list[Separation]:
        """Who leaves between month m-1 and m; dated in month m-1 (their last insured month)."""
        rng, t = self.rng, self.t
        out: list[Separation] = []
        retiring: dict[Enterprise, set[int]] = {}
        for person, e in self.retire_at.get(m, []):
            retiring.setdefault(e, set()).add(person)
        for e in enterprises:
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
                churn = round_random(rng, n * e.industry.separation_rate / 12)
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

    def pick_planted(
        self, m: int, churned: list[Separation], targets: list[list[int]]
    ) -> dict[int, str]:
        """Unregistered separations (and the day-59/day-61 boundary controls) taken from this
        month's churn, in counties off the climb with a register ``targets`` of five or more."""
        wanted = self.backlog + self.when.unregistered.get(m, [])
        self.backlog = []
        if not wanted:
            return {}
        eligible_counties = {
            c
            for c in range(len(self.profile.counties))
            if c != self.climb_county and targets[c][0] >= 5
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
                self.backlog.append(kind)
                continue
            picks[found] = kind
            if kind != "gone":
                used_counties.add(self.people.home[found])
        return picks
