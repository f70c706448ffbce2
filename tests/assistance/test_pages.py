"""Pages and API: public registration (no login, CSRF, bad ID saves nothing), the subsidy list,
county/grid scope, masking with audited reveal, status changes with reasons."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id
from wenjiuye.assistance import services
from wenjiuye.assistance.models import Case, PendingRegistration, Status
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role

GOOD = make_id(OWN_COUNTY, "19850505", 31)


def form(**kw):
    data = {
        "name": "王五",
        "id_number": GOOD,
        "phone": "13912345678",
        "county": OWN_COUNTY,
        "street": OWN_GRID,
        "education": "senior",
        "desired_job": "司机",
        "wants_training": "1",
        "consent": "on",  # the personal-information notice read and agreed to
    }
    return {**data, **kw}


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def cases(policy, make_person):
    own = services.case_open(
        person=make_person(41), source="registration", registered_on=date(2022, 9, 1)
    )
    other = services.case_open(
        person=make_person(42, region=OTHER_COUNTY),
        source="registration",
        registered_on=date(2022, 9, 1),
    )
    return own, other


def test_public_register_needs_no_login_and_saves_a_pending_record(policy, regions, client):
    page = client.get(reverse("public-register"))
    assert page.status_code == 200
    assert "csrfmiddlewaretoken" in page.content.decode()
    done = client.post(reverse("public-register"), form())
    assert done.status_code == 200
    assert "等待所在县(市、区)人社部门确认" in done.content.decode()
    pending = PendingRegistration.objects.get()
    assert (pending.id_number, pending.street_id, pending.state) == (GOOD, OWN_GRID, "pending")
    # The same number again: the same answer (nothing tells that it is waiting), nothing saved.
    again = client.post(reverse("public-register"), form())
    assert again.status_code == 200
    assert again.content == done.content
    assert PendingRegistration.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("410421198505051230", "校验"),
        ("41042119850505123", "公民身份号码有误"),
        ("410421198513051234", "公民身份号码有误"),
    ],
)
def test_bad_id_number_gives_a_clear_message_and_saves_nothing(
    policy, regions, client, bad, message
):
    if bad.endswith("1230"):
        bad = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")  # wrong check digit
    before = (PendingRegistration.objects.count(), Event.objects.count(), Case.objects.count())
    response = client.post(reverse("public-register"), form(id_number=bad))
    assert response.status_code == 400
    text = response.content.decode()
    assert "公民身份号码有误" in text and message in text
    assert (
        PendingRegistration.objects.count(),
        Event.objects.count(),
        Case.objects.count(),
    ) == before


def test_street_outside_the_county_is_refused(policy, regions, client):
    response = client.post(reverse("public-register"), form(county=OTHER_COUNTY))
    assert response.status_code == 400
    assert "所选县(市、区)内的乡镇(街道)" in response.content.decode()
    assert not PendingRegistration.objects.exists()


def test_public_register_has_csrf_on(policy, regions):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("public-register"), form()).status_code == 403
    assert not PendingRegistration.objects.exists()


def test_open_case_is_caught_as_a_duplicate_without_saying_so(cases, client):
    own, _ = cases
    response = client.post(reverse("public-register"), form(id_number=own.person.id_number))
    assert response.status_code == 200
    text = response.content.decode()
    assert "等待所在县(市、区)人社部门确认" in text and "已有在册" not in text
    assert not PendingRegistration.objects.exists()


def test_public_subsidies_list(policy, client):
    response = client.get(reverse("public-subsidies"))
    assert response.status_code == 200
    text = response.content.decode()
    for words in (
        "失业补助金",
        "360元/月",
        "260元/月",
        "180元/月",
        "每月260元,发放3个月",
        "补贴对象",
        "办理流程",
    ):
        assert words in text
    assert "2022-01-01 至 2022-12-31" in text


def test_county_sees_its_cases_only(cases, client, users):
    own, other = cases
    login(client, users[Role.GRID_WORKER])
    listing = client.get(reverse("assistance-cases")).content.decode()
    assert own.person.name in listing and other.person.name not in listing
    assert client.get(reverse("assistance-case", args=[other.pk])).status_code == 404
    detail = client.get(reverse("assistance-case", args=[own.pk])).content.decode()
    assert own.person.id_number not in detail  # masked
    assert own.person.id_number[:4] + "*" in detail
    assert "帮扶档次" in detail


def test_list_filters(cases, client, users):
    own, _ = cases
    login(client, users[Role.CITY_OFFICE])
    url = reverse("assistance-cases")
    assert own.person.name in client.get(url, {"status": "registered"}).content.decode()
    assert own.person.name not in client.get(url, {"status": "closed"}).content.decode()
    assert own.person.name in client.get(url, {"tier": own.tier}).content.decode()
    assert own.person.name not in client.get(url, {"grid": OTHER_COUNTY}).content.decode()


def test_reveal_is_audited_and_needs_the_capability(cases, client, users):
    own, _ = cases
    login(client, users[Role.COUNTY_OFFICER])
    page = client.post(reverse("assistance-case-reveal", args=[own.pk]))
    assert page.status_code == 200 and own.person.id_number in page.content.decode()
    assert Event.objects.filter(
        action=Event.Action.VIEW_UNMASKED, object_id=str(own.person.pk)
    ).exists()
    member = Client()
    login(member, users[Role.GROUP_MEMBER])
    assert member.post(reverse("assistance-case-reveal", args=[own.pk])).status_code == 403


def test_status_change_page_and_invalid_transition(cases, client, users):
    own, _ = cases
    login(client, users[Role.GRID_WORKER])
    url = reverse("assistance-case-status", args=[own.pk])
    bad = client.post(url, {"status": "follow_up"})
    assert bad.status_code == 400 and "不能从“已登记”变更为“跟踪回访”" in bad.content.decode()
    ok = client.post(url, {"status": "being_helped", "note": "开始帮扶"})
    assert ok.status_code == 302
    own.refresh_from_db()
    assert own.status == Status.BEING_HELPED
    leader = Client()
    login(leader, users[Role.LEADER])
    assert leader.post(url, {"status": "closed"}).status_code == 403


def test_pending_confirm_page(policy, regions, client, users):
    client.post(reverse("public-register"), form())
    pending = PendingRegistration.objects.get()
    officer = Client()
    login(officer, users[Role.COUNTY_OFFICER])
    listing = officer.get(reverse("assistance-pending")).content.decode()
    assert "王五" in listing and GOOD not in listing
    response = officer.post(
        reverse("assistance-pending-decide", args=[pending.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 302
    case = Case.objects.get(person__id_number=GOOD)
    assert case.sources[0]["source"] == "online"
    pending.refresh_from_db()
    assert pending.state == "confirmed" and pending.case == case


def test_api_list_detail_status_and_assess(cases, client, users):
    own, other = cases
    login(client, users[Role.COUNTY_OFFICER])
    rows = client.get("/api/assistance/cases/").json()
    assert [r["id"] for r in rows] == [own.pk]
    assert rows[0]["id_number"] != own.person.id_number
    assert client.get(f"/api/assistance/cases/{other.pk}/").status_code == 404
    detail = client.get(f"/api/assistance/cases/{own.pk}/").json()
    assert detail["tier_now"]["reasons"]
    bad = client.post(
        f"/api/assistance/cases/{own.pk}/status/",
        json.dumps({"status": "closed", "on": "2000-01-01"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "早于" in json.dumps(bad.json(), ensure_ascii=False)
    ok = client.post(
        f"/api/assistance/cases/{own.pk}/status/",
        json.dumps({"status": "being_helped"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "being_helped"
    assert any(d["kind"].startswith("assistance.one_week") for d in ok.json()["deadlines"])
    assessed = client.post(
        "/api/assistance/benefits/assess/",
        json.dumps({"on": "2022-08-01", "contribution_months": 5, "separation_date": "2022-07-01"}),
        content_type="application/json",
    ).json()
    subsidy = next(b for b in assessed["benefits"] if b["benefit"] == "subsidy")
    assert (subsidy["monthly_amount"], subsidy["eligible"]) == (180, True)
    invalid = client.post(
        "/api/assistance/benefits/assess/",
        json.dumps({"on": "x", "contribution_months": 5}),
        content_type="application/json",
    )
    assert invalid.status_code == 400


def test_api_open_case_by_layoff_roster(policy, regions, client, users):
    login(client, users[Role.COUNTY_OFFICER])
    number = make_id(OWN_COUNTY, "19700101", 51)
    body = {
        "id_number": number,
        "name": "钱七",
        "source": "layoff_roster",
        "source_ref": "roster:1",
        "grid": OWN_GRID,
    }
    first = client.post("/api/assistance/cases/", json.dumps(body), content_type="application/json")
    assert first.status_code == 201
    second = client.post(
        "/api/assistance/cases/",
        json.dumps({**body, "source_ref": "roster:2"}),
        content_type="application/json",
    )
    assert second.json()["id"] == first.json()["id"]
    assert [s["ref"] for s in second.json()["sources"]] == ["roster:1", "roster:2"]
    elsewhere = client.post(
        "/api/assistance/cases/",
        json.dumps(
            {**body, "id_number": make_id(OTHER_COUNTY, "19700101", 52), "grid": OTHER_COUNTY}
        ),
        content_type="application/json",
    )
    assert elsewhere.status_code == 403


def test_one_week_page_lists_overdue(cases, client, users):
    own, _ = cases
    services.case_set_status(
        case=own,
        status=Status.BEING_HELPED,
        actor=users[Role.GRID_WORKER],
        on=timezone.localdate() - timedelta(days=9),
    )
    login(client, users[Role.GRID_WORKER])
    text = client.get(reverse("assistance-one-week")).content.decode()
    assert own.person.name in text


def test_payments_and_pending_pages_render(cases, client, users, settings, tmp_path):
    settings.WENJIUYE_LAKE = str(tmp_path)
    login(client, users[Role.COUNTY_OFFICER])
    page = client.get(reverse("assistance-payments"), {"as_of": "2022-11-15"})
    assert page.status_code == 200
    assert "宝丰县" in page.content.decode() and "未设置年度预算" in page.content.decode()
    saved = client.post(
        reverse("assistance-payments"), {"county": OWN_COUNTY, "year": 2022, "amount": "5000"}
    )
    assert saved.status_code == 302
    refused = client.post(
        reverse("assistance-payments"), {"county": OTHER_COUNTY, "year": 2022, "amount": "5000"}
    )
    assert refused.status_code == 403
    assert client.get(reverse("assistance-pending")).status_code == 200


def test_no_street_is_refused_where_the_county_has_townships(policy, regions, client):
    response = client.post(reverse("public-register"), form(street=""))
    assert response.status_code == 400
    assert "请选择所选县(市、区)内的乡镇(街道)" in response.content.decode()
    assert not PendingRegistration.objects.exists()


def test_no_street_is_fine_where_the_county_has_no_townships(policy, regions, client):
    other = make_id(OTHER_COUNTY, "19850505", 32)
    response = client.post(
        reverse("public-register"), form(county=OTHER_COUNTY, street="", id_number=other)
    )
    assert response.status_code in (200, 302)
    pending = PendingRegistration.objects.get()
    assert pending.street_id in (None, OTHER_COUNTY)
