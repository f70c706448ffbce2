"""The mass-incident rule as a calculator: who must be told of a mass incident (群体性事件, E8, I2,
I8). Every number comes from the policy table on the day in question, and the result cites the
parameter versions it used.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.policy import Policy

I2_CAUSES = ("pay", "hours", "rest")  # 劳动报酬、工作时间、休息休假 (突发事件处置预案 三(一))


def incident_escalation(*, people: int, on: date, cause: str | None = None) -> dict[str, Any]:
    """Who must be told of a mass incident. Any incident: the local committee/government, the
    superior bureau and the bureau's party group (E8, I2); ≥ 50 people also the city bureau; ≥ 100
    also the province, city committee and city government, at the same time (E8, I8). An incident
    over pay, hours or rest (I1) is reported to the city committee, city government and province
    whatever its size (I2: "及时向局党组、市委、市政府和省人社厅报告")."""
    if people < 0:
        raise DomainError(_("人数不能为负"))
    p = Policy(on)
    recipients = [
        {"to": "当地党委政府", "due": "立即", "clause": "E8"},
        {"to": "上级人力资源社会保障部门", "due": "立即", "clause": "E8"},
        {"to": "局党组", "due": "立即", "clause": "I2"},
    ]
    if people >= p("incident.report_city.min_people"):
        recipients.append({"to": "市人社局", "due": "立即(同步)", "clause": "E8"})
    if people >= p("incident.report_province.min_people"):
        recipients.append({"to": "省人社厅", "due": "立即(同步)", "clause": "E8,I8"})
    if people >= p("incident.report_party_government.min_people"):
        recipients += [
            {"to": "市委", "due": "立即(同步)", "clause": "I8"},
            {"to": "市政府", "due": "立即(同步)", "clause": "I8"},
        ]
    if cause in I2_CAUSES:
        told = {r["to"] for r in recipients}
        recipients += [
            {"to": to, "due": "立即", "clause": "I2"}
            for to in ("省人社厅", "市委", "市政府")
            if to not in told
        ]
    return {
        "people": people,
        "cause": cause,
        "max_representatives": p("incident.max_representatives"),
        "recipients": recipients,
        "dynamic_reports": "事件相关情况和处理结果立即动态报送上级人力资源社会保障部门",
        "policy": p.cites(),
    }
