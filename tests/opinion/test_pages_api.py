"""Opinion pages and API: create, classify preview, upload, lexicon editing, scope and capability."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_user
from wenjiuye.core.roles import Role
from wenjiuye.opinion.models import LexiconTerm, OpinionItem

API = "/api/opinion/"


@pytest.mark.django_db
def test_api(policy, client, users, enterprises):
    client.force_login(users[Role.COUNTY_OFFICER])
    r = client.post(
        API,
        {"title": "宏达机械制造裁员", "source": "city", "region_code": OWN_COUNTY},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["created"] and body["categories"] == ["layoff"]
    assert body["enterprises"][0]["name"] == "宝丰县宏达机械制造有限公司"
    assert [d["kind"] for d in body["deadlines"]] == ["opinion.verify_report"]
    preview = client.post(f"{API}classify", {"text": "老板跑路了"}, content_type="application/json")
    assert preview.json()["categories"] == ["absconding"]
    upload = SimpleUploadedFile(
        "feed.jsonl",
        json.dumps({"title": "叶县盐化停产", "guid": "g1"}, ensure_ascii=False).encode(),
    )
    r = client.post(f"{API}ingest", {"file": upload})
    assert r.status_code == 200, r.content
    assert r.json()["feeds"][0]["created"] == 1
    bad = client.post(f"{API}ingest", {"file": SimpleUploadedFile("x.xml", b"<html></html>")})
    assert bad.status_code == 400
    assert client.post(API, {"title": ""}, content_type="application/json").status_code == 400
    pk = body["id"]
    r = client.post(f"{API}{pk}", {"reposts": 5000}, content_type="application/json")
    assert {d["kind"] for d in r.json()["deadlines"]} == {
        "opinion.verify_report",
        "opinion.report_city",
    }
    client.force_login(make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY))
    assert client.get(f"{API}{pk}").status_code == 404
    client.force_login(users[Role.LEADER])
    assert client.get(f"{API}{pk}").status_code == 200
    assert client.post(API, {"title": "x"}, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_pages_and_lexicon(policy, client, users, enterprises):
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get("/opinion/new/").status_code == 200
    r = client.post("/opinion/new/", {"title": "宏达机械制造拖欠工资", "source": "manual"})
    assert r.status_code == 302
    item = OpinionItem.objects.get()
    page = client.get(f"/opinion/{item.pk}/").content.decode()
    assert "拖欠工资" in page and "宝丰县宏达机械制造有限公司" in page
    assert client.get("/opinion/?category=wage_arrears").content.decode().count(item.title) == 1
    assert item.title not in client.get("/opinion/?category=layoff").content.decode()
    add = {"action": "add", "category": "layoff", "term": "裁撤", "weight": "2"}
    # one lexicon classifies the whole city's items: a county officer may not change it
    assert client.post("/opinion/lexicon/", add).status_code == 403
    assert 'value="add"' not in client.get("/opinion/lexicon/").content.decode()
    client.force_login(users[Role.CITY_OFFICE])
    r = client.post("/opinion/lexicon/", add)
    assert r.status_code == 302 and LexiconTerm.objects.filter(term="裁撤").exists()
    client.force_login(users[Role.COUNTY_OFFICER])
    preview = client.post("/opinion/lexicon/", {"action": "classify", "text": "部门裁撤"})
    assert (
        'data-testid="preview"' in preview.content.decode() and "裁撤" in preview.content.decode()
    )
    client.force_login(users[Role.LEADER])
    assert client.get("/opinion/lexicon/").status_code == 200
    assert (
        client.post(
            "/opinion/lexicon/", {"action": "add", "category": "layoff", "term": "x"}
        ).status_code
        == 403
    )
    assert client.get("/opinion/new/").status_code == 403
    assert client.post(f"/opinion/{item.pk}/", {"status": "closed"}).status_code == 403
    client.force_login(make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY))
    assert client.get(f"/opinion/{item.pk}/").status_code == 404
