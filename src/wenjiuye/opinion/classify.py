"""Classifying opinion text and finding the registry's enterprises in it.

Classification (E9): the text is segmented with jieba (every active multi-character lexicon term
is added to jieba's dictionary first, so that it is cut out whole); each category scores the sum
of the weights of its terms found among the words; a category whose score reaches the policy
``opinion.classify.min_score`` applies. The matched terms are the reasons.

Enterprise linking: an enterprise is mentioned when its registered name, or its distinctive
short name (the name without the place names in front and the legal form behind, at least
``opinion.enterprise_link.min_short_name_chars`` characters), occurs in the text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import jieba

from wenjiuye.core.models import Region
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.opinion.models import Category, LexiconTerm
from wenjiuye.registry.models import Enterprise

jieba.setLogLevel(logging.WARNING)
_ADDED: set[str] = set()

LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
)
PLACE_SUFFIXES = ("省", "市", "县", "区")


def _ensure_words(terms: list[str]) -> None:
    for term in terms:
        if len(term) > 1 and term not in _ADDED:
            jieba.add_word(term)
            _ADDED.add(term)


def segment(text: str) -> list[str]:
    return [w for w in jieba.lcut(text, HMM=False) if w.strip()]


def classify(text: str, *, on: date) -> dict[str, Any]:
    """``{"categories": [...], "reasons": {category: {"score", "terms"}}, "policy": [...]}``."""
    terms = list(LexiconTerm.objects.filter(active=True).values_list("category", "term", "weight"))
    _ensure_words([t for _, t, _ in terms])
    words = set(segment(text))
    version = policy_get("opinion.classify.min_score", on=on)
    threshold = Decimal(str(version.value))
    reasons: dict[str, dict[str, Any]] = {}
    for category, term, weight in terms:
        if term in words:
            found = reasons.setdefault(category, {"score": Decimal(0), "terms": []})
            found["score"] += weight
            found["terms"].append(term)
    categories = [c for c in Category.values if c in reasons and reasons[c]["score"] >= threshold]
    return {
        "categories": categories,
        "reasons": {
            c: {
                "score": float(r["score"]),
                "terms": sorted(r["terms"]),
                "label": str(Category(c).label),
            }
            for c, r in reasons.items()
        },
        "threshold": float(threshold),
        "policy": [policy_cite(version)],
    }


def _place_names() -> list[str]:
    names: set[str] = set()
    for name in Region.objects.values_list("name", flat=True):
        names.add(name)
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                names.add(name.removesuffix(suffix))
    names.update({"河南省", "河南"})
    return sorted(names, key=len, reverse=True)


def short_name(name: str, places: list[str]) -> str:
    """``平顶山市宏达机械制造有限公司`` → ``宏达机械制造``."""
    text = re.sub(r"[((][^))]*[))]", "", name).strip()
    changed = True
    while changed:
        changed = False
        for place in places:
            if text.startswith(place) and len(text) > len(place):
                text, changed = text[len(place) :], True
                break
    for form in LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    return text


@dataclass
class EnterpriseMatcher:
    """Names and short names of every enterprise of the registry, built once per batch."""

    on: date
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (needle, uscc, kind)
    policy: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def build(cls, *, on: date) -> EnterpriseMatcher:
        version = policy_get("opinion.enterprise_link.min_short_name_chars", on=on)
        min_chars = int(version.value)
        places = _place_names()
        matcher = cls(on=on, policy=[policy_cite(version)])
        for uscc, name in Enterprise.objects.values_list("uscc", "name"):
            matcher.names.append((name, uscc, "name"))
            short = short_name(name, places)
            if short != name and len(short) >= min_chars:
                matcher.names.append((short, uscc, "short_name"))
        return matcher

    def find(self, text: str) -> dict[str, str]:
        """``{uscc: the name or short name found}``."""
        found: dict[str, str] = {}
        for needle, uscc, _kind in self.names:
            if uscc not in found and needle in text:
                found[uscc] = needle
        return found
