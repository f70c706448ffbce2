"""The feed upload page ``/opinion/ingest/``: the command's service behind a form."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OTHER_COUNTY, OWN_COUNTY
from tests.opinion.test_ingest import RSS
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.opinion.models import OpinionItem

URL = "/opinion/ingest/"


def upload(name: str, content: str | bytes) -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_upload_rss_shows_the_summary_and_skips_duplicates(policy, client, users, enterprises):
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(URL)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    r = client.post(URL, {"file": upload("news.xml", RSS)})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="result"' in html
    assert 'data-testid="entries">2<' in html and 'data-testid="created">2<' in html
    assert OpinionItem.objects.count() == 2
    item = OpinionItem.objects.get(guid="news-1")
    assert item.source == "rss" and item.categories == ["layoff"]
    assert item.created_by == users[Role.COUNTY_OFFICER]
    again = client.post(URL, {"file": upload("news.xml", RSS)}).content.decode()
    assert 'data-testid="created">0<' in again and 'data-testid="duplicates">2<' in again
    assert OpinionItem.objects.count() == 2


@pytest.mark.django_db
def test_transferred_source_and_region_make_the_48_hour_deadline(policy, client, users):
    client.force_login(users[Role.CITY_OFFICE])
    line = json.dumps({"title": "网传某企业裁员", "guid": "p-1"}, ensure_ascii=False)
    r = client.post(
        URL, {"file": upload("p.jsonl", line), "source": "province", "region": OWN_COUNTY}
    )
    assert r.status_code == 200, r.content.decode()[:2000]
    item = OpinionItem.objects.get(guid="p-1")
    assert (item.source, item.region_id) == ("province", OWN_COUNTY)
    deadline = deadlines_for(item).get(kind="opinion.verify_report")
    assert (deadline.due_at - item.received_at).total_seconds() == 48 * 3600


@pytest.mark.django_db
def test_unreadable_file_is_400_with_the_reason_and_stores_nothing(policy, client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss>&a;</rss>'
    r = client.post(URL, {"file": upload("bomb.xml", bomb)})
    assert r.status_code == 400 and "DOCTYPE" in r.content.decode()
    r = client.post(URL, {"file": upload("page.xml", "<html><body>x</body></html>")})
    assert r.status_code == 400 and "不是 RSS 2.0、Atom 或 JSON Lines 格式" in r.content.decode()
    r = client.post(URL, {"file": upload("gbk.jsonl", "裁员".encode("gbk"))})
    assert r.status_code == 400 and "UTF-8" in r.content.decode()
    r = client.post(URL, {})
    assert r.status_code == 400 and 'data-testid="errors"' in r.content.decode()
    r = client.post(URL, {"file": upload("a.jsonl", '{"title": "x"}'), "source": "fax"})
    assert r.status_code == 400
    assert OpinionItem.objects.count() == 0


@pytest.mark.django_db
def test_scope_and_capability(policy, client, users):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    # a region outside the officer's scope is not a choice
    r = client.post(URL, {"file": upload("a.jsonl", '{"title": "裁员"}'), "region": OTHER_COUNTY})
    assert r.status_code == 400
    # an entry naming another county is skipped with the reason, the others are stored
    lines = "\n".join(
        [
            json.dumps({"title": "叶县某厂裁员", "guid": "y", "region_code": OTHER_COUNTY}),
            json.dumps({"title": "宝丰县某厂裁员", "guid": "b", "region_code": OWN_COUNTY}),
        ]
    )
    r = client.post(URL, {"file": upload("mixed.jsonl", lines)})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="created">1<' in html and "不在您的管辖范围内" in html
    assert list(OpinionItem.objects.values_list("guid", flat=True)) == ["b"]
    client.force_login(users[Role.LEADER])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload("a.jsonl", '{"title": "x"}')}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302
