"""The benefits engine on every band edge: UI months by contribution years, the 2022 subsidy bands
(5/6 and 11/12 months), UI expired, own-account leavers, migrant workers, dates in and out of 2022."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from wenjiuye.assistance.benefits import (
    BenefitInput,
    assess_dict,
    temporary_allowance,
    ui_benefit,
    unemployment_subsidy,
)
from wenjiuye.core.models import PolicyParameter

pytestmark = pytest.mark.django_db

IN_2022 = date(2022, 6, 15)


def person(**kw) -> BenefitInput:
    base = {"on": date(2022, 7, 1), "contribution_months": 24, "separation_date": IN_2022}
    return BenefitInput(**{**base, **kw})


# --- UI benefit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "eligible", "entitled"),
    [
        (11, False, 0),
        (12, True, 12),
        (59, True, 12),
        (60, True, 18),
        (119, True, 18),
        (120, True, 24),
        (400, True, 24),
    ],
)
def test_ui_benefit_months_by_cumulative_contributions(policy, months, eligible, entitled):
    r = ui_benefit(person(contribution_months=months))
    assert r.eligible is eligible
    assert r.as_dict()["months"] == entitled
    if eligible:
        assert r.monthly_amount == Decimal(1530)
        assert r.total == Decimal(1530 * entitled)
        assert {c["key"] for c in r.policy} >= {
            "ui.benefit.duration_bands",
            "ui.benefit.min_contribution_years",
            "ui.benefit.monthly",
        }
    else:
        assert "不满 1 年" in r.reason


def test_ui_benefit_needs_involuntary_registration_and_job_seeking(policy):
    assert "因本人意愿" in ui_benefit(person(separation_reason="own_account")).reason
    assert "未办理失业登记" in ui_benefit(person(registered=False)).reason
    assert "无求职要求" in ui_benefit(person(seeking_work=False)).reason
    for inp in (
        person(separation_reason="own_account"),
        person(registered=False),
        person(seeking_work=False),
        person(ui_expired=True),
    ):
        r = ui_benefit(inp)
        assert not r.eligible and r.total == 0 and r.as_dict()["monthly_amount"] == 0


def test_ui_months_already_drawn_are_deducted_and_the_combined_cap_holds(policy):
    assert ui_benefit(person(contribution_months=60, ui_months_drawn=5)).months == 13
    used_up = ui_benefit(person(contribution_months=24, ui_months_drawn=12))
    assert not used_up.eligible and "已用完" in used_up.reason
    combined = ui_benefit(person(contribution_months=120, prior_unclaimed_months=6))
    assert combined.months == 24  # 24 + 6 capped at 24 (art. 17)


# --- Unemployment subsidy (2022 rule) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "amount"),
    [(1, 180), (5, 180), (6, 260), (11, 260), (12, 360), (30, 360)],
)
def test_own_account_leaver_subsidy_bands(policy, months, amount):
    r = unemployment_subsidy(person(contribution_months=months, separation_reason="own_account"))
    assert r.eligible
    assert r.monthly_amount == Decimal(amount)
    assert r.months == 6
    assert r.total == Decimal(amount * 6)
    assert "因本人原因" in r.reason
    assert any(c["key"] == "unemployment_subsidy.monthly.high" for c in r.policy)
    assert all(
        c["effective_from"] == "2022-01-01" for c in r.policy if c["key"].startswith("unemp")
    )


@pytest.mark.parametrize(("months", "amount"), [(5, 180), (6, 260), (11, 260)])
def test_involuntary_leaver_under_one_year_gets_the_subsidy_not_ui(policy, months, amount):
    inp = person(contribution_months=months)
    assert not ui_benefit(inp).eligible
    r = unemployment_subsidy(inp)
    assert r.eligible and r.monthly_amount == Decimal(amount)
    assert "参保缴费不足 1 年" in r.reason


def test_involuntary_leaver_with_twelve_months_gets_ui_not_the_subsidy(policy):
    inp = person(contribution_months=12)
    assert ui_benefit(inp).eligible
    r = unemployment_subsidy(inp)
    assert not r.eligible and r.total == 0
    assert "应领取失业保险金" in r.reason


def test_ui_expired_still_unemployed_gets_the_low_band(policy):
    inp = person(
        contribution_months=200,
        separation_date=date(2020, 3, 1),
        ui_expired=True,
        ui_expired_on=date(2022, 3, 1),
    )
    assert not ui_benefit(inp).eligible
    r = unemployment_subsidy(inp)
    assert r.eligible and r.monthly_amount == Decimal(180)
    assert "期满仍未就业" in r.reason
    assert r.rule_day == date(2022, 3, 1)


def test_uninsured_and_reemployed_get_no_subsidy(policy):
    assert "未参加失业保险" in unemployment_subsidy(person(contribution_months=0)).reason
    assert not unemployment_subsidy(person(contribution_months=3, still_unemployed=False)).eligible


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        (date(2021, 12, 31), False),
        (date(2022, 1, 1), True),
        (date(2022, 12, 31), True),
        (date(2023, 1, 1), False),
    ],
)
def test_subsidy_only_for_the_newly_unemployed_of_2022(policy, day, in_force):
    r = unemployment_subsidy(
        person(contribution_months=8, separation_date=day, on=date(2023, 3, 1))
    )
    assert r.in_force is in_force
    assert r.eligible is in_force
    if not in_force:
        assert "不在实施期内" in r.reason
        assert "2022-01-01 至 2022-12-31" in r.reason
        assert r.total == 0


def test_a_2023_rule_is_a_new_parameter_row_not_new_code(policy):
    for key, value in {
        "unemployment_subsidy.monthly.high": 400,
        "unemployment_subsidy.monthly.mid": 300,
        "unemployment_subsidy.monthly.low": 200,
        "unemployment_subsidy.high.min_months": 12,
        "unemployment_subsidy.mid.min_months": 6,
        "assistance.subsidy.max_months": 3,
    }.items():
        old = PolicyParameter.objects.get(key=key, effective_from=date(2022, 1, 1))
        PolicyParameter.objects.create(
            key=key,
            label=old.label,
            value=value,
            unit=old.unit,
            effective_from=date(2023, 1, 1),
            effective_to=date(2023, 12, 31),
            clause=old.clause,
            source="测试",
            source_text="测试",
        )
    r = unemployment_subsidy(
        person(contribution_months=6, separation_date=date(2023, 2, 1), on=date(2023, 3, 1))
    )
    assert (r.eligible, r.monthly_amount, r.months, r.total) == (True, 300, 3, 900)
    assert any(c["effective_from"] == "2023-01-01" for c in r.policy)
    still_2022 = unemployment_subsidy(person(contribution_months=6, on=date(2023, 3, 1)))
    assert still_2022.monthly_amount == 260


# --- Temporary living allowance ------------------------------------------------------------------


@pytest.mark.parametrize(("province", "eligible"), [(0, False), (1, True), (11, True), (12, False)])
def test_migrant_worker_allowance_edges(policy, province, eligible):
    r = temporary_allowance(
        person(migrant_worker=True, contribution_months=30, contribution_months_province=province)
    )
    assert r.eligible is eligible
    assert r.total == (Decimal(780) if eligible else 0)
    if eligible:
        assert (r.monthly_amount, r.months) == (260, 3)


def test_allowance_is_for_migrant_workers_only_and_only_in_2022(policy):
    assert "非农民工" in temporary_allowance(person(contribution_months=3)).reason
    late = temporary_allowance(
        person(migrant_worker=True, contribution_months=3, separation_date=date(2023, 1, 1))
    )
    assert not late.eligible and not late.in_force


# --- Input and command line ---------------------------------------------------------------------


def test_bad_input_is_refused_with_reasons():
    with pytest.raises(ValidationError) as error:
        BenefitInput.from_dict(
            {"on": "2022-13-01", "contribution_months": -1, "separation_reason": "x", "foo": 1}
        )
    detail = error.value.message_dict
    assert set(detail) == {"on", "contribution_months", "separation_reason", "__all__"}


def test_calc_benefits_command_prints_each_benefit(policy, tmp_path):
    path = tmp_path / "person.json"
    path.write_text(
        json.dumps(
            {
                "on": "2022-08-01",
                "contribution_months": 11,
                "contribution_months_province": 11,
                "separation_date": "2022-07-20",
                "separation_reason": "involuntary",
                "migrant_worker": True,
            }
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("calc", "benefits", "--input", str(path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    by = {b["benefit"]: b for b in result["benefits"]}
    assert [b["benefit"] for b in result["benefits"]] == ["ui_benefit", "subsidy", "temp_allowance"]
    assert (by["ui_benefit"]["eligible"], by["ui_benefit"]["total"]) == (False, 0)
    assert (by["subsidy"]["monthly_amount"], by["subsidy"]["months"], by["subsidy"]["total"]) == (
        260,
        6,
        1560,
    )
    assert by["temp_allowance"]["total"] == 780
    assert result["total"] == 1560 + 780
    assert set(by["subsidy"]) >= {
        "eligible",
        "reason",
        "monthly_amount",
        "months",
        "total",
        "policy",
    }
    text = StringIO()
    call_command("calc", "benefits", "--input", str(path), stdout=text)
    assert "失业补助金:符合;每月 260 元 × 6 个月 = 1560 元" in text.getvalue()
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("calc", "benefits", "--input", str(path), "--json", stdout=StringIO())


def test_assess_dict_total_is_the_sum(policy):
    result = assess_dict(person(contribution_months=60))
    assert result["total"] == sum(b["total"] for b in result["benefits"]) == 1530 * 18
