"""The benefits engine's input read from the data held (``assistance.benefit_basis``): each fact
from the lake and the registrations, with its evidence, and the entitlement the engine computes
from them. Expected values are computed by hand from the policy parameters:

- 《失业保险条例》第十四条第(一)项 (``ui.benefit.min_contribution_years`` = 1 年): at least 12
  contribution months; 第十七条 (``ui.benefit.duration_bands``): 满1年不足5年 12 个月, 满5年不足10年
  18 个月, 10年以上 24 个月; "重新就业后,再次失业的,缴费时间重新计算";
- ``ui.benefit.monthly`` = 1530 元/月 (assistance.json, an example of the provincial standard);
- 平人社办〔2022〕52号 (失业人员帮扶预案 三(三)): 失业补助金 满6个月不满1年 260 元/月, 6 个月
  (``assistance.subsidy.max_months``), for the newly unemployed of 2022;
- 人社部令第13号 第十三条: 合同到期 (劳动合同期满终止) is 非因本人意愿中断就业; 个人辞职 is not
  (``ui.separation.involuntary_reasons`` / ``ui.separation.own_account_reasons``).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.assistance.benefit_data import (
    EARLY,
    contributions,
    filings,
    months,
    payments,
    registration,
    ui_recipient,
)
from tests.factories import OWN_GRID
from wenjiuye.assistance import services
from wenjiuye.assistance.benefit_basis import case_basis
from wenjiuye.assistance.benefits import assess_dict

ON = date(2022, 12, 15)


@pytest.fixture
def lake(tmp_path, settings):
    settings.WENJIUYE_LAKE = str(tmp_path / "lake")
    return tmp_path / "lake"


def open_case(person, day: date):
    return services.case_open(person=person, source="registration", registered_on=day)


def by_field(basis) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in basis.evidence:
        out.setdefault(e.field, []).append(f"{e.text}|{e.source}")
    return out


def test_a_case_paid_ui_benefit_gets_its_entitlement_from_the_data(policy, make_person, lake):
    person = make_person(81)
    ui_recipient(lake, person)  # 36 months, separated 2022-02-28, paid 2022-04..2022-11
    case = open_case(person, date(2022, 3, 10))

    basis = case_basis(case, on=ON)
    v = basis.values
    # 2019-03..2022-02: 10 + 12 + 12 + 2 = 36 months
    assert v["contribution_months"] == 36
    assert v["separation_date"] == date(2022, 2, 28)
    assert v["separation_reason"] == "involuntary"
    assert (v["registered"], v["ui_months_drawn"], v["ui_expired"]) == (True, 8, False)
    assert v["reemployed_on"] is None
    assert basis.missing == [] and basis.warnings == []
    ev = by_field(basis)
    assert ev["contribution_months"] == ["缴费 36 个月(2019-03 至 2022-02)|社保缴费数据"]
    assert ev["separation_reason"] == ["离职原因:合同到期,属非因本人意愿中断就业|用工备案数据"]
    assert ev["ui_months_drawn"] == [
        "已发放失业保险金 8 个月(2022-04 至 2022-11,共 12,240 元)|待遇发放数据"
    ]
    assert ev["registered"] == ["2022-03-10 办理失业登记|失业登记数据"]
    assert {c["key"] for c in basis.policy} == {
        "ui.separation.involuntary_reasons",
        "ui.separation.own_account_reasons",
    }

    by = {b["benefit"]: b for b in assess_dict(basis.input())["benefits"]}
    ui = by["ui_benefit"]
    # art. 17: 36 months = 满1年不足5年 → 12 months; 8 drawn → 4 left × 1530 = 6120
    assert (ui["eligible"], ui["entitled_months"], ui["months"]) == (True, 12, 4)
    assert (ui["monthly_amount"], ui["total"]) == (1530, 6120)
    assert not by["subsidy"]["eligible"]  # entitled to the UI benefit: no subsidy


def test_own_account_leaver_with_eight_months_gets_the_260_subsidy(policy, make_person, lake):
    person = make_person(82)
    pid = person.id_number
    contributions(lake, (pid, months("202111", "202206"), "paid"), (EARLY, ["201001"], "paid"))
    registration(pid, date(2022, 7, 5), "个人辞职", region=OWN_GRID)
    case = open_case(person, date(2022, 7, 5))
    basis = case_basis(case, on=ON)
    assert basis.values["contribution_months"] == 8  # 2021-11..2022-06
    assert basis.values["separation_reason"] == "own_account"
    assert basis.values["separation_date"] == date(2022, 7, 5)  # no filing: the registration day
    assert any("失业日期按失业登记日期 2022-07-05 计" in e.text for e in basis.evidence)
    by = {b["benefit"]: b for b in assess_dict(basis.input())["benefits"]}
    assert not by["ui_benefit"]["eligible"]
    # 满6个月不满1年: 260 元/月 × 6 个月 = 1560 元
    assert (by["subsidy"]["monthly_amount"], by["subsidy"]["months"]) == (260, 6)
    assert by["subsidy"]["total"] == 1560


def test_an_unclassed_reason_is_missing_when_it_matters_and_assumed_when_not(
    policy, make_person, lake
):
    long_, short = make_person(83), make_person(84)
    contributions(
        lake,
        (long_.id_number, months("202001", "202206"), "paid"),
        (short.id_number, months("202203", "202206"), "paid"),
        (EARLY, ["201001"], "paid"),
    )
    registration(long_.id_number, date(2022, 7, 1), "其他", region=OWN_GRID)
    registration(short.id_number, date(2022, 7, 1), "毕业未就业", region=OWN_GRID)
    a = case_basis(open_case(long_, date(2022, 7, 1)), on=ON)
    assert a.missing == ["separation_reason"]  # 30 months: the reason decides the UI benefit
    b = case_basis(open_case(short, date(2022, 7, 1)), on=ON)
    assert b.missing == [] and b.assumed == ["separation_reason"]  # 4 months: it changes nothing
    by = {r["benefit"]: r for r in assess_dict(b.input())["benefits"]}
    # 参保缴费不满6个月: 180 元/月 × 6
    assert (by["subsidy"]["monthly_amount"], by["subsidy"]["total"]) == (180, 1080)
    assert "参保缴费不足 1 年" in by["subsidy"]["reason"]


def test_contributions_count_again_after_an_earlier_ui_spell_and_arrears_do_not_count(
    policy, make_person, lake
):
    """第十七条: 重新就业后,再次失业的,缴费时间重新计算. 36 months before a 2018 UI spell, then
    18 months (2019-01..2020-06) of which one month only in arrears: 17 months count."""
    person = make_person(85)
    pid = person.id_number
    paid = months("201501", "201712") + [m for m in months("201901", "202006") if m != "201906"]
    contributions(lake, (pid, paid, "paid"), (pid, ["201906"], "arrears"))
    payments(lake, (pid, months("201801", "201812"), "ui_benefit", 1400.0))
    filings(lake, (pid, "separation", date(2020, 6, 30), "经济性裁员"))
    case = open_case(person, date(2020, 7, 5))
    basis = case_basis(case, on=date(2020, 8, 1))
    assert basis.values["contribution_months"] == 17
    [text] = by_field(basis)["contribution_months"]
    assert "其间 1 个月无缴费" in text and "欠缴 1 个月未计入" in text
    assert "前次领取失业保险金至 2018-12,缴费时间自次月起重新计算" in text
    assert basis.values["ui_months_drawn"] == 0  # the 2018 months are the earlier spell's
    assert any("前次失业已领取失业保险金 12 个月" in w for w in basis.warnings)


def test_contributions_before_the_lake_are_read_from_the_months_the_fund_paid(
    policy, make_person, lake
):
    """The lake's contributions begin in 2021-01, after this person separated (2020-12): the 14
    months of UI benefit paid show the 满5年 band (18 months, art. 17), so 60 months are taken."""
    person = make_person(86)
    pid = person.id_number
    contributions(lake, (EARLY, ["202101"], "paid"))
    payments(lake, (pid, months("202101", "202202"), "ui_benefit", 1530.0))
    registration(pid, date(2020, 12, 10), "合同到期", region=OWN_GRID)
    case = open_case(person, date(2020, 12, 10))
    basis = case_basis(case, on=date(2022, 3, 15))
    assert basis.values["contribution_months"] == 60
    assert any(
        "已领失业保险金 14 个月" in e.text and "至少满 5 年,按 60 个月计" in e.text
        for e in basis.evidence
    )
    ui = assess_dict(basis.input())["benefits"][0]
    assert (ui["entitled_months"], ui["months"]) == (18, 4)


def test_every_month_drawn_means_the_ui_benefit_ran_out(policy, make_person, lake):
    """24 months (满1年不足5年: 12 months) all drawn 2021-12..2022-11: ran out on 2022-11-30,
    so the 2022 subsidy's low band (180 元, 领取失业保险金期满仍未就业), 6 months."""
    person = make_person(87)
    pid = person.id_number
    contributions(lake, (pid, months("201912", "202111"), "paid"), (EARLY, ["201001"], "paid"))
    filings(lake, (pid, "separation", date(2021, 11, 30), "协商解除"))
    payments(lake, (pid, months("202112", "202211"), "ui_benefit", 1530.0))
    case = open_case(person, date(2021, 12, 2))
    basis = case_basis(case, on=ON)
    assert (basis.values["ui_expired"], basis.values["ui_expired_on"]) == (True, date(2022, 11, 30))
    by = {b["benefit"]: b for b in assess_dict(basis.input())["benefits"]}
    assert not by["ui_benefit"]["eligible"]
    assert (by["subsidy"]["monthly_amount"], by["subsidy"]["months"]) == (180, 6)


def test_reemployment_is_read_from_the_registration_filings_and_contributions(
    policy, make_person, lake
):
    person = make_person(88)
    pid = person.id_number
    contributions(
        lake,
        (pid, months("201801", "202101") + ["202106"], "paid"),
        (EARLY, ["201001"], "paid"),
    )
    filings(
        lake,
        (pid, "separation", date(2021, 1, 31), "合同到期"),
        (pid, "hire", date(2021, 5, 13), ""),
    )
    registration(
        pid,
        date(2021, 2, 1),
        "合同到期",
        region=OWN_GRID,
        ended_on=date(2021, 4, 21),
        end_reason="灵活就业",
    )
    basis = case_basis(open_case(person, date(2021, 2, 1)), on=date(2022, 6, 15))
    assert basis.values["reemployed_on"] == date(2021, 4, 21)  # the earliest sign
    texts = by_field(basis)["reemployed_on"]
    assert texts[0] == "2021-04-21 注销失业登记(灵活就业)|失业登记数据"
    assert any("录用" in t for t in texts) and any("2021-06 起重新缴纳社会保险" in t for t in texts)


def test_no_contributions_in_the_lake_is_a_missing_fact(policy, make_person, lake):
    case = open_case(make_person(89), date(2022, 7, 1))
    basis = case_basis(case, on=ON)
    assert "contribution_months" in basis.missing
    assert basis.values["contribution_months"] is None
