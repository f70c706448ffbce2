"""The assistance tiers (``wenjiuye.assistance.tiers``) audited against their source: age from the
ID number, the 40 and 50 bands included (失业人员帮扶预案; "40岁以上" includes 40)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import OWN_GRID, make_id
from wenjiuye.assistance import services
from wenjiuye.assistance.tiers import age_on, case_tier
from wenjiuye.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1982, 10, 1), date(2022, 9, 30), 39),
        (date(1982, 10, 1), date(2022, 10, 1), 40),
        (date(1980, 2, 29), date(2021, 2, 28), 40),
        (date(1980, 2, 29), date(2021, 3, 1), 41),
    ],
)
def test_age_turns_on_the_birthday(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("birth", "tier"),
    [
        ("19821002", "general"),  # 39 on 2022-10-01 (birthday tomorrow)
        ("19821001", "priority"),  # 40 on the birthday: 40岁以上 includes 40
        ("19721002", "priority"),  # 49
        ("19721001", "especially_difficult"),  # 50 on the birthday
    ],
)
def test_tier_age_bands_include_40_and_50(policy, make_person, birth, tier):
    on = date(2022, 10, 1)
    case = services.case_open(
        person=make_person(int(birth[-3:]) % 97 + 1, birth=birth), source="manual", registered_on=on
    )
    assert case_tier(case, on).tier == tier


def test_age_is_read_from_the_id_number(policy, regions):
    """Fixed: the tier used the stored birth date; when it disagrees with the ID number (imports),
    the ID number wins (the rule says 年龄按身份证出生日期计算)."""
    person = Person.objects.create(
        id_number=make_id(OWN_GRID[:6], "19821001", 5),
        name="甲",
        gender="M",
        birth_date=date(1995, 1, 1),  # wrong on purpose
        region_id=OWN_GRID,
        phone="13900000005",
    )
    case = services.case_open(person=person, source="manual", registered_on=date(2022, 10, 1))
    assert case_tier(case, date(2022, 10, 1)).tier == "priority"
    assert case_tier(case, date(2022, 9, 30)).tier == "general"
