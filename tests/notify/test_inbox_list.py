"""The inbox as a list: read/unread and kind filters, text search, pages that keep the filters, a
400 for a bad value, the .xlsx of the filtered messages under Chinese headers, kinds by name."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.raw_codes import raw_codes
from wenjiuye.core.roles import Role
from wenjiuye.notify.models import Notification
from wenjiuye.notify.services import mark_read, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(users):
    """baofeng's inbox: a reminder and an escalation of deadline steps (one read), a job push,
    a message sent by hand; and one message for someone else."""
    me = users[Role.COUNTY_OFFICER]
    send(
        channel="inbox",
        to="baofeng",
        subject="【到期提醒】联系失业人员",
        body="还剩2小时",
        ref="deadlines.deadlinestep:1",
    )
    send(
        channel="inbox",
        to="baofeng",
        subject="【逾期督办】报告裁员",
        body="已逾期",
        ref="deadlines.deadlinestep:2",
    )
    send(
        channel="inbox",
        to="baofeng",
        subject="岗位推荐",
        body="车工 3 个岗位",
        ref="matching.push:7",
    )
    send(channel="inbox", to="baofeng", subject="通知", body="周五开会")
    send(channel="inbox", to="office", subject="给别人的", body="x", ref="matching.push:8")
    mark_read(user=me, notification=Notification.objects.get(title="【到期提醒】联系失业人员"))
    return me


def titles(html: str) -> list[str]:
    body = html.split('data-testid="inbox"', 1)[1].split("</table>", 1)[0]
    out = []
    for row in body.split('data-testid="message"')[1:]:
        cell = row.split("<td>")[3].split("</td>", 1)[0]
        out.append(cell.replace("<strong>", "").replace("</strong>", ""))
    return out


def page(client, user, **params):
    client.force_login(user)
    response = client.get("/inbox/", params)
    return response, response.content.decode()


def test_newest_first_with_kinds_by_name(client, inbox):
    _, html = page(client, inbox)
    assert titles(html) == ["通知", "岗位推荐", "【逾期督办】报告裁员", "【到期提醒】联系失业人员"]
    assert "给别人的" not in html and "3 条未读" in html
    kinds = [
        row.split("<td>")[2].split("</td>")[0] for row in html.split('data-testid="message"')[1:]
    ]
    assert kinds == ["其他消息", "岗位推送", "提醒与督办", "提醒与督办"]
    assert raw_codes(html.split("<main", 1)[1]) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"read": "unread"}, ["通知", "岗位推荐", "【逾期督办】报告裁员"]),
        ({"read": "read"}, ["【到期提醒】联系失业人员"]),
        ({"kind": "deadlines.deadlinestep"}, ["【逾期督办】报告裁员", "【到期提醒】联系失业人员"]),
        ({"kind": "matching.push"}, ["岗位推荐"]),
        ({"kind": "other"}, ["通知"]),
        ({"kind": "deadlines.deadlinestep", "read": "unread"}, ["【逾期督办】报告裁员"]),
        ({"q": "裁员"}, ["【逾期督办】报告裁员"]),
        ({"q": "开会"}, ["通知"]),
    ],
)
def test_each_filter_narrows(client, inbox, params, expected):
    _, html = page(client, inbox, **params)
    assert titles(html) == expected


def test_the_kind_choices_are_the_kinds_of_ones_own_messages(client, users, inbox):
    _, html = page(client, users[Role.CITY_OFFICE])
    filters = html.split('data-testid="filters"', 1)[1].split("</form>", 1)[0]
    assert ">岗位推送</option>" in filters and ">提醒与督办</option>" not in filters
    response, _ = page(client, users[Role.CITY_OFFICE], kind="deadlines.deadlinestep")
    assert response.status_code == 400


@pytest.mark.parametrize("params", [{"read": "maybe"}, {"kind": "core.secret"}, {"sort": "title"}])
def test_a_bad_filter_is_a_400(client, inbox, params):
    response, html = page(client, inbox, **params)
    assert response.status_code == 400 and 'data-testid="error-400"' in html


def test_pages_keep_the_filters(client, inbox):
    for i in range(60):
        send(channel="inbox", to="baofeng", subject=f"批量{i:02d}", body="", ref="matching.push:9")
    _, html = page(client, inbox, kind="matching.push")
    assert len(titles(html)) == 50 and "共 61 条" in html
    assert 'href="?kind=matching.push&amp;page=2"' in html
    _, html = page(client, inbox, kind="matching.push", page="2")
    assert titles(html)[-1] == "岗位推荐" and len(titles(html)) == 11


def test_the_download_has_the_filtered_messages(client, inbox):
    client.force_login(inbox)
    response = client.get("/inbox/", {"read": "unread", "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("时间", "类型", "标题", "内容", "状态", "已读时间")
    assert [(r[1], r[2], r[4]) for r in rows[1:]] == [
        ("其他消息", "通知", "未读"),
        ("岗位推送", "岗位推荐", "未读"),
        ("提醒与督办", "【逾期督办】报告裁员", "未读"),
    ]
