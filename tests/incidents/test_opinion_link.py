"""I6: public opinion linked to a mass incident (services, both pages, both APIs), audited and
scoped; layoff / collective-action items of the county received while the incident is open are
suggested on the incident page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import OTHER_COUNTY, OWN_COUNTY, T0, make_user
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.incidents import services as incident_services
from wenjiuye.incidents.models import Incident
from wenjiuye.opinion import selectors, services
from wenjiuye.opinion.models import OpinionItem


def make_incident(actor, region, place="宝丰县某厂门口", occurred=T0 - timedelta(minutes=20)):
    return incident_services.incident_create(
        actor=actor,
        region=region,
        occurred_at=occurred,
        place=place,
        cause="layoff",
        people=30,
        at=T0,
    )


def make_item(actor, title, region, at):
    item, created = services.opinion_create(
        actor=actor, title=title, source="manual", region=region, at=at
    )
    assert created
    return item


@pytest.fixture
def setup(policy, users, county):
    officer = users[Role.COUNTY_OFFICER]
    other = Region.objects.get(pk=OTHER_COUNTY)
    office = users[Role.CITY_OFFICE]
    incident = make_incident(officer, county)
    assert incident.region_id == OWN_COUNTY
    later = T0 + timedelta(hours=1)
    items = {
        "layoff": make_item(officer, "宝丰县某厂大规模裁员", county, later),
        "collective": make_item(officer, "宝丰县某厂工人聚集堵门", county, later),
        "before": make_item(officer, "宝丰县另一厂裁员", county, T0 - timedelta(hours=2)),
        "wages": make_item(officer, "宝丰县某店欠薪", county, later),
        "other": make_item(office, "叶县某厂裁员", other, later),
    }
    assert items["layoff"].categories == ["layoff"]
    assert items["collective"].categories == ["collective"]
    assert items["wages"].categories == ["wage_arrears"]
    return officer, incident, items


def close(officer, incident):
    incident_services.incident_review(
        actor=officer, incident=incident, causes="原因", problems="问题", lessons="教训"
    )
    return incident_services.incident_set_status(actor=officer, incident=incident, status="closed")


@pytest.mark.django_db
def test_link_and_unlink_are_audited_on_both_records(setup):
    officer, incident, items = setup
    item = items["layoff"]
    linked = services.opinion_link_incident(actor=officer, item=item, incident=incident)
    assert linked.incident_id == incident.pk
    item_event = Event.objects.filter(object_type="opinion.opinionitem", object_id=str(item.pk))
    incident_events = Event.objects.filter(
        object_type="incidents.incident", object_id=str(incident.pk), note__contains="舆情"
    )
    assert item_event.filter(changes__incident_id=[None, incident.pk]).count() == 1
    assert incident_events.get().changes == {"opinion_items": [None, item.pk]}
    # linking again changes nothing and writes nothing
    services.opinion_link_incident(actor=officer, item=item, incident=incident)
    assert incident_events.count() == 1
    assert list(selectors.linked_opinion(user=officer, incident=incident)) == [item]
    # another incident: unlink first
    second = make_incident(officer, incident.region, place="另一处")
    with pytest.raises(ValidationError, match="请先解除关联"):
        services.opinion_link_incident(actor=officer, item=item, incident=second)
    with pytest.raises(ValidationError, match="未关联此突发事件"):
        services.opinion_unlink_incident(actor=officer, item=item, incident=second)
    unlinked = services.opinion_unlink_incident(actor=officer, item=item, incident=incident)
    assert unlinked.incident_id is None
    assert incident_events.count() == 2
    assert incident_events.order_by("pk").last().changes == {"opinion_items": [item.pk, None]}
    with pytest.raises(ValidationError):
        services.opinion_unlink_incident(actor=officer, item=item)


@pytest.mark.django_db
def test_both_must_be_in_the_actors_scope(setup, users):
    officer, incident, items = setup
    with pytest.raises(PermissionDenied):  # the item is in 叶县
        services.opinion_link_incident(actor=officer, item=items["other"], incident=incident)
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    with pytest.raises(PermissionDenied):  # the incident is in 宝丰县
        services.opinion_link_incident(actor=yexian, item=items["other"], incident=incident)
    with pytest.raises(PermissionDenied):  # read-only
        services.opinion_link_incident(
            actor=users[Role.LEADER], item=items["layoff"], incident=incident
        )
    # the city office may link an item of any county to the incident
    office = users[Role.CITY_OFFICE]
    services.opinion_link_incident(actor=office, item=items["other"], incident=incident)
    # ... and the county officer sees only the linked items in their own scope
    assert list(selectors.linked_opinion(user=officer, incident=incident)) == []
    assert list(selectors.linked_opinion(user=office, incident=incident)) == [items["other"]]
    with pytest.raises(PermissionDenied):
        services.opinion_unlink_incident(actor=officer, item=items["other"])
    assert (
        not OpinionItem.objects.filter(incident__isnull=False)
        .exclude(pk=items["other"].pk)
        .exists()
    )


@pytest.mark.django_db
def test_closed_incident_takes_no_links_and_keeps_its_own(setup):
    officer, incident, items = setup
    services.opinion_link_incident(actor=officer, item=items["layoff"], incident=incident)
    incident = close(officer, incident)
    assert incident.status == Incident.Status.CLOSED
    with pytest.raises(ValidationError, match="已结案"):
        services.opinion_link_incident(actor=officer, item=items["collective"], incident=incident)
    with pytest.raises(ValidationError, match="已结案"):
        services.opinion_unlink_incident(actor=officer, item=items["layoff"])
    assert list(selectors.suggested_opinion(user=officer, incident=incident)) == []


@pytest.mark.django_db
def test_suggestions_are_layoff_or_collective_items_of_the_county_while_open(setup, users):
    officer, incident, items = setup
    office = users[Role.CITY_OFFICE]
    expected = [items["layoff"], items["collective"]]
    assert list(selectors.suggested_opinion(user=officer, incident=incident)) == expected
    assert list(selectors.suggested_opinion(user=office, incident=incident)) == expected
    # one received exactly when the incident occurred counts; one a second before does not
    at_start = make_item(officer, "宝丰县某厂裁员传闻", incident.region, incident.occurred_at)
    make_item(
        officer, "宝丰县某厂裁员消息", incident.region, incident.occurred_at - timedelta(seconds=1)
    )
    assert at_start in selectors.suggested_opinion(user=officer, incident=incident)
    assert selectors.suggested_opinion(user=officer, incident=incident).count() == 3
    # a linked item is no longer a suggestion
    services.opinion_link_incident(actor=officer, item=items["layoff"], incident=incident)
    assert items["layoff"] not in selectors.suggested_opinion(user=officer, incident=incident)
    # suggestions link nothing by themselves
    assert OpinionItem.objects.filter(incident=incident).count() == 1
    # an incident in a township of the county suggests the county's items too
    township = Region.objects.get(pk="410421100")
    local = make_incident(officer, township, place="测试街道")
    assert items["collective"] in selectors.suggested_opinion(user=officer, incident=local)


@pytest.mark.django_db
def test_incident_page_lists_suggests_links_and_unlinks(setup, client, users):
    officer, incident, items = setup
    client.force_login(officer)
    url = f"/incidents/{incident.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="opinion-suggestions"' in page
    assert items["layoff"].title in page and items["collective"].title in page
    assert items["wages"].title not in page and items["before"].title not in page
    r = client.post(f"{url}link-opinion/", {"opinion": items["layoff"].pk})
    assert r.status_code == 302
    assert OpinionItem.objects.get(pk=items["layoff"].pk).incident_id == incident.pk
    page = client.get(url).content.decode()
    linked = page.split('data-testid="opinion-items"')[1].split("</table>")[0]
    assert items["layoff"].title in linked and "裁员" in linked
    # errors: not a number (400), an item outside the scope (404), already linked elsewhere (400)
    bad = client.post(f"{url}link-opinion/", {"opinion": "x"})
    assert bad.status_code == 400 and "舆情编号" in bad.content.decode()
    assert client.post(f"{url}link-opinion/", {"opinion": items["other"].pk}).status_code == 404
    second = make_incident(officer, incident.region, place="另一处")
    taken = client.post(f"/incidents/{second.pk}/link-opinion/", {"opinion": items["layoff"].pk})
    assert taken.status_code == 400 and "请先解除关联" in taken.content.decode()
    r = client.post(f"{url}unlink-opinion/", {"opinion": items["layoff"].pk})
    assert r.status_code == 302
    assert OpinionItem.objects.get(pk=items["layoff"].pk).incident_id is None
    # read-only leader: sees the section, no controls, may not post
    client.force_login(users[Role.LEADER])
    page = client.get(url).content.decode()
    assert items["layoff"].title in page and "link-opinion/" not in page
    assert client.post(f"{url}link-opinion/", {"opinion": items["layoff"].pk}).status_code == 403


@pytest.mark.django_db
def test_opinion_page_links_and_unlinks(setup, client, users):
    officer, incident, items = setup
    item = items["collective"]
    client.force_login(officer)
    page = client.get(f"/opinion/{item.pk}/").content.decode()
    assert f'<option value="{incident.pk}"' in page
    r = client.post(f"/opinion/{item.pk}/link/", {"incident": incident.pk})
    assert r.status_code == 302
    page = client.get(f"/opinion/{item.pk}/").content.decode()
    assert incident.place in page.split('data-testid="incident"')[1].split("</dd>")[0]
    assert client.post(f"/opinion/{item.pk}/unlink/").status_code == 302
    again = client.post(f"/opinion/{item.pk}/unlink/")
    assert again.status_code == 400 and "未关联" in again.content.decode()
    # an incident out of the officer's scope is not a choice
    yexian_office = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    other_incident = make_incident(yexian_office, Region.objects.get(pk=OTHER_COUNTY))
    r = client.post(f"/opinion/{item.pk}/link/", {"incident": other_incident.pk})
    assert r.status_code == 400
    assert OpinionItem.objects.get(pk=item.pk).incident_id is None
    assert client.get(f"/opinion/{items['other'].pk}/").status_code == 404
    assert client.post(f"/opinion/{items['other'].pk}/link/", {"incident": 1}).status_code == 404
    client.force_login(users[Role.LEADER])
    assert client.post(f"/opinion/{item.pk}/link/", {"incident": incident.pk}).status_code == 403
    assert client.get(f"/opinion/{item.pk}/link/").status_code == 405


@pytest.mark.django_db
def test_apis(setup, client, users):
    officer, incident, items = setup
    client.force_login(officer)
    item = items["layoff"]
    r = client.post(
        f"/api/opinion/{item.pk}/incident",
        {"incident_id": incident.pk},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["incident_id"] == incident.pk
    detail = client.get(f"/api/incidents/{incident.pk}").json()
    assert [o["id"] for o in detail["opinion_items"]] == [item.pk]
    assert detail["opinion_items"][0]["categories"] == ["layoff"]
    assert [o["id"] for o in detail["opinion_suggestions"]] == [items["collective"].pk]
    r = client.delete(f"/api/opinion/{item.pk}/incident")
    assert r.status_code == 200 and r.json()["incident_id"] is None
    again = client.delete(f"/api/opinion/{item.pk}/incident")
    assert again.status_code == 400 and "未关联" in str(again.json()["detail"])
    # from the incident's side
    r = client.post(
        f"/api/incidents/{incident.pk}/opinion",
        {"opinion_id": items["collective"].pk},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert [o["id"] for o in r.json()["linked"]] == [items["collective"].pk]
    assert [o["id"] for o in r.json()["suggested"]] == [item.pk]
    r = client.delete(f"/api/incidents/{incident.pk}/opinion/{items['collective'].pk}")
    assert r.status_code == 200 and r.json()["linked"] == []
    # scope: an item of another county is 404 for the county officer
    r = client.post(
        f"/api/incidents/{incident.pk}/opinion",
        {"opinion_id": items["other"].pk},
        content_type="application/json",
    )
    assert r.status_code == 404
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    client.force_login(yexian)
    r = client.post(
        f"/api/opinion/{items['other'].pk}/incident",
        {"incident_id": incident.pk},
        content_type="application/json",
    )
    assert r.status_code == 404
    client.force_login(users[Role.LEADER])
    r = client.post(
        f"/api/opinion/{item.pk}/incident",
        {"incident_id": incident.pk},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert client.get(f"/api/incidents/{incident.pk}/opinion").status_code == 200
    assert OpinionItem.objects.filter(incident__isnull=False).count() == 0
