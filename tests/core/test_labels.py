"""The one registry of Chinese names (core.labels) and the kinds the apps register: regions,
users, reasons, levels, periods and GB/T 4754-2017 industries."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template

from tests.factories import CITY_DIR, make_user
from wenjiuye.core import labels
from wenjiuye.core.data import gbt4754
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role

# --- the registry itself ----------------------------------------------------------------------


@pytest.fixture
def kind():
    """A throw-away kind, removed afterwards (the registry is process-wide)."""
    name = "test-kind"
    yield name
    labels._SOURCES.pop(name, None)


def test_sources_are_asked_in_order_and_the_first_name_wins(kind):
    labels.register(kind, {"a": "甲"})
    labels.register(kind, lambda code: "乙" if code in ("a", "b") else None)
    assert labels.label(kind, "a") == "甲" and labels.label(kind, "b") == "乙"
    assert labels.known(kind, "b") and not labels.known(kind, "c")
    assert kind in labels.kinds()


def test_registering_the_same_source_twice_keeps_one(kind):
    source = {"a": "甲"}
    labels.register(kind, source)
    labels.register(kind, source)
    assert labels._SOURCES[kind] == [source]


def test_unknown_codes_are_visibly_unregistered_and_empty_values_a_dash(kind):
    labels.register(kind, {"a": "甲"})
    assert labels.label(kind, "zz") == "未登记(zz)"
    assert labels.label("no-such-kind", "a") == "未登记(a)"
    assert labels.label(kind, None) == "—" and labels.label(kind, "") == "—"


def test_a_mapping_answers_numbers_by_their_text_too(kind):
    labels.register(kind, {"1": "一"})
    assert labels.label(kind, 1) == "一"
    assert labels.labels(kind, [1, "1", "x"]) == ["一", "一", "未登记(x)"]
    assert labels.labels(kind, None) == []


def test_template_filters(kind):
    labels.register(kind, {"a": "甲", "b": "乙"})
    html = Template(
        "{% load wenjiuye %}{{ code|label:kind }}|{% for n in codes|labels:kind %}{{ n }},{% endfor %}"
    ).render(Context({"code": "a", "codes": ["b", "a"], "kind": kind}))
    assert html == "甲|乙,甲,"


# --- the kinds core registers ------------------------------------------------------------------


def test_regions_by_name_and_renamed_at_once(regions):
    assert labels.label("region", "410421") == "宝丰县"
    assert labels.label("region", "410400") == "平顶山市"
    assert labels.label("region", "999999") == "未登记(999999)"
    region = Region.objects.get(code="410421")
    region.name = "宝丰县(改)"
    region.save()  # a save drops the cache
    assert labels.label("region", "410421") == "宝丰县(改)"


def test_an_unlisted_township_or_village_by_the_division_it_lies_in(regions):
    assert labels.label("region", "410423104203") == "鲁山县"  # a monitoring point's village
    assert labels.label("region", "410421100777") == "测试街道"  # the nearest listed one
    assert labels.label("region", "419999104203") == "未登记(419999104203)"


def test_users_by_display_name_never_the_login_name(regions):
    make_user("zhangsan", Role.COUNTY_OFFICER, "410421")
    name = labels.label("user", "zhangsan")
    assert name != "zhangsan" and "未登记" not in name
    assert labels.label("user", "nobody") == "未登记(nobody)"


def test_roles(db):
    assert labels.label("role", Role.COUNTY_OFFICER) == str(Role.COUNTY_OFFICER.label)


# --- the kinds monitoring registers ---------------------------------------------------------


def test_flag_reasons_and_the_ledgers_other_reasons(db):
    assert labels.label("reason", "layoff_suspected") == "疑似规模裁员"
    assert labels.label("reason", "si_arrears") == "欠缴社保"
    assert labels.label("reason", "registered_unemployed") == "失业登记"
    assert labels.label("reason", "returned_unemployed") == "返乡未就业"
    assert labels.label("reason", "manual:走访发现经营困难") == "走访发现经营困难(人工录入)"
    assert labels.label("reason", "群体性事件") == "群体性事件"  # cited by incidents in Chinese
    assert labels.label("reason", "no_such_code") == "未登记(no_such_code)"


def test_levels_and_periods(db):
    assert labels.label("level", 1) == "Ⅰ级(红色)"
    assert labels.label("level", "4") == "Ⅳ级(蓝色)"
    assert labels.label("level", None) == "—"
    assert labels.label("period", "202203") == "2022年03月"
    assert labels.label("period", "2022-03") == "未登记(2022-03)"


# --- GB/T 4754-2017 industries (registered by registry) ---------------------------------------

SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}  # fmt: skip  (the standard's 门类 and the 大类 each holds)


def test_the_table_has_the_structure_of_the_standard():
    rows = gbt4754.table().values()
    sections = {r.code: r for r in rows if r.level == "section"}
    divisions = {r.code: r for r in rows if r.level == "division"}
    assert sorted(sections) == sorted(SECTION_RANGES)  # 20 门类
    assert sorted(divisions) == [f"{n:02d}" for n in range(1, 98)]  # 97 大类, no gaps
    for code, division in divisions.items():
        lo, hi = SECTION_RANGES[division.parent]
        assert lo <= int(code) <= hi, code
    for row in rows:
        if row.level == "class":
            assert len(row.code) == 4 and row.parent == row.code[:2] and row.name
    assert {r.level for r in rows} <= set(gbt4754.LEVELS)
    assert divisions["31"].name == "黑色金属冶炼和压延加工业"
    assert sections["C"].name == "制造业"


def test_every_industry_of_the_demo_city_is_named_as_its_profile_names_it():
    profile = json.loads((CITY_DIR / "demo_profile.json").read_text(encoding="utf-8"))
    for code, industry in profile["industries"].items():
        assert gbt4754.table()[code].name == industry["name"], code


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("3120", "炼钢(3120)"),
        ("3089", "耐火陶瓷制品及其他耐火材料制造(3089)"),
        ("2521", "炼焦(2521)"),
        ("4710", "房屋建筑业(4710)"),
        ("3823", "配电开关控制设备制造(3823)"),
        ("C3120", "炼钢(3120)"),  # written with its section letter
        (" 3120 ", "炼钢(3120)"),
        ("3199", "黑色金属冶炼和压延加工业(3199)"),  # a class not listed: its division
        ("312", "黑色金属冶炼和压延加工业(312)"),
        ("31", "黑色金属冶炼和压延加工业(31)"),
        ("C", "制造业(C)"),
        ("9899", "未登记(9899)"),  # no division 98
        ("炼钢", "未登记(炼钢)"),
        ("", "—"),
    ],
)
def test_industry_labels(db, code, name):
    assert labels.label("industry", code) == name


def test_industry_helpers():
    assert gbt4754.division_of("C3120") == "31" and gbt4754.division_of("x") == ""
    assert gbt4754.section_of("3120") == "C" and gbt4754.section_of("0141") == "A"
    assert gbt4754.section_of("") == ""
