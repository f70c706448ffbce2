"""The key lists and the risk ledger as lists: each filter narrows, bad values are 400, the
default is "still open, confirmed in the latest monitored month", the text search (an exact ID
search is an audited lookup), sorting, Chinese names everywhere and the .xlsx download."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_id, make_uscc
from tests.lists import sheet_rows
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.monitoring.models import LedgerEntry, MonitoringRun, RegionMonth
from wenjiuye.monitoring.selectors import latest_period
from wenjiuye.registry.id_lookup import ID_LOOKUP_NOTE

LATEST, OLD = "202203", "202105"
PID = make_id(OWN_COUNTY, "19850612", 21)
PID_OTHER = make_id(OTHER_COUNTY, "19900101", 22)


def _run(period: str, *, ago: int = 0) -> MonitoringRun:
    at = timezone.now() - timedelta(days=ago)
    run = MonitoringRun.objects.create(
        engine="duckdb", period="", params={}, policy=[], counts={}, started_at=at, finished_at=at
    )
    RegionMonth.objects.create(
        run=run, region_code=OWN_COUNTY, region_level="county", period=period, values={}
    )
    return run


def _entry(name: str, **fields) -> LedgerEntry:
    values = {
        "ledger": "key_enterprise",
        "subject_type": "enterprise",
        "name": name,
        "region_code": OWN_COUNTY,
        "reasons": ["layoff_suspected"],
        "evidence": {},
        "level": 2,
        "first_flagged": "202201",
        "last_confirmed": LATEST,
        "source": "monitoring",
    } | fields
    return LedgerEntry.objects.create(**values)


@pytest.fixture
def ledgers(users):
    _run("202112", ago=30)
    _run(LATEST)  # the latest run confirmed March 2022
    e = {
        "red": _entry("宝丰甲厂", subject_id=make_uscc(OWN_COUNTY, 1), level=1,
                      evidence={"layoff_suspected": {"period": LATEST,
                                                     "reason": "参保人数较上月净减少30人"}}),
        "follow": _entry("宝丰乙厂", subject_id=make_uscc(OWN_COUNTY, 2), level=3,
                         reasons=["si_arrears"], status="following_up"),
        "other": _entry("叶县丙厂", subject_id=make_uscc(OTHER_COUNTY, 3), region_code=OTHER_COUNTY,
                        reasons=["si_arrears", "舆情"]),
        "old": _entry("宝丰旧厂", subject_id=make_uscc(OWN_COUNTY, 4), reasons=["wage_arrears"],
                      first_flagged="202101", last_confirmed=OLD),
        "closed": _entry("宝丰已销号厂", subject_id=make_uscc(OWN_COUNTY, 5), level=4,
                         reasons=["stoppage"], status="closed", closed_reason="已复工"),
        "person": _entry("张三", ledger="key_group", subject_type="person", subject_id=PID,
                         group="失业人员", reasons=["registered_unemployed"], level=None,
                         evidence={"registered_unemployed": {"registered_on": "2022-03-02",
                                                             "source": "失业登记"}},
                         contact=users[Role.COUNTY_OFFICER]),
        "point": _entry("监测点 JCD-410421-01 返乡未就业 13 人", ledger="key_group",
                        subject_type="point", subject_id="JCD-410421-01",
                        region_code="410421106207", group="返乡农民工",
                        reasons=["returned_unemployed"], level=None,
                        evidence={"returned_unemployed": {"period": LATEST, "returned": 40,
                                                          "returned_unemployed": 13,
                                                          "outbound": 300,
                                                          "source": "村级监测点月报"}}),
        "person_other": _entry("李四", ledger="key_group", subject_type="person",
                               subject_id=PID_OTHER, region_code=OTHER_COUNTY, group="失业人员",
                               reasons=["manual:走访发现长期失业"], level=None),
    }  # fmt: skip
    return e


def names(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:500]
    return [e.name for e in response.context["page"]]


def visible_text(response) -> str:
    """The text of the page's main part (the header with the signed-in user is not this page's)."""
    html = response.content.decode()
    html = html[html.find("<main") : html.rfind("</main>")]
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_latest_period_is_the_newest_month_of_the_latest_run(ledgers):
    assert latest_period() == LATEST
    MonitoringRun.objects.create(
        engine="duckdb", period="202204", params={}, policy=[], counts={},
        started_at=timezone.now(), finished_at=timezone.now() + timedelta(seconds=1),
    )  # fmt: skip
    assert latest_period() == "202204"


def test_latest_period_before_any_run_is_none(db):
    assert latest_period() == ""


def test_the_default_view_is_open_entries_of_the_latest_month(client, users, ledgers):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get("/lists/key_enterprise/")
    assert names(response) == ["宝丰甲厂", "叶县丙厂", "宝丰乙厂"]  # by level, then name
    assert "共 3 条" in response.content.decode() and "2022年03月" in visible_text(response)
    # older and closed entries are one choice away
    assert "宝丰旧厂" in names(client.get(f"/lists/key_enterprise/?month={OLD}"))
    everything = names(client.get("/lists/key_enterprise/?month=&status="))
    assert set(everything) == {"宝丰甲厂", "宝丰乙厂", "叶县丙厂", "宝丰旧厂", "宝丰已销号厂"}


def test_the_default_view_keeps_what_was_confirmed_after_the_latest_month(client, users, ledgers):
    """A visit or an opinion item of the current month confirms an entry (and puts a new one on
    the list) before that month is monitored: still current, so in the default view; the later
    month on its own shows only those."""
    _entry("宝丰走访厂", subject_id=make_uscc(OWN_COUNTY, 6), source="manual",
           reasons=["manual:走访发现困难"], level=None, first_flagged="202204",
           last_confirmed="202204")  # fmt: skip
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get("/lists/key_enterprise/")
    assert "宝丰走访厂" in names(response) and len(names(response)) == 4
    assert "2022年03月及以后" in visible_text(response)
    assert names(client.get("/lists/key_enterprise/?month=202204")) == ["宝丰走访厂"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"county={OWN_COUNTY}", ["宝丰甲厂", "宝丰乙厂"]),
        ("level=1", ["宝丰甲厂"]),
        ("reason=si_arrears", ["叶县丙厂", "宝丰乙厂"]),
        ("reason=舆情", ["叶县丙厂"]),  # a reason cited in Chinese (stored as JSON text)
        ("status=open", ["宝丰甲厂", "叶县丙厂"]),
        ("status=following_up", ["宝丰乙厂"]),
        ("status=closed", ["宝丰已销号厂"]),
        (f"month={OLD}", ["宝丰旧厂"]),
        ("month=202112", []),  # a month without entries is empty, not an error
        ("q=甲厂", ["宝丰甲厂"]),
        (f"q={make_uscc(OWN_COUNTY, 2)[:17]}", ["宝丰乙厂"]),  # a USCC's beginning
        (f"q={make_uscc(OTHER_COUNTY, 3)}", ["叶县丙厂"]),  # a whole USCC
    ],
)
def test_each_filter_narrows(client, users, ledgers, query, expected):
    client.force_login(users[Role.CITY_OFFICE])
    assert sorted(names(client.get(f"/lists/key_enterprise/?{query}"))) == sorted(expected)


def test_sorting(client, users, ledgers):
    client.force_login(users[Role.CITY_OFFICE])
    shown = {e.name: e for e in LedgerEntry.objects.filter(ledger="key_enterprise")}

    def order(query: str) -> list[str]:
        return names(client.get(f"/lists/key_enterprise/?month=&status=&{query}"))

    assert order("sort=name") == sorted(shown)
    assert order("sort=-name") == sorted(shown, reverse=True)
    by_level = order("sort=level")
    assert [shown[n].level for n in by_level] == sorted(e.level for e in shown.values())
    assert [shown[n].level for n in order("sort=-level")] == sorted(
        (e.level for e in shown.values()), reverse=True
    )
    latest = order("sort=-last_confirmed")
    assert latest[-1] == "宝丰旧厂" and order("sort=last_confirmed")[0] == "宝丰旧厂"
    assert order("sort=first_flagged")[0] == "宝丰旧厂"  # first flagged 202101


@pytest.mark.parametrize(
    "query",
    ["county=999999", "level=9", "reason=bogus", "status=bogus", "month=2022-03",
     "month=202213", "sort=secret"],
)  # fmt: skip
def test_bad_filter_values_are_400_with_a_reason(client, users, ledgers, query):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get(f"/lists/key_enterprise/?{query}")
    assert response.status_code == 400
    assert (
        "YYYYMM" in response.content.decode()
        or "没有这个选项" in response.content.decode()
        or "排序" in response.content.decode()
    )


def test_a_county_officer_filters_only_within_the_county(client, users, ledgers):
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get("/lists/key_enterprise/")
    assert names(response) == ["宝丰甲厂", "宝丰乙厂"]
    county = {f.name: f for f in response.context["listing"].filters}["county"]
    assert county.options == [(OWN_COUNTY, "宝丰县")]
    assert client.get(f"/lists/key_enterprise/?county={OTHER_COUNTY}").status_code == 400


def test_rows_speak_chinese_and_link_enterprises_to_their_file(client, users, ledgers):
    users[Role.COUNTY_OFFICER].first_name = "王五"
    users[Role.COUNTY_OFFICER].save()
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get("/lists/key_enterprise/?status=")
    text = visible_text(response)
    for shown in ("疑似规模裁员", "欠缴社保", "舆情", "Ⅰ级(红色)", "宝丰县", "叶县", "2022年01月",
                  "跟踪处置中"):  # fmt: skip
        assert shown in text, shown
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    assert not re.search(r"(?<!\d)4104\d\d(?!\d)", text)  # no bare region code
    uscc = ledgers["red"].subject_id
    assert f'href="/enterprises/{uscc}/"' in response.content.decode()
    groups = visible_text(client.get("/lists/key_group/?month=&status="))
    assert "失业登记" in groups and "走访发现长期失业(人工录入)" in groups
    assert "baofeng" not in groups and "王五" in groups  # the contact by display name


def test_entry_page_speaks_chinese(client, users, ledgers):
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get(f"/lists/entry/{ledgers['red'].pk}/")
    text = visible_text(response)
    assert "疑似规模裁员" in text and "参保人数较上月净减少30人" in text and "Ⅰ级(红色)" in text
    assert "2022年03月" in text and "宝丰县" in text and "layoff_suspected" not in text
    assert f'href="/enterprises/{ledgers["red"].subject_id}/"' in response.content.decode()
    users[Role.COUNTY_OFFICER].first_name = "王五"
    users[Role.COUNTY_OFFICER].save()
    contact = visible_text(client.get(f"/lists/entry/{ledgers['person'].pk}/"))
    assert "王五" in contact and "baofeng" not in contact


def test_the_feeds_evidence_in_words(client, users, ledgers):
    client.force_login(users[Role.CITY_OFFICE])
    person = visible_text(client.get(f"/lists/entry/{ledgers['person'].pk}/"))
    assert "失业登记" in person and "2022-03-02 办理失业登记(失业登记)" in person
    point = visible_text(client.get(f"/lists/entry/{ledgers['point'].pk}/"))
    assert "返乡未就业" in point and "(2022年03月)" in point
    assert ":返乡 40 人,其中未就业 13 人;外出务工 300 人(村级监测点月报)" in point
    assert "宝丰县" in point  # the point's village lies in 宝丰县
    assert "registered_on" not in person.split("变更记录")[0]


def test_the_default_month_is_offered_even_where_it_holds_nothing(client, users, ledgers):
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get("/lists/risk/")
    month = {f.name: f for f in response.context["listing"].filters}["month"]
    assert month.value == LATEST and (LATEST, "2022年03月及以后") in month.options
    assert "202203" not in visible_text(response)


def test_download_has_the_filtered_rows_under_chinese_headers(client, users, ledgers):
    client.force_login(users[Role.CITY_OFFICE])
    rows = sheet_rows(client.get(f"/lists/key_enterprise/?county={OWN_COUNTY}&format=xlsx"))
    header = rows[0]
    assert header[:3] == ["预警级别", "名称", "对象类型"] and "统一社会信用代码" in header
    assert "公民身份号码" not in header  # no persons on this list
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header)
    assert [r[1] for r in rows[1:]] == ["宝丰甲厂", "宝丰乙厂"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["列入原因"] == "疑似规模裁员" and first["预警级别"] == "Ⅰ级(红色)"
    assert first["所在地区"] == "宝丰县" and first["最近确认期间"] == "2022年03月"
    assert first["依据"] == "参保人数较上月净减少30人"


def test_download_masks_id_numbers_without_view_personal(client, users, ledgers):
    client.force_login(users[Role.LEADER])
    rows = sheet_rows(client.get("/lists/key_group/?month=&format=xlsx"))
    ids = [dict(zip(rows[0], r, strict=True))["公民身份号码"] for r in rows[1:]]
    assert PID not in ids and PID[:4] + "*" * 13 + PID[-1] in ids
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.key-group")
    assert event.changes["unmasked"] is False


def test_download_in_full_for_view_personal_is_audited(client, users, ledgers):
    client.force_login(users[Role.CITY_OFFICE])
    rows = sheet_rows(client.get(f"/lists/key_group/?month=&county={OWN_COUNTY}&format=xlsx"))
    got = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [r["公民身份号码"] for r in got if r["对象类型"] == "人员"] == [PID]
    assert [r["监测点编号"] for r in got if r["对象类型"] == "监测点"] == ["JCD-410421-01"]
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.key-group")
    assert event.changes["unmasked"] is True and event.changes["rows"] == 2
    assert event.changes["filters"]["county"] == OWN_COUNTY


def test_an_exact_id_search_is_an_audited_lookup_and_a_partial_one_finds_nothing(
    client, users, ledgers
):
    leader = users[Role.LEADER]
    client.force_login(leader)
    assert names(client.get(f"/lists/key_group/?month=&q={PID}")) == ["张三"]
    lookup = Event.objects.get(actor=leader, note=ID_LOOKUP_NOTE)
    assert lookup.changes["where"] == "monitoring.ledger"
    assert names(client.get(f"/lists/key_group/?month=&q={PID[:10]}")) == []
    assert Event.objects.filter(actor=leader, note=ID_LOOKUP_NOTE).count() == 1
    assert names(client.get("/lists/key_group/?month=&q=张")) == ["张三"]


def test_exact_id_searches_are_limited(client, users, ledgers, settings):
    settings.ID_LOOKUPS_PER_HOUR = 1
    client.force_login(users[Role.LEADER])
    assert client.get(f"/lists/risk/?q={PID}").status_code == 200
    assert client.get(f"/lists/risk/?q={PID}").status_code == 429
