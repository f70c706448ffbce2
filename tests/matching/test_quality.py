"""Quality on a small generated city: the planted true hires are real, and recall@10 of the
matcher is above both baselines (most recent postings and random, same hard filters)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from wenjiuye.demo import demo_generate
from wenjiuye.matching.evaluation import evaluate, load_postings

CITY_DIR = Path(__file__).resolve().parents[2] / "src" / "wenjiuye" / "reference" / "pingdingshan"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("matching") / "small"
    demo_generate(out=out, city_dir=CITY_DIR, scale="small", seed=7)
    return out


def test_true_hires_are_later_hires_on_open_postings(city: Path) -> None:
    import json  # noqa: PLC0415

    truth = json.loads((city / "ground_truth.json").read_text(encoding="utf-8"))["true_hires"]
    assert truth["count"] == len(truth["items"]) == 30
    postings = load_postings(city).set_index("posting_id")
    with (city / "employment_filings.csv").open(encoding="utf-8-sig", newline="") as fh:
        hires = {
            (r["person_id"], r["uscc"], r["date"])
            for r in csv.DictReader(fh)
            if r["kind"] == "hire"
        }
    for item in truth["items"]:
        p = postings.loc[item["posting_id"]]
        as_of = date.fromisoformat(item["as_of"])
        assert p["uscc"] == item["uscc"] and p["region_code"] == item["region_code"]
        assert p["posted_on"] <= as_of <= p["closes_on"]
        assert (item["person_id"], item["uscc"], item["hired_on"]) in hires
        assert date.fromisoformat(item["hired_on"]) > as_of
    assert {i["wording"] for i in truth["items"]} == {"exact", "variant", "other_job"}


@pytest.mark.slow
def test_recall_at_10_beats_both_baselines(city: Path) -> None:
    results = evaluate(city, k=10)
    text, recent, rnd = results["text"], results["recent"], results["random"]
    assert text.items == recent.items == rnd.items == 30
    assert text.recall > recent.recall
    assert text.recall > rnd.recall
    assert text.recall >= 0.9
    # Exact wording is found at rank 1 or close.
    ranks = [r for r in text.ranks.values() if r is not None]
    assert sum(1 for r in ranks if r == 1) >= 20
