"""Fixtures of the assistance tests: persons."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import OWN_GRID, make_id
from wenjiuye.registry.models import Person


@pytest.fixture
def make_person(regions):
    def make(serial: int, *, birth: str = "19800101", region: str = OWN_GRID, **extra) -> Person:
        return Person.objects.create(
            id_number=make_id(region[:6], birth, serial),
            name=f"测试{serial}",
            gender="M" if serial % 2 else "F",
            birth_date=date(int(birth[:4]), int(birth[4:6]), int(birth[6:])),
            region_id=region,
            phone=f"139{serial:08d}",
            **extra,
        )

    return make
