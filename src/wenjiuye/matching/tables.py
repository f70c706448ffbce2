"""The engine's inputs: the person and posting tables (:data:`PERSON_COLUMNS`,
:data:`VACANCY_COLUMNS`) checked and completed, and read once into the arrays the vectorised
filters and scores work on (region code prefixes, education ranks, ages, posting days); which
postings are open on a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from wenjiuye.core.errors import DomainError
from wenjiuye.matching.cells import as_flag, as_text
from wenjiuye.matching.params import MatchParams

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

NO_LIMIT_AGE = 10_000


def input_table(data: Any, columns: tuple[str, ...], required: tuple[str, ...]) -> pd.DataFrame:
    """``data`` (a frame or rows) as a frame with every one of ``columns`` (absent: empty); a
    non-empty table without a ``required`` column is refused."""
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
class PersonArrays:
    frame: pd.DataFrame
    county: np.ndarray  # 6-digit county code; -1 unknown
    city: np.ndarray  # commute prefix; -1 unknown
    migrate: np.ndarray  # accepts migration
    edu: np.ndarray  # rank; -1 unknown
    age: np.ndarray  # -1 unknown


@dataclass
class VacancyArrays:
    frame: pd.DataFrame
    county: np.ndarray  # -2 none (partner city or elsewhere)
    city: np.ndarray  # -2 none
    partner: np.ndarray
    edu: np.ndarray  # rank; -1 none / unknown
    age_max: np.ndarray  # NO_LIMIT_AGE when none
    posted: np.ndarray  # day ordinal
    recency: np.ndarray  # 0..1, 1 = most recent


def person_arrays(data: Any, params: MatchParams) -> PersonArrays:
    f = input_table(data, PERSON_COLUMNS, ("person_id",))
    mig = np.array([as_flag(x) for x in f["accepts_migration"]], dtype=bool)
    return PersonArrays(
        frame=f,
        county=_code_ints(f["region_code"], 6, -1),
        city=_code_ints(f["region_code"], params.commute_prefix, -1),
        migrate=mig,
        edu=np.array([_rank(params, e) for e in f["education"]], dtype=np.int16),
        age=_int_or(f["age"], -1).astype(np.int16),
    )


def _rank(params: MatchParams, text: Any) -> int:
    r = params.education_rank(text)
    return -1 if r is None else r


def vacancy_arrays(data: Any, params: MatchParams) -> VacancyArrays:
    f = input_table(data, VACANCY_COLUMNS, ("posting_id", "posted_on"))
    partner = np.array(
        [
            not as_text(r) and params.is_partner(c)
            for r, c in zip(f["region_code"], f["city"], strict=True)
        ],
        dtype=bool,
    )
    posted = _ordinals(f["posted_on"])
    lo, hi = (posted.min(), posted.max()) if len(posted) else (0, 0)
    recency = (posted - lo) / (hi - lo) if hi > lo else np.zeros(len(posted))
    return VacancyArrays(
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
