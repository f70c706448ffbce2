"""The matching parameters (:class:`MatchParams`), every one a policy parameter
(:data:`POLICY_KEYS`): read from the store by ``matching.services.match_params``, or straight from
policy JSON files by :func:`params_from_policy_files` (scripts and the benchmark, no database).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.matching.cells import as_text

#: The policy keys a :class:`MatchParams` is built from.
POLICY_KEYS = {
    "education_levels": "matching.education.levels",
    "partner_cities": "key_region.partner_cities",
    "commute_prefix": "matching.area.commute_prefix_length",
    "same_county_bonus": "matching.area.same_county_bonus",
    "open_days": "matching.posting.open_days_without_closing",
    "top": "matching.top_n",
}


@dataclass(frozen=True)
class MatchParams:
    education_levels: tuple[tuple[str, ...], ...]
    partner_cities: tuple[str, ...] = ()
    commute_prefix: int = 4
    same_county_bonus: float = 0.05
    open_days: int = 90
    top: int = 10
    #: The policy versions used (key, value, effective_from, clause …), shown with results.
    cites: tuple[dict[str, Any], ...] = ()

    def education_rank(self, text: Any) -> int | None:
        """The level's rank (0 = lowest), or ``None`` when unknown or "不限"."""
        t = as_text(text).removesuffix("及以上").removesuffix("及以下").removesuffix("学历")
        for part in t.split("/"):  # e.g. the ledger's "高中/中专/技校"
            for rank, names in enumerate(self.education_levels):
                if part.strip() in names:
                    return rank
        return None

    def is_partner(self, city: Any) -> bool:
        name = _city_name(city)
        return bool(name) and name in {_city_name(c) for c in self.partner_cities}

    @classmethod
    def from_lookup(
        cls,
        lookup: Callable[[str], Any],
        *,
        cite: Callable[[str], dict[str, Any] | None] | None = None,
    ) -> MatchParams:
        """Build from ``lookup(key) -> value`` (``None`` when no version is in force).

        Without a version of ``key_region.partner_cities`` in force no posting passes as a
        partner-city posting; the other keys are required.
        """
        values: dict[str, Any] = {}
        cites: list[dict[str, Any]] = []
        for name, key in POLICY_KEYS.items():
            value = lookup(key)
            if value is None and name != "partner_cities":
                raise PolicyNotInForce(f"政策参数 {key} 没有生效的版本")
            values[name] = value
            c = cite(key) if cite else None
            if c:
                cites.append(c)
        return cls(
            education_levels=tuple(tuple(level) for level in values["education_levels"]),
            partner_cities=tuple(values["partner_cities"] or ()),
            commute_prefix=int(values["commute_prefix"]),
            same_county_bonus=float(values["same_county_bonus"]),
            open_days=int(values["open_days"]),
            top=int(values["top"]),
            cites=tuple(cites),
        )


def params_from_policy_files(files: Iterable[Path], *, on: date) -> MatchParams:
    """Parameters read straight from policy JSON files (for scripts without a database)."""
    versions: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        for p in json.loads(Path(path).read_text(encoding="utf-8"))["parameters"]:
            versions.setdefault(p["key"], []).append(p)

    def version(key: str) -> dict[str, Any] | None:
        for p in sorted(versions.get(key, []), key=lambda v: v["effective_from"], reverse=True):
            start = date.fromisoformat(p["effective_from"])
            end = date.fromisoformat(p["effective_to"]) if p.get("effective_to") else None
            if start <= on and (end is None or on <= end):
                return p
        return None

    def cite(key: str) -> dict[str, Any] | None:
        p = version(key)
        if p is None:
            return None
        return {k: p.get(k) for k in ("key", "value", "unit", "effective_from", "effective_to")} | {
            "clause": p.get("clause"),
            "source": p.get("source"),
        }

    return MatchParams.from_lookup(lambda k: (version(k) or {}).get("value"), cite=cite)


def _city_name(city: Any) -> str:
    return as_text(city).removesuffix("市")
