"""Deadline pages and API: scope (404 outside), capability (403), complete/cancel with reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import deadline_create, deadlines_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(users):
    """An overdue deadline in 宝丰县, one due soon there, and an overdue one in 叶县."""
    now = timezone.now()

    def make(kind, region, due):
        return deadline_create(
            kind=kind,
            title=f"事项 {kind}",
            clause="E5",
            subject=Region.objects.get(pk=region),
            region=region,
            due_at=due,
            policy={"opinion.verify_hours": {"value": 48, "unit": "小时", "clause": "E5,L2"}},
            reminders=[120],
            escalation=[{"after_minutes": 0, "to": "county"}],
        )

    late = make("late", OWN_COUNTY, now - timedelta(hours=1))
    soon = make("soon", OWN_COUNTY, now + timedelta(hours=1))
    other = make("other", OTHER_COUNTY, now - timedelta(hours=2))
    deadlines_tick(at=now)
    return late, soon, other


def login(client, users, role):
    client.force_login(users[role])
    return client


def test_county_page_shows_its_own_overdue_and_due_soon_only(client, users, three):
    late, soon, other = three
    page = login(client, users, Role.COUNTY_OFFICER).get("/deadlines/").content.decode()
    assert "事项 late" in page and "事项 soon" in page and "事项 other" not in page
    overdue_part = page.split('data-testid="overdue"')[1].split("</table>")[0]
    soon_part = page.split('data-testid="soon"')[1].split("</table>")[0]
    assert "事项 late" in overdue_part and "事项 soon" in soon_part
    assert client.get(f"/deadlines/{other.pk}/").status_code == 404


def test_city_office_sees_every_overdue_deadline(client, users, three):
    late, soon, other = three
    page = login(client, users, Role.CITY_OFFICE).get("/deadlines/overdue/").content.decode()
    assert "事项 late" in page and "事项 other" in page and "事项 soon" not in page


def test_detail_shows_clause_policy_values_and_who_was_notified(client, users, three):
    late = three[0]
    page = login(client, users, Role.COUNTY_OFFICER).get(f"/deadlines/{late.pk}/").content.decode()
    assert "opinion.verify_hours" in page and "48 小时" in page and "E5,L2" in page
    assert "已通知 baofeng" in page and "已逾期" in page


def test_complete_and_cancel_from_the_page(client, users, three):
    late, soon, _ = three
    login(client, users, Role.COUNTY_OFFICER)
    response = client.post(f"/deadlines/{soon.pk}/cancel/", {"note": ""})
    assert response.status_code == 400 and "撤销须说明理由" in response.content.decode()
    assert client.post(f"/deadlines/{soon.pk}/cancel/", {"note": "重复"}).status_code == 302
    assert client.post(f"/deadlines/{late.pk}/complete/", {"note": "已报告"}).status_code == 302
    late.refresh_from_db()
    soon.refresh_from_db()
    assert (late.status, late.completion_note) == (Deadline.Status.DONE, "已报告")
    assert soon.status == Deadline.Status.CANCELLED


def test_read_only_role_may_see_but_not_complete(client, users, three):
    late = three[0]
    login(client, users, Role.LEADER)
    assert client.get(f"/deadlines/{late.pk}/").status_code == 200
    assert client.post(f"/deadlines/{late.pk}/complete/").status_code == 403
    late.refresh_from_db()
    assert late.status == Deadline.Status.OPEN


def test_api_lists_with_filters_and_completes(client, users, three):
    late, soon, other = three
    login(client, users, Role.COUNTY_OFFICER)
    rows = client.get("/api/deadlines/?overdue=true").json()
    assert [r["id"] for r in rows] == [late.pk]
    assert rows[0]["escalation_level"] == 1 and rows[0]["overdue"] is True
    assert [r["id"] for r in client.get("/api/deadlines/?overdue=false").json()] == [soon.pk]
    assert client.get("/api/deadlines/?status=nonsense").status_code == 400
    assert (
        client.post(f"/api/deadlines/{other.pk}/complete", "{}", "application/json").status_code
        == 404
    )
    r = client.post(
        f"/api/deadlines/{late.pk}/complete", json.dumps({"note": "ok"}), "application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    again = client.post(f"/api/deadlines/{late.pk}/complete", "{}", "application/json")
    assert again.status_code == 400
    assert client.get("/api/deadlines/?status=done").json()[0]["id"] == late.pk
    bad = client.post(
        f"/api/deadlines/{soon.pk}/cancel", json.dumps({"reason": " "}), "application/json"
    )
    assert bad.status_code == 400


def test_api_complete_forbidden_for_read_only(client, users, three):
    login(client, users, Role.LEADER)
    r = client.post(f"/api/deadlines/{three[0].pk}/complete", "{}", "application/json")
    assert r.status_code == 403
