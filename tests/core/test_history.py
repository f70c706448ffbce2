"""Change histories read as sentences, never as Python dicts (core.history)."""

from __future__ import annotations

import pytest

from tests.factories import OWN_COUNTY, make_user
from wenjiuye.core.history import event_sentences
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db


def _event(object_type: str, changes: dict, action: str = "update") -> Event:
    return Event(action=action, object_type=object_type, object_id="1", changes=changes)


def test_choices_codes_and_levels_are_named(regions) -> None:
    e = _event(
        "monitoring.ledgerentry",
        {
            "status": ["open", "following_up"],
            "reasons": [["si_arrears"], ["si_arrears", "layoff_suspected"]],
            "level": [None, 2],
        },
    )
    assert event_sentences(e) == [
        "状态:待处置 → 跟踪处置中",
        "原因:欠缴社保 → 欠缴社保、疑似规模裁员",
        "预警级别:空 → Ⅱ级(橙色)",
    ]


def test_users_regions_booleans_and_json_objects(regions) -> None:
    officer = make_user(
        "officer-h", Role.COUNTY_OFFICER, OWN_COUNTY, first_name="小明", last_name="王"
    )
    e = _event(
        "core.user",
        {
            "region": [None, OWN_COUNTY],
            "is_active": [True, False],
            "unknown_blob": [{"decrease_k": 3}, None],
        },
    )
    sentences = event_sentences(e)
    assert sentences[0] == "管辖范围:空 → 宝丰县"
    assert sentences[1].endswith("是 → 否")
    assert sentences[2] == "其他信息:(1 项内容) → 空"
    assert all("{" not in s and "None" not in s and "decrease_k" not in s for s in sentences)
    ledger = _event("monitoring.ledgerentry", {"contact": [None, officer.pk]})
    assert event_sentences(ledger) == ["对接联系人:空 → 王小明"]


def test_a_create_event_has_no_sentences() -> None:
    assert event_sentences(_event("core.user", {"username": [None, "x"]}, action="create")) == []


def test_a_many_to_many_change_names_each_linked_record(regions) -> None:
    """A work group's units, a pair's persons: a list of keys, never a 500 or a repr."""
    from wenjiuye.core.models import Unit  # noqa: PLC0415

    a = Unit.objects.create(name="就业促进科", kind=Unit.Kind.SECTION, region_id="410400")
    b = Unit.objects.create(name="失业保险科", kind=Unit.Kind.SECTION, region_id="410400")
    e = _event("core.workgroup", {"office_units": [[a.pk], [a.pk, b.pk]]})
    assert event_sentences(e) == ["负责日常工作的单位:就业促进科 → 就业促进科、失业保险科"]
    assert event_sentences(_event("core.workgroup", {"office_units": [[], [b.pk]]})) == [
        "负责日常工作的单位:空 → 失业保险科"
    ]
