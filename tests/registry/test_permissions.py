"""Who sees and changes what: every role × own county / other county × read / write / unmask.

The expected table is written out here by hand from the issue's rules, not derived from
``roles.CAPABILITIES``, so that a wrong capability or a scope leak fails the test.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import OTHER_COUNTY, OWN_GRID, PASSWORD, make_id, make_uscc
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.registry import selectors, services
from wenjiuye.registry.models import Enterprise, Person

# Where the record lives: inside the county users' grid (a township of 宝丰县), and in 叶县.
OWN = "own"
OTHER = "other"
LOCATION = {OWN: OWN_GRID, OTHER: OTHER_COUNTY}

Y, N = True, False
#                         read own/other   write own/other   unmask own/other
EXPECTED = {
    Role.CITY_OFFICE: {"read": (Y, Y), "write": (Y, Y), "unmask": (Y, Y)},
    Role.GROUP_MEMBER: {"read": (Y, Y), "write": (Y, Y), "unmask": (N, N)},
    Role.COUNTY_OFFICER: {"read": (Y, N), "write": (Y, N), "unmask": (Y, N)},
    # the grid worker's job is the assistance ledger: persons yes (registrations), enterprises no
    Role.GRID_WORKER: {"read": (Y, N), "write": (N, N), "unmask": (Y, N)},
    Role.LEADER: {"read": (Y, Y), "write": (N, N), "unmask": (N, N)},
    Role.AUDITOR: {"read": (Y, Y), "write": (N, N), "unmask": (N, N)},
    Role.ADMIN: {"read": (Y, Y), "write": (Y, Y), "unmask": (Y, Y)},
}
CASES = [
    (role, action, where)
    for role in EXPECTED
    for action in ("read", "write", "unmask")
    for where in (OWN, OTHER)
]


@pytest.fixture
def records(regions):
    out = {}
    for i, (where, code) in enumerate(LOCATION.items(), start=1):
        enterprise = Enterprise.objects.create(
            uscc=make_uscc(code[:6], i), name=f"测试企业{i}", region_id=code
        )
        person = Person.objects.create(
            id_number=make_id(code[:6], "19800101", i),
            name=f"测试{i}",
            gender="M",
            birth_date="1980-01-01",
            region_id=code,
            phone=f"1380000000{i}",
        )
        out[where] = (enterprise, person)
    return out


def test_matrix_covers_every_role():
    assert set(EXPECTED) == set(Role.values)


@pytest.mark.parametrize(
    ("role", "action", "where"), CASES, ids=[f"{r}-{a}-{w}" for r, a, w in CASES]
)
def test_permission_matrix(users, records, role, action, where):
    user = users[role]
    enterprise, person = records[where]
    allowed = EXPECTED[role][action][0 if where == OWN else 1]
    before = Event.objects.count()

    if action == "read":
        visible = selectors.enterprise_list(user=user).filter(pk=enterprise.pk).exists()
        visible_person = selectors.person_list(user=user).filter(pk=person.pk).exists()
        assert visible is allowed and visible_person is allowed
        if not allowed:
            with pytest.raises(Http404):
                selectors.enterprise_get(user=user, uscc=enterprise.uscc)
        assert Event.objects.count() == before  # reading masked data is not an audited event
    elif action == "write":
        if allowed:
            services.enterprise_upsert(actor=user, uscc=enterprise.uscc, employees=321)
            enterprise.refresh_from_db()
            assert enterprise.employees == 321
            event = Event.objects.latest("id")
            assert (event.actor, event.action, event.object_id) == (
                user,
                "update",
                str(enterprise.pk),
            )
            assert event.changes == {"employees": [None, 321]}
        else:
            with pytest.raises(PermissionDenied):
                services.enterprise_upsert(actor=user, uscc=enterprise.uscc, employees=321)
            enterprise.refresh_from_db()
            assert enterprise.employees is None
            assert Event.objects.count() == before
    else:
        if allowed:
            revealed = services.person_reveal(actor=user, person=person)
            assert revealed["id_number"] == person.id_number
            event = Event.objects.latest("id")
            assert (event.actor, event.action, event.object_id) == (
                user,
                "view_unmasked",
                str(person.pk),
            )
        else:
            with pytest.raises(PermissionDenied):
                services.person_reveal(actor=user, person=person)
            assert Event.objects.count() == before


@pytest.mark.parametrize(("role", "where"), [(r, w) for r in EXPECTED for w in (OWN, OTHER)])
def test_matrix_over_http(client, users, records, role, where):
    """The same rules through the pages: 404 for what is out of sight, 403 for what may not be changed."""
    user = users[role]
    enterprise, person = records[where]
    client.force_login(user)
    can_read, can_write = (
        EXPECTED[role]["read"][where == OTHER],
        EXPECTED[role]["write"][where == OTHER],
    )
    can_unmask = EXPECTED[role]["unmask"][where == OTHER]

    page = client.get(f"/enterprises/{enterprise.uscc}/")
    assert page.status_code == (200 if can_read else 404)

    form = {
        "name": enterprise.name,
        "region": enterprise.region_id,
        "industry": "",
        "employees": "77",
    }
    posted = client.post(f"/enterprises/{enterprise.uscc}/", form)
    assert posted.status_code == (302 if can_write else 403 if can_read else 404)
    enterprise.refresh_from_db()
    assert (enterprise.employees == 77) is can_write

    person_page = client.get(f"/persons/{person.pk}/")
    assert person_page.status_code == (200 if can_read else 404)
    if can_read:
        assert person.id_number not in person_page.content.decode()
        assert person.phone not in person_page.content.decode()
    revealed = client.post(f"/persons/{person.pk}/reveal/")
    assert revealed.status_code == (200 if can_unmask else 403 if can_read else 404)
    if can_unmask:
        assert person.id_number in revealed.content.decode()


@pytest.mark.argon2
def test_login_password_is_argon2(users):
    assert users[Role.LEADER].password.startswith("argon2")


def test_user_without_region_sees_nothing_unless_admin_or_auditor(regions):
    from django.db import IntegrityError  # noqa: PLC0415

    from wenjiuye.core.models import User  # noqa: PLC0415

    with pytest.raises(IntegrityError):
        User.objects.create_user(
            username="x", password=PASSWORD, role=Role.COUNTY_OFFICER, region=None
        )


def test_the_grid_worker_registers_persons_of_the_grid_only(users, records):
    grid = users[Role.GRID_WORKER]
    person = services.person_upsert(
        actor=grid, id_number=make_id("410421", "19900101", 31), name="网格登记", region_id=OWN_GRID
    )
    assert Event.objects.get(object_type="registry.person", object_id=str(person.pk)).actor == grid
    with pytest.raises(PermissionDenied):
        services.person_upsert(actor=grid, id_number=records[OTHER][1].id_number, name="改写")
    with pytest.raises(PermissionDenied):
        services.enterprise_upsert(actor=grid, uscc=records[OWN][0].uscc, employees=5)
