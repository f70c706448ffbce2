"""The duty roster pages and API (O2): who sees and changes which work group's roster, phone
masking and the audited reveal, and 400 with the reason for invalid input.

The expected table is written by hand from the rules (roles.CAPABILITIES: what a role may do;
scope: a work group is in sight when its region code starts with the user's prefix — city users
4104, the 宝丰县 officer 410421, the grid worker 410421100 (so not even his own county's work
group, which lives at 410421); admin and auditor see all). Places: the work group of 宝丰县
(own), of 叶县 (other) and of the city (410400).

Cells: ``R`` the shift is in the list page and the list API, its detail page and API answer 200
(else absent and 404); ``W`` creating a shift and recording the handover through the page and
through the API succeed, change the database and are audited (else 403 when in sight, 404 when
not, and nothing changes); ``U`` the reveal action — POST /duty/<pk>/reveal/ and POST
/api/duty/shifts/<pk>/reveal — answers 200 with the full duty phone and writes exactly one
``VIEW_UNMASKED`` event naming the shift, and the detail page offers the reveal button (else 403
when in sight, 404 when not, no full phone, no event, no button). Reading (list and detail, page
and API) shows the duty phone masked to every role and never writes an event: the duty phone is
by default the on-duty person's own mobile, so personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import (
    CITY_DIR,
    OTHER_COUNTY,
    OWN_COUNTY,
    OWN_GRID,
    make_user,
    rolled_back_world,
)
from tests.lists import client_for
from wenjiuye.core.identifiers import mask_phone
from wenjiuye.core.models import DutyShift, Event, Region, WorkGroup
from wenjiuye.core.reference import PACKAGED_POLICY_DIR
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.reference_regions import regions_load
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

OFFICE, MEMBER, COUNTY, GRID = (
    Role.CITY_OFFICE,
    Role.GROUP_MEMBER,
    Role.COUNTY_OFFICER,
    Role.GRID_WORKER,
)
LEADER, AUDITOR, ADMIN = Role.LEADER, Role.AUDITOR, Role.ADMIN
OWN, OTHER, CITY = "own", "other", "city"
PLACES = (OWN, OTHER, CITY)
REGION = {OWN: OWN_COUNTY, OTHER: OTHER_COUNTY, CITY: "410400"}

# role → (own county's work group, other county's, the city's)
EXPECTED: dict[str, tuple[str, str, str]] = {
    OFFICE: ("RWU", "RWU", "RWU"),
    MEMBER: ("RW", "RW", "RW"),
    COUNTY: ("RWU", "", ""),
    GRID: ("", "", ""),  # a township grid sees no work group; and grid workers write no roster
    LEADER: ("R", "R", "R"),
    AUDITOR: ("R", "R", "R"),
    ADMIN: ("RWU", "RWU", "RWU"),
}

PHONES = {OWN: "13911110001", OTHER: "13922220002", CITY: "13933330003"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """Everything once per module, rolled back at the end (``factories.rolled_back_world``)."""
    yield from rolled_back_world(django_db_blocker, build_world)


def build_world() -> dict[str, Any]:
    regions_load(path=CITY_DIR / "regions.csv")
    Region.objects.create(code=OWN_GRID, name="测试街道", level="township", parent_id=OWN_COUNTY)
    policy_load(path=PACKAGED_POLICY_DIR / "duty.json")
    users = {
        OFFICE: make_user("office", OFFICE, "410400"),
        MEMBER: make_user("member", MEMBER, "410400"),
        COUNTY: make_user("baofeng", COUNTY, OWN_COUNTY),
        GRID: make_user("grid", GRID, OWN_GRID),
        LEADER: make_user("leader", LEADER, "410400"),
        AUDITOR: make_user("auditor", AUDITOR, None),
        ADMIN: make_user("admin", ADMIN, None, is_staff=True, is_superuser=True),
    }
    on_duty = {
        OWN: users[COUNTY],
        OTHER: make_user("yexian", COUNTY, OTHER_COUNTY),
        CITY: users[OFFICE],
    }
    takers = {
        OWN: make_user("baofeng2", COUNTY, OWN_COUNTY),
        OTHER: make_user("yexian2", COUNTY, OTHER_COUNTY),
        CITY: users[MEMBER],
    }
    groups = {
        place: WorkGroup.objects.create(region_id=REGION[place], name=f"{place}专班")
        for place in PLACES
    }
    now = timezone.now()
    running = {
        place: DutyShift.objects.create(
            work_group=groups[place],
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=11),
            on_duty=on_duty[place],
            phone=PHONES[place],
        )
        for place in PLACES
    }
    return {
        "users": users,
        "on_duty": on_duty,
        "takers": takers,
        "groups": groups,
        "running": running,
    }


def cell(role: str, place: str) -> str:
    return EXPECTED[role][PLACES.index(place)]


def last_event_id() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def new_events(since: int) -> list[Event]:
    """Events after ``since``, without the login that ``force_login`` records."""
    return list(
        Event.objects.filter(pk__gt=since)
        .exclude(action__in=[Event.Action.LOGIN, Event.Action.LOGOUT])
        .order_by("pk")
    )


def text(response: Any) -> str:
    return response.content.decode()


def local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_matrix_covers_every_role():
    assert set(EXPECTED) == set(Role.values)


MATRIX = [(r, p) for r in EXPECTED for p in PLACES]
IDS = [f"{r}-{p}" for r, p in MATRIX]


@pytest.mark.parametrize(("role", "place"), MATRIX, ids=IDS)
def test_read_and_mask(world, role, place):
    shift = world["running"][place]
    may_read = "R" in cell(role, place)
    client = client_for(world["users"][role])
    since = last_event_id()
    raw, masked = PHONES[place], mask_phone(PHONES[place])

    page = client.get("/duty/")
    assert page.status_code == 200
    assert (f'href="/duty/{shift.pk}/"' in text(page)) is may_read
    listed = client.get("/api/duty/shifts")
    assert listed.status_code == 200
    assert (shift.pk in {row["id"] for row in listed.json()}) is may_read
    detail = client.get(f"/duty/{shift.pk}/")
    assert detail.status_code == (200 if may_read else 404)
    detail_api = client.get(f"/api/duty/shifts/{shift.pk}")
    assert detail_api.status_code == (200 if may_read else 404)

    # Reading never shows the full phone, whatever the role; the masked one wherever in sight.
    for name, body in {
        "list page": text(page),
        "list API": text(listed),
        "detail page": text(detail),
        "detail API": text(detail_api),
    }.items():
        assert raw not in body, name
        assert (masked in body) is may_read, name
    if may_read:
        now_table = text(page).split('data-testid="duty-now"')[1].split("</table>")[0]
        assert f'data-testid="duty-phone">{masked}<' in now_table
        shifts = text(page).split('data-testid="duty-shifts"')[1].split("</table>")[0]
        assert f"<td>{masked}</td>" in shifts
        row = next(r for r in listed.json() if r["id"] == shift.pk)
        assert (row["phone"], row["phone_masked"]) == (masked, True)
        assert f'data-testid="duty-phone">{masked} ' in text(detail)
        assert detail_api.json()["phone"] == masked
        assert detail_api.json()["phone_masked"] is True
        assert detail_api.json()["may_reveal"] is ("U" in cell(role, place))
    assert new_events(since) == []


def _reveal(client: Client, shift: DutyShift, via: str) -> Any:
    if via == "page":
        return client.post(f"/duty/{shift.pk}/reveal/")
    return client.post(f"/api/duty/shifts/{shift.pk}/reveal")


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(("role", "place"), MATRIX, ids=IDS)
def test_reveal(world, role, place, via):
    user = world["users"][role]
    shift = world["running"][place]
    may_read, may_unmask = "R" in cell(role, place), "U" in cell(role, place)
    client = client_for(user)
    raw = PHONES[place]
    since = last_event_id()
    response = _reveal(client, shift, via)
    want = 200 if may_unmask else 403 if may_read else 404
    assert response.status_code == want, text(response)[:500]
    assert (raw in text(response)) is may_unmask
    events = new_events(since)
    if not may_unmask:
        assert events == []
        return
    if via == "page":
        assert f'data-testid="duty-phone">{raw} ' in text(response)
        assert 'data-testid="phone-revealed"' in text(response)
        assert 'data-testid="reveal-form"' not in text(response)  # already revealed
    else:
        assert response.json() == {"phone": raw}
    assert [(e.actor_id, e.action, e.object_type, e.object_id, e.region_code) for e in events] == [
        (user.pk, Event.Action.VIEW_UNMASKED, "core.dutyshift", str(shift.pk), REGION[place])
    ]
    # The reveal does not unmask later reads.
    again = client.get(f"/duty/{shift.pk}/")
    assert raw not in text(again) and mask_phone(raw) in text(again)


def test_each_reveal_is_audited_and_a_get_reveals_nothing(world):
    user = world["users"][COUNTY]
    shift = world["running"][OWN]
    client = client_for(user)
    since = last_event_id()
    for via in ("page", "api", "page"):
        assert _reveal(client, shift, via).status_code == 200
    assert [e.action for e in new_events(since)] == [Event.Action.VIEW_UNMASKED] * 3
    since = last_event_id()
    page_get = client.get(f"/duty/{shift.pk}/reveal/")
    api_get = client.get(f"/api/duty/shifts/{shift.pk}/reveal")
    assert page_get.status_code == 405 and api_get.status_code == 405
    assert PHONES[OWN] not in text(page_get) + text(api_get)
    assert new_events(since) == []


def test_reveal_of_a_missing_shift_is_a_404(world):
    client = client_for(world["users"][ADMIN])
    since = last_event_id()
    assert client.post("/duty/999999999/reveal/").status_code == 404
    assert client.post("/api/duty/shifts/999999999/reveal").status_code == 404
    assert new_events(since) == []


def _create_body(world: dict[str, Any], place: str, days: int) -> dict[str, Any]:
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=days)
    return {
        "work_group": world["groups"][place].pk,
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "on_duty": world["on_duty"][place].pk,
    }


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(("role", "place"), MATRIX, ids=IDS)
def test_create(world, role, place, via):
    user = world["users"][role]
    may_read, may_write = "R" in cell(role, place), "W" in cell(role, place)
    client = client_for(user)
    body = _create_body(world, place, days=3)
    before = DutyShift.objects.count()
    since = last_event_id()
    if via == "page":
        form = {
            "work_group": body["work_group"],
            "starts_at": local(body["starts_at"]),
            "ends_at": local(body["ends_at"]),
            "on_duty": body["on_duty"],
            "phone": "0375-2345678",
        }
        response = client.post("/duty/new/", form)
        ok = 302
    else:
        payload = {
            "work_group_id": body["work_group"],
            "starts_at": body["starts_at"].isoformat(),
            "ends_at": body["ends_at"].isoformat(),
            "on_duty_id": body["on_duty"],
            "phone": "0375-2345678",
        }
        response = client.post("/api/duty/shifts", data=payload, content_type="application/json")
        ok = 200
    want = ok if may_write else 403 if may_read else 404
    if via == "page" and not any("W" in c for c in EXPECTED[role]):
        # the new-shift form refuses a role that may write no roster at all before it looks at
        # the work group (the same 403 for every group: nothing is disclosed)
        want = 403
    assert response.status_code == want, text(response)[:500]
    assert DutyShift.objects.count() == before + (1 if may_write else 0)
    events = new_events(since)
    if not may_write:
        assert events == []
        return
    shift = DutyShift.objects.get(work_group=world["groups"][place], starts_at=body["starts_at"])
    assert (shift.on_duty_id, shift.phone) == (body["on_duty"], "0375-2345678")
    assert [(e.actor_id, e.action, e.object_id) for e in events] == [
        (user.pk, Event.Action.CREATE, str(shift.pk))
    ]
    if via == "page":
        assert response["Location"] == f"/duty/{shift.pk}/"
    else:
        assert response.json()["id"] == shift.pk
    assert client.get(f"/duty/{shift.pk}/").status_code == 200  # the creator sees it


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.parametrize(("role", "place"), MATRIX, ids=IDS)
def test_handover(world, role, place, via):
    user = world["users"][role]
    may_read, may_write = "R" in cell(role, place), "W" in cell(role, place)
    shift = world["running"][place]
    taker = world["takers"][place]
    client = client_for(user)
    since = last_event_id()
    if via == "page":
        response = client.post(
            f"/duty/{shift.pk}/handover/", {"handed_over_to": taker.pk, "notes": "交接正常"}
        )
        ok = 302
    else:
        response = client.post(
            f"/api/duty/shifts/{shift.pk}/handover",
            data={"handed_over_to_id": taker.pk, "notes": "交接正常"},
            content_type="application/json",
        )
        ok = 200
    want = ok if may_write else 403 if may_read else 404
    assert response.status_code == want, text(response)[:500]
    fresh = DutyShift.objects.get(pk=shift.pk)
    changed = (fresh.handed_over_to_id, fresh.handover_notes) == (taker.pk, "交接正常")
    assert changed is may_write
    if not changed:
        assert (fresh.handed_over_to_id, fresh.handover_notes) == (None, "")
    events = new_events(since)
    if may_write:
        assert [(e.actor_id, e.action) for e in events] == [(user.pk, Event.Action.UPDATE)]
    else:
        assert events == []


IN_SIGHT = [(r, p) for r, p in MATRIX if "R" in cell(r, p)]


@pytest.mark.parametrize(("role", "place"), IN_SIGHT, ids=[f"{r}-{p}" for r, p in IN_SIGHT])
def test_write_controls_are_shown_only_to_writers(world, role, place):
    may_write = "W" in cell(role, place)
    shift = world["running"][place]
    detail = text(client_for(world["users"][role]).get(f"/duty/{shift.pk}/"))
    assert ('data-testid="handover-form"' in detail) is may_write


@pytest.mark.parametrize(("role", "place"), IN_SIGHT, ids=[f"{r}-{p}" for r, p in IN_SIGHT])
def test_reveal_button_is_shown_only_to_who_may_reveal(world, role, place):
    may_unmask = "U" in cell(role, place)
    shift = world["running"][place]
    detail = text(client_for(world["users"][role]).get(f"/duty/{shift.pk}/"))
    assert ('data-testid="reveal-form"' in detail) is may_unmask
    # CSP: scripts only from files, no inline script, style element or style attribute
    assert not re.search(r"<script(?![^>]*\bsrc=)", detail)
    assert "<style" not in detail and " style=" not in detail
    if may_unmask:
        form = detail.split('data-testid="reveal-form"')[0].rsplit("<form", 1)[1]
        form += detail.split('data-testid="reveal-form"')[1].split("</form>")[0]
        assert 'method="post"' in form and f'action="/duty/{shift.pk}/reveal/"' in form
        assert 'name="csrfmiddlewaretoken"' in form


# --- The list page ------------------------------------------------------------------------


def _shift(world: dict[str, Any], place: str, start: Any, hours: int = 8) -> DutyShift:
    return DutyShift.objects.create(
        work_group=world["groups"][place],
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        on_duty=world["on_duty"][place],
    )


# the list's filters, pages, download and labels: tests/core/test_duty_list.py


# --- Invalid input: 400 with the reason, never 500 -----------------------------------------


def _page_form(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    form = {
        "work_group": body["work_group"],
        "starts_at": local(body["starts_at"]),
        "ends_at": local(body["ends_at"]),
        "on_duty": body["on_duty"],
        "phone": "",
    }
    form.update(changes)
    return form


def _api_payload(body: dict[str, Any], **changes: Any) -> dict[str, Any]:
    payload = {
        "work_group_id": body["work_group"],
        "starts_at": body["starts_at"].isoformat(),
        "ends_at": body["ends_at"].isoformat(),
        "on_duty_id": body["on_duty"],
    }
    payload.update(changes)
    return payload


def test_invalid_create_through_the_page_is_a_400_with_the_reason(world):
    client = client_for(world["users"][COUNTY])
    body = _create_body(world, OWN, days=5)
    start = body["starts_at"]
    running = world["running"][OWN]
    cases = [
        (_page_form(body, ends_at=local(start)), "结束时间必须晚于开始时间"),
        (_page_form(body, ends_at=local(start + timedelta(hours=24, minutes=1))), "超过上限24小时"),
        (
            _page_form(
                body,
                starts_at=local(running.ends_at - timedelta(hours=1)),
                ends_at=local(running.ends_at + timedelta(hours=2)),
            ),
            "与已排班次重叠",
        ),
        (_page_form(body, starts_at="明天早上"), "开始时间"),
        (_page_form(body, on_duty=world["on_duty"][OTHER].pk), "值班人"),
        (_page_form(body, phone="call me"), "值班电话只能包含数字"),
        (_page_form(body, work_group=""), "工作专班"),
    ]
    before = DutyShift.objects.count()
    for form, reason in cases:
        response = client.post("/duty/new/", form)
        assert response.status_code == 400, form
        assert 'data-testid="errors"' in text(response) and reason in text(response), reason
    assert DutyShift.objects.count() == before


def test_invalid_create_through_the_api_is_a_400_with_the_reason(world):
    client = client_for(world["users"][OFFICE])
    body = _create_body(world, OWN, days=5)
    start = body["starts_at"]
    running = world["running"][OWN]
    cases = [
        (_api_payload(body, ends_at=start.isoformat()), "结束时间必须晚于开始时间"),
        (
            _api_payload(body, ends_at=(start + timedelta(hours=24, minutes=1)).isoformat()),
            "超过上限24小时",
        ),
        (
            _api_payload(
                body,
                starts_at=(running.ends_at - timedelta(minutes=1)).isoformat(),
                ends_at=(running.ends_at + timedelta(hours=2)).isoformat(),
            ),
            f"编号 {running.pk}",
        ),
        (_api_payload(body, on_duty_id=world["on_duty"][OTHER].pk), "值班人须为宝丰县"),
        (_api_payload(body, on_duty_id=10**9), "值班人账号不存在"),
        (_api_payload(body, phone="call me"), "值班电话"),
    ]
    before = DutyShift.objects.count()
    for payload, reason in cases:
        response = client.post("/api/duty/shifts", data=payload, content_type="application/json")
        assert response.status_code == 400, (payload, text(response))
        assert reason in " ".join(response.json()["detail"]), reason
    assert DutyShift.objects.count() == before
    # a body that is not the schema is refused by django-ninja before our code (422)
    broken = client.post("/api/duty/shifts", data={"x": 1}, content_type="application/json")
    assert broken.status_code == 422


def test_touching_shift_through_the_api_is_accepted(world):
    client = client_for(world["users"][COUNTY])
    running = world["running"][OWN]
    body = {
        "work_group": running.work_group_id,
        "starts_at": running.ends_at,
        "ends_at": running.ends_at + timedelta(hours=24),
        "on_duty": world["takers"][OWN].pk,
    }
    response = client.post(
        "/api/duty/shifts", data=_api_payload(body), content_type="application/json"
    )
    assert response.status_code == 200, text(response)
    assert response.json()["on_duty"] == "baofeng2"


def test_invalid_handover_is_a_400_with_the_reason(world):
    client = client_for(world["users"][COUNTY])
    shift = world["running"][OWN]
    taker = world["takers"][OWN]
    page = client.post(f"/duty/{shift.pk}/handover/", {"handed_over_to": taker.pk, "notes": ""})
    assert page.status_code == 400 and "交接班记录" in text(page)
    wrong = client.post(
        f"/duty/{shift.pk}/handover/", {"handed_over_to": world["takers"][OTHER].pk, "notes": "x"}
    )
    assert wrong.status_code == 400 and "接班人" in text(wrong)
    api = client.post(
        f"/api/duty/shifts/{shift.pk}/handover",
        data={"handed_over_to_id": taker.pk, "notes": "  "},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["detail"] == ["请填写交接班记录"]
    itself = client.post(
        f"/api/duty/shifts/{shift.pk}/handover",
        data={"handed_over_to_id": shift.on_duty_id, "notes": "x"},
        content_type="application/json",
    )
    assert itself.status_code == 400 and "不能是本班次的值班人" in itself.json()["detail"][0]
    assert DutyShift.objects.get(pk=shift.pk).handed_over_to_id is None


def test_delete_through_the_page_and_api(world):
    client = client_for(world["users"][COUNTY])
    future = _shift(world, OWN, timezone.now() + timedelta(days=2))
    detail = text(client.get(f"/duty/{future.pk}/"))
    assert 'data-testid="delete-form"' in detail and 'data-testid="handover-form"' not in detail
    no_reason = client.post(f"/duty/{future.pk}/delete/", {"reason": ""})
    assert no_reason.status_code == 400 and "删除原因" in text(no_reason)
    since = last_event_id()
    done = client.post(f"/duty/{future.pk}/delete/", {"reason": "人员调整"})
    assert done.status_code == 302 and done["Location"] == "/duty/"
    assert not DutyShift.objects.filter(pk=future.pk).exists()
    assert [(e.action, e.note) for e in new_events(since)] == [(Event.Action.DELETE, "人员调整")]

    running = world["running"][OWN]
    started = client.post(f"/duty/{running.pk}/delete/", {"reason": "误排"})
    assert started.status_code == 400 and "班次已开始,不能删除" in text(started)
    api = client.post(
        f"/api/duty/shifts/{running.pk}/delete",
        data={"reason": "误排"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "班次已开始" in api.json()["detail"][0]
    assert DutyShift.objects.filter(pk=running.pk).exists()
    # other county: not in sight; leader: no write
    other = client.post(f"/duty/{world['running'][OTHER].pk}/delete/", {"reason": "x"})
    assert other.status_code == 404
    kept = _shift(world, OWN, timezone.now() + timedelta(days=3))
    leader = client_for(world["users"][LEADER]).post(f"/duty/{kept.pk}/delete/", {"reason": "x"})
    assert leader.status_code == 403
    assert DutyShift.objects.filter(pk=kept.pk).exists()


def test_create_page_form_offers_only_work_groups_and_people_in_scope(world):
    body = text(client_for(world["users"][COUNTY]).get("/duty/new/"))
    assert "own专班" in body and "other专班" not in body and "city专班" not in body
    assert "baofeng2" in body and "yexian" not in body
    assert client_for(world["users"][LEADER]).get("/duty/new/").status_code == 403


def test_reveal_without_the_csrf_token_is_refused_and_not_audited(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"][COUNTY])
    shift = world["running"][OWN]
    since = last_event_id()
    page = client.post(f"/duty/{shift.pk}/reveal/")
    api = client.post(f"/api/duty/shifts/{shift.pk}/reveal")
    assert (page.status_code, api.status_code) == (403, 403)
    assert PHONES[OWN] not in text(page) + text(api)
    assert new_events(since) == []
