"""The matching pages speak the officer's language (regions, users and policy parameters by name)
and offer a push, a response or a preference only to whoever the service lets do it."""

from __future__ import annotations

import pytest

from tests.factories import OWN_COUNTY, make_user
from tests.lists import client_for
from tests.raw_codes import raw_codes
from wenjiuye.core.roles import Role
from wenjiuye.matching import services
from wenjiuye.matching.models import Push

pytestmark = pytest.mark.django_db

ON = "2022-11-15"


def _page(user, person) -> str:
    r = client_for(user).get(f"/matching/person/{person.pk}/", {"on": ON})
    assert r.status_code == 200
    return r.content.decode()


def test_regions_users_and_parameters_by_name(world, users):
    county = users[Role.COUNTY_OFFICER]
    county.first_name = "宝丰推送员"
    county.save()
    person = world["张电工"]
    services.push_create(actor=county, person=person, posting_id="GW1", channel="notice")
    html = _page(county, person)
    assert "宝丰县" in html and ">410421<" not in html
    assert "宝丰推送员" in html and "<td>baofeng</td>" not in html
    cites = html[html.index("依据的政策参数") :]
    assert 'data-testid="cite"' in cites and "matching." not in cites
    posting = client_for(county).get("/matching/posting/GW1/", {"on": ON}).content.decode()
    assert "宝丰县" in posting and "matching." not in posting[posting.index("依据的政策参数") :]


def test_the_leader_is_offered_nothing(world, users):
    county = users[Role.COUNTY_OFFICER]
    person = world["张电工"]
    services.push_create(actor=county, person=person, posting_id="GW1", channel="notice")
    html = _page(users[Role.LEADER], person)
    assert "matching-person-push" not in html and 'data-testid="respond"' not in html
    assert f"/matching/person/{person.pk}/push/" not in html
    assert f"/matching/person/{person.pk}/preference/" not in html
    push = Push.objects.get()
    r = client_for(users[Role.LEADER]).post(
        f"/matching/push/{push.pk}/respond/", {"response": "hired"}
    )
    assert r.status_code == 403
    push.refresh_from_db()
    assert push.response == Push.Response.PENDING


def test_the_grid_worker_pushes_on_their_grid(world, users):
    grid = make_user("grid-county", Role.GRID_WORKER, OWN_COUNTY)
    person = world["张电工"]
    html = _page(grid, person)
    assert f"/matching/person/{person.pk}/push/" in html
    assert f"/matching/person/{person.pk}/preference/" in html


def test_a_refused_push_is_a_styled_400_and_a_bad_day_too(world, users):
    c = client_for(users[Role.COUNTY_OFFICER])
    person = world["张电工"]
    r = c.post(f"/matching/person/{person.pk}/push/", {"posting_id": "GW1"})
    assert r.status_code == 400 and 'data-testid="error-400"' in r.content.decode()
    r = c.get(f"/matching/person/{person.pk}/", {"on": "15/11/2022"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.content.decode()


@pytest.mark.parametrize("role", list(Role))
def test_the_pages_show_no_code_to_any_role(world, users, role):
    services.push_create(
        actor=users[Role.COUNTY_OFFICER], person=world["张电工"], posting_id="GW1", channel="notice"
    )
    c = client_for(users[role])
    for url in (f"/matching/person/{world['张电工'].pk}/", "/matching/posting/GW1/"):
        r = c.get(url, {"on": ON})
        if r.status_code in (403, 404):  # out of the role's sight
            continue
        assert r.status_code == 200, url
        assert raw_codes(r.content.decode()) == [], url
