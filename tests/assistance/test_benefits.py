"""The benefits engine (``wenjiuye.assistance.benefits``) on every band edge, audited against its
sources: UI months by contribution years, the 2022 subsidy bands (5/6 and 11/12 months), UI
expired, own-account leavers, migrant workers, dates in and out of 2022.

Sources: 《失业保险条例》 arts. 14 and 17 (UI benefit); the 失业人员帮扶预案 三(三) and 三(七) of the
seed (2022 unemployment subsidy and temporary living allowance, 平人社办〔2022〕52号). Where a
reading had to be chosen, the test says which and why. Where the law and the code disagreed, the
law won and the test names the fix.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from wenjiuye.assistance import decisions, services
from wenjiuye.assistance.benefits import (
    BenefitInput,
    assess_dict,
    temporary_allowance,
    ui_benefit,
    unemployment_subsidy,
)
from wenjiuye.assistance.payments import dues
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

IN_2022 = date(2022, 6, 15)


def person(**kw) -> BenefitInput:
    base = {"on": date(2022, 7, 1), "contribution_months": 24, "separation_date": IN_2022}
    return BenefitInput(**{**base, **kw})


# --- 《失业保险条例》 art. 14: who gets the UI benefit -------------------------------------------


def test_art14_each_condition_is_required(policy):
    """满1年 (12 months included), 非因本人意愿, 已办理失业登记, 有求职要求 — all four."""
    assert ui_benefit(person(contribution_months=12)).eligible
    assert not ui_benefit(person(contribution_months=11)).eligible
    assert not ui_benefit(person(separation_reason="own_account")).eligible
    assert not ui_benefit(person(registered=False)).eligible
    assert not ui_benefit(person(seeking_work=False)).eligible


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


def test_art14_ui_benefit_is_law_before_the_2022_amount_row(policy):
    """The Regulation is in force since 1999; only the provincial amount row starts in 2022.
    Fixed: a 2021 assessment used to answer "not in force"; eligibility and months are the law's,
    the amount is reported as not loaded (0) rather than invented."""
    r = ui_benefit(
        person(on=date(2021, 6, 1), separation_date=date(2021, 5, 1), contribution_months=60)
    )
    assert r.in_force and r.eligible
    assert r.months == 18
    assert r.monthly_amount == 0 and r.total == 0
    assert "月标准" in r.reason
    refused = ui_benefit(person(on=date(2021, 6, 1), contribution_months=11))
    assert refused.in_force and not refused.eligible


# --- art. 17: how long --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "eligible", "entitled"),
    [
        (11, False, 0),
        (12, True, 12),
        (59, True, 12),
        (60, True, 18),
        (119, True, 18),
        (120, True, 24),
        (121, True, 24),
        (400, True, 24),
    ],
)
def test_ui_benefit_months_by_cumulative_contributions(policy, months, eligible, entitled):
    """满N年 includes N years (12/60/120 months exactly); 不足 excludes; 10年以上 includes 10 years."""
    r = ui_benefit(person(contribution_months=months))
    assert r.eligible is eligible
    assert r.as_dict()["months"] == entitled
    if eligible:
        assert r.months == entitled
        assert r.monthly_amount == Decimal(1530)
        assert r.total == Decimal(1530 * entitled) == r.monthly_amount * entitled
        assert {c["key"] for c in r.policy} >= {
            "ui.benefit.duration_bands",
            "ui.benefit.min_contribution_years",
            "ui.benefit.monthly",
        }
    else:
        assert "不满 1 年" in r.reason


def test_ui_months_already_drawn_are_deducted_and_the_combined_cap_holds(policy):
    assert ui_benefit(person(contribution_months=60, ui_months_drawn=5)).months == 13
    used_up = ui_benefit(person(contribution_months=24, ui_months_drawn=12))
    assert not used_up.eligible and "已用完" in used_up.reason
    combined = ui_benefit(person(contribution_months=120, prior_unclaimed_months=6))
    assert combined.months == 24  # 24 + 6 capped at 24 (art. 17)


@pytest.mark.parametrize(
    ("months", "prior", "drawn", "left"),
    [
        (12, 12, 0, 24),  # 12 + 12 = 24: at the cap
        (12, 13, 0, 24),  # 12 + 13 capped at 24
        (60, 6, 0, 24),  # 18 + 6 = 24
        (60, 7, 0, 24),  # 18 + 7 capped
        (120, 1, 0, 24),  # 24 + 1 capped
        (60, 3, 0, 21),  # 18 + 3 under the cap
        (60, 7, 4, 20),  # drawn months count against the capped total
    ],
)
def test_art17_combined_months_never_exceed_24(policy, months, prior, drawn, left):
    r = ui_benefit(
        person(contribution_months=months, prior_unclaimed_months=prior, ui_months_drawn=drawn)
    )
    assert r.eligible and r.months == left


# --- 2022 unemployment subsidy (失业人员帮扶预案 三(三)) ---------------------------------------


@pytest.mark.parametrize(
    ("months", "amount"),
    [(0, None), (1, 180), (5, 180), (6, 260), (11, 260), (12, 360), (13, 360), (30, 360)],
)
def test_own_account_leaver_subsidy_bands(policy, months, amount):
    """缴费满1年(含)以上 360; 满6个月不满1年 260; 不满6个月 180. 0 months = not insured."""
    r = unemployment_subsidy(person(contribution_months=months, separation_reason="own_account"))
    if amount is None:
        assert not r.eligible
        return
    assert r.eligible
    assert r.monthly_amount == Decimal(amount)
    assert r.months == 6
    assert r.total == Decimal(amount * 6) == Decimal(amount) * r.months
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
    """The subsidy is for those whose UI ran out or who are not eligible for UI (即 own account or
    < 1 year); an eligible person is sent to the UI benefit, not paid the subsidy."""
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


@pytest.mark.parametrize("months", [12, 59, 60, 200])
def test_ui_expired_still_unemployed_is_180_whatever_the_contributions(policy, months):
    r = unemployment_subsidy(
        person(
            contribution_months=months,
            separation_date=date(2021, 1, 1),
            ui_expired=True,
            ui_expired_on=date(2022, 1, 1),
            on=date(2022, 2, 1),
        )
    )
    assert r.eligible and r.monthly_amount == Decimal(180)


def test_ui_used_up_by_months_drawn_is_ui_expired(policy):
    """Fixed: a person who drew every UI month (not flagged ui_expired) got neither benefit: the
    UI said "已用完" and the subsidy said "应领取失业保险金". 期满仍未就业 → 180."""
    used_up = person(contribution_months=24, ui_months_drawn=12, on=date(2022, 8, 1))
    assert not ui_benefit(used_up).eligible
    r = unemployment_subsidy(used_up)
    assert r.eligible and r.monthly_amount == Decimal(180)
    assert "期满" in r.reason
    one_left = person(contribution_months=24, ui_months_drawn=11, on=date(2022, 8, 1))
    assert ui_benefit(one_left).eligible and not unemployment_subsidy(one_left).eligible


def test_uninsured_and_reemployed_get_no_subsidy(policy):
    assert "未参加失业保险" in unemployment_subsidy(person(contribution_months=0)).reason
    assert not unemployment_subsidy(person(contribution_months=3, still_unemployed=False)).eligible


def test_subsidy_needs_still_unemployed(policy):
    assert not unemployment_subsidy(person(contribution_months=3, still_unemployed=False)).eligible
    assert not unemployment_subsidy(
        person(ui_expired=True, ui_expired_on=date(2022, 5, 1), still_unemployed=False)
    ).eligible


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


@pytest.mark.parametrize(
    ("separated", "on", "in_force"),
    [
        (date(2021, 12, 31), date(2022, 3, 1), False),  # assessed in 2022, unemployed in 2021
        (date(2022, 1, 1), date(2022, 3, 1), True),
        (date(2022, 12, 31), date(2023, 2, 1), True),  # assessed in 2023, unemployed in 2022
        (date(2023, 1, 1), date(2023, 2, 1), False),
    ],
)
def test_subsidy_year_is_decided_by_the_separation_date(policy, separated, on, in_force):
    """新发生的参保失业人员 (2022年1月1日至12月31日期间): the day the person became unemployed decides,
    not the day of assessment or application."""
    r = unemployment_subsidy(
        person(
            contribution_months=8, separation_date=separated, on=on, separation_reason="own_account"
        )
    )
    assert r.in_force is in_force and r.eligible is in_force
    assert r.rule_day == separated


@pytest.mark.parametrize(
    ("expired", "in_force"),
    [
        (date(2021, 12, 31), False),
        (date(2022, 1, 1), True),
        (date(2022, 12, 31), True),
        (date(2023, 1, 1), False),
    ],
)
def test_ui_expiry_year_is_decided_by_the_expiry_date(policy, expired, in_force):
    """领取失业保险金期满仍未就业 in 2022: the day the UI benefit ran out decides (the separation
    may be years earlier)."""
    r = unemployment_subsidy(
        person(
            contribution_months=120,
            separation_date=date(2020, 6, 1) if expired.year < 2023 else date(2022, 1, 5),
            ui_expired=True,
            ui_expired_on=expired,
            on=date(2023, 3, 1),
        )
    )
    assert r.in_force is in_force and r.eligible is in_force
    assert r.rule_day == expired


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


# --- Temporary living allowance (三(三), 三(七)) ------------------------------------------------


@pytest.mark.parametrize("contributions", [30, 60])
@pytest.mark.parametrize(("province", "eligible"), [(0, False), (1, True), (11, True), (12, False)])
def test_allowance_province_months_edges(policy, contributions, province, eligible):
    """省内参保不满1年: 1..11 months insured in the province; 0 is not insured (→ 低保, U7)."""
    r = temporary_allowance(
        person(
            migrant_worker=True,
            contribution_months=contributions,
            contribution_months_province=province,
        )
    )
    assert r.eligible is eligible
    assert r.total == (Decimal(3 * 260) if eligible else 0)
    if eligible:
        assert (r.monthly_amount, r.months) == (260, 3)


def test_allowance_is_for_migrant_workers_only_and_only_in_2022(policy):
    assert "非农民工" in temporary_allowance(person(contribution_months=3)).reason
    late = temporary_allowance(
        person(migrant_worker=True, contribution_months=3, separation_date=date(2023, 1, 1))
    )
    assert not late.eligible and not late.in_force


@pytest.mark.parametrize(
    ("separated", "eligible"),
    [
        (date(2021, 12, 31), False),
        (date(2022, 1, 1), True),
        (date(2022, 12, 31), True),
        (date(2023, 1, 1), False),
    ],
)
def test_allowance_dated_inside_and_outside_2022(policy, separated, eligible):
    r = temporary_allowance(
        person(
            migrant_worker=True,
            contribution_months=5,
            separation_date=separated,
            on=date(2023, 2, 1),
        )
    )
    assert r.eligible is eligible


def test_migrant_worker_gets_subsidy_and_allowance_the_seed_says_no_instead(policy):
    """三(三) lists the allowance after the subsidy bands without "instead of" (或/不得同时); the
    product pays both. If 52号 forbids combining, that is a new policy row, not this test."""
    migrant = person(
        migrant_worker=True,
        contribution_months=11,
        separation_reason="involuntary",
        on=date(2022, 7, 1),
    )
    result = assess_dict(migrant)
    by = {b["benefit"]: b for b in result["benefits"]}
    assert by["subsidy"]["eligible"] and by["subsidy"]["monthly_amount"] == 260
    assert by["temp_allowance"]["eligible"] and by["temp_allowance"]["total"] == 780
    assert result["total"] == by["subsidy"]["total"] + 780


# --- A decision's payments start after the UI benefit ran out ----------------------------------


def test_subsidy_after_ui_expiry_is_due_from_the_month_after_expiry(policy, make_person, users):
    """Fixed: the decision's start period was the separation month (2020), so a subsidy for a UI
    benefit that ran out on 2022-03-31 was due from 2020-04. It is due from 2022-04."""
    case = services.case_open(
        person=make_person(71), source="manual", registered_on=date(2020, 3, 5)
    )
    decision = decisions.benefit_decide(
        case=case,
        actor=users[Role.COUNTY_OFFICER],
        inp=BenefitInput(
            on=date(2022, 4, 10),
            contribution_months=36,
            separation_date=date(2020, 3, 1),
            ui_expired=True,
            ui_expired_on=date(2022, 3, 31),
        ),
        reason="按失业保险经办系统记录核定",
    )
    assert decision.start_period == "202204"
    held = [
        (d.period, d.optional)
        for d in dues([case], first="200001", last="209912")
        if d.kind == "subsidy"
    ]
    # nothing paid yet: the fund begins in 2022-04 or in 2022-05, so those first and last months
    # are optional (never listed as unpaid); six months are held either way
    assert held[0] == ("202204", True) and held[-1] == ("202210", True)
    assert [p for p, optional in held if not optional] == [
        "202205",
        "202206",
        "202207",
        "202208",
        "202209",
    ]


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
