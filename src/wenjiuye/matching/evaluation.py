"""Recall of the matcher on a generated demo city's planted true hires (pure, no Django).

``ground_truth.json`` → ``true_hires.items``: a person whose registration ended for a job, the
posting of the employer that hired them, and ``as_of`` (the day before the registration
ended, when the posting was open). For each item the matcher ranks the postings open on
``as_of`` for that person; recall@k is the share of items whose posting is in the top k.
The baselines rank the postings passing the same hard filters by recency or at random.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from wenjiuye.matching.engine import METHODS, match
from wenjiuye.matching.params import MatchParams, params_from_policy_files

POLICY_DIR = Path(__file__).resolve().parents[1] / "reference" / "policy"
REGISTRATION_COLUMNS = {
    "公民身份号码": "person_id",
    "常住地": "region_code",
    "学历": "education",
    "技能": "skills",
    "求职意向": "desired_job",
}


@dataclass
class Recall:
    method: str
    k: int
    items: int
    hits: int
    ranks: dict[str, int | None]  # person_id → rank of the true posting (None: not in top k)

    @property
    def recall(self) -> float:
        return self.hits / self.items if self.items else 0.0


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gbk"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return list(csv.DictReader(io.StringIO(text, newline="")))


def load_postings(folder: Path) -> pd.DataFrame:
    import openpyxl  # noqa: PLC0415

    wb = openpyxl.load_workbook(folder / "job_postings.xlsx", read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = [str(h) for h in rows[0]]
    frame = pd.DataFrame([list(r) for r in rows[1:]], columns=header)
    for col in ("posted_on", "closes_on"):
        frame[col] = [v.date() if isinstance(v, datetime) else v for v in frame[col]]
    return frame


def load_people(folder: Path) -> dict[str, dict[str, Any]]:
    """The last registration row of each person (registration file of the demo)."""
    out: dict[str, dict[str, Any]] = {}
    for row in _read_csv(folder / "unemployment_registrations.csv"):
        out[row["公民身份号码"]] = {v: row.get(k, "") for k, v in REGISTRATION_COLUMNS.items()}
    return out


def _age(person_id: str, on: date) -> int | None:
    try:
        birth = date(int(person_id[6:10]), int(person_id[10:12]), int(person_id[12:14]))
    except ValueError:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def evaluate(
    folder: Path,
    *,
    k: int = 10,
    methods: tuple[str, ...] = METHODS,
    seed: int = 1,
    policy_files: list[Path] | None = None,
) -> dict[str, Recall]:
    """recall@k of each method on the demo folder's planted true hires."""
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    items = truth["true_hires"]["items"]
    postings = load_postings(folder)
    people = load_people(folder)
    files = policy_files or sorted(POLICY_DIR.glob("*.json"))
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_day[item["as_of"]].append(item)
    results = {m: Recall(m, k, len(items), 0, {}) for m in methods}
    params_cache: dict[date, MatchParams] = {}
    for day_text, group in sorted(by_day.items()):
        on = date.fromisoformat(day_text)
        params = params_cache.setdefault(on, params_from_policy_files(files, on=on))
        persons = pd.DataFrame(
            [
                {**people[i["person_id"]], "age": _age(i["person_id"], on)}
                for i in group
                if i["person_id"] in people
            ]
        )
        for method in methods:
            result = match(persons, postings, params=params, on=on, top=k, method=method, seed=seed)
            top = result.top_ids()
            for i in group:
                ranked = top.get(i["person_id"], [])
                rank = ranked.index(i["posting_id"]) + 1 if i["posting_id"] in ranked else None
                results[method].ranks[i["person_id"]] = rank
                results[method].hits += rank is not None
    return results
