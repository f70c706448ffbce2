"""County A cannot see or change county B's courses, fairs, positions and pairs; read-only
roles cannot write; persons outside the actor's scope cannot be enrolled or placed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_course, other_region, own_region
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.programmes import pairing, selectors, services

DAY = date(2023, 3, 1)


@pytest.fixture
def records(policy, users, people):
    office = users[Role.CITY_OFFICE]
    out = {}
    for where, region in (("own", own_region()), ("other", other_region())):
        out[where] = {
            "course": make_course(office, region=region),
            "fair": services.fair_create(
                actor=office, title="招聘会", held_on=DAY, venue="市场", region=region
            ),
            "position": services.position_create(
                actor=office,
                title="护林",
                area="rural",
                unit="林业站",
                region=region,
                count=2,
                opened_on=DAY,
            ),
            "pair": pairing.pair_create(
                actor=office,
                helper_kind="institution",
                helper_name="工会",
                mode="one_to_one",
                persons=[people[where][0]],
                region=region,
                starts_on=DAY,
            ),
        }
    return out


GETTERS = {
    "course": (selectors.course_get, selectors.course_list),
    "fair": (selectors.fair_get, selectors.fair_list),
    "position": (selectors.position_get, selectors.position_list),
    "pair": (selectors.pair_get, selectors.pair_list),
}


@pytest.mark.parametrize("kind", sorted(GETTERS))
def test_county_sees_own_not_other(records, users, kind):
    county = users[Role.COUNTY_OFFICER]
    get, listing = GETTERS[kind]
    assert get(user=county, pk=records["own"][kind].pk) == records["own"][kind]
    with pytest.raises(Http404):
        get(user=county, pk=records["other"][kind].pk)
    assert list(listing(user=county).values_list("pk", flat=True)) == [records["own"][kind].pk]
    assert listing(user=users[Role.LEADER]).count() == 2


def test_county_cannot_write_in_the_other_county(records, users, people):
    county = users[Role.COUNTY_OFFICER]
    before = Event.objects.count()
    other = records["other"]
    with pytest.raises(PermissionDenied):
        make_course(county, region=other_region())
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            actor=county, course=other["course"], person=people["own"][0], enrolled_on=DAY
        )
    with pytest.raises(PermissionDenied):
        services.fair_attendee_add(actor=county, fair=other["fair"], person=people["own"][0])
    with pytest.raises(PermissionDenied):
        services.placement_start(
            actor=county, position=other["position"], person=people["own"][0], starts_on=DAY
        )
    with pytest.raises(PermissionDenied):
        pairing.pair_end(actor=county, pair=other["pair"], ends_on=DAY)
    assert Event.objects.count() == before


def test_persons_of_the_other_county_cannot_be_enrolled_or_placed(records, users, people):
    county = users[Role.COUNTY_OFFICER]
    stranger = people["other"][0]
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            actor=county, course=records["own"]["course"], person=stranger, enrolled_on=DAY
        )
    with pytest.raises(PermissionDenied):
        services.placement_start(
            actor=county, position=records["own"]["position"], person=stranger, starts_on=DAY
        )
    with pytest.raises(Http404):
        selectors.person_find(user=county, pk=stranger.pk)


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR])
def test_read_only_roles_cannot_write(records, users, people, role):
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            actor=users[role],
            course=records["own"]["course"],
            person=people["own"][0],
            enrolled_on=DAY,
        )
    with pytest.raises(PermissionDenied):
        services.fair_create(
            actor=users[role], title="x", held_on=DAY, venue="x", region=own_region()
        )


def test_city_office_may_act_in_both_counties(records, users, people):
    office = users[Role.CITY_OFFICE]
    for where in ("own", "other"):
        course, person = records[where]["course"], people[where][1]
        enrolment = services.enrolment_add(
            actor=office, course=course, person=person, enrolled_on=DAY
        )
        assert list(course.enrolments.values_list("pk", "person_id")) == [(enrolment.pk, person.pk)]
        created = Event.objects.get(
            action=Event.Action.CREATE,
            object_type="programmes.enrolment",
            object_id=str(enrolment.pk),
        )
        assert (created.actor, created.region_code) == (office, course.region_id)
    assert {c.region_id for c in (records["own"]["course"], records["other"]["course"])} == {
        OWN_COUNTY,
        OTHER_COUNTY,
    }
