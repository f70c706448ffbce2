"""Reading opinion feeds: RSS 2.0, Atom (RFC 4287) and JSON lines, from a file or an URL.

XML is parsed by defusedxml with document type declarations forbidden, in the parser itself and
so in whatever encoding the document is (UTF-8, UTF-16 LE/BE, GB18030 …): no entity expansion
("billion laughs"), no external entity or DTD is ever read. A byte search for ``<!DOCTYPE``
would miss a UTF-16 document, whose bytes are ``<\0!\0D\0…``.
"""

from __future__ import annotations

import html
import json
import re
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as SafeElementTree
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_BYTES = 50 * 1024 * 1024
MAX_UPLOAD = 20 * 1024 * 1024  # an uploaded file (page or API)
TAGS = re.compile(r"<[^>]+>")


class FeedError(DomainError):
    """A feed that cannot be read at all, with a Chinese reason."""


@dataclass
class FeedEntry:
    title: str
    text: str = ""
    url: str = ""
    guid: str = ""
    published_at: datetime | None = None
    reposts: int | None = None
    source: str = ""
    region_code: str = ""
    line: int = 0


@dataclass
class Feed:
    name: str
    format: str
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def plain(text: str | None) -> str:
    return html.unescape(TAGS.sub(" ", text or "")).strip()


def _date(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    text = text.strip()
    value: datetime | None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        try:
            value = parse_datetime(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            value = None
    if value is None:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def read_source(location: str) -> tuple[str, bytes]:
    """The bytes of a local file or an http(s) URL."""
    if re.match(r"^https?://", location):
        try:
            with urllib.request.urlopen(location, timeout=30) as response:  # noqa: S310 (http(s) only)
                data = response.read(MAX_BYTES + 1)
        except OSError as exc:
            raise FeedError(
                _("%(location)s: 无法读取(%(exc)s)") % {"location": location, "exc": exc}
            ) from exc
    else:
        path = Path(location)
        if not path.is_file():
            raise FeedError(_("%(location)s: 文件不存在") % {"location": location})
        data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise FeedError(
            _("%(location)s: 文件过大(超过 %(value)s MB)")
            % {"location": location, "value": MAX_BYTES // 1024 // 1024}
        )
    return location, data


def parse(name: str, data: bytes) -> Feed:
    head = data.lstrip()[:1]
    if name.lower().endswith((".jsonl", ".ndjson", ".json")) or head in (b"{", b""):
        return _jsonl(name, data)
    return _xml(name, data)


def _xml(name: str, data: bytes) -> Feed:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DTDForbidden as exc:
        raise FeedError(
            _("%(name)s: 拒绝含文档类型声明(DOCTYPE)的 XML:不允许 DTD、实体和外部实体")
            % {"name": name}
        ) from exc
    except EntitiesForbidden as exc:
        raise FeedError(_("%(name)s: 拒绝含实体声明(ENTITY)的 XML") % {"name": name}) from exc
    except DefusedXmlException as exc:  # external references, other unsafe constructs
        raise FeedError(
            _("%(name)s: 拒绝不安全的 XML(%(why)s)") % {"name": name, "why": exc}
        ) from exc
    except ElementTree.ParseError as exc:
        raise FeedError(
            _("%(name)s: 不是合法的 XML(%(why)s)") % {"name": name, "why": exc}
        ) from exc
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError(_("%(name)s: RSS 缺少 channel") % {"name": name})
        feed = Feed(name=name, format="rss")
        for i, item in enumerate(channel.findall("item"), start=1):
            title = plain(item.findtext("title"))
            text = plain(item.findtext("description"))
            if not title and not text:
                feed.problems.append(f"第 {i} 条:没有标题和正文,已跳过")
                continue
            feed.entries.append(
                FeedEntry(
                    title=title or text[:60],
                    text=text,
                    url=(item.findtext("link") or "").strip(),
                    guid=(item.findtext("guid") or "").strip(),
                    published_at=_date(item.findtext("pubDate")),
                    line=i,
                )
            )
        return feed
    if root.tag == f"{ATOM}feed":
        feed = Feed(name=name, format="atom")
        for i, entry in enumerate(root.findall(f"{ATOM}entry"), start=1):
            title = plain(entry.findtext(f"{ATOM}title"))
            text = plain(entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content"))
            if not title and not text:
                feed.problems.append(f"第 {i} 条:没有标题和正文,已跳过")
                continue
            url = ""
            for link in entry.findall(f"{ATOM}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    url = link.get("href", "")
                    break
            feed.entries.append(
                FeedEntry(
                    title=title or text[:60],
                    text=text,
                    url=url.strip(),
                    guid=(entry.findtext(f"{ATOM}id") or "").strip(),
                    published_at=_date(
                        entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
                    ),
                    line=i,
                )
            )
        return feed
    raise FeedError(_("%(name)s: 不是 RSS 2.0、Atom 或 JSON Lines 格式") % {"name": name})


def _jsonl(name: str, data: bytes) -> Feed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FeedError(_("%(name)s: JSON Lines 须为 UTF-8 编码") % {"name": name}) from exc
    feed = Feed(name=name, format="jsonl")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            feed.problems.append(f"第 {number} 行:不是合法的 JSON({exc.msg})")
            continue
        if not isinstance(row, dict):
            feed.problems.append(f"第 {number} 行:应为 JSON 对象")
            continue
        title = plain(str(row.get("title") or ""))
        body = plain(str(row.get("text") or row.get("content") or row.get("summary") or ""))
        if not title and not body:
            feed.problems.append(f"第 {number} 行:没有标题和正文,已跳过")
            continue
        reposts = row.get("reposts")
        if reposts is not None and (not isinstance(reposts, int) or reposts < 0):
            feed.problems.append(f"第 {number} 行:reposts 应为非负整数,已忽略该值")
            reposts = None
        published = _date(str(row.get("published_at") or row.get("published") or ""))
        feed.entries.append(
            FeedEntry(
                title=title or body[:60],
                text=body,
                url=str(row.get("url") or row.get("link") or "").strip(),
                guid=str(row.get("guid") or row.get("id") or "").strip(),
                published_at=published,
                reposts=reposts,
                source=str(row.get("source") or "").strip(),
                region_code=str(row.get("region_code") or "").strip(),
                line=number,
            )
        )
    return feed
