"""Job matching (精准推送, U5 / K3 / K4): hard filters, Chinese text relevance, both directions.

Pure library (pandas, numpy, scipy, scikit-learn, jieba; no Django). :func:`match` is the
ranking entry point; its parts are ``matching.params`` (:class:`MatchParams`), ``matching.tables``
(the input tables), ``matching.text`` (words and TF-IDF), ``matching.filters`` (the hard filters)
and ``matching.results`` (:class:`MatchResult`, :class:`Match` with reasons). The inputs:

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
``chunk × other side`` floats. Every match carries its reasons (``MatchResult.matches``).

Baselines for the benchmark (``method``): ``recent`` (most recent postings passing the same
filters) and ``random`` (seeded, among postings passing the same filters).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from wenjiuye.core.errors import DomainError
from wenjiuye.matching.filters import eligible
from wenjiuye.matching.params import MatchParams
from wenjiuye.matching.results import MatchResult
from wenjiuye.matching.tables import (
    NO_LIMIT_AGE,
    VACANCY_COLUMNS,
    input_table,
    open_mask,
    person_arrays,
    vacancy_arrays,
)
from wenjiuye.matching.text import person_document, vacancy_document, vectorizer

try:  # the C kernel of scipy's ``toarray``: adds a CSR matrix into a dense array
    from scipy.sparse._sparsetools import csr_todense as _csr_accumulate
except ImportError:  # pragma: no cover (a scipy that moved it: the numpy path is used)
    _csr_accumulate = None

METHODS = ("text", "recent", "random")

RECENCY_WEIGHT = 1e-4  # tie-break among equal relevance: the more recent posting first


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
    ps = person_arrays(persons, params)
    vtable = input_table(vacancies, VACANCY_COLUMNS, ("posting_id", "posted_on"))
    vs = vacancy_arrays(vtable[open_mask(vtable, on=on, params=params)], params)
    n_p, n_v = len(ps.frame), len(vs.frame)
    pmat = vmat = terms = None
    if method == "text" and n_v:
        vec = vectorizer()
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
                ok, same = eligible(*p, *rv)
                recency = vs.recency
            else:
                v = (key[0], key[1], bool(key[2]), np.int16(-1), np.int16(NO_LIMIT_AGE))
                ok, same = eligible(*rp, *v)
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
                ok, _ = eligible(
                    -1, -1, False, np.int16(key[0]), np.int16(key[1]),
                    -1, -1, False, vs.edu, vs.age_max,
                )  # fmt: skip
            else:
                ok, _ = eligible(
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
