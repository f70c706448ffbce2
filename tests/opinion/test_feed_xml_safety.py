"""Feeds are parsed by defusedxml whatever their encoding: a document type declaration (entity
expansion, external entities, an external DTD) is refused with a reason and nothing is stored,
in UTF-8 and in UTF-16 (LE and BE, with BOM), whose bytes a byte search for ``<!DOCTYPE`` misses."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.opinion.test_ingest import RSS
from wenjiuye.core.roles import Role
from wenjiuye.opinion import feeds, services
from wenjiuye.opinion.models import OpinionItem

ENTITIES = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))  # 10^9 "lol"
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{ENTITIES}]>\n'
    '<rss version="2.0"><channel><title>t</title>'
    "<item><title>&lol9;</title><description>裁员</description></item></channel></rss>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<rss version="2.0"><channel><title>t</title>'
    "<item><title>&xxe;</title><description>裁员</description></item></channel></rss>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    '<rss version="2.0"><channel><title>t</title><item><title>裁员</title></item></channel></rss>'
)
PARAMETER_ENTITY = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<!DOCTYPE rss [<!ENTITY % ext SYSTEM "file:///etc/passwd"> %ext;]>\n'
    '<rss version="2.0"><channel><title>t</title><item><title>裁员</title></item></channel></rss>'
)
QUADRATIC_BLOWUP = (  # small enough to pass expat's own amplification limit
    '<?xml version="1.0" encoding="{enc}"?>\n'
    f'<!DOCTYPE rss [<!ENTITY a "{"裁员" * 2000}">]>\n'
    '<rss version="2.0"><channel><title>t</title>'
    f"<item><title>{'&a;' * 200}</title></item></channel></rss>"
)
ATTACKS = {
    "billion-laughs": BILLION_LAUGHS,
    "quadratic-blowup": QUADRATIC_BLOWUP,
    "external-entity": EXTERNAL_ENTITY,
    "external-dtd": EXTERNAL_DTD,
    "parameter-entity": PARAMETER_ENTITY,
}


def encode(template: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return template.format(enc="UTF-8").encode("utf-8")
    text = template.format(enc="UTF-16")
    if encoding == "utf-16-le":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return b"\xfe\xff" + text.encode("utf-16-be")


CASES = [
    (attack, encoding) for attack in ATTACKS for encoding in ("utf-8", "utf-16-le", "utf-16-be")
]


@pytest.mark.parametrize(("attack", "encoding"), CASES)
def test_parse_refuses_dtds_in_any_encoding(attack, encoding):
    data = encode(ATTACKS[attack], encoding)
    if encoding != "utf-8":
        assert b"<!DOCTYPE" not in data.upper()  # what the old byte filter looked for
    with pytest.raises(feeds.FeedError) as exc:
        feeds.parse("feed.xml", data)
    message = str(exc.value)
    assert message.startswith("feed.xml: 拒绝含文档类型声明(DOCTYPE)的 XML"), message
    assert "root:" not in message and "lol" not in message


@pytest.mark.parametrize(("attack", "encoding"), CASES)
def test_ingest_stores_nothing(policy, regions, attack, encoding):
    good = json.dumps({"title": "宝丰县某厂裁员", "guid": "g-1"}, ensure_ascii=False).encode()
    with pytest.raises(feeds.FeedError, match="DOCTYPE"):
        services.opinion_ingest(
            locations=[], data={"good.jsonl": good, "bad.xml": encode(ATTACKS[attack], encoding)}
        )
    assert OpinionItem.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_page_and_api_refuse_with_the_reason(policy, client, users, encoding):
    client.force_login(users[Role.COUNTY_OFFICER])
    for attack in ATTACKS:
        data = encode(ATTACKS[attack], encoding)
        r = client.post("/opinion/ingest/", {"file": SimpleUploadedFile("feed.xml", data)})
        assert r.status_code == 400 and "拒绝含文档类型声明(DOCTYPE)的 XML" in r.content.decode()
        r = client.post("/api/opinion/ingest", {"file": SimpleUploadedFile("feed.xml", data)})
        assert r.status_code == 400 and "DOCTYPE" in r.json()["detail"], attack
        assert "root:" not in r.content.decode()
    assert OpinionItem.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_plain_utf16_feed_is_still_read(policy, regions, encoding):
    text = RSS.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    bom, codec = {"utf-16-le": (b"\xff\xfe", "utf-16-le"), "utf-16-be": (b"\xfe\xff", "utf-16-be")}[
        encoding
    ]
    feed = feeds.parse("news.xml", bom + text.encode(codec))
    assert [e.title for e in feed.entries] == ["宏达机械制造传出裁员消息", "某地举办招聘会"]
    result = services.opinion_ingest(locations=[], data={"news.xml": bom + text.encode(codec)})
    assert result["feeds"][0]["created"] == 2
