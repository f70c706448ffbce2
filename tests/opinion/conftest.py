"""Fixtures for public opinion: policy parameters and a few registry enterprises."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import OTHER_COUNTY, OWN_COUNTY, make_uscc
from wenjiuye.core.reference import packaged_policy_files
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.registry.models import Enterprise

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2023, 3, 1, 9, 0, tzinfo=TZ)


@pytest.fixture
def policy(db):
    for path in packaged_policy_files():
        policy_load(path=path)


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
