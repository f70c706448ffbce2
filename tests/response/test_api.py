"""The response API: calculators on their boundaries, layoff reports, roster masking, visits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import (
    OTHER_COUNTY,
    OWN_COUNTY,
    make_id,
    make_report,
    make_user,
    roster_csv,
    worker_rows,
)
from tests.lists import client_for
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.response import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("employees", "layoffs", "applies"),
    [(1000, 19, False), (1000, 20, True), (150, 15, True), (150, 14, False), (40, 4, True)],
)
def test_layoff_check_api_art41(world, officer, employees, layoffs, applies):
    r = client_for(officer).get(
        "/api/response/layoff-check", {"employees": employees, "layoffs": layoffs}
    )
    assert r.status_code == 200
    assert r.json()["art41_applies"] is applies


@pytest.mark.parametrize(
    ("layoffs", "early", "city", "province"),
    [
        (49, False, False, False),
        (50, True, False, False),
        (199, True, False, False),
        (200, True, False, True),
        (201, True, True, True),
    ],
)
def test_layoff_check_api_escalation(world, officer, layoffs, early, city, province):
    r = client_for(officer).get(
        "/api/response/layoff-check", {"employees": 5000, "layoffs": layoffs}
    )
    found = {o["kind"] for o in r.json()["obligations"]}
    assert ("layoff.early_intervention" in found) is early
    assert ("layoff.report_city" in found) is city
    assert ("layoff.report_province" in found) is province
    assert {c["key"] for c in r.json()["policy"]} >= {"layoff.report_city.exceeds_people"}


def test_layoff_check_api_bad_input_is_400(world, officer):
    c = client_for(officer)
    r = c.get("/api/response/layoff-check", {"employees": 10, "layoffs": 11})
    assert r.status_code == 400 and "不超过职工总数" in r.json()["detail"]
    r = c.get("/api/response/layoff-check", {"employees": 100, "layoffs": 20, "on": "2000-01-01"})
    assert r.status_code == 409
    assert c.get("/api/response/layoff-check", {"employees": "x"}).status_code in (400, 422)


@pytest.mark.parametrize(
    ("start", "end", "wage", "months", "amount"),
    [
        ("2007-03-01", "2022-02-28", 30000, 12.0, 216000.0),  # > 3 × 6000: 12 × 18000
        ("2007-03-01", "2022-02-28", 8000, 15.0, 120000.0),  # below the cap: 15 months
        ("2022-01-15", "2022-06-14", 5000, 0.5, 2500.0),  # 5 months: half a month
    ],
)
def test_severance_api_acceptance(world, officer, start, end, wage, months, amount):
    r = client_for(officer).get(
        "/api/response/severance",
        {"start": start, "end": end, "monthly_wage": wage, "local_average_wage": 6000},
    )
    assert r.status_code == 200
    assert (r.json()["months"], r.json()["amount"]) == (months, amount)
    assert r.json()["policy"]


def test_severance_api_refuses_end_before_start(world, officer):
    r = client_for(officer).get(
        "/api/response/severance",
        {"start": "2022-01-01", "end": "2021-01-01", "monthly_wage": 1, "local_average_wage": 1},
    )
    assert r.status_code == 400


def payload(world, **extra):
    impl = timezone.localdate() + timedelta(days=40)
    return {
        "enterprise_uscc": world["own"].uscc,
        "total_employees": 1000,
        "planned_layoffs": 201,
        "situation": "difficulty",
        "planned_implementation_on": impl.isoformat(),
        "explained_on": (impl - timedelta(days=30)).isoformat(),
        "reported_on": timezone.localdate().isoformat(),
        "local_average_wage": "6000",
    } | extra


def test_layoff_lifecycle_through_the_api(world, officer, office, reviewer):
    c = client_for(officer)
    r = c.post("/api/response/layoffs/", payload(world), content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["region_code"] == OWN_COUNTY
    upload = SimpleUploadedFile("名单.csv", roster_csv(worker_rows(3)), content_type="text/csv")
    r = c.post(f"/api/response/layoffs/{pk}/roster", {"file": upload})
    assert r.status_code == 200, r.content
    assert r.json()["created"] == 3 and r.json()["totals"]["workers"] == 3
    r = c.post(f"/api/response/layoffs/{pk}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    city = next(d for d in r.json()["deadlines"] if d["kind"] == "layoff.report_city")
    assert city["escalation"] == [{"after_minutes": 0, "to": "city_office"}]
    # the city office reads the same report and its escalation deadline
    r = client_for(office).get(f"/api/response/layoffs/{pk}")
    assert r.status_code == 200
    assert {d["kind"] for d in r.json()["deadlines"]} >= {
        "layoff.report_city",
        "layoff.report_province",
    }
    assert c.post(f"/api/response/layoffs/{pk}/review", {}, "application/json").status_code == 403
    review = client_for(reviewer).post(f"/api/response/layoffs/{pk}/review", {}, "application/json")
    assert review.status_code == 200  # a second officer reviews
    r = c.post(f"/api/response/layoffs/{pk}/implement", {}, "application/json")
    assert r.status_code == 200, r.content
    assert [p["name"] for p in r.json()["persons"]] == ["职工1", "职工2", "职工3"]
    assert "*" in r.json()["persons"][0]["id_number"]
    r = c.post(f"/api/response/layoffs/{pk}/close", {}, "application/json")
    assert r.status_code == 400  # obligations still open
    r = c.post(f"/api/response/layoffs/{pk}/close", {"note": "已逐项处理"}, "application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"


def test_api_scope_and_capability(world, officer):
    users = world["users"]
    r = client_for(officer).post(
        "/api/response/layoffs/",
        payload(world, enterprise_uscc=world["other"].uscc),
        content_type="application/json",
    )
    assert r.status_code == 404  # 叶县's enterprise is not in 宝丰县's scope
    r = client_for(users[Role.LEADER]).post(
        "/api/response/layoffs/", payload(world), content_type="application/json"
    )
    assert r.status_code == 403
    report = make_report(officer, world["own"])
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    assert client_for(yexian).get(f"/api/response/layoffs/{report.pk}").status_code == 404
    assert (
        client_for(users[Role.LEADER]).get(f"/api/response/layoffs/{report.pk}").status_code == 200
    )
    r = client_for(users[Role.LEADER]).post(f"/api/response/layoffs/{report.pk}/submit")
    assert r.status_code == 403
    ids = [r["id"] for r in client_for(yexian).get("/api/response/layoffs/").json()]
    assert ids == []


def test_roster_masked_unless_revealed_and_the_reveal_is_audited(world, officer):
    report = make_report(officer, world["own"])
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(1)), filename="r.csv"
    )
    full_id = make_id(OWN_COUNTY, "19850101", 1)
    c = client_for(officer)
    masked = c.get(f"/api/response/layoffs/{report.pk}/roster").json()["workers"][0]
    assert masked["id_number"] == full_id[:4] + "*" * 13 + full_id[-1:]
    assert masked["phone"] == "138****0001"
    assert not Event.objects.filter(action=Event.Action.VIEW_UNMASKED).exists()
    shown = c.get(f"/api/response/layoffs/{report.pk}/roster", {"unmasked": "true"}).json()
    assert shown["workers"][0]["id_number"] == full_id
    event = Event.objects.get(action=Event.Action.VIEW_UNMASKED)
    assert event.actor == officer and event.object_id == str(report.pk)
    leader = client_for(world["users"][Role.LEADER])
    r = leader.get(f"/api/response/layoffs/{report.pk}/roster", {"unmasked": "true"})
    assert r.status_code == 403
    assert (
        "*"
        in leader.get(f"/api/response/layoffs/{report.pk}/roster").json()["workers"][0]["id_number"]
    )


def test_visits_api(world, officer):
    c = client_for(officer)
    r = c.post(
        "/api/response/visits/",
        {
            "enterprise_uscc": world["own"].uscc,
            "visited_on": timezone.localdate().isoformat(),
            "visitors": "张三、李四",
            "difficulties": "订单下降",
            "policies_briefed": ["refund", "si_relief"],
            "measures": ["internal_transfer"],
            "handbook_given": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["policies_briefed"] == ["refund", "si_relief"]
    assert [v["id"] for v in c.get("/api/response/visits/").json()] == [r.json()["id"]]
    r = c.post(
        "/api/response/visits/",
        {
            "enterprise_uscc": world["own"].uscc,
            "visited_on": timezone.localdate().isoformat(),
            "visitors": "张三",
            "policies_briefed": ["bogus"],
        },
        content_type="application/json",
    )
    assert r.status_code in (400, 422)
