"""``demo generate --as-of DATE``: the window ends in the last complete month before DATE (the same
files as ``--end`` that month), everything is dated inside it, the job board is open on every day of
the month after it, no open registration is older than the window, and the benefit amounts say
what they rest on (the demo's UI amount carried forward; the 2022 subsidy rules not paid)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.demo.test_generator import parse_date, period_key, read_table
from wenjiuye.core.periods import period_add
from wenjiuye.demo.timeline import end_before

AS_OF = "2026-12-08"
FIRST, LAST = "202412", "202611"
WINDOW_START, WINDOW_END = date(2024, 12, 1), date(2026, 11, 30)


def generate(out: Path, *when: str) -> dict[str, Any]:
    stdout = io.StringIO()
    call_command(
        "demo", "generate", "--seed", "3", *when, "--out", str(out), "--json", stdout=stdout
    )
    return json.loads(stdout.getvalue())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("as-of") / "demo"
    result = generate(out, "--as-of", AS_OF)
    tables: dict[str, list[dict[str, Any]]] = {}
    for f in result["files"]:
        tables.setdefault(f["kind"], []).extend(read_table(Path(f["path"]))[1])
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    return {"out": out, "result": result, "tables": tables, "truth": truth}


@pytest.mark.parametrize(
    ("as_of", "end"),
    [
        (date(2026, 12, 8), "202611"),
        (date(2026, 12, 1), "202611"),  # November is complete on the first of December
        (date(2026, 12, 31), "202611"),
        (date(2027, 1, 15), "202612"),
        (date(2027, 2, 28), "202701"),
    ],
)
def test_the_window_ends_in_the_last_complete_month_before_the_day(as_of, end):
    assert end_before(as_of) == end


def test_as_of_gives_the_files_of_its_end_month(demo, tmp_path):
    assert demo["result"]["periods"] == [FIRST, LAST]
    fixed = generate(tmp_path / "fixed", "--end", LAST)
    for f in json.loads((demo["out"] / "manifest.json").read_text(encoding="utf-8"))["files"]:
        assert (demo["out"] / f["path"]).read_bytes() == (
            tmp_path / "fixed" / f["path"]
        ).read_bytes(), f["path"]
    assert fixed["periods"] == [FIRST, LAST]
    with pytest.raises(CommandError):
        generate(tmp_path / "both", "--as-of", AS_OF, "--end", LAST)


def test_everything_is_dated_inside_the_window(demo):
    tables = demo["tables"]
    dated = {
        "employment_filings": ["date"],
        "unemployment_registrations": ["ended_on"],
        "job_postings": ["posted_on"],
        "labour_cases": ["filed_on", "closed_on"],
        "enterprise_events": ["date"],
    }
    for kind, columns in dated.items():
        for row in tables[kind]:
            for column in columns:
                if row[column] not in ("", None):
                    assert WINDOW_START <= parse_date(row[column]) <= WINDOW_END, (kind, row)
    window = {period_add(FIRST, i) for i in range(24)}
    assert max(window) == LAST
    for kind in ("si_contributions", "benefit_payments", "enterprise_operations"):
        assert {period_key(r["period"]) for r in tables[kind]} <= window, kind


def test_no_open_registration_is_older_than_the_window(demo):
    still_open = [r for r in demo["tables"]["unemployment_registrations"] if not r["ended_on"]]
    assert len(still_open) > 50
    assert all(parse_date(r["registered_on"]) >= WINDOW_START for r in still_open)


def test_the_job_board_is_open_on_every_day_of_the_next_month(demo):
    local = [p for p in demo["tables"]["job_postings"] if p["region_code"]]
    day = WINDOW_END + timedelta(days=1)
    while day.month == 12:
        open_ = [
            p for p in local if parse_date(p["posted_on"]) <= day <= parse_date(p["closes_on"])
        ]
        assert len(open_) >= 12, day  # without the board's recent postings: 9 on the 31st
        assert sum(p["age_max"] in (None, "") for p in open_) >= 3, day  # open to any age
        day += timedelta(days=1)


def test_benefit_amounts_say_what_they_rest_on(demo):
    amounts = demo["truth"]["benefit_amounts"]
    ui = amounts["ui_benefit_monthly"]
    assert set(ui) == {"2024", "2025", "2026"}
    assert all(y["carried_forward"] and y["from_year"] == 2023 for y in ui.values())
    assert {r["amount"] for r in demo["tables"]["benefit_payments"]} == {
        f"{ui['2025']['amount']:.2f}"
    }
    # the 2022 subsidy and allowance rules are not in force in the window: nothing paid, no
    # current amount invented
    assert not any(rule["paid_in_window"] for rule in amounts["dated_policy"].values())
    assert {r["kind"] for r in demo["tables"]["benefit_payments"]} == {"ui_benefit"}
    assert "演示数据" in amounts["note"]
