"""Incident pages and API: scope (404), capability (403), the sixth representative, closing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_id, make_user
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.incidents.models import Incident

API = "/api/incidents/"
PAYLOAD = {
    "region_code": OWN_COUNTY,
    "occurred_at": "2023-03-01T08:30:00+08:00",
    "place": "宝丰县某厂门口",
    "cause": "pay",
    "people": 55,
}


@pytest.fixture
def officer_client(client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    return client


@pytest.mark.django_db
def test_api_flow(policy, officer_client):
    created = officer_client.post(API, PAYLOAD, content_type="application/json")
    assert created.status_code == 200, created.content
    body = created.json()
    pk = body["id"]
    assert {d["kind"].split(":")[1] for d in body["deadlines"]} == {
        "当地党委政府",
        "上级人力资源社会保障部门",
        "局党组",
        "市人社局",  # ≥ 50 people (E8)
        "市委",  # a pay incident, whatever its size (I2)
        "市政府",
        "省人社厅",
    }
    for i in range(5):
        r = officer_client.post(
            f"{API}{pk}/representatives", {"name": f"代表{i}"}, content_type="application/json"
        )
        assert r.status_code == 200
    sixth = officer_client.post(
        f"{API}{pk}/representatives", {"name": "代表6"}, content_type="application/json"
    )
    assert sixth.status_code == 400 and "不超过5人" in str(sixth.json())
    r = officer_client.post(
        f"{API}{pk}/reports", {"text": "现场已控制"}, content_type="application/json"
    )
    assert [x["text"] for x in r.json()["reports"]] == ["现场已控制"]
    r = officer_client.post(
        f"{API}{pk}/demands",
        {"text": "发工资", "handling": "on_spot", "result": "周五发"},
        content_type="application/json",
    )
    assert r.json()["demands"][0]["result"] == "周五发"
    refused = officer_client.post(f"{API}{pk}/close")
    assert refused.status_code == 400 and "事后复盘" in str(refused.json())
    officer_client.post(
        f"{API}{pk}/review",
        {"causes": "欠薪", "problems": "发现晚", "lessons": "早预警"},
        content_type="application/json",
    )
    closed = officer_client.post(f"{API}{pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    raised = officer_client.post(
        f"{API}{pk}/people", {"people": 120}, content_type="application/json"
    )
    assert raised.status_code == 400


@pytest.mark.django_db
def test_api_scope_and_capability(policy, client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    pk = client.post(API, PAYLOAD, content_type="application/json").json()["id"]
    other = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    client.force_login(other)
    assert client.get(f"{API}{pk}").status_code == 404
    assert client.get(API).json() == []
    assert (
        client.post(
            f"{API}{pk}/reports", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(users[Role.LEADER])
    assert client.get(f"{API}{pk}").status_code == 200
    assert (
        client.post(
            f"{API}{pk}/reports", {"text": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.post(API, PAYLOAD, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_pages(policy, client, users):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    assert client.get("/incidents/new/").status_code == 200
    r = client.post(
        "/incidents/new/",
        {**PAYLOAD, "region": OWN_COUNTY, "occurred_at": "2023-03-01T08:30", "people": 120},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    incident = Incident.objects.get()
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "省人社厅" in page and "市委" in page
    id_number = make_id(OWN_COUNTY, "19800101", 5)
    for i in range(5):
        r = client.post(
            f"/incidents/{incident.pk}/representative/",
            {"name": f"代表{i}", "id_number": id_number if i == 0 else "", "phone": "13812345678"},
        )
        assert r.status_code == 302
    sixth = client.post(f"/incidents/{incident.pk}/representative/", {"name": "代表6"})
    assert sixth.status_code == 400 and "不超过5人" in sixth.content.decode()
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "138****5678" in page and id_number not in page
    rep = incident.representatives.first()
    revealed = client.post(f"/incidents/{incident.pk}/reveal/", {"representative": rep.pk})
    assert id_number in revealed.content.decode()
    assert Event.objects.filter(action="view_unmasked", object_id=str(rep.pk)).count() == 1
    close = client.post(f"/incidents/{incident.pk}/status/", {"status": "closed"})
    assert close.status_code == 400 and "事后复盘" in close.content.decode()
    # read-only leader: sees, may not change; other county: 404
    client.force_login(users[Role.LEADER])
    assert client.get(f"/incidents/{incident.pk}/").status_code == 200
    assert client.get("/incidents/new/").status_code == 403
    assert client.post(f"/incidents/{incident.pk}/report/", {"text": "x"}).status_code == 403
    assert (
        client.post(f"/incidents/{incident.pk}/reveal/", {"representative": rep.pk}).status_code
        == 403
    )
    client.force_login(make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY))
    assert client.get(f"/incidents/{incident.pk}/").status_code == 404
    assert client.post(f"/incidents/{incident.pk}/report/", {"text": "x"}).status_code == 404
    assert client.get("/incidents/").status_code == 200


@pytest.mark.django_db
def test_the_deadline_pages_link_back_to_the_incident(policy, officer_client):
    pk = officer_client.post(API, PAYLOAD, content_type="application/json").json()["id"]
    page = officer_client.get("/deadlines/").content.decode()
    assert f'href="/incidents/{pk}/"' in page
    first = deadlines_for(Incident.objects.get(pk=pk)).first()
    detail = officer_client.get(f"/deadlines/{first.pk}/").content.decode()
    assert f'href="/incidents/{pk}/" data-testid="subject-link"' in detail


@pytest.mark.django_db
def test_the_deadline_list_resolves_subject_links_in_one_query_per_kind(policy, officer_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get("/deadlines/").status_code == 200
        return len(captured)

    officer_client.post(API, PAYLOAD, content_type="application/json")
    one = queries()
    for _ in range(3):
        officer_client.post(API, PAYLOAD, content_type="application/json")
    assert queries() == one  # 7 deadlines or 28: the same queries
