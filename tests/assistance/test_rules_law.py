"""The assistance rules audited against their sources, edge by edge.

Sources: 《失业保险条例》 arts. 14 and 17 (UI benefit); the 失业人员帮扶预案 三(三) and 三(七) of the
seed (2022 unemployment subsidy and temporary living allowance, 平人社办〔2022〕52号); the
重点地区援助预案 四(一) (one-week promise); 《民法典》 arts. 201-203 for counting periods. Where a
reading had to be chosen, the test says which and why. Where the law and the code disagreed, the
law won and the test names the fix.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import OWN_GRID, make_id
from wenjiuye.assistance import decisions, services
from wenjiuye.assistance.benefits import (
    BenefitInput,
    assess_dict,
    temporary_allowance,
    ui_benefit,
    unemployment_subsidy,
)
from wenjiuye.assistance.models import Status
from wenjiuye.assistance.payments import dues
from wenjiuye.assistance.selectors import one_week_overdue
from wenjiuye.assistance.tiers import age_on, case_tier
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.registry.models import Person

pytestmark = pytest.mark.django_db


def inp(**kw) -> BenefitInput:
    base = {
        "on": date(2022, 7, 1),
        "contribution_months": 24,
        "separation_date": date(2022, 6, 15),
    }
    return BenefitInput(**{**base, **kw})


# --- 《失业保险条例》 art. 14: who gets the UI benefit -------------------------------------------


def test_art14_each_condition_is_required(policies):
    """满1年 (12 months included), 非因本人意愿, 已办理失业登记, 有求职要求 — all four."""
    assert ui_benefit(inp(contribution_months=12)).eligible
    assert not ui_benefit(inp(contribution_months=11)).eligible
    assert not ui_benefit(inp(separation_reason="own_account")).eligible
    assert not ui_benefit(inp(registered=False)).eligible
    assert not ui_benefit(inp(seeking_work=False)).eligible


def test_art14_ui_benefit_is_law_before_the_2022_amount_row(policies):
    """The Regulation is in force since 1999; only the provincial amount row starts in 2022.
    Fixed: a 2021 assessment used to answer "not in force"; eligibility and months are the law's,
    the amount is reported as not loaded (0) rather than invented."""
    r = ui_benefit(
        inp(on=date(2021, 6, 1), separation_date=date(2021, 5, 1), contribution_months=60)
    )
    assert r.in_force and r.eligible
    assert r.months == 18
    assert r.monthly_amount == 0 and r.total == 0
    assert "月标准" in r.reason
    refused = ui_benefit(inp(on=date(2021, 6, 1), contribution_months=11))
    assert refused.in_force and not refused.eligible


# --- art. 17: how long --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "entitled"),
    [(12, 12), (59, 12), (60, 18), (119, 18), (120, 24), (121, 24)],
)
def test_art17_band_edges_满1年不足5年_满5年不足10年_10年以上(policies, months, entitled):
    """满N年 includes N years (12/60/120 months exactly); 不足 excludes; 10年以上 includes 10 years."""
    r = ui_benefit(inp(contribution_months=months))
    assert r.eligible and r.months == entitled
    assert r.total == r.monthly_amount * entitled


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
def test_art17_combined_months_never_exceed_24(policies, months, prior, drawn, left):
    r = ui_benefit(
        inp(contribution_months=months, prior_unclaimed_months=prior, ui_months_drawn=drawn)
    )
    assert r.eligible and r.months == left


# --- 2022 unemployment subsidy (失业人员帮扶预案 三(三)) ---------------------------------------


@pytest.mark.parametrize(
    ("months", "amount"), [(0, None), (1, 180), (5, 180), (6, 260), (11, 260), (12, 360), (13, 360)]
)
def test_subsidy_bands_for_own_account_leavers(policies, months, amount):
    """缴费满1年(含)以上 360; 满6个月不满1年 260; 不满6个月 180. 0 months = not insured."""
    r = unemployment_subsidy(inp(contribution_months=months, separation_reason="own_account"))
    if amount is None:
        assert not r.eligible
    else:
        assert r.eligible and r.monthly_amount == Decimal(amount)
        assert r.total == Decimal(amount) * r.months


@pytest.mark.parametrize(("months", "amount"), [(5, 180), (6, 260), (11, 260)])
def test_subsidy_bands_for_involuntary_leavers_under_one_year(policies, months, amount):
    r = unemployment_subsidy(inp(contribution_months=months))
    assert r.eligible and r.monthly_amount == Decimal(amount)


def test_person_eligible_for_ui_but_not_claimed_gets_no_subsidy(policies):
    """The subsidy is for those whose UI ran out or who are not eligible for UI (即 own account or
    < 1 year); an eligible person is sent to the UI benefit, not paid the subsidy."""
    person = inp(contribution_months=12, ui_months_drawn=0)
    assert ui_benefit(person).eligible
    assert not unemployment_subsidy(person).eligible


@pytest.mark.parametrize(
    ("separated", "on", "in_force"),
    [
        (date(2021, 12, 31), date(2022, 3, 1), False),  # assessed in 2022, unemployed in 2021
        (date(2022, 1, 1), date(2022, 3, 1), True),
        (date(2022, 12, 31), date(2023, 2, 1), True),  # assessed in 2023, unemployed in 2022
        (date(2023, 1, 1), date(2023, 2, 1), False),
    ],
)
def test_subsidy_year_is_decided_by_the_separation_date(policies, separated, on, in_force):
    """新发生的参保失业人员 (2022年1月1日至12月31日期间): the day the person became unemployed decides,
    not the day of assessment or application."""
    r = unemployment_subsidy(
        inp(
            contribution_months=8, separation_date=separated, on=on, separation_reason="own_account"
        )
    )
    assert r.in_force is in_force and r.eligible is in_force
    assert r.rule_day == separated


@pytest.mark.parametrize("months", [12, 59, 60, 200])
def test_ui_expired_still_unemployed_is_180_whatever_the_contributions(policies, months):
    r = unemployment_subsidy(
        inp(
            contribution_months=months,
            separation_date=date(2021, 1, 1),
            ui_expired=True,
            ui_expired_on=date(2022, 1, 1),
            on=date(2022, 2, 1),
        )
    )
    assert r.eligible and r.monthly_amount == Decimal(180)


@pytest.mark.parametrize(
    ("expired", "in_force"),
    [
        (date(2021, 12, 31), False),
        (date(2022, 1, 1), True),
        (date(2022, 12, 31), True),
        (date(2023, 1, 1), False),
    ],
)
def test_ui_expiry_year_is_decided_by_the_expiry_date(policies, expired, in_force):
    """领取失业保险金期满仍未就业 in 2022: the day the UI benefit ran out decides (the separation
    may be years earlier)."""
    r = unemployment_subsidy(
        inp(
            contribution_months=120,
            separation_date=date(2020, 6, 1) if expired.year < 2023 else date(2022, 1, 5),
            ui_expired=True,
            ui_expired_on=expired,
            on=date(2023, 3, 1),
        )
    )
    assert r.in_force is in_force and r.eligible is in_force
    assert r.rule_day == expired


def test_ui_used_up_by_months_drawn_is_ui_expired(policies):
    """Fixed: a person who drew every UI month (not flagged ui_expired) got neither benefit: the
    UI said "已用完" and the subsidy said "应领取失业保险金". 期满仍未就业 → 180."""
    person = inp(contribution_months=24, ui_months_drawn=12, on=date(2022, 8, 1))
    assert not ui_benefit(person).eligible
    r = unemployment_subsidy(person)
    assert r.eligible and r.monthly_amount == Decimal(180)
    assert "期满" in r.reason
    one_left = inp(contribution_months=24, ui_months_drawn=11, on=date(2022, 8, 1))
    assert ui_benefit(one_left).eligible and not unemployment_subsidy(one_left).eligible


def test_subsidy_needs_still_unemployed(policies):
    assert not unemployment_subsidy(inp(contribution_months=3, still_unemployed=False)).eligible
    assert not unemployment_subsidy(
        inp(ui_expired=True, ui_expired_on=date(2022, 5, 1), still_unemployed=False)
    ).eligible


# --- temporary living allowance (三(三), 三(七)) ------------------------------------------------


@pytest.mark.parametrize(("province", "eligible"), [(0, False), (1, True), (11, True), (12, False)])
def test_allowance_province_months_edges(policies, province, eligible):
    """省内参保不满1年: 1..11 months insured in the province; 0 is not insured (→ 低保, U7)."""
    r = temporary_allowance(
        inp(migrant_worker=True, contribution_months=60, contribution_months_province=province)
    )
    assert r.eligible is eligible
    assert r.total == (Decimal(3 * 260) if eligible else 0)


@pytest.mark.parametrize(
    ("separated", "eligible"),
    [
        (date(2021, 12, 31), False),
        (date(2022, 1, 1), True),
        (date(2022, 12, 31), True),
        (date(2023, 1, 1), False),
    ],
)
def test_allowance_dated_inside_and_outside_2022(policies, separated, eligible):
    r = temporary_allowance(
        inp(
            migrant_worker=True,
            contribution_months=5,
            separation_date=separated,
            on=date(2023, 2, 1),
        )
    )
    assert r.eligible is eligible


def test_migrant_worker_gets_subsidy_and_allowance_the_seed_says_no_instead(policies):
    """三(三) lists the allowance after the subsidy bands without "instead of" (或/不得同时); the
    product pays both. If 52号 forbids combining, that is a new policy row, not this test."""
    person = inp(
        migrant_worker=True,
        contribution_months=11,
        separation_reason="involuntary",
        on=date(2022, 7, 1),
    )
    result = assess_dict(person)
    by = {b["benefit"]: b for b in result["benefits"]}
    assert by["subsidy"]["eligible"] and by["subsidy"]["monthly_amount"] == 260
    assert by["temp_allowance"]["eligible"] and by["temp_allowance"]["total"] == 780
    assert result["total"] == by["subsidy"]["total"] + 780


# --- payments start after the UI benefit ran out --------------------------------------------------


def test_subsidy_after_ui_expiry_is_due_from_the_month_after_expiry(policies, make_person, users):
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
    )
    assert decision.start_period == "202204"
    periods = [d.period for d in dues([case], first="200001", last="209912") if d.kind == "subsidy"]
    assert periods[0] == "202204" and len(periods) == 6


# --- tiers: age from the ID number, 40/50 included ------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1982, 10, 1), date(2022, 9, 30), 39),
        (date(1982, 10, 1), date(2022, 10, 1), 40),
        (date(1980, 2, 29), date(2021, 2, 28), 40),
        (date(1980, 2, 29), date(2021, 3, 1), 41),
    ],
)
def test_age_turns_on_the_birthday(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("birth", "tier"),
    [
        ("19821002", "general"),  # 39 on 2022-10-01 (birthday tomorrow)
        ("19821001", "priority"),  # 40 on the birthday: 40岁以上 includes 40
        ("19721002", "priority"),  # 49
        ("19721001", "especially_difficult"),  # 50 on the birthday
    ],
)
def test_tier_age_bands_include_40_and_50(policies, make_person, birth, tier):
    on = date(2022, 10, 1)
    case = services.case_open(
        person=make_person(int(birth[-3:]) % 97 + 1, birth=birth), source="manual", registered_on=on
    )
    assert case_tier(case, on).tier == tier


def test_age_is_read_from_the_id_number(policies, regions):
    """Fixed: the tier used the stored birth date; when it disagrees with the ID number (imports),
    the ID number wins (the rule says 年龄按身份证出生日期计算)."""
    person = Person.objects.create(
        id_number=make_id(OWN_GRID[:6], "19821001", 5),
        name="甲",
        gender="M",
        birth_date=date(1995, 1, 1),  # wrong on purpose
        region_id=OWN_GRID,
        phone="13900000005",
    )
    case = services.case_open(person=person, source="manual", registered_on=date(2022, 10, 1))
    assert case_tier(case, date(2022, 10, 1)).tier == "priority"
    assert case_tier(case, date(2022, 9, 30)).tier == "general"


# --- one week (重点地区援助预案 四(一)) -------------------------------------------------------------


def test_one_week_counts_from_the_day_after_the_start_and_ends_at_midnight(
    policies, make_person, users
):
    """《民法典》 art. 201: the start day is not counted; art. 203: the last day ends at 24:00. Help
    started on D is due by the end of D+7; overdue from D+8."""
    grid = users[Role.GRID_WORKER]
    today = timezone.localdate()
    start = today - timedelta(days=10)
    case = services.case_open(person=make_person(81), source="manual", registered_on=start)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid, on=start)
    week = deadlines_for(case).get(kind__startswith="assistance.one_week")
    due = timezone.localtime(week.due_at)
    assert due.date() == start + timedelta(days=7)
    assert due >= timezone.make_aware(datetime.combine(start + timedelta(days=7), time(23, 59)))
    assert one_week_overdue(user=grid, on=start + timedelta(days=7)) == []
    assert [r["case"].pk for r in one_week_overdue(user=grid, on=start + timedelta(days=8))] == [
        case.pk
    ]


def test_help_started_before_the_plan_has_no_one_week_clock(policies, make_person, users):
    """Fixed: the one-week promise is in force from the plan's issue (2022-10-14); starting help on
    an earlier date raised PolicyNotInForce (a 500). No clock, and no overdue list, before then."""
    grid = users[Role.GRID_WORKER]
    start = date(2022, 6, 1)
    case = services.case_open(person=make_person(82), source="manual", registered_on=start)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid, on=start)
    assert not deadlines_for(case).filter(kind__startswith="assistance.one_week").exists()
    services.case_refresh(case=case, on=date(2022, 6, 20))
    assert not deadlines_for(case).filter(kind__startswith="assistance.one_week").exists()
    assert one_week_overdue(user=grid, on=date(2022, 6, 20)) == []
