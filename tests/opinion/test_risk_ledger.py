"""M6, E9: layoff and collective-action public opinion enter the risk ledger, once per item."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from tests.factories import OWN_COUNTY, T0
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.opinion import services


def risk(subject_id: str) -> LedgerEntry:
    return LedgerEntry.objects.get(ledger="risk", subject_id=subject_id)


def cited(entry: LedgerEntry, reason: str) -> list[int]:
    return [i["opinion_id"] for i in entry.evidence[reason]["items"]]


@pytest.mark.django_db
def test_layoff_item_puts_its_enterprise_on_the_risk_ledger_once(policy, users, enterprises):
    officer = users[Role.COUNTY_OFFICER]
    hongda = enterprises["hongda"]
    item, _ = services.opinion_create(
        actor=officer, title="宏达机械制造大规模裁员", source="manual", at=T0
    )
    entry = risk(hongda.uscc)
    assert (entry.subject_type, entry.region_code, entry.name) == (
        "enterprise",
        OWN_COUNTY,
        hongda.name,
    )
    assert entry.reasons == ["裁员舆情"]
    assert cited(entry, "裁员舆情") == [item.pk]
    assert entry.evidence["裁员舆情"]["period"] == "202303"
    assert entry.evidence["裁员舆情"]["items"][0]["categories"] == ["layoff"]
    events = Event.objects.filter(object_type="monitoring.ledgerentry", object_id=str(entry.pk))
    count = events.count()
    assert count == 1 and set(events.values_list("actor_name", flat=True)) == {"baofeng"}
    # evaluated again (update, reclassify): nothing changes, nothing is written
    services.opinion_update(actor=officer, item=item, status="verifying", reclassify=True)
    entry.refresh_from_db()
    assert entry.reasons == ["裁员舆情"] and cited(entry, "裁员舆情") == [item.pk]
    assert events.count() == count
    # a second layoff item adds evidence, not a reason
    second, _ = services.opinion_create(
        actor=officer, title="宏达机械制造裁人", source="manual", at=T0
    )
    entry.refresh_from_db()
    assert entry.reasons == ["裁员舆情"]
    assert cited(entry, "裁员舆情") == [item.pk, second.pk]
    assert LedgerEntry.objects.filter(ledger="risk").count() == 1


@pytest.mark.django_db
def test_collective_item_without_enterprise_puts_its_region_on_the_ledger(policy, users):
    county = Region.objects.get(pk=OWN_COUNTY)
    item, _ = services.opinion_create(
        actor=None, title="某厂工人聚集堵门", source="rss", region=county, at=T0
    )
    assert item.categories == ["collective"]
    entry = risk(OWN_COUNTY)
    assert entry.subject_type == "region" and entry.name == county.name
    assert entry.reasons == ["群体性事件舆情"] and entry.source == "monitoring"
    assert cited(entry, "群体性事件舆情") == [item.pk]
    # an item that is both: one reason each, on the same entry
    both, _ = services.opinion_create(
        actor=None, title="某厂大规模裁员工人聚集", source="rss", region=county, at=T0
    )
    entry.refresh_from_db()
    assert sorted(entry.reasons) == ["群体性事件舆情", "裁员舆情"]
    assert cited(entry, "群体性事件舆情") == [item.pk, both.pk]
    assert cited(entry, "裁员舆情") == [both.pk]


@pytest.mark.django_db
def test_other_categories_do_not_enter_the_risk_ledger(policy, users, enterprises):
    services.opinion_create(
        actor=users[Role.COUNTY_OFFICER], title="宏达机械制造拖欠工资", source="manual", at=T0
    )
    assert not LedgerEntry.objects.filter(ledger="risk").exists()
    assert LedgerEntry.objects.filter(ledger="key_enterprise").count() == 1


@pytest.mark.django_db
def test_feed_import_as_the_system_and_a_closed_entry(policy, users, enterprises, tmp_path):
    from django.core.management import call_command  # noqa: PLC0415

    from wenjiuye.monitoring.ledger import ledger_set_status  # noqa: PLC0415

    feed = tmp_path / "f.jsonl"
    feed.write_text(json.dumps({"title": "宏达机械制造裁员", "guid": "1"}, ensure_ascii=False))
    call_command("opinion", "ingest", str(feed), "--json", stdout=StringIO())
    entry = risk(enterprises["hongda"].uscc)
    assert entry.reasons == ["裁员舆情"] and entry.source == "monitoring"
    # once closed, a new item opens a new entry
    ledger_set_status(
        actor=users[Role.COUNTY_OFFICER], entry=entry, status="closed", reason="已核实化解"
    )
    services.opinion_create(
        actor=users[Role.COUNTY_OFFICER], title="宏达机械制造再次裁员", source="manual", at=T0
    )
    assert LedgerEntry.objects.filter(ledger="risk").count() == 2
    live = LedgerEntry.objects.get(ledger="risk", status="open")
    assert live.reasons == ["裁员舆情"] and len(cited(live, "裁员舆情")) == 1
