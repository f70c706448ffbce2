"""Fixtures of the programme tests: the programmes' policy file, persons and enterprises in
宝丰县 (own county, inside the county users' grid) and 叶县 (other county)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id, make_uscc
from wenjiuye.core.models import Region
from wenjiuye.core.reference import PACKAGED_POLICY_DIR
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role
from wenjiuye.programmes import services
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.response.models import LayoffReport


@pytest.fixture
def policy(db):
    return policy_load(path=PACKAGED_POLICY_DIR / "programmes.json")


def make_person(region_code: str, serial: int, name: str = "") -> Person:
    return Person.objects.create(
        id_number=make_id(region_code[:6], "19800101", serial),
        name=name or f"学员{serial}",
        gender="F",
        birth_date=date(1980, 1, 1),
        region_id=region_code,
        phone=f"13900000{serial:03d}",
    )


@pytest.fixture
def people(regions) -> dict[str, list[Person]]:
    """Five persons in the own grid (宝丰县) and two in the other county (叶县)."""
    return {
        "own": [make_person(OWN_GRID, i) for i in range(1, 6)],
        "other": [make_person(OTHER_COUNTY, i) for i in range(50, 52)],
    }


@pytest.fixture
def enterprises(regions) -> dict[str, Enterprise]:
    return {
        "own": Enterprise.objects.create(
            uscc=make_uscc(OWN_COUNTY, 11), name="宝丰测试家政公司", region_id=OWN_COUNTY
        ),
        "other": Enterprise.objects.create(
            uscc=make_uscc(OTHER_COUNTY, 12), name="叶县测试食品厂", region_id=OTHER_COUNTY
        ),
    }


@pytest.fixture
def layoff_reports(enterprises, users) -> dict[str, LayoffReport]:
    """A layoff report in each county (records only: the response app's rules are not under test)."""

    def report(enterprise: Enterprise) -> LayoffReport:
        return LayoffReport.objects.create(
            enterprise=enterprise,
            region_id=enterprise.region_id,
            total_employees=500,
            planned_layoffs=60,
            situation=LayoffReport.Situation.DIFFICULTY,
            planned_implementation_on=date(2023, 6, 1),
            local_average_wage=6000,
            created_by=users[Role.CITY_OFFICE],
        )

    return {"own": report(enterprises["own"]), "other": report(enterprises["other"])}


@pytest.fixture
def officer(users):
    return users[Role.COUNTY_OFFICER]


def own_region() -> Region:
    return Region.objects.get(code=OWN_COUNTY)


def other_region() -> Region:
    return Region.objects.get(code=OTHER_COUNTY)


def make_course(
    actor,
    *,
    region=None,
    capacity=3,
    starts=date(2023, 3, 1),
    ends=date(2023, 3, 31),
    kind="skills_upgrade",
    subtype="elderly_care",
):
    return services.course_create(
        actor=actor,
        title="养老护理员培训班",
        kind=kind,
        subtype=subtype,
        provider="宝丰县职业培训学校",
        region=region or own_region(),
        starts_on=starts,
        ends_on=ends,
        hours=120,
        capacity=capacity,
    )
