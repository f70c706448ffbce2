"""Fixtures for mass incidents: the packaged policy parameters and a unit to refer demands to."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import OWN_COUNTY
from wenjiuye.core.models import Region, Unit
from wenjiuye.core.reference import packaged_policy_files
from wenjiuye.core.reference_policy import policy_load

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2023, 3, 1, 9, 0, tzinfo=TZ)


@pytest.fixture
def policy(db):
    for path in packaged_policy_files():
        policy_load(path=path)


@pytest.fixture
def unit(regions):
    return Unit.objects.create(
        name="宝丰县劳动保障监察大队", kind=Unit.Kind.COUNTY_BUREAU, region_id=OWN_COUNTY
    )


@pytest.fixture
def county(regions) -> Region:
    return Region.objects.get(pk=OWN_COUNTY)
