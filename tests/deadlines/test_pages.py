"""Deadline pages and API: scope (404 outside), capability (403), complete/cancel with reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY
from wenjiuye.core.models import Region
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import deadline_create, deadlines_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(users, policy):
    """An overdue deadline in 宝丰县, one due soon there, and an overdue one in 叶县."""
    now = timezone.now()
    cites = {
        key: policy_cite(policy_get(key, on=timezone.localdate()))
        for key in ("opinion.report_city.due_hours", "deadline.escalation_path")
    }

    def make(kind, region, due):
        return deadline_create(
            kind=kind,
            title=f"事项 {kind}",
            clause="E5",
            subject=Region.objects.get(pk=region),
            region=region,
            due_at=due,
            policy=cites,
            reminders=[120],
            escalation=[{"after_minutes": 0, "to": "county"}],
        )

    late = make("opinion.report_city", OWN_COUNTY, now - timedelta(hours=1))
    soon = make("incident.report:city", OWN_COUNTY, now + timedelta(hours=1))
    other = make("layoff.report_city", OTHER_COUNTY, now - timedelta(hours=2))
    deadlines_tick(at=now)
    return late, soon, other


def login(client, users, role):
    client.force_login(users[role])
    return client


def test_county_page_shows_its_own_overdue_and_due_soon_only(client, users, three):
    late, soon, other = three
    page = login(client, users, Role.COUNTY_OFFICER).get("/deadlines/").content.decode()
    assert "事项 opinion.report_city" in page and "事项 incident.report:city" in page
    assert "事项 layoff.report_city" not in page
    overdue = login(client, users, Role.COUNTY_OFFICER).get("/deadlines/?status=overdue")
    soon_page = client.get("/deadlines/?status=soon").content.decode()
    assert "事项 opinion.report_city" in overdue.content.decode()
    assert "事项 incident.report:city" not in overdue.content.decode()
    assert "事项 incident.report:city" in soon_page and "事项 opinion.report_city" not in soon_page
    assert client.get(f"/deadlines/{other.pk}/").status_code == 404


def test_city_office_sees_every_overdue_deadline(client, users, three):
    login(client, users, Role.CITY_OFFICE)
    response = client.get("/deadlines/overdue/", follow=True)
    assert response.redirect_chain[-1][0].endswith("?status=overdue")
    page = response.content.decode()
    assert "事项 opinion.report_city" in page and "事项 layoff.report_city" in page
    assert "事项 incident.report:city" not in page


def test_detail_shows_clause_policy_by_name_and_who_was_notified(client, users, three):
    late = three[0]
    page = login(client, users, Role.COUNTY_OFFICER).get(f"/deadlines/{late.pk}/").content.decode()
    assert "传播较快的裁员舆情县(市、区)向市局报告的时限" in page and "2 小时" in page
    assert "时限事项逾期后的逐级督办路径" in page and "共 3 项设置" in page
    assert "opinion.report_city.due_hours" not in page and "deadline.escalation_path" not in page
    assert "{&#x27;" not in page and "[{" not in page  # no Python repr of a structured value
    assert "向市人社局报告裁员舆情" in page  # the kind by its name
    assert "已通知 账号 baofeng" in page and "已逾期" in page


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
