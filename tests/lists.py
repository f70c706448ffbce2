"""Reading list pages and their ``.xlsx`` downloads (``core.listing``) in tests."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from wenjiuye.core.models import User


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def xlsx(response: Any) -> tuple[list[str], list[list[Any]]]:
    """The headers and the rows of a downloaded sheet (the download is checked to be one)."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def column(headers: list[str], rows: list[list[Any]], header: str) -> list[Any]:
    """One column of a sheet, by its Chinese header."""
    i = headers.index(header)
    return [r[i] for r in rows]


def count_shown(html: str) -> int:
    """The count a list page shows ("共 N 条")."""
    start = html.index('data-testid="list-count">') + len('data-testid="list-count">')
    text = html[start : html.index("</span>", start)]
    return int(text.replace("共", "").replace("条", "").strip())


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


RAW_CODE = re.compile(
    r"\b[a-z]+(?:_[a-z0-9]+)+\b"  # snake_case identifiers
    r"|\b[a-z]+(?:\.[a-z_]+){2,}\b"  # dotted policy keys
    r"|(?<![\d*.])\d{6}(?![\d*.])"  # a bare six-digit region code (not an amount)
    r"|\bNone\b|\{'|\['|未登记\("  # Python reprs; a code no label knows
)


def raw_codes(html: str, *, until: str = "") -> list[str]:
    """The codes a reader would see on the page (up to the text ``until``, e.g. the change
    history, which has a presentation of its own)."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    if until and until in text:
        text = text[: text.index(until)]
    return RAW_CODE.findall(text)
