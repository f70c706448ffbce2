"""M6, E8: every mass incident enters the risk ledger (its enterprise, or else its county)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import OWN_COUNTY, OWN_GRID, T0, make_uscc
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.incidents import services
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.registry.models import Enterprise


def make(actor, region, **extra):
    return services.incident_create(
        actor=actor,
        region=region,
        occurred_at=T0 - timedelta(minutes=20),
        place=extra.pop("place", "宝丰县某厂门口"),
        cause="pay",
        people=extra.pop("people", 60),
        at=T0,
        **extra,
    )


def ids(entry):
    return [i["incident_id"] for i in entry.evidence["群体性事件"]["items"]]


@pytest.mark.django_db
def test_incident_puts_its_county_on_the_risk_ledger_once(policy, users, county):
    officer = users[Role.COUNTY_OFFICER]
    first = make(officer, county)
    entry = LedgerEntry.objects.get(ledger="risk")
    assert (entry.subject_type, entry.subject_id, entry.region_code) == (
        "region",
        OWN_COUNTY,
        OWN_COUNTY,
    )
    assert entry.reasons == ["群体性事件"] and ids(entry) == [first.pk]
    assert entry.evidence["群体性事件"]["items"][0]["people"] == 60
    assert entry.evidence["群体性事件"]["period"] == "202303"
    events = Event.objects.filter(object_type="monitoring.ledgerentry", object_id=str(entry.pk))
    count = events.count()
    # idempotent per incident
    again = services.risk_ledger(actor=officer, incident=first)
    assert again.pk == entry.pk and events.count() == count
    entry.refresh_from_db()
    assert entry.reasons == ["群体性事件"] and ids(entry) == [first.pk]
    # a second incident of the county adds evidence, not a reason
    second = make(officer, county, place="县城广场")
    entry.refresh_from_db()
    assert entry.reasons == ["群体性事件"] and ids(entry) == [first.pk, second.pk]


@pytest.mark.django_db
def test_incident_of_an_enterprise_puts_the_enterprise_on_the_ledger(policy, users, county):
    enterprise = Enterprise.objects.create(
        uscc=make_uscc(OWN_COUNTY, 21), name="宝丰县某机械厂", region_id=OWN_COUNTY
    )
    incident = make(users[Role.COUNTY_OFFICER], county, enterprise=enterprise)
    entry = LedgerEntry.objects.get(ledger="risk")
    assert (entry.subject_type, entry.subject_id, entry.name) == (
        "enterprise",
        enterprise.uscc,
        enterprise.name,
    )
    assert ids(entry) == [incident.pk]


@pytest.mark.django_db
def test_a_township_incident_reaches_the_county_entry(policy, users):
    officer = users[Role.COUNTY_OFFICER]
    incident = make(officer, Region.objects.get(pk=OWN_GRID), place="测试街道")
    entry = LedgerEntry.objects.get(ledger="risk")
    # the entry is the county's, audited as the officer who recorded the incident
    assert entry.subject_id == OWN_COUNTY and entry.reasons == ["群体性事件"]
    assert entry.source == "monitoring" and ids(entry) == [incident.pk]
    assert entry.evidence["群体性事件"]["items"][0]["region_code"] == OWN_GRID
    actors = set(
        Event.objects.filter(
            object_type="monitoring.ledgerentry", object_id=str(entry.pk)
        ).values_list("actor_name", flat=True)
    )
    assert actors == {"baofeng"}


@pytest.mark.django_db
def test_the_grid_worker_does_not_record_incidents(policy, users):
    with pytest.raises(PermissionDenied):
        make(users[Role.GRID_WORKER], Region.objects.get(pk=OWN_GRID), place="测试街道")
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_risk_ledger_page_shows_the_entry(policy, users, county, client):
    make(users[Role.COUNTY_OFFICER], county)
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get("/lists/risk/").content.decode()
    assert "群体性事件" in page and county.name in page
