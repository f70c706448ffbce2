"""What the parts of the demo scenario share: who acts, the days counted back from ``as_of``, the
counts, the worker's passes to run, and deterministic picks from the demo city."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from faker.providers.person.zh_CN import Provider as ZhPersonNames

from wenjiuye.assistance.models import OPEN_STATUSES, Case
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.periods import day_start
from wenjiuye.demo.identity import make_resident_id
from wenjiuye.incidents.models import Incident
from wenjiuye.monitoring.models import Flag, LedgerEntry
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.response.models import LayoffReport

#: the demo users who act in the scenario (``core.demo_users.DEMO_USERS``)
ACTORS = ("office", "member", "baofeng", "yexian", "grid")


def demo_actors() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=ACTORS, is_active=True)}
    missing = sorted(set(ACTORS) - set(users))
    if missing:
        raise DomainError(
            _("缺少演示账号:%(names)s(演示账号由 wenjiuye quickstart 创建)")
            % {"names": "、".join(missing)}
        )
    return users


@dataclass
class Scene:
    as_of: date
    rng: random.Random
    users: dict[str, User]
    counts: Counter[str] = field(default_factory=Counter)
    #: worker passes to run, each with what is done right after it (late completions)
    ticks: list[tuple[datetime, list[Callable[[], None]]]] = field(default_factory=list)
    #: the implemented layoff report, whose job fair the programmes part holds
    layoff_fair_report: LayoffReport | None = None
    #: the escalated mass incident, which public opinion is linked to
    incident: Incident | None = None
    #: the small county the member's work makes pass the inspection (``quiet_county``)
    quiet_county: str = ""
    #: cases already given a part to play (not picked again)
    used_cases: set[int] = field(default_factory=set)
    #: ID numbers made up so far (each only once)
    issued: set[str] = field(default_factory=set)

    def day(self, days_before: int) -> date:
        """``as_of`` minus ``days_before`` days (negative: after)."""
        return self.as_of - timedelta(days=days_before)

    def at(self, days_before: int, hour: int = 10, minute: int = 0) -> datetime:
        """A moment of the day ``days_before`` days before ``as_of`` (the bureau's time zone),
        never later than now."""
        moment = day_start(self.day(days_before)) + timedelta(hours=hour, minutes=minute)
        return min(moment, timezone.now())

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def tick_then(self, at: datetime, *after: Callable[[], None]) -> None:
        """Run the worker's pass at ``at`` (after everything is recorded), then ``after``."""
        self.ticks.append((at, list(after)))

    def ticks_in_order(self) -> list[tuple[datetime, list[Callable[[], None]]]]:
        return sorted(self.ticks, key=lambda t: t[0])

    def county_of(self, username: str) -> str:
        region = self.users[username].region_id
        assert region is not None
        return region


# --- picks from the demo city ---------------------------------------------------------------


def counties() -> list[Region]:
    """The counties and functional zones, in the reference order."""
    return list(
        Region.objects.filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.ZONE], active=True
        ).order_by("sort_order", "code")
    )


def flagged_enterprises(code: str) -> list[Enterprise]:
    """Enterprises monitoring flagged with ``code``, highest level first."""
    best: dict[str, int] = {}
    for uscc, level in Flag.objects.filter(
        subject_type=Flag.Subject.ENTERPRISE, code=code
    ).values_list("subject_id", "level"):
        best[uscc] = max(best.get(uscc, 0), level or 0)
    found = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=best)}
    return sorted(found.values(), key=lambda e: (-best[e.uscc], e.uscc))


def key_enterprises() -> list[Enterprise]:
    """Enterprises on the key-concern list (open entries), by credit code."""
    codes = LedgerEntry.objects.filter(
        ledger=LedgerEntry.Ledger.KEY_ENTERPRISE, subject_type=Flag.Subject.ENTERPRISE
    ).values_list("subject_id", flat=True)
    return list(Enterprise.objects.filter(uscc__in=list(codes)).order_by("uscc"))


def enterprises_in(
    county: str, *, exclude: set[str] | frozenset[str] = frozenset(), limit: int = 20
) -> list[Enterprise]:
    """The county's ``limit`` largest enterprises."""
    qs = Enterprise.objects.filter(region__code__startswith=county).exclude(uscc__in=exclude)
    return list(qs.order_by("-employees", "uscc")[:limit])


def open_cases(county: str) -> list[Case]:
    """The county's open cases, oldest registration first."""
    return list(
        Case.objects.filter(grid__code__startswith=county, status__in=OPEN_STATUSES)
        .select_related("person", "grid")
        .order_by("registered_on", "pk")
    )


def pick_cases(
    scene: Scene,
    county: str,
    n: int,
    *,
    on: date,
    training: bool = False,
    keep: bool = False,
    again: bool = False,
) -> list[Case]:
    """``n`` open cases of ``county`` whose status dates from ``on`` or before (so a change on
    ``on`` is not earlier than it), not yet used; ``training``: those willing to train first;
    ``keep``: they may still be picked for something else; ``again``: when too few are left,
    then those already used whose part left them open (a course completed, a fair attended)."""
    cases = [c for c in open_cases(county) if c.status_on <= on]
    cases.sort(key=lambda c: c.pk in scene.used_cases)  # stable: the unused first
    if not again:
        cases = [c for c in cases if c.pk not in scene.used_cases]
    if training:
        cases.sort(key=lambda c: c.wants_training is not True)
    chosen = cases[:n]
    if not keep:
        scene.used_cases.update(c.pk for c in chosen)
    return chosen


def quiet_county(scene: Scene) -> str:
    """The county with the fewest open cases (at least one) that neither the county officers
    nor a layoff report works in: the member's county to bring up to standard."""
    taken = {scene.county_of("baofeng"), scene.county_of("yexian")}
    taken |= {str(code)[:6] for code in LayoffReport.objects.values_list("region_id", flat=True)}
    sizes = [(len(open_cases(c.code)), c.code) for c in counties() if c.code not in taken]
    sizes = [s for s in sizes if s[0] > 0]
    return min(sizes)[1] if sizes else ""


# --- made-up people (roster rows, representatives) -----------------------------------------

_SURNAMES = list(ZhPersonNames.last_names)[:60]
_GIVEN = {
    True: [n for n in ZhPersonNames.first_names_male if len(n) == 2][:80],
    False: [n for n in ZhPersonNames.first_names_female if len(n) == 2][:80],
}


def made_up_person(
    scene: Scene, county: str, *, ages: tuple[int, int] = (26, 42)
) -> dict[str, str]:
    """A name, a valid resident ID number of ``county`` not yet in the registry, and a mobile."""
    rng = scene.rng
    male = rng.random() < 0.55
    while True:
        age = rng.randint(*ages)
        birth = date(scene.as_of.year - age, rng.randint(1, 12), rng.randint(1, 28))
        sequence = rng.randrange(500) * 2 + (1 if male else 0)
        id_number = make_resident_id(county, birth, sequence)
        if (
            id_number not in scene.issued
            and not Person.objects.filter(id_number=id_number).exists()
        ):
            scene.issued.add(id_number)
            break
    return {
        "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN[male]),
        "id_number": id_number,
        "phone": f"13{rng.randint(0, 9)}{rng.randrange(10**8):08d}",
    }
