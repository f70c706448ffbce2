"""The public subsidy list never passes off a figure as current or a product default as the legal
basis: a lapsed dated rule (the 2022 subsidy amounts) says so in plain Chinese, a number without a
version on the day is "—" with a note (not a 409), and staff who may edit policy get the link."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from wenjiuye.assistance.subsidies import split_source, subsidy_items
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.roles import Role

LATER = date(2026, 12, 8)  # after the 2022 subsidy rules lapsed


def by_code(on: date) -> dict[str, dict]:
    return {item["code"]: item for item in subsidy_items(on)}


def test_a_product_default_is_not_the_legal_basis():
    assert split_source("失业人员帮扶预案 三(三);产品默认值(可调整)") == (
        "失业人员帮扶预案 三(三)",
        True,
    )
    assert split_source("《失业保险条例》第十四条第(一)项") == (
        "《失业保险条例》第十四条第(一)项",
        False,
    )
    assert split_source("产品默认值(可调整)") == ("", True)


def test_the_2022_subsidy_amounts_are_labelled_as_2022_after_they_lapsed(policy):
    items = by_code(LATER)
    subsidy, allowance = items["subsidy"], items["temp_allowance"]
    for item in (subsidy, allowance):
        assert not item["in_force"] and item["to_maintain"]
        assert "该标准为 2022 年度标准" in item["notice"]
        assert "现行标准尚未录入本系统" in item["notice"]
        assert "平人社办〔2022〕52号" in item["notice"]
    assert "360元/月" in subsidy["standard"]  # the 2022 figure, shown as 2022's
    ui = items["ui_benefit"]
    assert ui["in_force"] and ui["product_default"]
    assert ui["basis"] == "失业人员帮扶预案 三(三)"
    assert "系统默认值" in ui["notice"] and "不作为政策依据" in ui["notice"]


def test_in_its_year_the_subsidy_needs_no_notice(policy):
    subsidy = by_code(date(2022, 6, 1))["subsidy"]
    assert subsidy["in_force"] and subsidy["notice"] == "" and not subsidy["to_maintain"]
    assert subsidy["basis"].startswith("失业人员帮扶预案")


def test_a_number_without_a_version_on_the_day_is_a_dash_not_a_409(policy):
    # a policy file loads a 2026 subsidy amount, but not the other numbers of the standard
    lapsed = PolicyParameter.objects.get(key="unemployment_subsidy.monthly.high")
    lapsed.pk, lapsed.value = None, 400
    lapsed.effective_from, lapsed.effective_to = date(2026, 1, 1), None
    lapsed.save()
    subsidy = by_code(LATER)["subsidy"]
    assert subsidy["in_force"]
    assert "400元/月" in subsidy["standard"] and "—元/月" in subsidy["standard"]
    assert "没有有效的标准" in subsidy["notice"] and "unemployment_subsidy" not in subsidy["notice"]


def test_the_page_says_it_plainly_and_offers_maintenance_to_policy_editors(policy, client, users):
    text = client.get(reverse("public-subsidies")).content.decode()
    assert "产品默认值" not in text  # never cited as a legal basis
    assert "金额:系统默认值,待经办机构确认(不是政策依据)" in text
    assert "该标准为 2022 年度标准" in text  # today is after 2022
    assert "请在政策参数中维护" not in text  # the public is not asked to maintain anything
    client.force_login(users[Role.CITY_OFFICE])
    text = client.get(reverse("public-subsidies")).content.decode()
    assert "请在政策参数中维护" in text and reverse("policy") in text
