"""Fixtures for the response app: policy loaded, enterprises in two counties, roster files."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id, make_uscc, make_user
from wenjiuye.core.reference import packaged_policy_files
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.roles import Role
from wenjiuye.registry.models import Enterprise
from wenjiuye.response import services
from wenjiuye.response.models import LayoffReport

HEADER = [
    "姓名",
    "公民身份号码",
    "手机号",
    "劳动合同类型",
    "入职日期",
    "月平均工资",
    "家庭无其他就业人员",
    "有需要扶养的老人或者未成年人",
]


def load_policy() -> None:
    """Every packaged policy file (the parameters the calculators and services read)."""
    for path in packaged_policy_files():
        policy_load(path=path)


@pytest.fixture
def world(users, settings, tmp_path):
    """Policy and reference data, one enterprise in 宝丰县 (registered in a township) and one in 叶县."""
    load_policy()
    settings.MEDIA_ROOT = tmp_path / "media"
    own = Enterprise.objects.create(
        uscc=make_uscc(OWN_COUNTY, 1), name="宝丰机械厂", region_id=OWN_GRID, employees=1000
    )
    other = Enterprise.objects.create(
        uscc=make_uscc(OTHER_COUNTY, 2), name="叶县纺织厂", region_id=OTHER_COUNTY, employees=300
    )
    return {"users": users, "own": own, "other": other}


@pytest.fixture
def officer(world):
    return world["users"][Role.COUNTY_OFFICER]


@pytest.fixture
def office(world):
    return world["users"][Role.CITY_OFFICE]


@pytest.fixture
def reviewer(world):
    """A second officer of the same county: nobody reviews their own report."""
    return make_user("baofeng-review", Role.COUNTY_OFFICER, OWN_COUNTY)


def worker_rows(n: int, *, start: int = 1) -> list[list[str]]:
    rows = []
    for i in range(start, start + n):
        contract = (
            {0: "固定期限", 1: "较长期限的固定期限", 2: "无固定期限"}[i % 3]
            if i <= 3
            else "固定期限"
        )
        rows.append(
            [
                f"职工{i}",
                make_id(OWN_COUNTY, "19850101", i),
                f"138{i:08d}",
                contract,
                "2010-03-01",
                "5000",
                "是" if i == 4 else "否",
                "是" if i == 4 else "否",
            ]
        )
    return rows


def roster_csv(rows: list[list[str]], *, encoding: str = "utf-8", header=HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def make_report(actor, enterprise, **overrides) -> LayoffReport:
    impl = timezone.localdate() + timedelta(days=45)
    values = {
        "total_employees": 1000,
        "planned_layoffs": 201,
        "situation": LayoffReport.Situation.DIFFICULTY,
        "planned_implementation_on": impl,
        "explained_on": impl - timedelta(days=30),
        "reported_on": timezone.localdate(),
        "union_opinion": "工会同意",
        "local_average_wage": Decimal("6000"),
    } | overrides
    return services.layoff_create(actor=actor, enterprise=enterprise, **values)
