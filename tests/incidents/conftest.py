"""Fixtures for mass incidents: a unit to refer demands to, and the own county."""

from __future__ import annotations

import pytest

from tests.factories import OWN_COUNTY
from wenjiuye.core.models import Region, Unit


@pytest.fixture
def unit(regions):
    return Unit.objects.create(
        name="宝丰县劳动保障监察大队", kind=Unit.Kind.COUNTY_BUREAU, region_id=OWN_COUNTY
    )


@pytest.fixture
def county(regions) -> Region:
    return Region.objects.get(pk=OWN_COUNTY)
