"""The inbox page, its API and the unread-count context processor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from wenjiuye.core.roles import Role
from wenjiuye.notify.context_processors import inbox
from wenjiuye.notify.models import Notification
from wenjiuye.notify.services import send

pytestmark = pytest.mark.django_db


def test_inbox_page_lists_own_messages_and_marks_them_read(client, users):
    me = users[Role.COUNTY_OFFICER]
    send(channel="inbox", to="baofeng", subject="给我的", body="b", link="/deadlines/")
    send(channel="inbox", to="baofeng", subject="第二条", body="b")
    send(channel="inbox", to="office", subject="给别人的", body="b")
    client.force_login(me)
    page = client.get("/inbox/").content.decode()
    assert "给我的" in page and "第二条" in page and "给别人的" not in page
    assert "2 条未读" in page
    mine = Notification.objects.get(title="给我的")
    response = client.post(f"/inbox/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/deadlines/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    others = Notification.objects.get(title="给别人的")
    assert client.post(f"/inbox/{others.pk}/open/").status_code == 404
    client.post("/inbox/read-all/")
    assert "0 条未读" in client.get("/inbox/").content.decode()
    others.refresh_from_db()
    assert others.read_at is None


def test_unread_count_context_processor(users):
    send(channel="inbox", to="baofeng", subject="一", body="")
    request = RequestFactory().get("/")
    request.user = users[Role.COUNTY_OFFICER]
    context = inbox(request)
    assert context["inbox_unread"] == 1 and context["may_manage_webhooks"]() is False
    request.user = users[Role.CITY_OFFICE]
    context = inbox(request)
    assert context["inbox_unread"] == 0 and context["may_manage_webhooks"]() is True
    request.user = AnonymousUser()
    assert inbox(request) == {"inbox_unread": 0, "may_manage_webhooks": False}


def test_inbox_api(client, users):
    send(channel="inbox", to="baofeng", subject="一", body="x")
    client.force_login(users[Role.COUNTY_OFFICER])
    data = client.get("/api/notifications/").json()
    assert data["unread"] == 1 and data["items"][0]["title"] == "一"
    pk = data["items"][0]["id"]
    assert client.post(f"/api/notifications/{pk}/read").json()["read_at"] is not None
    assert client.get("/api/notifications/?unread=true").json() == {"unread": 0, "items": []}
    client.force_login(users[Role.CITY_OFFICE])
    assert client.post(f"/api/notifications/{pk}/read").status_code == 404
