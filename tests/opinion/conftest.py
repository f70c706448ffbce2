"""Fixtures for public opinion: a few registry enterprises."""

from __future__ import annotations

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_uscc
from wenjiuye.registry.models import Enterprise


@pytest.fixture
def enterprises(regions):
    return {
        "hongda": Enterprise.objects.create(
            uscc=make_uscc(OWN_COUNTY, 11), name="宝丰县宏达机械制造有限公司", region_id=OWN_COUNTY
        ),
        "yexian": Enterprise.objects.create(
            uscc=make_uscc(OTHER_COUNTY, 12), name="叶县盐化股份有限公司", region_id=OTHER_COUNTY
        ),
    }
