"""The filters lists share (core.listing) and the policy citation filter (|cite)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY
from wenjiuye.core.listing import county_choices, county_filter, month_filter
from wenjiuye.core.models import PolicyParameter, Region
from wenjiuye.core.roles import Role
from wenjiuye.core.templatetags.wenjiuye import cite

pytestmark = pytest.mark.django_db


def test_county_choices_follow_the_scope(users):
    city = dict(county_choices(users[Role.CITY_OFFICE]))
    assert city[OWN_COUNTY] == "宝丰县" and city[OTHER_COUNTY] == "叶县"
    assert "410400" not in city  # the city itself is not a county
    assert county_choices(users[Role.COUNTY_OFFICER]) == [(OWN_COUNTY, "宝丰县")]
    # a township grid worker: their county, the only one their rows lie in
    assert county_choices(users[Role.GRID_WORKER]) == [(OWN_COUNTY, "宝丰县")]
    assert dict(county_choices(users[Role.AUDITOR])) == city  # no region: everywhere


def test_county_and_month_filters_narrow(users):
    qs = Region.objects.all()
    office = users[Role.CITY_OFFICE]
    inside = county_filter("code").apply(qs, OWN_COUNTY, office)
    assert set(inside.values_list("code", flat=True)) == {OWN_COUNTY, "410421100"}
    params = PolicyParameter.objects.all()
    month = month_filter("effective_from")
    PolicyParameter.objects.create(
        key="t.k", label="测试", value=1, effective_from=date(2023, 3, 9), clause="T",
        source="测试", source_text="测试",
    )  # fmt: skip
    assert month.apply(params, "202303", office).count() == 1
    assert month.apply(params, "202304", office).count() == 0


def test_cite_names_the_parameter_with_its_clause_and_source(policy):
    c = {
        "key": "layoff.report_city.due_hours",
        "value": 2,
        "unit": "小时",
        "clause": "E4",
        "source": "产品默认值(可调整)",
    }
    text = cite(c)
    assert text.startswith("一次性裁员超过200人时县(市、区)向市局报告的时限")
    assert text.endswith(":2 小时(E4;产品默认值(可调整))")
    assert "layoff." not in text
    assert cite({**c, "value": [60, 30], "unit": "分钟"}).split(":")[-1].startswith("60、30 分钟")
    assert ":50%" in cite({**c, "value": 0.5, "unit": "比例"})
    assert "未登记(no.such_key)" in cite({**c, "key": "no.such_key"})
