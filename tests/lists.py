"""Reading list pages and their ``.xlsx`` downloads (``core.listing``) in tests."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from wenjiuye.core.models import User


def client_for(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def sheet_rows(response: Any) -> list[list[Any]]:
    """Every row of a downloaded ``.xlsx`` (its header first); the download is checked to be one."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def xlsx(response: Any) -> tuple[list[str], list[list[Any]]]:
    """The headers and the rows of a downloaded sheet."""
    rows = sheet_rows(response)
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
