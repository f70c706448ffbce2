"""The web shell: home page with role and scope, policy page, forms answering 4xx with a reason."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.factories import TZ
from tests.raw_codes import raw_codes
from wenjiuye.core.reference import reference_load_default
from wenjiuye.core.roles import Role


@pytest.fixture
def reference(users):
    reference_load_default()


@pytest.mark.parametrize(
    ("role", "role_label", "scope"),
    [
        (Role.COUNTY_OFFICER, "县(市、区)人社局工作人员", "宝丰县"),
        (Role.LEADER, "领导(只读)", "平顶山市"),
        (Role.AUDITOR, "审计员", "全部"),
    ],
)
def test_home_shows_role_and_scope(client, users, role, role_label, scope):
    client.force_login(users[role])
    html = client.get("/").content.decode()
    assert role_label in html and scope in html


def test_county_home_lists_only_its_own_county(client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    html = client.get("/").content.decode()
    assert "宝丰县" in html and "叶县" not in html


SUBSIDY = "失业补助金月标准(参保缴费满1年及以上)"
ART41 = "规模性裁员人数下限(裁减人员二十人以上)"


def names(html: str) -> list[str]:
    body = html.split('data-testid="policy"', 1)[1].split("</table>", 1)[0]
    return [row.split("<td>", 2)[1].split("</td>", 1)[0] for row in body.split("<tr")[2:]]


def test_policy_page_lists_parameters_in_force_on_a_day_by_name(client, users, reference):
    client.force_login(users[Role.LEADER])
    in_2022 = client.get("/policy/?on=2022-06-01").content.decode()
    assert SUBSIDY in client.get("/policy/?on=2022-06-01&q=失业补助金").content.decode()
    assert "360" in client.get("/policy/?on=2022-06-01&q=失业补助金").content.decode()
    in_2023 = client.get("/policy/?on=2023-06-01&q=失业补助金").content.decode()
    assert SUBSIDY not in in_2023
    assert ART41 in client.get("/policy/?on=2023-06-01&clause=L1").content.decode()
    assert 'data-testid="pager"' in in_2022 and "共 " in in_2022


def test_policy_page_shows_no_key_and_no_repr(client, users, reference):
    from wenjiuye.core.models import PolicyParameter  # noqa: PLC0415

    keys = set(PolicyParameter.objects.values_list("key", flat=True))
    for role in (Role.LEADER, Role.CITY_OFFICE):
        client.force_login(users[role])
        for page in ("1", "2", "3"):
            html = client.get("/policy/", {"page": page, "on": ""}).content.decode()
            main = html.split("<main", 1)[1]
            assert [k for k in keys if k in main] == []
            assert raw_codes(main) == []
    html = client.get("/policy/", {"q": "分级帮扶档次"}).content.decode()
    assert "一般帮扶、重点帮扶" in html  # a structured value by the names of its items


def test_policy_filters_narrow(client, users, reference):
    client.force_login(users[Role.LEADER])
    l1 = names(client.get("/policy/", {"clause": "L1"}).content.decode())
    assert ART41 in l1 and SUBSIDY not in l1
    l10 = client.get("/policy/", {"clause": "L10"})
    assert l10.status_code == 400  # no parameter cites L10: not a choice
    found = client.get("/policy/", {"q": "失业补助金", "on": "2022-06-01"}).content.decode()
    assert SUBSIDY in names(found) and ART41 not in names(found)
    assert 0 < count(found) < count(client.get("/policy/", {"on": "2022-06-01"}).content.decode())
    everything = client.get("/policy/", {"on": ""}).content.decode()
    today = client.get("/policy/").content.decode()
    assert count(everything) > count(today) > 0


def count(html: str) -> int:
    return int(html.split('data-testid="list-count">共 ', 1)[1].split(" ", 1)[0])


@pytest.mark.parametrize(
    "params", [{"on": "2022-13-01"}, {"clause": "X1"}, {"sort": "key"}, {"on": "2022/06/01"}]
)
def test_policy_page_rejects_a_bad_value_with_a_reason(client, users, reference, params):
    client.force_login(users[Role.LEADER])
    response = client.get("/policy/", params)
    assert response.status_code == 400 and 'data-testid="error-400"' in response.content.decode()
    if "on" in params:
        assert "YYYY-MM-DD" in response.content.decode()


def test_policy_download_names_parameters_and_keys_only_for_editors(client, users, reference):
    client.force_login(users[Role.LEADER])
    response = client.get("/policy/", {"clause": "L1", "format": "xlsx"})
    rows = list(xlsx_rows(response))
    assert rows[0][:3] == ("参数", "取值", "单位") and "参数编码(调整参数时使用)" not in rows[0]
    data = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert ART41 in [d["参数"] for d in data] and all("L1" in d["条款"] for d in data)
    art41 = next(d for d in data if d["参数"] == ART41)
    assert art41["取值"] == 20 and art41["单位"] == "人"
    client.force_login(users[Role.CITY_OFFICE])
    rows = list(xlsx_rows(client.get("/policy/", {"clause": "L1", "format": "xlsx"})))
    assert rows[0][-1] == "参数编码(调整参数时使用)" and "layoff.art41.min_people" in {
        r[-1] for r in rows[1:]
    }


def test_the_policy_edit_hint_is_for_editors_only(client, users, reference):
    client.force_login(users[Role.LEADER])
    assert 'data-testid="policy-edit-hint"' not in client.get("/policy/").content.decode()
    client.force_login(users[Role.CITY_OFFICE])
    assert 'data-testid="policy-edit-hint"' in client.get("/policy/").content.decode()


def xlsx_rows(response):
    assert response.status_code == 200
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return wb.active.iter_rows(values_only=True)


def test_enterprise_form_rejects_bad_input_with_400(client, users):
    from tests.factories import make_uscc  # noqa: PLC0415
    from wenjiuye.registry.models import Enterprise  # noqa: PLC0415

    e = Enterprise.objects.create(uscc=make_uscc("410421", 9), name="甲", region_id="410421")
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.post(
        f"/enterprises/{e.uscc}/", {"name": "", "region": "410422", "employees": "-3"}
    )
    assert response.status_code == 400
    e.refresh_from_db()
    assert e.name == "甲"


def test_admin_is_for_administrators_only(client, users):
    client.force_login(users[Role.CITY_OFFICE])
    assert client.get("/admin/").status_code == 302
    client.force_login(users[Role.ADMIN])
    assert client.get("/admin/core/region/").status_code == 200


# --- The audit log ---------------------------------------------------------------------------


@pytest.fixture
def events(users, policy):
    """A layoff report changed in 宝丰县 last week, a policy parameter set today, a failed login,
    and an enterprise change in 叶县 yesterday."""
    from datetime import date, timedelta  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    from wenjiuye.core.models import Event  # noqa: PLC0415
    from wenjiuye.core.policy import policy_set  # noqa: PLC0415

    now = timezone.now()
    office = users[Role.CITY_OFFICE]
    officer = users[Role.COUNTY_OFFICER]
    officer.first_name = "李四"
    officer.save()

    def event(at, actor, action, object_type, object_id, region, repr_=""):
        e = Event(
            at=at,
            actor=actor,
            actor_name=actor.username if actor else "system",
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=repr_,
            region_code=region,
            changes={"status": ["submitted", "reviewed"]} if action == "update" else {},
        )
        e.save()
        return e

    report = event(
        now - timedelta(days=7),
        officer,
        "update",
        "response.layoffreport",
        "7",
        "410421",
        "宝丰机械厂 规模裁员报告",
    )
    firm = event(
        now - timedelta(days=1),
        office,
        "create",
        "registry.enterprise",
        "1",
        "410422",
        "叶县纺织厂",
    )
    event(now, None, "login_failed", "core.user", "nobody", "")
    policy_set(
        actor=office,
        key="layoff.art41.min_people",
        value=20,
        effective_from=date(2030, 1, 1),
        note="测试",
    )
    return {"report": report, "firm": firm, "now": now}


def audit(client, users, role=Role.AUDITOR, **params):
    client.force_login(users[role])
    response = client.get("/audit/", params)
    return response, response.content.decode()


def objects(html: str) -> list[str]:
    parts = html.split('data-testid="event-object">')[1:]
    return [p.split("</td>", 1)[0] for p in parts]


def without_changes(html: str) -> str:
    """The page without its change cells: raw ``{{ e.changes }}`` until main's history include
    (readable sentences) replaces them."""
    return re.sub(r'<code data-testid="event-changes">.*?</code>', "", html, flags=re.S)


def test_the_audit_log_names_objects_actors_and_regions(client, users, events):
    _, html = audit(client, users)
    main = without_changes(html.split("<main", 1)[1].split('data-testid="events"', 1)[1])
    assert "response.layoffreport" not in main and "registry.enterprise" not in main
    assert "layoff.art41.min_people" not in main and "login_failed" not in main
    assert "规模裁员报告:宝丰机械厂 规模裁员报告" in objects(html)
    assert "企业:叶县纺织厂" in objects(html)
    assert "用户:账号 nobody" in objects(html) and "未登录的访问者" in html
    assert "政策参数:规模性裁员人数下限(裁减人员二十人以上)" in objects(html)
    assert "李四" in html and "宝丰县" in html and "叶县" in html
    filters = html.split('data-testid="filters"', 1)[1].split("</form>", 1)[0]
    assert raw_codes(filters) == []
    assert ">规模裁员报告</option>" in filters and ">李四</option>" in filters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"object_type": "response.layoffreport"}, ["report"]),
        ({"county": "410422", "actor": "office"}, ["firm"]),
        ({"actor": "baofeng"}, ["report"]),
        ({"action": "update", "county": "410421"}, ["report"]),
        ({"object_type": "registry.enterprise"}, ["firm"]),
    ],
)
def test_each_audit_filter_narrows(client, users, events, params, expected):
    _, html = audit(client, users, **params)
    assert len(objects(html)) == len(expected)
    assert objects(html) == [
        {"report": "规模裁员报告:宝丰机械厂 规模裁员报告", "firm": "企业:叶县纺织厂"}[k]
        for k in expected
    ]


def test_audit_date_range(client, users, events):
    from datetime import timedelta  # noqa: PLC0415

    day = events["firm"].at.astimezone(TZ).date()
    _, html = audit(client, users, **{"from": day.isoformat(), "to": day.isoformat()})
    assert objects(html) == ["企业:叶县纺织厂"]
    earlier = (day - timedelta(days=3)).isoformat()
    _, html = audit(client, users, to=earlier)
    assert objects(html) == ["规模裁员报告:宝丰机械厂 规模裁员报告"]


@pytest.mark.parametrize(
    "params",
    [
        {"actor": "ghost"},
        {"action": "nuke"},
        {"object_type": "foo.bar"},
        {"from": "2024-02-30"},
        {"to": "yesterday"},
        {"county": "999999"},
        {"sort": "actor"},
    ],
)
def test_a_bad_audit_filter_is_a_400(client, users, events, params):
    response, html = audit(client, users, **params)
    assert response.status_code == 400 and 'data-testid="error-400"' in html


def test_the_audit_download_has_the_filtered_events_under_chinese_headers(client, users, events):
    client.force_login(users[Role.AUDITOR])
    rows = list(xlsx_rows(client.get("/audit/", {"actor": "baofeng", "format": "xlsx"})))
    assert rows[0] == ("时间", "操作人", "动作", "对象类型", "对象", "区划", "变更内容", "说明")
    assert [r[3:6] for r in rows[1:]] == [
        ("规模裁员报告", "规模裁员报告:宝丰机械厂 规模裁员报告", "宝丰县")
    ]
    assert rows[1][1] == "李四" and rows[1][2] == "修改"
    # the download is audited, and the log names it by its list
    _, html = audit(client, users, action="export")
    assert objects(html) == ["列表下载:审计日志"]


def test_the_audit_log_is_for_audit_readers_only(client, users, events):
    for role in (Role.LEADER, Role.CITY_OFFICE, Role.COUNTY_OFFICER):
        response, _ = audit(client, users, role)
        assert response.status_code == 403
        client.force_login(users[role])
        assert client.get("/audit/", {"format": "xlsx"}).status_code == 403
