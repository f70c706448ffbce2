"""The mass-incident escalation rule (incidents.rules, E8, I8): who is told, from the plan's issue."""

from __future__ import annotations

from datetime import date

import pytest

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.incidents.rules import incident_escalation

DAY = date(2022, 11, 1)

ALWAYS = {"当地党委政府", "上级人力资源社会保障部门", "局党组"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("people", "extra"),
    [
        (1, set()),
        (49, set()),
        (50, {"市人社局"}),  # E8: 50人以上 → the city bureau
        (99, {"市人社局"}),
        # E8: 100人以上 → the province; I8: 百人以上 → the city committee and government
        (100, {"市人社局", "省人社厅", "市委", "市政府"}),
    ],
)
def test_incident_recipients_at_49_50_99_100(policy, people, extra):
    r = incident_escalation(people=people, on=DAY)
    assert {x["to"] for x in r["recipients"]} == ALWAYS | extra
    assert r["max_representatives"] == 5  # "不超过5人" includes 5


@pytest.mark.django_db
def test_the_incident_thresholds_start_on_the_day_the_plan_was_issued(policy):
    recipients = incident_escalation(people=50, on=date(2022, 10, 14))["recipients"]
    assert "市人社局" in {x["to"] for x in recipients}
    with pytest.raises(PolicyNotInForce):
        incident_escalation(people=50, on=date(2022, 10, 13))
