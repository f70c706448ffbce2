"""Exact searches by ID number (hardening finding 2): a masked number leaves thousands of
candidates, and an exact search says which one exists. For roles without ``view_personal`` each
such search is audited and at most ``ID_LOOKUPS_PER_HOUR`` (default 30) are answered per user in
any 60 minutes — counted in the database, so the limit holds across worker processes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wenjiuye.assistance import services
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.programmes import selectors as programmes
from wenjiuye.registry.id_lookup import ID_LOOKUP_NOTE, IdLookupLimited, id_lookups_per_hour


@pytest.fixture
def case(policy, make_person):
    return services.case_open(
        person=make_person(61), source="registration", registered_on=date(2022, 9, 1)
    )


def lookups(user) -> int:
    return Event.objects.filter(
        actor=user, action=Event.Action.VIEW_UNMASKED, note=ID_LOOKUP_NOTE
    ).count()


def test_the_default_is_30_an_hour():
    assert id_lookups_per_hour() == 30


def test_the_31st_exact_lookup_in_an_hour_is_refused_with_429(case, client, users):
    member = users[Role.GROUP_MEMBER]  # city-wide, may not see personal data
    client.force_login(member)
    url, number = reverse("assistance-cases"), case.person.id_number
    for i in range(30):
        page = client.get(url, {"q": number.lower() if i % 2 else number})
        assert page.status_code == 200, i
        assert mask_id(number) in page.content.decode()  # found, and still masked
    assert lookups(member) == 30
    event = Event.objects.filter(actor=member, note=ID_LOOKUP_NOTE).first()
    assert event.changes == {"id_number": number, "where": "assistance.case_list", "found": True}
    assert (event.object_type, event.object_id) == ("registry.person", str(case.person.pk))

    refused = client.get(url, {"q": number})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "按公民身份号码精确查询过于频繁" in html and "每人每小时最多30次" in html
    assert number not in html and mask_id(number) not in html
    # the API shares the count; a refusal writes nothing; a search by name still works
    api = client.get("/api/assistance/cases/", {"q": number})
    assert api.status_code == 429 and "过于频繁" in api.json()["detail"]
    assert lookups(member) == 30
    by_name = client.get(url, {"q": case.person.name})
    assert by_name.status_code == 200 and mask_id(number) in by_name.content.decode()


def test_a_miss_counts_too(case, users, settings):
    """Confirming that a candidate does *not* exist is also an answer."""
    settings.ID_LOOKUPS_PER_HOUR = 2
    leader = users[Role.LEADER]
    from wenjiuye.assistance.selectors import case_list  # noqa: PLC0415

    wrong = case.person.id_number[:-1] + ("0" if case.person.id_number[-1] != "0" else "1")
    for _ in range(2):
        assert not case_list(user=leader, q=wrong).exists()
    with pytest.raises(IdLookupLimited):
        case_list(user=leader, q=case.person.id_number)
    event = Event.objects.filter(actor=leader, note=ID_LOOKUP_NOTE).first()
    assert event.changes["found"] is False and event.object_id == ""


def test_lookups_older_than_an_hour_do_not_count(case, users, settings):
    settings.ID_LOOKUPS_PER_HOUR = 2
    auditor = users[Role.AUDITOR]
    from wenjiuye.assistance.selectors import case_list  # noqa: PLC0415

    for minutes in (61, 90):  # written by hand with an old time (the table is append-only)
        Event(
            actor=auditor,
            actor_name=auditor.username,
            action=Event.Action.VIEW_UNMASKED,
            object_type="registry.person",
            note=ID_LOOKUP_NOTE,
            at=timezone.now() - timedelta(minutes=minutes),
        ).save()
    assert case_list(user=auditor, q=case.person.id_number).count() == 1
    assert case_list(user=auditor, q=case.person.id_number).count() == 1
    with pytest.raises(IdLookupLimited):
        case_list(user=auditor, q=case.person.id_number)


@pytest.mark.parametrize("role", [Role.CITY_OFFICE, Role.COUNTY_OFFICER, Role.GRID_WORKER])
def test_users_who_may_unmask_are_neither_counted_nor_limited(case, client, users, role):
    user = users[role]
    client.force_login(user)
    for _ in range(31):
        page = client.get(reverse("assistance-cases"), {"q": case.person.id_number})
        assert page.status_code == 200
    assert lookups(user) == 0


def test_programmes_lookup_by_id_number_is_limited_too(case, users, settings):
    """Adding a person to a course, fair or pair by ID number answers whether the number exists."""
    settings.ID_LOOKUPS_PER_HOUR = 1
    member = users[Role.GROUP_MEMBER]
    assert programmes.person_find(user=member, id_number=case.person.id_number) == case.person
    with pytest.raises(IdLookupLimited):
        programmes.person_find(user=member, id_number=case.person.id_number)
    assert lookups(member) == 1
