"""``wenjiuye opinion ingest``: RSS 2.0, Atom and JSON lines, from files and from a real HTTP server."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import OWN_COUNTY
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.opinion.models import OpinionItem

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>本地新闻</title>
<item><title>宏达机械制造传出裁员消息</title><link>https://news.example/1</link>
<guid>news-1</guid><description>&lt;p&gt;宝丰县宏达机械制造有限公司近日裁员。&lt;/p&gt;</description>
<pubDate>Wed, 01 Mar 2023 08:00:00 +0800</pubDate></item>
<item><title>某地举办招聘会</title><link>https://news.example/2</link><guid>news-2</guid>
<description>就业服务进企业</description></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>论坛</title><id>urn:forum</id>
<updated>2023-03-01T10:00:00+08:00</updated>
<entry><title>老板跑路工人讨薪</title><id>urn:forum:7</id>
<link rel="alternate" href="https://forum.example/t/7"/>
<published>2023-03-01T10:00:00+08:00</published><updated>2023-03-01T10:00:00+08:00</updated>
<summary>叶县某厂老板跑路,拖欠工资</summary></entry>
</feed>
"""
JSONL = "\n".join(
    [
        json.dumps(
            {
                "title": "宏达机械制造裁员",
                "url": "https://weibo.example/9",
                "reposts": 1500,
                "published_at": "2023-03-01T11:00:00+08:00",
            },
            ensure_ascii=False,
        ),
        "not json",
        json.dumps(
            {"title": "停产传闻", "guid": "w-10", "region_code": OWN_COUNTY}, ensure_ascii=False
        ),
    ]
)


def run(*args: str) -> dict:
    out, err = StringIO(), StringIO()
    call_command("opinion", "ingest", *args, "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_ingest_rss_atom_jsonl_and_dedupe(policy, enterprises, tmp_path):
    rss, atom, jsonl = tmp_path / "a.xml", tmp_path / "b.atom", tmp_path / "c.jsonl"
    rss.write_text(RSS, encoding="utf-8")
    atom.write_text(ATOM, encoding="utf-8")
    jsonl.write_text(JSONL, encoding="utf-8")
    result = run(str(rss), str(atom), str(jsonl))
    summary = {(f["format"], f["entries"], f["created"], f["duplicates"]) for f in result["feeds"]}
    assert summary == {("rss", 2, 2, 0), ("atom", 1, 1, 0), ("jsonl", 2, 2, 0)}
    jsonl_feed = next(f for f in result["feeds"] if f["format"] == "jsonl")
    assert jsonl_feed["problems"][0].startswith("第 2 行")
    first = OpinionItem.objects.get(guid="news-1")
    assert first.source == "rss" and first.url == "https://news.example/1"
    assert "<p>" not in first.text and first.categories == ["layoff"]
    assert first.published_at.isoformat() == "2023-03-01T00:00:00+00:00"
    assert list(first.enterprises.values_list("name", flat=True)) == ["宝丰县宏达机械制造有限公司"]
    atom_item = OpinionItem.objects.get(guid="urn:forum:7")
    assert atom_item.url == "https://forum.example/t/7" and atom_item.source == "atom"
    assert set(atom_item.categories) == {"wage_arrears", "absconding"}
    weibo = OpinionItem.objects.get(url="https://weibo.example/9")
    assert weibo.spreading and deadlines_for(weibo).get().kind == "opinion.report_city"
    # the system put the enterprise on the key-concern list, citing both items
    entry = LedgerEntry.objects.get(ledger="key_enterprise", subject_id=enterprises["hongda"].uscc)
    assert entry.reasons == ["舆情"]
    assert {i["opinion_id"] for i in entry.evidence["舆情"]["items"]} == {first.pk, weibo.pk}
    # again: nothing new
    again = run(str(rss), str(atom), str(jsonl))
    assert [f["created"] for f in again["feeds"]] == [0, 0, 0]
    assert [f["duplicates"] for f in again["feeds"]] == [2, 1, 2]
    assert OpinionItem.objects.count() == 5


@pytest.mark.django_db
def test_transferred_by_city_from_an_http_server(policy, regions, tmp_path):
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"title": "市局转办:网传某企业欠薪", "guid": "city-1"}, ensure_ascii=False),
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.jsonl"
        result = run(url, "--source", "city", "--region", OWN_COUNTY)
    finally:
        server.shutdown()
        server.server_close()
    assert result["feeds"][0]["created"] == 1
    item = OpinionItem.objects.get(guid="city-1")
    assert item.source == "city" and item.region_id == OWN_COUNTY
    deadline = deadlines_for(item).get()
    assert deadline.kind == "opinion.verify_report"
    assert (deadline.due_at - item.received_at).total_seconds() == 48 * 3600


@pytest.mark.django_db
def test_unreadable_feed_changes_nothing(policy, regions, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"title": "裁员"}, ensure_ascii=False), encoding="utf-8")
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss>&a;</rss>')
    with pytest.raises(CommandError) as exc:
        run(str(good), str(bomb))
    assert "DOCTYPE" in str(exc.value)
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.xml"))
    assert OpinionItem.objects.count() == 0
