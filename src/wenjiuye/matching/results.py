"""What ``match`` answers: per row of the left side its top matches (:class:`MatchResult`), and
each match with its score, matched words and the reason of every filter (:class:`Match`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from wenjiuye.matching.filters import pair_reasons
from wenjiuye.matching.params import MatchParams
from wenjiuye.matching.tables import PersonArrays, VacancyArrays


@dataclass
class Match:
    rank: int
    person_id: str
    posting_id: str
    score: float
    text_score: float
    matched_terms: list[str]
    reasons: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "person_id": self.person_id,
            "posting_id": self.posting_id,
            "score": round(self.score, 6),
            "text_score": round(self.text_score, 6),
            "matched_terms": self.matched_terms,
            "reasons": self.reasons,
        }


@dataclass
class MatchResult:
    """Top matches per row of the left side (persons, or vacancies when ``direction`` is
    ``"vacancy"``): ``indices[i]`` are rows of the right side (``-1`` = fewer eligible),
    ``scores[i]`` their scores, best first."""

    direction: str
    method: str
    on: date
    params: MatchParams
    persons: PersonArrays
    vacancies: VacancyArrays  # the open ones, re-indexed
    indices: np.ndarray
    scores: np.ndarray
    _pmat: Any = None
    _vmat: Any = None
    _terms: Any = None
    eligible_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _records: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)

    @property
    def left_ids(self) -> list[str]:
        side = self.persons if self.direction == "person" else self.vacancies
        key = "person_id" if self.direction == "person" else "posting_id"
        return [str(x) for x in side.frame[key]]

    def top_ids(self) -> dict[str, list[str]]:
        """Left id → right ids, best first (no reasons: cheap)."""
        right = (
            self.vacancies.frame["posting_id"]
            if self.direction == "person"
            else self.persons.frame["person_id"]
        ).to_numpy()
        out = {}
        for lid, row in zip(self.left_ids, self.indices, strict=True):
            out[lid] = [str(right[j]) for j in row if j >= 0]
        return out

    def _record(self, side: str, row: int) -> dict[str, Any]:
        cache = self._records.setdefault(side, {})
        if row not in cache:
            frame = self.persons.frame if side == "p" else self.vacancies.frame
            cache[row] = dict(zip(frame.columns, frame.iloc[row].tolist(), strict=True))
        return cache[row]

    def matches(self, i: int) -> list[Match]:
        """The matches of left row ``i``, each with its reasons."""
        out = []
        for rank, (j, score) in enumerate(zip(self.indices[i], self.scores[i], strict=True), 1):
            if j < 0:
                break
            p, v = (i, int(j)) if self.direction == "person" else (int(j), i)
            out.append(self.explain(p, v, rank=rank, score=float(score)))
        return out

    def matches_for(self, left_id: str) -> list[Match]:
        ids = self.left_ids
        if left_id not in ids:
            raise KeyError(left_id)
        return self.matches(ids.index(left_id))

    def explain(self, p: int, v: int, *, rank: int = 0, score: float | None = None) -> Match:
        """The reasons of person row ``p`` × open vacancy row ``v``."""
        prow = self._record("p", p)
        vrow = self._record("v", v)
        text_score, terms = 0.0, []
        if self._pmat is not None and self._vmat is not None:
            pm, vm = self._pmat, self._vmat
            a_idx = pm.indices[pm.indptr[p] : pm.indptr[p + 1]]
            a_val = pm.data[pm.indptr[p] : pm.indptr[p + 1]]
            b_idx = vm.indices[vm.indptr[v] : vm.indptr[v + 1]]
            b_val = vm.data[vm.indptr[v] : vm.indptr[v + 1]]
            wb = dict(zip(b_idx.tolist(), b_val.tolist(), strict=True))
            contrib = sorted(
                (
                    (w * wb[t], t)
                    for t, w in zip(a_idx.tolist(), a_val.tolist(), strict=True)
                    if t in wb
                ),
                reverse=True,
            )
            if contrib:
                text_score = float(sum(c for c, _ in contrib))
                terms = [str(self._terms[t]) for _, t in contrib[:8]]
        reasons = pair_reasons(prow, vrow, params=self.params, on=self.on)
        if self.method == "text":
            reasons.append(
                {
                    "filter": "text",
                    "passed": True,
                    "text": (
                        f"匹配词:{'、'.join(terms)};文本相关度 {text_score:.3f}"
                        if terms
                        else "求职意向、技能与岗位无共同关键词,按地域和发布时间排序"
                    ),
                }
            )
        else:
            reasons.append(
                {
                    "filter": "baseline",
                    "passed": True,
                    "text": "基准方法:" + ("最新发布" if self.method == "recent" else "随机"),
                }
            )
        return Match(
            rank=rank,
            person_id=str(prow["person_id"]),
            posting_id=str(vrow["posting_id"]),
            score=float(score if score is not None else text_score),
            text_score=text_score,
            matched_terms=terms,
            reasons=reasons,
        )
