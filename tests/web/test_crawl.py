"""Every page, as every role, speaks words: no raw code reaches a user.

A crawler signs in as each demo user of a real quickstart server (``live_app``) and follows every
link it is shown (same site, GET, a few pages per kind of page), and fails on any page that
answers 500 or whose *visible* text holds what only a programmer should see:

- a snake_case identifier (``layoff_suspected``) or a dotted policy key (``assistance.tier.packages``);
- a Python repr (``None``, ``True``, ``{'``, ``<QuerySet``, ``object at 0x``);
- a bare region code (a six- or nine-digit code of the city's regions standing alone — ID numbers
  and USCCs are longer and not matched);
- a code the label registry does not know ("未登记(").

Visible text is the text of the page outside ``<script>``/``<style>``/``<code>`` of technical
content (attribute values are not visible and are not checked).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import Resolver404, resolve

from tests.web.pages import password_of

ROLES = ("office", "member", "baofeng", "grid", "leader", "auditor")
PER_KIND = 3  # pages visited per URL name (a list, its page 2, one filtered view …)
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/logout/", "/login/", "/register/")

SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.@/-])")
DOTTED_KEY = re.compile(r"(?<![\w./-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){1,4}(?![\w./-])")
REPR = re.compile(r"(?<![\w-])(None|True|False)(?![\w-])|\{'|\['|<QuerySet|object at 0x")
UNKNOWN = "未登记("
# a file's or a site's name is a word, not a code
FILE_NAME = re.compile(r"\.(csv|xlsx|xls|json|parquet|txt|docx|pdf|zip|cn|com|org|net)$")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _opener() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _login(opener: urllib.request.OpenerDirector, url: str, username: str, password: str) -> None:
    page = opener.open(url + "/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "the login page has a CSRF token"
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(
        url + "/login/", data=body, headers={"Referer": url + "/login/"}
    )
    landed = opener.open(request)
    assert "/login/" not in landed.geturl(), f"{username} could not sign in"


def raw_codes(text: str, region_codes: set[str]) -> list[str]:
    """What in ``text`` (a page's visible text) is a code, not a word."""
    found = [m.group() for m in SNAKE.finditer(text)]
    found += [
        m.group()
        for m in DOTTED_KEY.finditer(text)
        if ("_" in m.group() or m.group().count(".") >= 2) and not FILE_NAME.search(m.group())
    ]
    found += [m.group() for m in REPR.finditer(text)]
    found += [
        c for c in re.findall(r"(?<![\d*])\d{6}(?:\d{3})?(?![\d*])", text) if c in region_codes
    ]
    if UNKNOWN in text:
        found.append(text[text.index(UNKNOWN) : text.index(UNKNOWN) + 30])
    return found


def _kind(path: str) -> str | None:
    try:
        return resolve(path).url_name or path
    except Resolver404:
        return None


def test_the_detector_finds_each_kind_of_code() -> None:
    codes = {"410421", "410421100"}
    assert raw_codes("原因:layoff_suspected", codes) == ["layoff_suspected"]
    assert raw_codes("依据 assistance.tier.packages 规定", codes) == ["assistance.tier.packages"]
    assert sorted(raw_codes("变更 {'a': None}", codes)) == ["None", "{'"]
    assert raw_codes("区划 410421 与 410421100", codes) == ["410421", "410421100"]
    assert raw_codes("身份证 410421199001011234 电话 138****1234", codes) == []
    assert raw_codes("宝丰县 · 疑似规模裁员 · 2.9% · 3120", codes) == []
    assert raw_codes("user@example.com www.gov.cn", codes) == []
    assert raw_codes("文件 si_contributions_202106.csv", codes) == []


@pytest.mark.parametrize("username", ROLES)
def test_no_page_shows_a_raw_code(live_app, username) -> None:
    url = live_app["url"]
    region_codes = set(live_app["region_codes"])
    opener = _opener()
    _login(opener, url, username, password_of(live_app, username))
    seen: set[str] = set()
    per_kind: Counter[str] = Counter()
    queue = ["/"]
    problems: list[str] = []
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        kind = _kind(urllib.parse.urlsplit(path).path)
        if kind is None or per_kind[kind] >= PER_KIND:
            continue
        per_kind[kind] += 1
        try:
            response = opener.open(url + path)
        except urllib.error.HTTPError as e:
            if e.code >= 500:
                problems.append(f"{path}: {e.code}")
            continue
        if "html" not in response.headers.get("Content-Type", ""):
            continue
        parser = _Text()
        parser.feed(response.read().decode("utf-8", "replace"))
        text = " ".join(parser.parts)
        bad = raw_codes(text, region_codes)
        if bad:
            problems.append(f"{path}: {sorted(set(bad))[:8]}")
        for href in parser.links:
            split = urllib.parse.urlsplit(urllib.parse.urljoin(path, href))
            if split.netloc or not split.path.startswith("/"):
                continue
            if split.path.startswith(SKIP_PREFIXES) or "format=" in split.query:
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            if target not in seen:
                queue.append(target)
    assert len(per_kind) >= 5, f"{username} reached too few pages: {sorted(per_kind)}"
    assert not problems, f"{username}: raw codes or errors on {len(problems)} pages:\n" + "\n".join(
        problems
    )
