"""The label kinds and helpers added for core's, deadlines' and notify's pages: audit object
types, deadline kinds and states, message kinds, policy values in words, a name missed in a stale
cache, and the date filter of core.listing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from wenjiuye.core import labels
from wenjiuye.core.errors import DomainError
from wenjiuye.core.listing import Column, Filter, ListSpec, listing
from wenjiuye.core.models import PolicyParameter, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("response.layoffreport", "规模裁员报告"),
        ("core.policyparameter", "政策参数"),
        ("deadlines.deadline", "时限事项"),
        ("monitoring.export", "监测预警"),  # no such model: the app's name
        ("list.label-kinds-test", "列表下载:测试清单"),
        ("list.never-declared", "列表下载"),
    ],
)
def test_object_types_by_name(code, name):
    ListSpec(name="label-kinds-test", title="测试清单", columns=[Column("甲", str)])
    assert labels.label("object_type", code) == name


def test_unknown_object_types_stay_visibly_unknown():
    assert labels.label("object_type", "nowhere.thing") == "未登记(nowhere.thing)"
    assert labels.label("object_type", "axes.accessattempt") == "未登记(axes.accessattempt)"


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("assistance.contact", "联系失业人员"),
        ("incident.report", "报告群体性事件"),
        ("layoff.report_city", "向市人社局报告规模裁员"),
    ],
)
def test_deadline_kinds_by_name(code, name):
    assert labels.label("deadline_kind", code) == name


def test_deadline_kind_families():
    from wenjiuye.deadlines.selectors import kind_family  # noqa: PLC0415

    assert kind_family("assistance.contact#12") == "assistance.contact"
    assert kind_family("assistance.one_week@2024-05-01") == "assistance.one_week"
    assert kind_family("assistance.follow_up.6m@2024-05-01") == "assistance.follow_up"
    assert kind_family("incident.report:市委") == "incident.report"
    assert kind_family("layoff.report_city") == "layoff.report_city"


def test_message_kinds_by_name():
    assert labels.label("notification_kind", "other") == "其他消息"
    assert labels.label("notification_kind", "deadlines.deadlinestep") == "提醒与督办"
    assert labels.label("notification_kind", "matching.push") == "岗位推送"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (24, "小时", "24 小时"),
        (0.9, "比例", "90%"),
        (0.035, "比例", "3.5%"),
        ([1440, 120], "分钟", "1440、120 分钟"),
        ([["小学"], ["高中", "中专"]], "等级", "小学、高中/中专 等级"),
        (
            [{"tier": "general", "label": "一般帮扶"}, {"tier": "x", "label": "重点帮扶"}],
            "",
            "一般帮扶、重点帮扶",
        ),
        ([{"after_minutes": 0, "to": "county"}], "分钟", "共 1 项设置(见原文)"),
        ({"contact": {"reminders": [1]}, "one_week": {}}, "分钟", "共 2 项设置(见原文)"),
        (True, "", "是"),
        (None, "", "—"),
    ],
)
def test_policy_values_in_words(value, unit, shown):
    assert labels.policy_value(value, unit) == shown


def test_a_name_missed_in_a_stale_cache_is_looked_up_once_more(users):
    assert labels.label("region", "410421") == "宝丰县"  # the cache is built
    Region.objects.bulk_create([Region(code="410499", name="新设区", level="county")])
    assert labels.label("region", "410499") == "新设区"  # no save signal: found by the rebuild
    PolicyParameter.objects.bulk_create(
        [
            PolicyParameter(
                key="test.bulk",
                label="批量载入的参数",
                value=1,
                effective_from="2020-01-01",
                clause="O2",
                source="测试",
                source_text="测试",
            )
        ]
    )
    assert labels.label("policy", "test.bulk") == "批量载入的参数"


def test_the_date_filter_refuses_what_is_not_a_day(users):
    spec = ListSpec(
        name="date-test",
        title="日期",
        columns=[],
        filters=[Filter("on", "在该日", lambda qs, v: qs, kind="date")],
    )
    request = RequestFactory().get("/", {"on": "2024-02-30"})
    request.user = users["city_office"]
    with pytest.raises(DomainError, match="在该日应为 YYYY-MM-DD 格式的日期"):
        listing(request, Region.objects.all(), spec)
    request = RequestFactory().get("/", {"on": "2024-02-29"})
    request.user = users["city_office"]
    assert listing(request, Region.objects.all(), spec).active == {"on": "2024-02-29"}
