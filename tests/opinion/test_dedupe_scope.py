"""De-duplication never discloses another county's item: a 宝丰县 (410421) officer adding or
uploading the link of a 叶县 (410422) item gets their own item, as if the other did not exist —
no title, link, id, region or "already exists" of the 叶县 item in any answer."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OTHER_COUNTY, OWN_COUNTY, T0, make_user
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.opinion import services
from wenjiuye.opinion.models import OpinionItem

pytestmark = pytest.mark.django_db
LINK = "https://weibo.example/ye-1"
SECRET_TITLE = "叶县盐化内部通报裁员名单"


@pytest.fixture
def yexian_item(policy, users):
    """An item of 叶县, collected by 叶县's officer."""
    officer = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    item, created = services.opinion_create(
        actor=officer,
        title=SECRET_TITLE,
        url=LINK,
        guid="ye-guid-1",
        source="manual",
        region=Region.objects.get(pk=OTHER_COUNTY),
        at=T0,
    )
    assert created and item.region_id == OTHER_COUNTY
    return item


def undisclosed(text: str, other: OpinionItem) -> None:
    assert SECRET_TITLE not in text
    assert OTHER_COUNTY not in text and "叶县" not in text
    assert f"/opinion/{other.pk}/" not in text and f'"id": {other.pk},' not in text
    assert "已存在" not in text and "已登记" not in text


def test_service_keeps_a_separate_item_in_the_actors_scope(users, yexian_item):
    baofeng = users[Role.COUNTY_OFFICER]
    own = []
    for guid, url in (("", LINK), ("ye-guid-1", "")):  # the same link; the same feed guid
        item, created = services.opinion_create(
            actor=baofeng, title="网传某厂裁员", url=url, guid=guid, source="manual", at=T0
        )
        assert created and item.pk != yexian_item.pk
        assert (item.region_id, item.title, item.created_by) == (
            OWN_COUNTY,
            "网传某厂裁员",
            baofeng,
        )
        # the same again is a duplicate of the officer's own item
        again, created = services.opinion_create(
            actor=baofeng, title="再次录入", url=url, guid=guid, source="manual", at=T0
        )
        assert (again.pk, created) == (item.pk, False)
        own.append(item.pk)
    both, created = services.opinion_create(
        actor=baofeng, title="x", url=LINK, guid="ye-guid-1", source="manual", at=T0
    )
    assert not created and both.pk in own
    yexian_item.refresh_from_db()
    assert (yexian_item.title, yexian_item.region_id) == (SECRET_TITLE, OTHER_COUNTY)
    assert yexian_item.dedupe_key == "ye-guid-1"  # the key stays with the first item
    # the city and the system see both: the first collected is the duplicate
    for actor in (users[Role.CITY_OFFICE], None):
        dup, created = services.opinion_create(
            actor=actor, title="x", url=LINK, source="manual", region=None, at=T0
        )
        assert (dup.pk, created) == (yexian_item.pk, False)


def test_api_answers_with_the_officers_own_item(client, users, yexian_item):
    client.force_login(users[Role.COUNTY_OFFICER])
    payload = {"title": "网传某厂裁员", "url": LINK, "source": "manual"}
    r = client.post("/api/opinion/", payload, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["created"] is True and body["id"] != yexian_item.pk
    assert (body["region_code"], body["title"], body["url"]) == (OWN_COUNTY, "网传某厂裁员", LINK)
    undisclosed(r.content.decode(), yexian_item)
    again = client.post("/api/opinion/", payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert again.json()["created"] is False
    undisclosed(again.content.decode(), yexian_item)


def test_page_redirects_to_the_officers_own_item(client, users, yexian_item):
    client.force_login(users[Role.COUNTY_OFFICER])
    r = client.post("/opinion/new/", {"title": "网传某厂裁员", "url": LINK, "source": "manual"})
    assert r.status_code == 302 and r["Location"] != f"/opinion/{yexian_item.pk}/"
    own = OpinionItem.objects.get(created_by=users[Role.COUNTY_OFFICER])
    assert r["Location"] == f"/opinion/{own.pk}/" and own.region_id == OWN_COUNTY
    page = client.get(r["Location"])
    assert page.status_code == 200 and "网传某厂裁员" in page.content.decode()
    assert SECRET_TITLE not in page.content.decode()
    assert f"/opinion/{yexian_item.pk}/" not in page.content.decode()


def test_upload_counts_the_entry_as_new_not_as_a_duplicate(client, users, yexian_item):
    client.force_login(users[Role.COUNTY_OFFICER])
    line = json.dumps({"title": "网传某厂裁员", "url": LINK}, ensure_ascii=False)
    upload = SimpleUploadedFile("feed.jsonl", line.encode())
    r = client.post("/opinion/ingest/", {"file": upload})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="created">1<' in html and 'data-testid="duplicates">0<' in html
    assert SECRET_TITLE not in html and f"/opinion/{yexian_item.pk}/" not in html
    r = client.post(
        "/api/opinion/ingest", {"file": SimpleUploadedFile("feed.jsonl", line.encode())}
    )
    assert r.json()["feeds"][0]["duplicates"] == 1  # the officer's own item, now
    undisclosed(r.content.decode(), yexian_item)
    assert OpinionItem.objects.filter(url=LINK).count() == 2
