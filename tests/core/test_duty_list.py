"""The duty roster's list page (/duty/): who is on duty now, the shifts with their filters (work
group, state, month, name), pages, the .xlsx download (duty phones masked unless the user may
see personal data, and then the download is audited), people by name and unit, parameters by
name, and the create link for writers only. The world is ``test_duty_views``'s."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.core.test_duty_views import (
    ADMIN,
    COUNTY,
    GRID,
    LEADER,
    OFFICE,
    OTHER,
    OWN,
    PHONES,
    _shift,
    build_world,
    client_for,
    text,
)
from tests.factories import OTHER_COUNTY, TZ, rolled_back_world
from tests.raw_codes import raw_codes
from wenjiuye.core.identifiers import mask_phone
from wenjiuye.core.models import DutyShift, Event

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    yield from rolled_back_world(django_db_blocker, build_world)


def listed(body: str) -> list[int]:
    """The shifts of the list table, in order."""
    table = body.split('data-testid="duty-shifts"', 1)[1].split("</table>", 1)[0]
    return [int(part.split("/", 1)[0]) for part in table.split('href="/duty/')[1:]]


@pytest.fixture
def shifts(world):
    now = timezone.now()
    return {
        "running": world["running"][OWN],
        "upcoming": _shift(world, OWN, now + timedelta(days=2)),
        "pending": _shift(world, OWN, now - timedelta(days=3)),
        "handed": _shift(world, OWN, now - timedelta(days=5)),
    }


def test_who_is_on_duty_now_by_name_and_unit(world, shifts):
    body = text(client_for(world["users"][COUNTY]).get("/duty/"))
    now_table = body.split('data-testid="duty-now"')[1].split("</table>")[0]
    assert 'data-testid="on-duty-now"' in now_table and "账号 baofeng" in now_table
    assert "own专班" in now_table and "other专班" not in now_table
    assert "依据:值班表中一个班次的最长时长 24 小时(O2," in body
    assert raw_codes(body.split("<main", 1)[1]) == []


def test_says_when_nobody_is_on_duty(world):
    DutyShift.objects.filter(pk=world["running"][OTHER].pk).delete()
    body = text(client_for(world["users"][OFFICE]).get("/duty/"))
    rows = body.split('data-testid="duty-now-row"')
    other_row = next(r for r in rows if "other专班" in r)
    assert "当前无人值班" in other_row


def test_shifts_newest_first_with_their_state(world, shifts):
    shifts["handed"].handed_over_to = world["takers"][OWN]
    shifts["handed"].handover_notes = "交接完毕"
    shifts["handed"].save()
    body = text(client_for(world["users"][COUNTY]).get("/duty/"))
    order = ["upcoming", "running", "pending", "handed"]
    assert listed(body) == [shifts[k].pk for k in order]
    states = [
        re.sub(r"<[^>]+>", "", cell.split("</td>", 1)[0])
        for cell in body.split('data-testid="duty-state">')[1:]
    ]
    assert states == ["未开始", "值班中", "已结束未交接", "已交接"]


@pytest.mark.parametrize("state", ["upcoming", "now", "pending", "handed"])
def test_the_state_filter_narrows(world, shifts, state):
    shifts["handed"].handed_over_to = world["takers"][OWN]
    shifts["handed"].save()
    key = {"now": "running"}.get(state, state)
    body = text(client_for(world["users"][COUNTY]).get("/duty/", {"state": state}))
    assert listed(body) == [shifts[key].pk]


def test_work_group_month_and_name_filters(world, shifts):
    client = client_for(world["users"][OFFICE])
    other = text(client.get("/duty/", {"county": OTHER_COUNTY}))
    assert listed(other) == [world["running"][OTHER].pk]
    now_table = other.split('data-testid="duty-now"')[1].split("</table>")[0]
    assert "other专班" in now_table and "own专班" not in now_table
    month = timezone.localtime(shifts["upcoming"].starts_at).strftime("%Y%m")
    in_month = listed(text(client.get("/duty/", {"month": month, "county": "410421"})))
    assert shifts["upcoming"].pk in in_month
    assert all(
        timezone.localtime(DutyShift.objects.get(pk=pk).starts_at).strftime("%Y%m") == month
        for pk in in_month
    )
    by_name = listed(text(client.get("/duty/", {"q": "yexian"})))
    assert by_name == [world["running"][OTHER].pk]


@pytest.mark.parametrize(
    "params",
    [{"county": "999999"}, {"state": "sleeping"}, {"month": "2024"}, {"sort": "phone"}],
)
def test_a_bad_filter_is_a_400(world, params):
    response = client_for(world["users"][OFFICE]).get("/duty/", params)
    assert response.status_code == 400 and 'data-testid="error-400"' in text(response)


def test_a_county_officer_cannot_look_at_another_county_through_the_filter(world):
    client = client_for(world["users"][COUNTY])
    assert client.get("/duty/", {"county": OTHER_COUNTY}).status_code == 400
    assert client.get(f"/api/duty/shifts?county={OTHER_COUNTY}").json() == []


def test_pages_keep_the_filters(world):
    start = timezone.now() + timedelta(days=30)
    made = [_shift(world, OWN, start + timedelta(hours=8 * i)) for i in range(52)]
    client = client_for(world["users"][OFFICE])
    body = text(client.get("/duty/", {"state": "upcoming"}))
    assert "共 52 条" in body and len(listed(body)) == 50
    assert 'href="?state=upcoming&amp;page=2"' in body
    second = text(client.get("/duty/", {"state": "upcoming", "page": "2"}))
    assert listed(second) == [made[1].pk, made[0].pk]


def _sheet(response):
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_download_masks_phones_for_who_may_not_see_them(world):
    before = Event.objects.filter(action=Event.Action.EXPORT).count()
    header, rows = _sheet(client_for(world["users"][LEADER]).get("/duty/", {"format": "xlsx"}))
    assert header == (
        "工作专班",
        "开始时间",
        "结束时间",
        "状态",
        "值班人",
        "值班电话",
        "接班人",
        "交接班记录",
    )
    assert sorted(r["值班电话"] for r in rows) == sorted(mask_phone(p) for p in PHONES.values())
    assert {r["状态"] for r in rows} == {"值班中"} and "账号 baofeng" in {r["值班人"] for r in rows}
    running = world["running"][OWN]
    own = next(r for r in rows if r["工作专班"] == "own专班")
    assert own["开始时间"].strftime("%H:%M") == running.starts_at.astimezone(TZ).strftime("%H:%M")
    export = Event.objects.filter(action=Event.Action.EXPORT)
    assert export.count() == before + 1 and export.first().changes["unmasked"] is False


def test_the_download_of_a_county_officer_is_their_county_unmasked_and_audited(world):
    officer = world["users"][COUNTY]
    header, rows = _sheet(client_for(officer).get("/duty/", {"format": "xlsx", "state": "now"}))
    assert [r["工作专班"] for r in rows] == ["own专班"] and rows[0]["值班电话"] == PHONES[OWN]
    export = Event.objects.filter(action=Event.Action.EXPORT).first()
    assert (export.actor, export.changes["unmasked"]) == (officer, True)


@pytest.mark.parametrize(("role", "shown"), [(OFFICE, True), (ADMIN, True), (LEADER, False)])
def test_the_create_link_is_for_writers_only(world, role, shown):
    body = text(client_for(world["users"][role]).get("/duty/"))
    assert ('data-testid="duty-create-link"' in body) is shown
    if not shown:
        assert client_for(world["users"][role]).get("/duty/new/").status_code == 403


def test_the_grid_worker_sees_no_roster_and_no_create_link(world):
    body = text(client_for(world["users"][GRID]).get("/duty/"))
    assert 'data-testid="duty-create-link"' not in body and listed(body) == []


def test_the_create_form_names_people_and_the_parameter(world):
    body = text(client_for(world["users"][COUNTY]).get("/duty/new/"))
    assert "账号 baofeng2 · 宝丰县" in body and "· 410421<" not in body
    assert "值班表中一个班次的最长时长" in body and "duty.shift.max_hours" not in body
