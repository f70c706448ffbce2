"""The one check that a page speaks words: what in its visible text only a programmer should see.

- a snake_case identifier (``layoff_suspected``, ``view_unmasked``) or a dotted name
  (``assistance.tier.packages``, ``response.layoffreport``) — a file's or a site's name excepted;
- a Python repr (``None``, ``True``, ``{'``, ``['``, ``<QuerySet``, ``object at 0x``);
- a bare region code: a six- or nine-digit number standing alone (ID numbers and USCCs are longer
  and not matched; masked digits are not either) — with ``region_codes`` only the codes of real
  regions, without it any such number;
- a code the label registry does not know ("未登记(").

Visible text: the page's text outside ``<script>``/``<style>``/``<template>``, plus what a reader
sees in a control (``placeholder``, ``title``, ``alt``). Used by the page tests of every app and
by the crawl of every page as every role (``tests/web/test_crawl.py``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html.parser import HTMLParser

SNAKE = re.compile(r"(?<![\w.@/?&=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.@/(-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){1,4}(?![\w/(-])")
REPR = re.compile(r"(?<![\w-])(?:None|True|False)(?![\w-])|\{'|\['|<QuerySet|object at 0x")
# standing alone: not inside an identifier ("JCD-410423-01", an ID number, a masked number)
BARE_NUMBER = re.compile(r"(?<![0-9A-Za-z*.,_-])\d{6}(?:\d{3})?(?![0-9A-Za-z*.,_-])")
UNKNOWN = "未登记("
# a file's or a site's name is a word, not a code
NAME_ENDING = re.compile(r"\.(csv|xlsx|xls|json|parquet|txt|docx|pdf|zip|cn|com|org|net)$")
SKIPPED = ("script", "style", "template")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        for name in ("placeholder", "title", "alt"):
            if values.get(name):
                self.parts.append(str(values[name]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def parse(html: str) -> tuple[str, list[str]]:
    """The visible text of ``html`` and the links it holds."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def visible_text(html: str) -> str:
    return parse(html)[0]


def codes_in_text(text: str, region_codes: Collection[str] | None = None) -> list[str]:
    """What in ``text`` (visible text) is a code, not a word."""
    found = SNAKE.findall(text)
    found += [
        m.group()
        for m in DOTTED.finditer(text)
        if ("_" in m.group() or m.group().count(".") >= 2) and not NAME_ENDING.search(m.group())
    ]
    found += [m.group() for m in REPR.finditer(text)]
    found += [n for n in BARE_NUMBER.findall(text) if region_codes is None or n in region_codes]
    if UNKNOWN in text:
        at = text.index(UNKNOWN)
        found.append(text[at : at + 30])
    return found


def raw_codes(
    html: str, *, until: str = "", region_codes: Collection[str] | None = None
) -> list[str]:
    """Every code-looking piece of the visible text of ``html`` (empty when the page is clean),
    up to the text ``until`` when given."""
    text = visible_text(html)
    if until and until in text:
        text = text[: text.index(until)]
    return codes_in_text(text, region_codes)
