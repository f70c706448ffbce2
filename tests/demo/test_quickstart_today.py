"""A fresh ``wenjiuye quickstart`` (small scale, a real process on a temporary working folder, as
``./dev run`` makes it) is today's: the demo city's window ends last month, matching finds an open
vacancy for at least 80 % of the persons on the assistance ledger (the share is reported and
printed), nobody on the ledger has been unemployed longer than the demo's 24 months, and most
cases are ordinary ones rather than all 重点/特别困难."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wenjiuye.core.periods import today
from wenjiuye.demo.timeline import end_before
from wenjiuye.ops.management.commands.quickstart import Command as Quickstart

MONTHS = 24


def _wenjiuye(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home = tmp_path_factory.mktemp("quickstart-home")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["WENJIUYE_HOME"] = str(home)
    _wenjiuye("migrate", "--no-input", "-v", "0", env=env)
    result = json.loads(_wenjiuye("quickstart", "--json", env=env).stdout)
    return {"home": Path(home), "env": env, "result": result}


def test_the_demo_ends_in_the_last_complete_month(fresh):
    result = fresh["result"]
    assert result["as_of"] == today().isoformat()
    assert result["periods"][1] == end_before(today())


def test_matching_finds_an_open_vacancy_for_most_persons_on_the_ledger(fresh):
    vacancies = fresh["result"]["open_vacancies"]
    assert vacancies["on"] == today().isoformat()
    assert vacancies["persons"] == fresh["result"]["ledger"]["open"] > 100
    assert vacancies["open_postings"] >= 10
    assert vacancies["share"] >= 0.8, vacancies


def test_the_match_command_agrees_for_a_person_on_the_ledger(fresh):
    with sqlite3.connect(fresh["home"] / "wenjiuye.sqlite3") as db:
        (person_id,) = db.execute(
            "SELECT p.id_number FROM registry_person p JOIN assistance_case c"
            " ON c.person_id = p.id WHERE c.status IN ('registered', 'being_helped')"
            " ORDER BY c.registered_on DESC, p.id LIMIT 1"
        ).fetchone()
    answer = json.loads(
        _wenjiuye("match", "--person", person_id, "--json", env=fresh["env"]).stdout
    )
    assert answer["on"] == today().isoformat()
    assert answer["open_postings"] == fresh["result"]["open_vacancies"]["open_postings"]
    assert answer["matches"]  # the most recently registered person has somewhere to go


def test_no_case_is_older_than_the_demo_and_most_are_ordinary(fresh):
    ledger = fresh["result"]["ledger"]
    assert ledger["longest_months"] <= MONTHS
    by_tier = ledger["by_tier"]
    assert set(by_tier) == {"一般帮扶", "重点帮扶", "特别困难帮扶"}
    assert sum(by_tier.values()) == ledger["open"]
    assert by_tier["一般帮扶"] >= 0.4 * ledger["open"], by_tier  # before the as-of shift: 0


def test_the_share_is_printed(fresh):
    out = io.StringIO()
    command = Quickstart(stdout=out)
    command.render(fresh["result"])
    text = out.getvalue()
    v = fresh["result"]["open_vacancies"]
    assert f"帮扶台账 {v['persons']} 人中 {v['with_open_vacancy']} 人有符合条件的在招岗位" in text
    assert f"{v['share']:.1%}" in text
    assert "一般帮扶" in text
    # the demo's UI amount carried past the profile's years is said to be demo data
    assert "是演示数据,不是省定标准" in text
    assert "失业补助金、临时生活补助的标准实施期为 2022-01-01 至 2022-12-31," in text
