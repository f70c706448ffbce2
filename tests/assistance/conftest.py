"""Fixtures of the assistance tests: the packaged policy parameters, a grid worker, persons."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import OWN_GRID, make_id
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.reference import packaged_policy_files
from wenjiuye.registry.models import Person


@pytest.fixture
def policies(db):
    """Every packaged policy parameter (bulk-inserted: the loader itself is tested in tests/core)."""
    rows = []
    for path in packaged_policy_files():
        for p in json.loads(path.read_text(encoding="utf-8"))["parameters"]:
            rows.append(
                PolicyParameter(
                    **{**p, "effective_from": date.fromisoformat(p["effective_from"])},
                )
            )
            if p["effective_to"]:
                rows[-1].effective_to = date.fromisoformat(p["effective_to"])
    PolicyParameter.objects.bulk_create(rows)


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
