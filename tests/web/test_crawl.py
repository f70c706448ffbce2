"""Every page, as every role, speaks words: no raw code reaches a user.

A crawler signs in as each demo user of a real quickstart server (``live_app``), follows every
link it is shown (same site, GET, a few pages per kind of page, downloads and the admin left out)
and fails on any page that answers 500 or whose visible text holds a code (``tests/raw_codes.py``:
snake_case, dotted policy keys, Python reprs, bare region codes of the city's regions, codes no
label knows).
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.urls import Resolver404, resolve

from tests.raw_codes import codes_in_text, parse
from tests.web.pages import password_of

ROLES = ("office", "member", "baofeng", "grid", "leader", "auditor")
PER_KIND = 3  # pages visited per URL name (a list, its page 2, one filtered view …)
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/logout/", "/login/", "/register/")


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


def _kind(path: str) -> str | None:
    try:
        return resolve(path).url_name or path
    except Resolver404:
        return None


def test_the_detector_finds_each_kind_of_code() -> None:
    codes = {"410421", "410421100"}
    assert codes_in_text("原因:layoff_suspected", codes) == ["layoff_suspected"]
    assert codes_in_text("依据 assistance.tier.packages 规定", codes) == [
        "assistance.tier.packages"
    ]
    assert sorted(codes_in_text("变更 {'a': None}", codes)) == ["None", "{'"]
    assert codes_in_text("区划 410421 与 410421100", codes) == ["410421", "410421100"]
    assert codes_in_text("身份证 410421199001011234 电话 138****1234", codes) == []
    assert codes_in_text("宝丰县 · 疑似规模裁员 · 2.9% · 3120", codes) == []
    assert codes_in_text("user@example.com www.gov.cn", codes) == []
    assert codes_in_text("文件 si_contributions_202106.csv", codes) == []
    assert codes_in_text("监测点 JCD-410421-01", codes) == []


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
        text, links = parse(response.read().decode("utf-8", "replace"))
        bad = codes_in_text(text, region_codes)
        if bad:
            problems.append(f"{path}: {sorted(set(bad))[:8]}")
        for href in links:
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
