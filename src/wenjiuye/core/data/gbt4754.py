"""GB/T 4754-2017 《国民经济行业分类》: the names of industry codes (``gbt4754_2017.csv``).

An enterprise's industry is a 4-digit class code (小类, "3120"), sometimes written with its
section letter ("C3120"). :func:`industry_name` gives "炼钢(3120)"; a class the table does not
list is named by its division (大类), which the table lists in full: "黑色金属冶炼和压延加工业(3199)".
See ``README.md`` beside this file for what the table holds and where it comes from.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("gbt4754_2017.csv")
LEVELS = ("section", "division", "group", "class")  # 门类, 大类, 中类, 小类


@dataclass(frozen=True)
class Industry:
    code: str
    level: str
    name: str
    parent: str


@lru_cache(maxsize=1)
def table() -> dict[str, Industry]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        rows = [Industry(r["code"], r["level"], r["name"], r["parent"]) for r in csv.DictReader(f)]
    return {r.code: r for r in rows}


def normalise(code: Any) -> str:
    """ "C3120", " 3120 " → "3120"; a section letter alone stays ("C")."""
    text = "" if code is None else str(code).strip().upper()
    if len(text) > 1 and text[0].isalpha() and text[1:].isdigit():
        text = text[1:]
    return text


def industry(code: Any) -> Industry | None:
    """The most specific entry of the table that names ``code``: the code itself, else its
    division (the first two digits); ``None`` for what is not an industry code at all."""
    text = normalise(code)
    rows = table()
    if text in rows:
        return rows[text]
    if text.isdigit() and 2 <= len(text) <= 4:
        return rows.get(text[:2])
    return None


def industry_name(code: Any) -> str | None:
    """``"炼钢(3120)"``: the name and the code as written in the standard; ``None`` if unknown."""
    text = normalise(code)
    found = industry(text)
    return None if found is None else f"{found.name}({text})"


def division_of(code: Any) -> str:
    """The division (大类) code of an industry code: "3120" → "31"; "" when there is none."""
    text = normalise(code)
    return text[:2] if text[:2].isdigit() and len(text) >= 2 else ""


def section_of(code: Any) -> str:
    """The section (门类) letter of an industry code: "3120" → "C"."""
    division = table().get(division_of(code))
    return division.parent if division is not None else ""
