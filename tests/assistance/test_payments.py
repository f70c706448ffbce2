"""Payments in the Parquet lake against decisions: due but unpaid, paid but not due, and the
county UI-fund budget warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from tests.assistance import benefit_data as data
from tests.factories import OWN_COUNTY, OWN_GRID, make_id
from wenjiuye.assistance import decisions, payments, services
from wenjiuye.assistance.benefits import BenefitInput
from wenjiuye.assistance.models import Case
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.intake.lake import write_lake

STRANGER = make_id(OWN_COUNTY, "19900101", 99)


@pytest.fixture
def lake(tmp_path, settings):
    settings.WENJIUYE_LAKE = str(tmp_path / "lake")
    return tmp_path / "lake"


@pytest.fixture
def decided(policy, make_person, users, lake):
    case = services.case_open(
        person=make_person(61), source="registration", registered_on=date(2022, 7, 5)
    )
    decision = decisions.benefit_decide(
        case=case,
        actor=users[Role.COUNTY_OFFICER],
        inp=BenefitInput(
            on=date(2022, 7, 10),
            contribution_months=8,
            separation_date=date(2022, 7, 1),
            separation_reason="own_account",
        ),
        reason="按纸质缴费记录核定",  # the lake holds nothing yet: every fact is the officer's
    )
    assert decision.start_period == "202207"
    assert decision.how == "corrected" and decision.corrections["contribution_months"] == [None, 8]
    pid = case.person.id_number
    frame = pd.DataFrame(
        [
            {"person_id": pid, "period": "202207", "kind": "subsidy", "amount": 260.0},
            {"person_id": pid, "period": "202208", "kind": "subsidy", "amount": 260.0},
            {"person_id": pid, "period": "202208", "kind": "ui_benefit", "amount": 1000.0},
            {"person_id": STRANGER, "period": "202208", "kind": "subsidy", "amount": 180.0},
            # the lake's payments run to 2022-10: months after the data are not judged
            {"person_id": STRANGER, "period": "202210", "kind": "subsidy", "amount": 180.0},
        ]
    )
    write_lake({"benefit_payments": frame}, lake)
    return case


def test_payments_are_read_from_the_lake(decided):
    rows = payments.payments_read(first="202208", last="202208")
    assert sorted((p.period, p.kind, p.amount) for p in rows) == [
        ("202208", "subsidy", Decimal("180.00")),
        ("202208", "subsidy", Decimal("260.00")),
        ("202208", "ui_benefit", Decimal("1000.00")),
    ]


def test_no_lake_means_no_payments(policy, lake):
    assert payments.payments_read() == []


def test_due_but_unpaid(decided, users):
    rows = payments.due_unpaid(user=users[Role.COUNTY_OFFICER], as_of=date(2022, 11, 15))
    assert [(r["period"], r["benefit"], r["amount"]) for r in rows] == [
        ("202209", "subsidy", Decimal("260")),
        ("202210", "subsidy", Decimal("260")),
    ]
    assert rows[0]["id_number"] != decided.person.id_number  # masked
    other = users[Role.COUNTY_OFFICER].__class__.objects.create_user(
        username="yexian", role=Role.COUNTY_OFFICER, region_id="410422", password="x" * 12
    )
    assert payments.due_unpaid(user=other, as_of=date(2022, 11, 15)) == []


def test_due_stops_when_employed(decided, users):
    Case.objects.filter(pk=decided.pk).update(employed_on=date(2022, 10, 3))
    decided.refresh_from_db()
    rows = payments.due_unpaid(user=users[Role.COUNTY_OFFICER], as_of=date(2022, 12, 20))
    assert [r["period"] for r in rows] == ["202209"]


def test_paid_but_not_due(decided, users):
    county = payments.paid_not_due(user=users[Role.COUNTY_OFFICER], first="202201", last="202212")
    assert [(r["benefit"], r["period"], r["amount"]) for r in county] == [
        ("ui_benefit", "202208", Decimal("1000.00"))
    ]
    city = payments.paid_not_due(user=users[Role.CITY_OFFICE], first="202201", last="202212")
    assert len(city) == 3  # the stranger's two months and the UI benefit
    # the decision is own-account (8 months): a UI benefit payment is one it refused
    assert {r["why"] for r in city} == {"不在帮扶台账中", "核定结论为不符合失业保险金条件"}


def test_fund_budget_warning(decided, users):
    officer = users[Role.COUNTY_OFFICER]
    decisions.fund_budget_set(
        actor=officer, county=Region.objects.get(pk=OWN_COUNTY), year=2022, amount=Decimal(1600)
    )
    rows = {
        r["county"]: r
        for r in payments.fund_status(user=officer, year=2022, as_of=date(2022, 11, 15))
    }
    assert set(rows) == {OWN_COUNTY}
    own = rows[OWN_COUNTY]
    assert own["spent"] == Decimal("1520.00")
    assert own["remaining"] == Decimal("80.00")
    assert (own["next_period"], own["next_month_due"]) == ("202212", Decimal(260))
    assert own["warning"] is True and "不足以支付" in own["reason"]
    decisions.fund_budget_set(
        actor=officer, county=Region.objects.get(pk=OWN_COUNTY), year=2022, amount=Decimal(1780)
    )
    again = payments.fund_status(user=officer, year=2022, as_of=date(2022, 11, 15))[0]
    assert again["remaining"] == Decimal("260.00") and again["warning"] is False
    city = payments.fund_status(user=users[Role.CITY_OFFICE], year=2022, as_of=date(2022, 11, 15))
    assert (
        len(city) > 1
        and next(r for r in city if r["county"] == "410422")["reason"] == "未设置年度预算"
    )


# --- 应发未发 never lists a month before the entitlement, already paid, or after it ------------
# A UI benefit recipient of the lake: contributions 2019-03..2022-02 (36 months: 《失业保险条例》
# art. 17, 满1年不足5年 → 12 months), separated 2022-02-28 (合同到期), registered 2022-03-10, paid
# 1530 元 a month for 2022-04..2022-11. Someone else's payments put the lake's data from 2021-01.

EARLY = data.EARLY


@pytest.fixture
def paid_in_lake(policy, make_person, lake):
    person = make_person(91)
    data.ui_recipient(lake, person)
    return services.case_open(person=person, source="registration", registered_on=date(2022, 3, 10))


def periods(rows):
    return [r["period"] for r in rows]


def test_confirmed_from_the_data_nothing_is_due_until_a_month_goes_unpaid(paid_in_lake, users):
    officer = users[Role.COUNTY_OFFICER]
    decision = decisions.benefit_confirm(case=paid_in_lake, actor=officer, on=date(2022, 12, 15))
    assert decision.how == "confirmed" and decision.corrections == {}
    ui = decision.results[0]
    assert (ui["entitled_months"], ui["months"], ui["start_period"]) == (12, 4, "202203")
    assert payments.due_unpaid(user=officer, as_of=date(2022, 12, 15)) == []
    # December and January not paid (the lake holds nothing after November): real findings
    assert periods(payments.due_unpaid(user=officer, as_of=date(2023, 2, 10))) == [
        "202212",
        "202301",
    ]
    # the entitlement runs 2022-04..2023-03 (12 months from the first paid): nothing after it
    assert periods(payments.due_unpaid(user=officer, as_of=date(2024, 1, 10))) == [
        "202212",
        "202301",
        "202302",
        "202303",
    ]
    assert payments.paid_not_due(user=officer, first="202201", last="202212") == []


def test_a_manual_decision_on_a_case_paid_in_the_lake_lists_no_false_month(paid_in_lake, users):
    """The officer types the facts as the old form had them (separation = registration day, no
    month drawn): the months already paid in the lake count as paid, and the entitlement starts
    at the first month the fund paid, not at the registration month."""
    officer = users[Role.COUNTY_OFFICER]
    decision = decisions.benefit_decide(
        case=paid_in_lake,
        actor=officer,
        inp=BenefitInput(
            on=date(2022, 12, 15),
            contribution_months=36,
            separation_date=date(2022, 3, 10),
            separation_reason="involuntary",
        ),
        reason="按申领表填写",
    )
    assert decision.corrections == {
        "separation_date": ["2022-02-28", "2022-03-10"],
        "ui_months_drawn": [8, 0],
    }
    assert payments.due_unpaid(user=officer, as_of=date(2022, 12, 15)) == []
    assert payments.paid_not_due(user=officer, first="202201", last="202212") == []


def test_the_fourteen_false_months_of_a_manual_decision_are_gone(policy, make_person, lake, users):
    """The case of the issue: 120 months of contributions (10年以上: 24 months, art. 17),
    registered 2021-02-01, paid 2021-03 and 2021-04, registration ended 2021-04-21 (灵活就业).
    Typed by hand on 2022-06-15, the old check made 24 months due from 2021-02 and, paid
    2021-03/04 only, listed 2021-02 and 2021-05..2022-05: 1 + 13 = 14 false months.
    Re-employment (from the registration data) ends the entitlement; nothing is listed."""
    person = make_person(92)
    pid = person.id_number
    data.contributions(
        lake, (pid, data.months("201102", "202101"), "paid"), (EARLY, ["201001"], "paid")
    )
    data.filings(lake, (pid, "separation", date(2021, 1, 31), "合同到期"))
    data.payments(
        lake,
        (pid, ["202103", "202104"], "ui_benefit", 1530.0),
        (EARLY, ["202101", "202206"], "ui_benefit", 1530.0),
    )
    data.registration(
        pid,
        date(2021, 2, 1),
        "合同到期",
        region=OWN_GRID,
        ended_on=date(2021, 4, 21),
        end_reason="灵活就业",
    )
    case = services.case_open(person=person, source="registration", registered_on=date(2021, 2, 1))
    officer = users[Role.COUNTY_OFFICER]
    decision = decisions.benefit_decide(
        case=case,
        actor=officer,
        inp=BenefitInput(
            on=date(2022, 6, 15),
            contribution_months=120,
            separation_date=date(2021, 2, 1),
            separation_reason="involuntary",
        ),
        reason="按申领表填写",
    )
    assert decision.results[0]["entitled_months"] == 24
    assert decision.inputs["reemployed_on"] == "2021-04-21"
    assert payments.due_unpaid(user=officer, as_of=date(2022, 6, 15)) == []
    assert payments.paid_not_due(user=officer, first="202101", last="202212") == []
    # the officer corrects the re-employment away (a reason given): the months come back
    decisions.benefit_decide(
        case=case,
        actor=officer,
        inp=BenefitInput(
            on=date(2022, 6, 15),
            contribution_months=120,
            separation_date=date(2021, 1, 31),
            separation_reason="involuntary",
            ui_months_drawn=2,
        ),
        reason="灵活就业收入不稳定,经核实仍属失业",
        reemployed_on=None,
    )
    unpaid = periods(payments.due_unpaid(user=officer, as_of=date(2022, 6, 15)))
    assert unpaid == data.months("202105", "202205")  # 13 months, after the last paid


def test_months_after_the_payments_loaded_are_not_judged(paid_in_lake, users):
    """The lake's payments run to 2023-06: as of 2023-09 nothing is known of July and August,
    and the entitlement (2022-04..2023-03) ends before them anyway."""
    officer = users[Role.COUNTY_OFFICER]
    decisions.benefit_confirm(case=paid_in_lake, actor=officer, on=date(2022, 12, 15))
    assert payments.payments_coverage() == ("202101", "202306")
    unpaid = periods(payments.due_unpaid(user=officer, as_of=date(2023, 9, 10)))
    assert unpaid == ["202212", "202301", "202302", "202303"]


def test_a_month_not_loaded_yet_is_not_unpaid(decided, users):
    """The decided subsidy (2022-07..2022-12) with payments loaded to 2022-10: as of 2023-01 the
    November and December files are not in the lake, so those months are not listed."""
    officer = users[Role.COUNTY_OFFICER]
    assert periods(payments.due_unpaid(user=officer, as_of=date(2023, 1, 20))) == [
        "202209",
        "202210",
    ]


def test_the_month_of_reemployment_is_neither_unpaid_nor_paid_not_due(decided, users):
    """Employed 2022-09-20: September may be paid (it was not) and is not listed; October and
    later are not due."""
    Case.objects.filter(pk=decided.pk).update(employed_on=date(2022, 9, 20))
    decided.refresh_from_db()
    officer = users[Role.COUNTY_OFFICER]
    assert payments.due_unpaid(user=officer, as_of=date(2022, 12, 20)) == []
    paid_sept = payments.dues([decided], first="202209", last="202209")
    assert [(d.period, d.optional) for d in paid_sept] == [("202209", True)]
