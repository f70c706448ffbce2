"""The demo city's persons: ID numbers, names, sex, birth, home county, origin, insured months."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker.providers.person.zh_CN import Provider as ZhPersonNames

from wenjiuye.demo.identity import make_resident_id
from wenjiuye.demo.profile import CityProfile
from wenjiuye.demo.sampling import cumulative


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
        self._surname_cum = cumulative([ZhPersonNames.last_names[n] for n in self._surnames])
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
