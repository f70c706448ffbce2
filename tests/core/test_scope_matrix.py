"""Who sees and changes what in the operational apps: every kind × role × own/other county.

"County users see and change only their jurisdiction; personal data (ID numbers, phones) is
masked unless the role may see it, and every view of unmasked data and every change is in the
audit log." The expected table below is written out by hand from the rules (roles.CAPABILITIES:
what a role may do; scope: a record is in sight when its region code starts with the user's
prefix — city users 4104, 宝丰县 officer 410421, grid worker 410421100; admin and auditor see all),
not computed from the code under test.

Where the own record lives matters for the grid worker (township 410421100):
  layoff report — the enterprise's county 410421 (reports are filed with the county), so out of
  the grid worker's sight although the enterprise is in the grid; visit — the enterprise's
  township; incident, case, pending registration, public-welfare position, deadline — the
  township; opinion item, course, job fair, pair — the county.
The grid worker's job is their grid's cases, contacts, follow-ups and registrations (Cap.CASE_WORK),
nothing else: they read the township's visits, incidents, positions and deadlines but do not
write them (tests/core/test_workflow_matrix.py has every workflow transition by role).
The other record lies in 叶县 (410422 or its township 410422100). For the inbox "own" is the
viewer's own message and "other" a message of a 叶县 officer.

Cells: ``R`` list contains it and its detail answers 200 (else absent and 404); ``W`` a write
through the page and through the API succeeds, changes the database and is audited (else 403
when in sight, 404 when not, and nothing changes); ``U`` the unmasked ID number and phone are
shown through the kind's reveal action and the view is audited (else 403/404). Kinds whose
personal data have no reveal action show them masked to everyone who sees the record (the
"unmask" cell checks the masked form is there and the raw one is not).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.core.scope_matrix_world import KINDS, OTHER, OTHER_GRID, OWN, Rec, build_world
from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, rolled_back_world
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.registry.id_lookup import ID_LOOKUP_NOTE

pytestmark = pytest.mark.django_db

OFFICE, MEMBER, COUNTY, GRID = (
    Role.CITY_OFFICE,
    Role.GROUP_MEMBER,
    Role.COUNTY_OFFICER,
    Role.GRID_WORKER,
)
LEADER, AUDITOR, ADMIN = Role.LEADER, Role.AUDITOR, Role.ADMIN

# kind → role → (own record, other record)
EXPECTED: dict[str, dict[str, tuple[str, str]]] = {
    "layoff": {  # own in the county 410421; roster holds ID numbers and phones
        OFFICE: ("RWU", "RWU"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RWU", ""),
        GRID: ("", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RWU", "RWU"),
    },
    "visit": {  # own in the township 410421100; no personal data
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("R", ""),  # visits are the county bureau's work
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "incident": {  # own in the township; representatives' ID numbers and phones
        OFFICE: ("RWU", "RWU"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RWU", ""),
        GRID: ("RU", ""),  # sees and reveals, does not handle
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RWU", "RWU"),
    },
    "opinion": {  # own in the county; no personal data
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "case": {  # own in the township grid; the person's ID number and phone
        OFFICE: ("RWU", "RWU"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RWU", ""),
        GRID: ("RWU", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RWU", "RWU"),
    },
    "pending": {  # own street in the township; ID number and phone, never unmasked
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("RW", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "course": {  # own in the county; enrolled persons masked
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "fair": {  # own in the county; attendees masked
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "position": {  # own in the township; placed persons masked
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("R", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "pair": {  # own in the county; paired persons masked
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("", ""),
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "deadline": {  # own in the township
        OFFICE: ("RW", "RW"),
        MEMBER: ("RW", "RW"),
        COUNTY: ("RW", ""),
        GRID: ("R", ""),  # a township deadline; case deadlines: case work
        LEADER: ("R", "R"),
        AUDITOR: ("R", "R"),
        ADMIN: ("RW", "RW"),
    },
    "inbox": {  # own: the viewer's message; other: a 叶县 officer's. Everyone has an inbox.
        OFFICE: ("RW", ""),
        MEMBER: ("RW", ""),
        COUNTY: ("RW", ""),
        GRID: ("RW", ""),
        LEADER: ("RW", ""),
        AUDITOR: ("RW", ""),
        ADMIN: ("RW", ""),
    },
}

#: kinds holding ID numbers and phones (the "unmask" column applies)
PERSONAL = ("layoff", "incident", "case", "pending", "course", "fair", "position", "pair")
#: a write that is not audited on purpose: marking one's own message read is no business data
UNAUDITED_WRITES = {"inbox"}

ASPECTS = ("read", "write_page", "write_api", "unmask")
CASES = [
    (kind, role, where, aspect)
    for kind in EXPECTED
    for role in EXPECTED[kind]
    for where in (OWN, OTHER)
    for aspect in ASPECTS
    if aspect != "unmask" or kind in PERSONAL
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """Every record once per module, rolled back at the end (``factories.rolled_back_world``)."""
    media = tmp_path_factory.mktemp("media")
    yield from rolled_back_world(django_db_blocker, build_world, media=media)


def record(world: dict[str, Any], kind: str, role: str, where: str) -> Rec:
    if kind == "inbox":
        return world["inbox"][role if where == OWN else OTHER]
    return world["recs"][kind][where]


def cell(kind: str, role: str, where: str) -> str:
    return EXPECTED[kind][role][0 if where == OWN else 1]


def new_events(since: int) -> list[Event]:
    """Events after ``since``, without the login that ``force_login`` records."""
    return list(
        Event.objects.filter(pk__gt=since)
        .exclude(action__in=[Event.Action.LOGIN, Event.Action.LOGOUT])
        .order_by("pk")
    )


def last_event_id() -> int:
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def text(response: Any) -> str:
    return response.content.decode()


def ids_of(payload: Any) -> set[int]:
    items = payload["items"] if isinstance(payload, dict) else payload
    return {int(i["id"]) for i in items}


def test_matrix_covers_every_role_and_kind():
    assert all(set(row) == set(Role.values) for row in EXPECTED.values())
    assert set(EXPECTED) == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "role", "where", "aspect"), CASES, ids=["-".join(c) for c in CASES]
)
def test_scope_matrix(world, kind, role, where, aspect):
    user = world["users"][role]
    rec = record(world, kind, role, where)
    spec = KINDS[kind]
    expected = cell(kind, role, where)
    may_read, may_write, may_unmask = ("R" in expected, "W" in expected, "U" in expected)
    client = Client()
    client.force_login(user)
    since = last_event_id()

    if aspect == "read":
        page = client.get(spec.list_page)
        assert page.status_code == 200
        assert (rec.marker in text(page)) is may_read, f"list page of {kind}"
        api = client.get(spec.list_api)
        assert api.status_code == 200
        assert (rec.obj.pk in ids_of(api.json())) is may_read, f"list API of {kind}"
        bodies = [text(page), text(api)]
        for url in filter(None, [spec.detail_page, spec.detail_api]):
            detail = client.get(url(rec))
            assert detail.status_code == (200 if may_read else 404), url(rec)
            bodies.append(text(detail))
        for raw in world["all_raw"]:  # nothing read without the reveal action shows raw data
            assert all(raw not in body for body in bodies), f"{raw} shown unmasked"
        assert new_events(since) == []  # masked reading is not an audited event

    elif aspect in ("write_page", "write_api"):
        before = spec.state(rec)
        if aspect == "write_page":
            response = spec.write_page(client, rec)
            ok, hidden = spec.page_ok, spec.page_hidden
        else:
            response = spec.write_api(client, rec)
            ok, hidden = spec.api_ok, 404
        want = ok if may_write else 403 if may_read else hidden
        if not may_read and "W" not in EXPECTED[kind][role][0]:
            # a role that may not write this kind anywhere may be refused before the record is
            # looked up: the same answer for every record, so it reveals nothing
            assert response.status_code in (403, want), text(response)[:500]
        else:
            assert response.status_code == want, text(response)[:500]
        after = spec.state(rec)
        assert (after != before) is may_write, f"{kind}: {before!r} → {after!r}"
        events = new_events(since)
        if not may_write:
            assert events == []
        elif kind not in UNAUDITED_WRITES:
            mine = [e for e in events if e.actor_id == user.pk]
            assert mine, "a change without an audit event"
            # choosing a person by ID number is an audited lookup for roles that may not unmask
            lookups = [e for e in mine if e.note == ID_LOOKUP_NOTE]
            assert all(e.action == Event.Action.VIEW_UNMASKED for e in lookups)
            assert not lookups or "U" not in expected
            mine = [e for e in mine if e not in lookups]
            assert {e.action for e in mine} <= {
                Event.Action.CREATE,
                Event.Action.UPDATE,
            }, [e.action for e in mine]

    else:  # unmask
        if spec.reveal_page is None or spec.reveal_api is None:
            # No reveal action: every role that sees the record sees the data masked, none raw.
            assert not may_unmask
            page = client.get(spec.detail_page(rec) if spec.detail_page else spec.list_page)
            api = client.get(spec.detail_api(rec) if spec.detail_api else spec.list_api)
            if spec.detail_page:
                assert page.status_code == (200 if may_read else 404)
            bodies = (text(page), text(api))
            assert all(raw not in body for raw in rec.raw for body in bodies)
            assert any(mask_id(rec.raw[0]) in body for body in bodies) is may_read
            assert new_events(since) == []
            return
        for reveal in (spec.reveal_page, spec.reveal_api):
            since = last_event_id()
            response = reveal(client, rec)
            want = 200 if may_unmask else 403 if may_read else 404
            assert response.status_code == want, text(response)[:300]
            body = text(response)
            for raw in rec.raw:
                assert (raw in body) is may_unmask, raw
            events = new_events(since)
            if may_unmask:
                assert [(e.actor_id, e.action) for e in events] == [
                    (user.pk, Event.Action.VIEW_UNMASKED)
                ]
            else:
                assert events == []


# --- Creating: a new record lands only where its creator may change it (and then sees it) ---------
#
# Through the API, for the kinds whose creation names a place: the layoff report of the own /
# other enterprise (the report lives in the enterprise's county, so the grid worker may not file
# it), an incident in the own / other township, an opinion item and a job fair of the own / other
# county. ``ok`` created (and afterwards readable by its creator, with a CREATE event);
# ``403`` refused; ``404`` the named enterprise is out of sight.
ok = "ok"
CREATE_EXPECTED: dict[str, dict[str, tuple[str | int, str | int]]] = {
    "layoff": {
        OFFICE: (ok, ok),
        MEMBER: (ok, ok),
        COUNTY: (ok, 404),
        GRID: (403, 404),
        LEADER: (403, 403),
        AUDITOR: (403, 403),
        ADMIN: (ok, ok),
    },
    "incident": {
        OFFICE: (ok, ok),
        MEMBER: (ok, ok),
        COUNTY: (ok, 403),
        GRID: (403, 403),  # the grid worker does case work only
        LEADER: (403, 403),
        AUDITOR: (403, 403),
        ADMIN: (ok, ok),
    },
    "opinion": {
        OFFICE: (ok, ok),
        MEMBER: (ok, ok),
        COUNTY: (ok, 403),
        GRID: (403, 403),
        LEADER: (403, 403),
        AUDITOR: (403, 403),
        ADMIN: (ok, ok),
    },
    "fair": {
        OFFICE: (ok, ok),
        MEMBER: (ok, ok),
        COUNTY: (ok, 403),
        GRID: (403, 403),
        LEADER: (403, 403),
        AUDITOR: (403, 403),
        ADMIN: (ok, ok),
    },
}
CREATE_CASES = [
    (kind, role, where)
    for kind in CREATE_EXPECTED
    for role in Role.values
    for where in (OWN, OTHER)
]


def _create(client: Client, world: dict[str, Any], kind: str, where: str) -> tuple[Any, str]:
    """POST the creation; return the response and the detail API path prefix of the new record."""

    county, grid = (OWN_COUNTY, OWN_GRID) if where == OWN else (OTHER_COUNTY, OTHER_GRID)
    today = timezone.localdate()
    if kind == "layoff":
        enterprise = world["recs"]["layoff"][where].extra["enterprise"]
        impl = today + timedelta(days=45)
        body: dict[str, Any] = {
            "enterprise_uscc": enterprise.uscc,
            "total_employees": 1000,
            "planned_layoffs": 10,
            "situation": "difficulty",
            "planned_implementation_on": impl.isoformat(),
            "explained_on": (impl - timedelta(days=30)).isoformat(),
            "reported_on": today.isoformat(),
        }
        url, detail = "/api/response/layoffs/", "/api/response/layoffs/"
    elif kind == "incident":
        occurred = timezone.now() - timedelta(hours=2)
        body = {
            "region_code": grid,
            "occurred_at": occurred.isoformat(),
            "place": "矩阵新事件",
            "cause": "pay",
            "people": 3,
        }
        url, detail = "/api/incidents/", "/api/incidents/"
    elif kind == "opinion":
        body = {"title": "矩阵新舆情", "region_code": county}
        url, detail = "/api/opinion/", "/api/opinion/"
    else:
        body = {"title": "矩阵新招聘会", "held_on": "2023-03-05", "venue": "广场", "region": county}
        url, detail = "/api/programmes/fairs/", "/api/programmes/fairs/"
    response = client.post(url, data=body, content_type="application/json")
    return response, detail


@pytest.mark.parametrize(
    ("kind", "role", "where"), CREATE_CASES, ids=["-".join(c) for c in CREATE_CASES]
)
def test_create_matrix(world, kind, role, where):
    user = world["users"][role]
    client = Client()
    client.force_login(user)
    since = last_event_id()
    want = CREATE_EXPECTED[kind][role][0 if where == OWN else 1]
    response, detail = _create(client, world, kind, where)
    events = new_events(since)
    if want != ok:
        assert response.status_code == want, text(response)[:300]
        assert events == []
        return
    assert response.status_code in (200, 201), text(response)[:300]
    pk = response.json()["id"]
    suffix = "/" if kind == "fair" else ""
    assert client.get(f"{detail}{pk}{suffix}").status_code == 200  # the creator sees it
    assert any(
        e.actor_id == user.pk and e.action == Event.Action.CREATE and e.object_id == str(pk)
        for e in events
    )


# --- Submitting an opinion item that was already collected ----------------------------------------
# It is not created again where the submitter may see it (200, the existing item); 403 for the
# roles without WRITE; out of sight (201) it is stored as the submitter's own item, exactly as if
# the other did not exist: nothing of the other county's item is disclosed, not even that it exists.
DUPLICATE_EXPECTED = {
    OFFICE: (200, 200),
    MEMBER: (200, 200),
    COUNTY: (200, "new"),
    GRID: (403, 403),  # no WRITE: the grid worker does case work only
    LEADER: (403, 403),
    AUDITOR: (403, 403),
    ADMIN: (200, 200),
}


@pytest.mark.parametrize(
    ("role", "where"),
    [(r, w) for r in Role.values for w in (OWN, OTHER)],
    ids=[f"{r}-{w}" for r in Role.values for w in (OWN, OTHER)],
)
def test_duplicate_opinion_does_not_leak(world, role, where):
    rec = world["recs"]["opinion"][where]
    client = Client()
    client.force_login(world["users"][role])
    body = {"title": "转载", "url": rec.obj.url}
    response = client.post("/api/opinion/", data=body, content_type="application/json")
    want = DUPLICATE_EXPECTED[role][0 if where == OWN else 1]
    assert response.status_code == (200 if want == "new" else want), text(response)[:300]
    shown = response.json().get("text") == rec.obj.text
    assert shown is (want == 200)
    if want == "new":
        assert response.json()["id"] != rec.obj.pk and response.json()["created"] is True
        assert rec.obj.title not in text(response) and str(rec.obj.region_id) not in text(response)
    if want == 200:
        assert response.json()["id"] == rec.obj.pk and response.json()["created"] is False
