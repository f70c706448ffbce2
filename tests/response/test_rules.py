"""The response calculators on every threshold of the plan and of arts. 41 and 47."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.response.conftest import load_policy
from wenjiuye.incidents.rules import incident_escalation
from wenjiuye.response.rules import layoff_check, service_length, severance

DAY = date(2022, 11, 1)


@pytest.fixture(autouse=True)
def policy(db):
    load_policy()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2007, 3, 1), date(2022, 2, 28), (15, 0, 0)),  # both days included
        (date(2007, 3, 1), date(2022, 6, 30), (15, 4, 0)),
        (date(2022, 1, 15), date(2022, 6, 14), (0, 5, 0)),
        (date(2020, 1, 10), date(2020, 2, 10), (0, 1, 1)),
    ],
)
def test_service_length(start, end, expected):
    assert service_length(start, end) == expected


def test_above_the_cap_15_years_pay_12_times_the_capped_wage():
    r = severance(
        start=date(2007, 3, 1),
        end=date(2022, 2, 28),
        monthly_wage=Decimal(30000),
        local_average_wage=Decimal(6000),
    )
    assert (r["months"], r["wage_base"], r["capped"], r["amount"]) == (
        12.0,
        18000.0,
        True,
        216000.0,
    )
    assert {c["key"] for c in r["policy"]} >= {
        "severance.art47.wage_cap_multiple",
        "severance.art47.capped_max_years",
    }


def test_below_the_cap_15_years_pay_15_months():
    r = severance(
        start=date(2007, 3, 1),
        end=date(2022, 2, 28),
        monthly_wage=Decimal(8000),
        local_average_wage=Decimal(6000),
    )
    assert (r["months"], r["capped"], r["amount"]) == (15.0, False, 120000.0)


def test_exactly_three_times_is_not_capped():
    r = severance(
        start=date(2007, 3, 1),
        end=date(2022, 2, 28),
        monthly_wage=Decimal(18000),
        local_average_wage=Decimal(6000),
    )
    assert (r["months"], r["capped"]) == (15.0, False)


@pytest.mark.parametrize(
    ("end", "months"),
    [
        (date(2022, 6, 14), 0.5),  # 5 months: half a month
        (date(2022, 7, 14), 1.0),  # exactly 6 months: one month
        (date(2023, 1, 14), 1.0),  # exactly one year
        (date(2023, 1, 15), 1.5),  # one year and a day
        (date(2023, 7, 14), 2.0),  # one year and six months
    ],
)
def test_remainder_rule(end, months):
    r = severance(
        start=date(2022, 1, 15),
        end=end,
        monthly_wage=Decimal(5000),
        local_average_wage=Decimal(6000),
    )
    assert r["months"] == months and r["amount"] == months * 5000


@pytest.mark.parametrize(
    ("employees", "layoffs", "applies"),
    [
        (1000, 19, False),
        (1000, 20, True),
        (150, 15, True),
        (150, 14, False),
        (40, 4, True),
        (41, 4, False),
    ],
)
def test_art41_19_vs_20_and_exactly_ten_percent(employees, layoffs, applies):
    assert layoff_check(employees=employees, layoffs=layoffs, on=DAY)["art41_applies"] is applies


def clauses(result) -> list[str]:
    return [o["clause"] for o in result["obligations"]]


@pytest.mark.parametrize(
    ("layoffs", "early", "city", "province"),
    [
        (49, False, False, False),
        (50, True, False, False),
        (199, True, False, False),
        (200, True, False, True),  # ≥ 200: the province (L2) — but not yet "more than 200" (E4)
        (201, True, True, True),
    ],
)
def test_escalation_thresholds(layoffs, early, city, province):
    r = layoff_check(employees=5000, layoffs=layoffs, on=DAY)
    assert ("E3,L2" in clauses(r)) is early
    assert ("E4" in clauses(r)) is city
    assert ("L2" in clauses(r)) is province


def test_an_influential_enterprise_gets_early_intervention_below_50():
    r = layoff_check(employees=5000, layoffs=30, influential=True, on=DAY)
    assert "E3,L2" in clauses(r)


def test_the_art41_obligations_carry_their_parameters():
    r = layoff_check(employees=100, layoffs=20, on=DAY)
    notice = next(o for o in r["obligations"] if "说明情况" in o["what"])
    assert "30" in notice["what"] and notice["parameters"] == ["layoff.art41.notice_days"]


@pytest.mark.parametrize(
    ("people", "extra"),
    [
        (49, set()),
        (50, {"市人社局"}),
        (99, {"市人社局"}),
        (100, {"市人社局", "省人社厅", "市委", "市政府"}),
    ],
)
def test_incident_recipients(people, extra):
    r = incident_escalation(people=people, on=DAY)
    assert {x["to"] for x in r["recipients"]} == {
        "当地党委政府",
        "上级人力资源社会保障部门",
        "局党组",
    } | extra
    assert r["max_representatives"] == 5


def test_cli_json_and_bad_input():
    out = StringIO()
    call_command(
        "calc",
        "severance",
        "--start",
        "2022-01-15",
        "--end",
        "2022-06-14",
        "--monthly-wage",
        "5000",
        "--local-average-wage",
        "6000",
        "--json",
        stdout=out,
    )
    assert {
        k: json.loads(out.getvalue())[k] for k in ("months", "wage_base", "capped", "amount")
    } == {
        "months": 0.5,
        "wage_base": 5000.0,
        "capped": False,
        "amount": 2500.0,
    }
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "calc",
            "layoff-check",
            "--employees",
            "10",
            "--layoffs",
            "11",
            "--json",
            stdout=StringIO(),
        )
    assert excinfo.value.returncode == 2
    with pytest.raises(CommandError):
        call_command(
            "calc",
            "severance",
            "--start",
            "2022-06-01",
            "--end",
            "2022-01-01",
            "--monthly-wage",
            "1",
            "--local-average-wage",
            "1",
            stdout=StringIO(),
        )
