"""Job matching (精准推送, U5 / K3 / K4): hard filters, Chinese text relevance, both directions.

Pure library (pandas, numpy, scipy, scikit-learn, jieba; no Django):

- **persons**: a table with ``person_id, region_code, education, age, desired_job, skills`` and,
  optionally, ``accepts_migration`` (default ``False``);
- **vacancies**: a table with ``posting_id, region_code, city, education_min, age_max,
  posted_on, closes_on, title, occupation, description, openings``.

Hard filters (every parameter from :class:`MatchParams`, i.e. from policy):

- *area*: same county; or commute — the first ``commute_prefix`` digits of the region codes
  agree (4 = same city); or the posting is in a partner city (K4) and the person accepts
  migration. A person without a region code is not filtered by area (said in the reasons);
- *education*: the person's level ≥ the posting's minimum, on the ordered levels of
  ``education_levels``; an unknown level (either side) does not filter (said in the reasons);
- *age*: the person's age ≤ ``age_max`` (none = no limit; unknown age = no filter);
- *open*: ``posted_on ≤ on ≤ closes_on``; without ``closes_on`` a posting is open for
  ``open_days`` days after ``posted_on``.

Relevance: jieba (search-mode segmentation) + TF-IDF (scikit-learn, fitted on the open
postings: title ×3, occupation ×2, description), cosine with the person's desired job ×2 and
skills; plus ``same_county_bonus`` for a posting in the person's own county and a tiny
recency tie-break. Scores are computed chunk by chunk as sparse products, the filters applied
as vectorised masks and the top ``top`` kept with ``argpartition``, so memory stays at
``chunk × other side`` floats. Every match carries its reasons (:meth:`MatchResult.matches`).

Baselines for the benchmark (``method``): ``recent`` (most recent postings passing the same
filters) and ``random`` (seeded, among postings passing the same filters).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from wenjiuye.core.errors import DomainError

try:  # the C kernel of scipy's ``toarray``: adds a CSR matrix into a dense array
    from scipy.sparse._sparsetools import csr_todense as _csr_accumulate
except ImportError:  # pragma: no cover (a scipy that moved it: the numpy path is used)
    _csr_accumulate = None

PERSON_COLUMNS = (
    "person_id",
    "region_code",
    "education",
    "age",
    "desired_job",
    "skills",
    "accepts_migration",
)
VACANCY_COLUMNS = (
    "posting_id",
    "region_code",
    "city",
    "education_min",
    "age_max",
    "posted_on",
    "closes_on",
    "title",
    "occupation",
    "description",
    "openings",
)
METHODS = ("text", "recent", "random")
NO_LIMIT_AGE = 10_000
RECENCY_WEIGHT = 1e-4  # tie-break among equal relevance: the more recent posting first

#: The policy keys a :class:`MatchParams` is built from.
POLICY_KEYS = {
    "education_levels": "matching.education.levels",
    "partner_cities": "key_region.partner_cities",
    "commute_prefix": "matching.area.commute_prefix_length",
    "same_county_bonus": "matching.area.same_county_bonus",
    "open_days": "matching.posting.open_days_without_closing",
    "top": "matching.top_n",
}

# Boilerplate of postings and registrations that says nothing about the job.
_STOP_TEXT = """负责 包吃 要求 待遇 以下 以上 周岁 学历 不限 及以上 身体健康 工作 地点 工作地点 缴纳
五险 一金 五险一金 包吃住 提供 宿舍 工作餐 节日 福利 带薪 年假 定期 体检 月休 岗前 培训 劳务 协作
岗位 人社 部门 统一 组织 输送 免费 乘车 由 和 与 及 的 等 或 无 有 在 对 并 人员 日常 相关"""
STOPWORDS = frozenset(_STOP_TEXT.split())
_PUNCT = re.compile(r"^[\W_\d]+$")


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------
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
        if text is None or (isinstance(text, float) and math.isnan(text)):
            return None
        t = str(text).strip().removesuffix("及以上").removesuffix("及以下").removesuffix("学历")
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
                raise LookupError(f"政策参数 {key} 没有生效的版本")
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
    if city is None or (isinstance(city, float) and math.isnan(city)):
        return ""
    return str(city).strip().removesuffix("市")


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------
def _jieba() -> Any:
    import jieba  # noqa: PLC0415 (slow import, only when text is needed)

    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=500_000)
def _tokens(text: str) -> tuple[str, ...]:
    out = []
    for tok in _jieba().cut_for_search(text):
        tok = tok.strip()
        if len(tok) < 2 or tok in STOPWORDS or _PUNCT.match(tok):
            continue
        out.append(tok)
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """jieba search-mode words of ``text`` without punctuation, numbers, single characters
    and the postings' boilerplate (:data:`STOPWORDS`)."""
    # Clauses are cached one by one: postings share most of their sentences.
    out: list[str] = []
    for part in re.split(r"[,,。;;、\s]+", text or ""):
        if part:
            out.extend(_tokens(part))
    return out


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def person_document(desired_job: Any, skills: Any) -> str:
    desired = _text(desired_job)
    return f"{desired} {desired} {_text(skills)}"


def vacancy_document(title: Any, occupation: Any, description: Any) -> str:
    t, o = _text(title), _text(occupation)
    return f"{t} {t} {t} {o} {o} {_text(description)}"


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
def _table(data: Any, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    missing = [c for c in required if c not in frame.columns]
    if missing and len(frame):
        raise DomainError(f"缺少列:{', '.join(missing)}")
    frame = frame.reset_index(drop=True)
    for c in columns:
        if c not in frame.columns:
            frame[c] = None
    return frame


def _code_ints(codes: pd.Series, length: int, missing: int) -> np.ndarray:
    """The first ``length`` digits of each region code as an int; ``missing`` when absent."""
    text = codes.fillna("").astype(str).str.strip()
    head = text.str.slice(0, length)
    ok = head.str.len().eq(length) & head.str.isdigit()
    out = np.full(len(text), missing, dtype=np.int64)
    if ok.any():
        out[ok.to_numpy()] = head[ok].astype(np.int64).to_numpy()
    return out


def _day(value: Any) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    return date.fromisoformat(text.replace("/", "-")[:10])


def _number(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _ordinals(values: pd.Series) -> np.ndarray:
    """Day ordinals (``-1`` when absent)."""
    days = pd.to_datetime(values, errors="coerce")
    out = np.full(len(values), -1, dtype=np.int64)
    ok = days.notna().to_numpy()
    if ok.any():
        epoch = date(1970, 1, 1).toordinal()
        out[ok] = (days[ok].to_numpy().astype("datetime64[D]").astype(np.int64)) + epoch
    return out


def _int_or(values: pd.Series, missing: int) -> np.ndarray:
    num = pd.to_numeric(values, errors="coerce")
    return num.fillna(missing).astype(np.int64).to_numpy()


@dataclass
class _Persons:
    frame: pd.DataFrame
    county: np.ndarray  # 6-digit county code; -1 unknown
    city: np.ndarray  # commute prefix; -1 unknown
    migrate: np.ndarray  # accepts migration
    edu: np.ndarray  # rank; -1 unknown
    age: np.ndarray  # -1 unknown


@dataclass
class _Vacancies:
    frame: pd.DataFrame
    county: np.ndarray  # -2 none (partner city or elsewhere)
    city: np.ndarray  # -2 none
    partner: np.ndarray
    edu: np.ndarray  # rank; -1 none / unknown
    age_max: np.ndarray  # NO_LIMIT_AGE when none
    posted: np.ndarray  # day ordinal
    recency: np.ndarray  # 0..1, 1 = most recent


def _persons(data: Any, params: MatchParams) -> _Persons:
    f = _table(data, PERSON_COLUMNS, ("person_id",))
    mig = np.array([_flag(x) for x in f["accepts_migration"]], dtype=bool)
    return _Persons(
        frame=f,
        county=_code_ints(f["region_code"], 6, -1),
        city=_code_ints(f["region_code"], params.commute_prefix, -1),
        migrate=mig,
        edu=np.array([_rank(params, e) for e in f["education"]], dtype=np.int16),
        age=_int_or(f["age"], -1).astype(np.int16),
    )


def _flag(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return bool(value)


def _rank(params: MatchParams, text: Any) -> int:
    r = params.education_rank(text)
    return -1 if r is None else r


def _vacancies(data: Any, params: MatchParams) -> _Vacancies:
    f = _table(data, VACANCY_COLUMNS, ("posting_id", "posted_on"))
    partner = np.array(
        [
            not _text(r) and params.is_partner(c)
            for r, c in zip(f["region_code"], f["city"], strict=True)
        ],
        dtype=bool,
    )
    posted = _ordinals(f["posted_on"])
    lo, hi = (posted.min(), posted.max()) if len(posted) else (0, 0)
    recency = (posted - lo) / (hi - lo) if hi > lo else np.zeros(len(posted))
    return _Vacancies(
        frame=f,
        county=_code_ints(f["region_code"], 6, -2),
        city=_code_ints(f["region_code"], params.commute_prefix, -2),
        partner=partner,
        edu=np.array([_rank(params, e) for e in f["education_min"]], dtype=np.int16),
        age_max=_int_or(f["age_max"], NO_LIMIT_AGE).astype(np.int16),
        posted=posted,
        recency=recency.astype(np.float32),
    )


def open_mask(vacancies: pd.DataFrame, *, on: date, params: MatchParams) -> np.ndarray:
    """Postings open on ``on``: ``posted_on ≤ on ≤ closes_on`` (no ``closes_on``: within
    ``open_days`` days of ``posted_on``)."""
    day = on.toordinal()
    posted = _ordinals(vacancies["posted_on"])
    closes = _ordinals(vacancies["closes_on"])
    closes = np.where(closes < 0, posted + params.open_days, closes)
    return (posted <= day) & (day <= closes) & (posted >= 0)


# ---------------------------------------------------------------------------------------------
# Filters (vectorised; the same formulas as the reasons below)
# ---------------------------------------------------------------------------------------------
def _eligible(
    p_county: Any,
    p_city: Any,
    p_mig: Any,
    p_edu: Any,
    p_age: Any,
    v_county: Any,
    v_city: Any,
    v_partner: Any,
    v_edu: Any,
    v_age: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """(eligible, same county), broadcast over the shapes given."""
    same = p_county == v_county
    ok = same | (p_city == v_city) | (p_mig & v_partner) | (p_county < 0)
    ok &= (p_edu < 0) | (v_edu <= p_edu)
    ok &= (p_age < 0) | (p_age <= v_age)
    return ok, same


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
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
    persons: _Persons
    vacancies: _Vacancies  # the open ones, re-indexed
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


def pair_reasons(
    person: Mapping[str, Any], vacancy: Mapping[str, Any], *, params: MatchParams, on: date
) -> list[dict[str, Any]]:
    """Each hard filter for one person and one posting: ``{"filter", "passed", "text"}``.

    The same rules as the vectorised filters of :func:`match`; a pair is eligible when every
    entry has ``passed``.
    """
    out: list[dict[str, Any]] = []
    # open
    posted, closes = _day(vacancy.get("posted_on")), _day(vacancy.get("closes_on"))
    last: date | None = closes
    if closes is None and posted is not None:
        last = posted + timedelta(days=params.open_days)
        ok = posted <= on <= last
        text = f"发布于 {posted},无截止日期,按发布后 {params.open_days} 天内在招计"
    else:
        ok = posted is not None and last is not None and posted <= on <= last
        text = f"在招:发布 {posted} ≤ {on} ≤ 截止 {last}"
    if not ok:
        text = f"不在招:发布 {posted},截止 {last},匹配日 {on}"
    out.append({"filter": "open", "passed": ok, "text": text})
    # area
    p_code = _text(person.get("region_code"))
    v_code = _text(vacancy.get("region_code"))
    v_city = _text(vacancy.get("city"))
    mig = _flag(person.get("accepts_migration"))
    n = params.commute_prefix
    p_ok = len(p_code) >= 6 and p_code[:6].isdigit()
    v_ok = len(v_code) >= 6 and v_code[:6].isdigit()
    if not p_ok:
        ok, text = True, "本人常住地未知,未按地域筛选"
    elif v_ok and p_code[:6] == v_code[:6]:
        ok, text = True, f"同县:岗位 {v_code[:6]},本人常住 {p_code[:6]}"
    elif v_ok and p_code[:n] == v_code[:n]:
        ok, text = True, f"通勤范围(区划代码前 {n} 位相同):岗位 {v_code[:6]},本人常住 {p_code[:6]}"
    elif not v_ok and params.is_partner(v_city):
        ok = mig
        text = (
            f"劳务协作城市 {v_city},本人愿意外出务工"
            if mig
            else f"劳务协作城市 {v_city},但本人未表示愿意外出务工"
        )
    else:
        ok, text = False, f"不在通勤范围:岗位 {v_code or v_city or '未知'},本人常住 {p_code[:6]}"
    out.append({"filter": "area", "passed": ok, "text": text})
    # education
    p_edu, v_edu = _text(person.get("education")), _text(vacancy.get("education_min"))
    pr, vr = params.education_rank(p_edu), params.education_rank(v_edu)
    if vr is None:
        ok = True
        text = (
            "岗位学历不限"
            if v_edu in ("", "不限", "学历不限")
            else f"岗位学历要求“{v_edu}”无法识别,未按学历筛选"
        )
    elif pr is None:
        ok, text = True, f"本人学历未知({p_edu or '空'}),未按学历筛选"
    else:
        ok = pr >= vr
        text = f"学历 {p_edu} {'≥' if ok else '<'} 要求 {v_edu}"
    out.append({"filter": "education", "passed": ok, "text": text})
    # age
    age, age_max = _number(person.get("age")), _number(vacancy.get("age_max"))
    if age_max is None:
        ok, text = True, "岗位无年龄上限"
    elif age is None:
        ok, text = True, "本人年龄未知,未按年龄筛选"
    else:
        ok = int(age) <= int(age_max)
        text = f"年龄 {int(age)} 岁 {'≤' if ok else '>'} 上限 {int(age_max)} 岁"
    out.append({"filter": "age", "passed": ok, "text": text})
    return out


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------
def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=tokenize,
        preprocessor=None,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unique rows of the stacked ``keys``, index of each row's group)."""
    stacked = np.stack([k.astype(np.int64) for k in keys], axis=1)
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return uniq, inverse.reshape(-1)


def _add_sparse(dense: np.ndarray, product: Any) -> None:
    """``dense[:, :m] += product`` for a CSR ``product`` of ``m`` columns, in place."""
    rows, cols = product.shape
    if _csr_accumulate is not None and dense.flags.c_contiguous:
        # scipy's own kernel of ``toarray`` adds into the array it is given.
        _csr_accumulate(rows, dense.shape[1], product.indptr, product.indices, product.data, dense)
        return
    product.sum_duplicates()
    r = np.repeat(np.arange(rows), np.diff(product.indptr))
    dense.reshape(-1)[r * dense.shape[1] + product.indices] += product.data


def _topk(s: np.ndarray, k: int, block: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the ``k`` largest of each row, best first.

    Blocks of ``block`` columns are ranked by their maximum first: the ``k`` largest values
    lie in the ``k`` blocks of largest maxima, so only ``k × block`` values per row are
    partitioned (``s`` must have a multiple of ``block`` columns).
    """
    c, n = s.shape
    if n <= 4 * k * block:
        cand = np.broadcast_to(np.arange(n), (c, n))
    else:
        nb = n // block
        bm = s.reshape(c, nb, block).max(axis=2)
        blocks = np.argpartition(-bm, k - 1, axis=1)[:, :k]
        cand = (blocks[:, :, None] * block + np.arange(block)).reshape(c, k * block)
    vals = np.take_along_axis(s, cand, axis=1)
    if vals.shape[1] > k:
        part = np.argpartition(-vals, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(vals, part, axis=1)
        cand = np.take_along_axis(cand, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    return np.take_along_axis(cand, order, axis=1), np.take_along_axis(vals, order, axis=1)


def match(
    persons: Any,
    vacancies: Any,
    *,
    params: MatchParams,
    on: date,
    top: int | None = None,
    direction: str = "person",
    method: str = "text",
    seed: int = 0,
    chunk: int = 1024,
    progress: Callable[[int, int], None] | None = None,
) -> MatchResult:
    """Rank open vacancies per person (``direction="person"``) or candidates per vacancy
    (``"vacancy"``; only ``method="text"``). See the module docstring for the rules.

    The eligibility of a pair depends on a few attributes only, so it is computed once per
    distinct (county, commute area, migration) and per distinct (education, age) of the left
    side, as rows of 0 / −∞ over the right side; each chunk gathers its rows, adds the text
    scores of its sparse product and keeps its top ``top`` (:func:`_topk`).
    """
    if direction not in ("person", "vacancy"):
        raise DomainError(f"direction 应为 person 或 vacancy:{direction!r}")
    if method not in METHODS:
        raise DomainError(f"method 应为 {' / '.join(METHODS)}:{method!r}")
    if direction == "vacancy" and method != "text":
        raise DomainError("基准方法只用于为人员排序岗位")
    top = params.top if top is None else top
    if top < 1:
        raise DomainError("top 应为正整数")
    ps = _persons(persons, params)
    vtable = _table(vacancies, VACANCY_COLUMNS, ("posting_id", "posted_on"))
    vs = _vacancies(vtable[open_mask(vtable, on=on, params=params)], params)
    n_p, n_v = len(ps.frame), len(vs.frame)
    pmat = vmat = terms = None
    if method == "text" and n_v:
        vec = _vectorizer()
        try:
            vmat = vec.fit_transform(
                [
                    vacancy_document(t, o, d)
                    for t, o, d in zip(
                        vs.frame["title"],
                        vs.frame["occupation"],
                        vs.frame["description"],
                        strict=True,
                    )
                ]
            ).tocsr()
            pmat = vec.transform(
                [
                    person_document(d, s)
                    for d, s in zip(ps.frame["desired_job"], ps.frame["skills"], strict=True)
                ]
            ).tocsr()
            terms = vec.get_feature_names_out()
        except ValueError:  # empty vocabulary: nothing but boilerplate
            pmat = vmat = None
    person_left = direction == "person"
    left_n, right_n = (n_p, n_v) if person_left else (n_v, n_p)
    k = min(top, right_n)
    indices = np.full((left_n, max(k, 0)), -1, dtype=np.int64)
    scores = np.zeros((left_n, max(k, 0)), dtype=np.float32)
    counts = np.zeros(left_n, dtype=np.int64)
    if k > 0 and left_n > 0:
        block = 128
        width = -(-right_n // block) * block  # padded with ineligible columns
        # Area rows (with the same-county bonus and the recency tie-break folded in).
        if person_left:
            a_keys, a_idx = _groups(ps.county, ps.city, ps.migrate)
            e_keys, e_idx = _groups(ps.edu, ps.age)
        else:
            a_keys, a_idx = _groups(vs.county, vs.city, vs.partner)
            e_keys, e_idx = _groups(vs.edu, vs.age_max)
        rv = (vs.county, vs.city, vs.partner, vs.edu, vs.age_max)
        rp = (ps.county, ps.city, ps.migrate, ps.edu, ps.age)
        area_rows = np.full((len(a_keys), width), -np.inf, dtype=np.float32)
        for g, key in enumerate(a_keys):
            if person_left:
                p = (key[0], key[1], bool(key[2]), np.int16(-1), np.int16(-1))
                ok, same = _eligible(*p, *rv)
                recency = vs.recency
            else:
                v = (key[0], key[1], bool(key[2]), np.int16(-1), np.int16(NO_LIMIT_AGE))
                ok, same = _eligible(*rp, *v)
                recency = np.zeros(right_n, dtype=np.float32)
            if method == "text":
                row = params.same_county_bonus * same + RECENCY_WEIGHT * recency
            elif method == "recent":
                row = vs.recency.astype(np.float64)
            else:
                row = np.zeros(right_n)
            area_rows[g, :right_n] = np.where(ok, row, -np.inf)
        edu_rows = np.zeros((len(e_keys), width), dtype=np.float32)
        for g, key in enumerate(e_keys):
            if person_left:
                ok, _ = _eligible(
                    -1, -1, False, np.int16(key[0]), np.int16(key[1]),
                    -1, -1, False, vs.edu, vs.age_max,
                )  # fmt: skip
            else:
                ok, _ = _eligible(
                    -1, -1, False, ps.edu, ps.age,
                    -1, -1, False, np.int16(key[0]), np.int16(key[1]),
                )  # fmt: skip
            edu_rows[g, :right_n] = np.where(ok, 0.0, -np.inf)
        if pmat is not None and vmat is not None:
            right_t = (vmat if person_left else pmat).T.tocsr()
            left_m = pmat if person_left else vmat
        rng = np.random.default_rng(seed)
        # One buffer reused by every chunk (a fresh 100 MB array costs more in page faults
        # than the arithmetic done in it); each row is its two precomputed rows added.
        buf = np.empty((min(chunk, left_n), width), dtype=np.float32)
        for start in range(0, left_n, chunk):
            stop = min(start + chunk, left_n)
            c = stop - start
            s = buf[:c]
            for i, (a, e) in enumerate(zip(a_idx[start:stop], e_idx[start:stop], strict=True)):
                np.add(area_rows[a], edu_rows[e], out=s[i])
            if method == "text" and pmat is not None:
                _add_sparse(s, left_m[start:stop] @ right_t)
            elif method == "random":
                s[:, :right_n] += rng.random((c, right_n), dtype=np.float32)
            counts[start:stop] = np.count_nonzero(s > -np.inf, axis=1)
            idx, vals = _topk(s, k, block)
            finite = np.isfinite(vals)
            indices[start:stop] = np.where(finite, idx, -1)
            scores[start:stop] = np.where(finite, vals, 0)
            if progress:
                progress(stop, left_n)
    return MatchResult(
        direction=direction,
        method=method,
        on=on,
        params=params,
        persons=ps,
        vacancies=vs,
        indices=indices,
        scores=scores,
        _pmat=pmat,
        _vmat=vmat,
        _terms=terms,
        eligible_counts=counts,
    )
