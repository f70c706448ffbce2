"""Payments in the Parquet lake against decisions: due but unpaid, paid but not due, and the
county UI-fund budget warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from tests.conftest import OWN_COUNTY, make_id
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
def decided(policies, make_person, users, lake):
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
    )
    assert decision.start_period == "202207"
    pid = case.person.id_number
    frame = pd.DataFrame(
        [
            {"person_id": pid, "period": "202207", "kind": "subsidy", "amount": 260.0},
            {"person_id": pid, "period": "202208", "kind": "subsidy", "amount": 260.0},
            {"person_id": pid, "period": "202208", "kind": "ui_benefit", "amount": 1000.0},
            {"person_id": STRANGER, "period": "202208", "kind": "subsidy", "amount": 180.0},
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


def test_no_lake_means_no_payments(policies, lake):
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
    assert len(city) == 2
    assert {r["why"] for r in city} == {"不在帮扶台账中", "无有效核定或超出核定期限/已就业"}


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
