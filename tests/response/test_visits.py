"""Visits to key-concern enterprises (E1, E2) and the key-enterprise ledger they keep up to date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wenjiuye.core.models import Event
from wenjiuye.monitoring.ledger import ledger_add
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.response import visits

pytestmark = pytest.mark.django_db


def visit(actor, enterprise, **extra):
    values = {
        "visited_on": date(2022, 11, 3),
        "visitors": "张三",
        "difficulties": "",
        "policies_briefed": ["si_relief"],
        "measures": [],
        "handbook_given": False,
        "outcome": "稳定",
        "next_visit_on": None,
    } | extra
    return visits.visit_create(actor=actor, enterprise=enterprise, **values)


def test_a_visit_to_a_listed_enterprise_adds_a_note_and_confirms_the_month(world, officer):
    own = world["own"]
    entry = ledger_add(
        actor=officer,
        ledger="key_enterprise",
        subject_type="enterprise",
        subject_id=own.uscc,
        region_code=own.region_id,
        reason="欠薪",
        period="202209",
        name=own.name,
    )
    visit(officer, own, visited_on=date(2022, 11, 3), outcome="已协调发放工资")
    entry.refresh_from_db()
    assert LedgerEntry.objects.filter(subject_id=own.uscc).count() == 1
    assert entry.last_confirmed == "202211"
    assert entry.reasons == ["manual:欠薪"]  # a visit is not a new reason
    assert "2022-11-03 走访(张三)" in entry.note and "已协调发放工资" in entry.note
    change = Event.objects.filter(object_type="monitoring.ledgerentry", object_id=str(entry.pk))
    assert change.latest("at").changes["last_confirmed"] == ["202209", "202211"]
    # an earlier visit recorded later does not move the month back
    visit(officer, own, visited_on=date(2022, 10, 1))
    entry.refresh_from_db()
    assert entry.last_confirmed == "202211"


def test_a_visit_to_an_unlisted_enterprise_opens_an_entry(world, officer):
    visit(officer, world["own"], difficulties="订单下降")
    entry = LedgerEntry.objects.get(subject_id=world["own"].uscc)
    assert (entry.ledger, entry.first_flagged, entry.status) == ("key_enterprise", "202211", "open")


def test_visits_are_checked(world, officer):
    with pytest.raises(PermissionDenied):
        visit(officer, world["other"])
    with pytest.raises(ValidationError):
        visit(officer, world["own"], policies_briefed=["free_money"])
    with pytest.raises(ValidationError):
        visit(officer, world["own"], measures=["layoff"])
    with pytest.raises(ValidationError):
        visit(officer, world["own"], visited_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError):
        visit(officer, world["own"], next_visit_on=date(2022, 11, 3))
    assert not LedgerEntry.objects.exists()
