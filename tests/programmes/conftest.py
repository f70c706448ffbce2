"""Fixtures of the programme tests: persons and enterprises in 宝丰县 (own county, inside the
county users' grid) and 叶县 (other county)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id, make_uscc
from wenjiuye.core.roles import Role
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.response.models import LayoffReport


@pytest.fixture
def people(regions) -> dict[str, list[Person]]:
    """Five persons in the own grid (宝丰县) and two in the other county (叶县)."""

    def make_person(region_code: str, serial: int) -> Person:
        return Person.objects.create(
            id_number=make_id(region_code[:6], "19800101", serial),
            name=f"学员{serial}",
            gender="F",
            birth_date=date(1980, 1, 1),
            region_id=region_code,
            phone=f"13900000{serial:03d}",
        )

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
