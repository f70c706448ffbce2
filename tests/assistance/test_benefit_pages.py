"""The benefits block of the case page and the payments page: the entitlement from the data with
its evidence and parameters, confirmation and correction (with a reason, audited, the data kept
beside the officer's facts), who may decide, and the due check after it.

The case is the UI benefit recipient of ``benefit_data.ui_recipient``: 36 contribution months
(《失业保险条例》 art. 17: 满1年不足5年 → 12 months), paid 1530 元 (``ui.benefit.monthly``) for
2022-04..2022-11 (8 months: 12,240 元); 4 months left, 4 × 1530 = 6,120 元.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.assistance import benefit_data as data
from wenjiuye.assistance import services
from wenjiuye.assistance.benefit_basis import case_basis
from wenjiuye.assistance.forms import BenefitForm
from wenjiuye.assistance.models import BenefitDecision
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role

#: codes a user must never see in the block (benefit kinds, reasons, policy keys, Python values)
RAW = re.compile(
    r"ui_benefit|temp_allowance|\bsubsidy\b|involuntary|own_account|ui\.benefit|"
    r"ui\.separation|unemployment_subsidy|\bNone\b|\bTrue\b|\bFalse\b|confirmed|corrected"
)


@pytest.fixture
def case(policy, make_person, tmp_path, settings):
    settings.WENJIUYE_LAKE = str(tmp_path / "lake")
    person = make_person(95)
    data.ui_recipient(tmp_path / "lake", person)
    return services.case_open(person=person, source="registration", registered_on=date(2022, 3, 10))


def block(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="benefits"')
    return html[start : html.index("</section>", start)]


def visible(html: str) -> str:
    """The text a reader sees (tags, and so attribute values, removed)."""
    return re.sub(r"<[^>]+>", " ", html)


def page(client, case) -> str:
    return block(client.get(reverse("assistance-case", args=[case.pk])))


def form_data(case, **changes) -> dict:
    """The correction form as the page fills it (what the data says), with ``changes``."""
    initial = BenefitForm.initial_from(case_basis(case, on=timezone.localdate()))
    out = {}
    for name, value in {**initial, **changes}.items():
        if isinstance(value, bool):
            if value:
                out[name] = "on"
        elif value is not None:
            out[name] = value.isoformat() if isinstance(value, date) else str(value)
    return out


def test_the_case_page_shows_the_entitlement_from_the_data(case, client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    text = page(client, case)
    assert "尚未核定" not in text
    assert "按数据测算(待经办人确认)" in text
    assert "缴费 36 个月(2019-03 至 2022-02,来源:社保缴费数据)" in text
    assert "已发放失业保险金 8 个月(2022-04 至 2022-11,共 12,240 元,来源:待遇发放数据)" in text
    assert "离职原因:合同到期,属非因本人意愿中断就业(来源:用工备案数据)" in text
    assert "1,530 元" in text and "6,120 元" in text
    assert "失业保险金:应发期间 2022-04 至 2023-03(共 12 个月),已发 8 个月(66.7%)" in text
    # the parameters in force, by name, with their values, dates and sources
    assert "失业保险金最长领取期限(按累计缴费年限分档)" in text
    assert "满 1 年:12 个月;满 5 年:18 个月;满 10 年:24 个月" in text
    assert "《失业保险条例》第十七条" in text and "1999-01-22 起" in text
    assert "1530 元/月" in text
    assert 'data-testid="confirm-form"' in text and 'data-testid="correct-form"' in text
    assert RAW.search(visible(text)) is None, RAW.search(visible(text))


def test_confirming_keeps_the_data_and_is_audited(case, client, users):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    url = reverse("assistance-case-benefits", args=[case.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 302
    decision = BenefitDecision.objects.get(case=case)
    assert (decision.how, decision.corrections, decision.decided_by) == ("confirmed", {}, officer)
    assert decision.basis["values"]["contribution_months"] == 36
    assert decision.basis["results"][0]["total"] == 6120
    event = Event.objects.get(object_type="assistance.benefitdecision", object_id=str(decision.pk))
    assert event.actor == officer and event.changes["how"] == [None, "confirmed"]
    text = page(client, case)
    assert "按数据确认" in text and "按现有数据重新测算" in text
    assert 'data-testid="schedule"' in text and "已发 8 个月" in text
    assert RAW.search(visible(text)) is None, RAW.search(visible(text))


def test_a_correction_needs_a_reason_and_keeps_the_data_beside_it(case, client, users):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    url = reverse("assistance-case-benefits", args=[case.pk])
    refused = client.post(url, form_data(case, contribution_months=72))
    assert refused.status_code == 400
    assert "与数据所示不同(累计缴费月数),须说明更正理由" in refused.content.decode()
    assert not BenefitDecision.objects.exists()
    why = "2016-2019 年在外省参保 36 个月,已转入"
    assert client.post(url, form_data(case, contribution_months=72, reason=why)).status_code == 302
    decision = BenefitDecision.objects.get(case=case)
    assert decision.how == "corrected" and decision.reason == why
    assert decision.corrections == {"contribution_months": [36, 72]}
    # 72 months = 满5年不足10年: 18 months (art. 17); 8 drawn → 10 left × 1530 = 15,300 元
    ui = decision.results[0]
    assert (ui["entitled_months"], ui["months"], ui["total"]) == (18, 10, 15300)
    assert decision.basis["results"][0]["total"] == 6120  # what the data said
    event = Event.objects.get(object_type="assistance.benefitdecision", object_id=str(decision.pk))
    assert event.note == why
    assert event.changes["corrections"] == [None, {"contribution_months": [36, 72]}]
    text = page(client, case)
    assert "经办人更正" in text and why in text
    assert re.search(r"<td>累计缴费月数</td><td>36 个月</td><td>72 个月</td>", text)
    assert "15,300 元" in text
    assert RAW.search(visible(text)) is None, RAW.search(visible(text))


def test_who_may_decide(case, client, users):
    client.force_login(users[Role.GRID_WORKER])
    text = page(client, case)
    assert "缴费 36 个月" in text  # the grid worker sees the facts
    assert "confirm-form" not in text and "correct-form" not in text
    url = reverse("assistance-case-benefits", args=[case.pk])
    assert client.post(url, {"action": "confirm"}).status_code == 403
    client.force_login(users[Role.LEADER])
    assert client.post(url, {"action": "confirm"}).status_code == 403
    assert not BenefitDecision.objects.exists()


def test_missing_facts_are_asked_for_not_guessed(
    policy, make_person, tmp_path, settings, client, users
):
    settings.WENJIUYE_LAKE = str(tmp_path / "lake")  # nothing loaded: no contributions
    other = services.case_open(
        person=make_person(96), source="registration", registered_on=date(2022, 7, 1)
    )
    client.force_login(users[Role.COUNTY_OFFICER])
    text = page(client, other)
    assert "待补充" in text and "数据缺少累计缴费月数" in text
    assert "confirm-form" not in text
    url = reverse("assistance-case-benefits", args=[other.pk])
    refused = client.post(url, {"action": "confirm"})
    assert refused.status_code == 400 and "数据缺少累计缴费月数" in refused.content.decode()


def test_the_payments_page_lists_no_false_month_after_a_decision(case, client, users):
    officer = users[Role.COUNTY_OFFICER]
    client.force_login(officer)
    client.post(reverse("assistance-case-benefits", args=[case.pk]), {"action": "confirm"})
    html = client.get(reverse("assistance-payments"), {"as_of": "2022-12-15"}).content.decode()
    assert "已载入的待遇发放数据:2021-01 至 2023-06" in html
    unpaid = html[html.index('data-testid="unpaid"') :]
    unpaid = unpaid[: unpaid.index("</table>")]
    assert "暂无" in unpaid and case.person.name not in unpaid
    later = client.get(reverse("assistance-payments"), {"as_of": "2023-02-10"}).content.decode()
    rows = later[later.index('data-testid="unpaid"') :]
    rows = rows[: rows.index("</table>")]
    assert rows.count(case.person.name) == 2
    assert "2022-12" in rows and "2023-01" in rows and "1,530 元" in rows
    assert "失业保险金" in rows and "ui_benefit" not in rows
