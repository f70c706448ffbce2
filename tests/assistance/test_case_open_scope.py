"""Opening a case by ID number is no oracle for another county's persons, and no way to take
them over: the number is looked up only where the officer may look."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import OTHER_COUNTY, OWN_GRID, make_id
from wenjiuye.assistance.models import Case
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.registry.id_lookup import ID_LOOKUP_NOTE
from wenjiuye.registry.models import Person

pytestmark = pytest.mark.django_db

URL = "/api/assistance/cases/"


def post(user, body) -> tuple[int, str]:
    c = Client()
    c.force_login(user)
    r = c.post(URL, data=json.dumps(body), content_type="application/json")
    return r.status_code, json.dumps(r.json(), ensure_ascii=False)


def test_another_countys_person_is_answered_as_an_unknown_number(policies, make_person, users):
    officer = users[Role.COUNTY_OFFICER]
    theirs = make_person(1, region=OTHER_COUNTY)
    theirs.name = "叶县人员"
    theirs.save()
    unknown = make_id(OTHER_COUNTY, "19800101", 99)
    known_status, known_body = post(officer, {"id_number": theirs.id_number})
    unknown_status, unknown_body = post(officer, {"id_number": unknown})
    assert (
        (known_status, known_body)
        == (unknown_status, unknown_body)
        == (
            400,
            unknown_body,
        )
    )
    assert "新人员须填写姓名" in known_body and "叶县人员" not in known_body
    # registering the number anew is a write into 叶县: refused, nothing changes
    status, body = post(officer, {"id_number": theirs.id_number, "name": "改写", "grid": OWN_GRID})
    assert status == 403 and "叶县人员" not in body
    theirs.refresh_from_db()
    assert theirs.name == "叶县人员" and theirs.region_id == OTHER_COUNTY
    assert not Case.objects.exists()


def test_an_own_person_opens_a_case(policies, make_person, users):
    officer = users[Role.COUNTY_OFFICER]
    mine = make_person(2, region=OWN_GRID)
    status, body = post(officer, {"id_number": mine.id_number})
    assert status == 201, body
    assert Case.objects.get().person == mine


def test_lookups_by_roles_without_personal_data_rights_are_audited(policies, make_person, users):
    member = users[Role.GROUP_MEMBER]
    person = make_person(3, region=OWN_GRID)
    status, _body = post(member, {"id_number": person.id_number})
    assert status == 201
    lookup = Event.objects.get(actor=member, note=ID_LOOKUP_NOTE)
    assert lookup.object_id == str(person.pk)


def test_a_refused_case_leaves_no_person_and_claims_no_stranger(policies, make_person, users):
    """A person held by no county is not claimed by a county; a refused registration leaves
    nothing behind (one transaction)."""
    stranger = make_person(4, region=OWN_GRID)
    Person.objects.filter(pk=stranger.pk).update(region=None)
    officer = users[Role.COUNTY_OFFICER]
    status, _body = post(
        officer, {"id_number": stranger.id_number, "name": "改名", "grid": OWN_GRID}
    )
    assert status == 403
    stranger.refresh_from_db()
    assert stranger.region_id is None and stranger.name == "测试4"
    new = make_id("410421", "19900101", 77)
    status, _body = post(users[Role.GRID_WORKER], {"id_number": new, "name": "无网格"})
    assert status == 403 and not Person.objects.filter(id_number=new).exists()


def test_confirming_an_online_registration_does_not_rewrite_a_known_person(
    policies, make_person, users, regions
):
    from wenjiuye.assistance import registration  # noqa: PLC0415
    from wenjiuye.assistance.models import Education  # noqa: PLC0415
    from wenjiuye.core.models import Region  # noqa: PLC0415

    known = make_person(5, region=OWN_GRID)
    pending = registration.pending_submit(
        id_number=known.id_number,
        name="冒名",
        phone="13012345678",
        county=Region.objects.get(pk="410421"),
        street=Region.objects.get(pk=OWN_GRID),
        education=Education.SENIOR,
        desired_job="电工",
        wants_training=False,
    )
    case = registration.pending_confirm(pending=pending, actor=users[Role.GRID_WORKER])
    known.refresh_from_db()
    assert case.person == known and (known.name, known.phone) == ("测试5", "13900000005")
