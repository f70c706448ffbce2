"""The response plans' rules as calculators: severance (art. 47), the art. 41 layoff check and its
obligations, and the escalation of a mass incident. Every number comes from the policy table on
the day in question, and every result cites the parameter versions it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from wenjiuye.core.policy import policy_cite, policy_get


class Policy:
    """Policy lookups on one day, remembering what was used (the "why" of a result)."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.used: dict[str, dict[str, Any]] = {}

    def __call__(self, key: str) -> Any:
        version = policy_get(key, on=self.on)
        self.used[key] = policy_cite(version)
        return version.value

    def cites(self) -> list[dict[str, Any]]:
        return list(self.used.values())


# --- Severance (经济补偿, Labour Contract Law art. 47) -----------------------------------------------


def service_length(start: date, end: date) -> tuple[int, int, int]:
    """Full years, remaining full months and remaining days worked from ``start`` to ``end``, both
    days included (2007-03-01 to 2022-02-28 is 15 full years)."""
    if end < start:
        raise ValueError("离职日期早于入职日期")
    end = end + timedelta(days=1)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    days = end.day - start.day
    if days < 0:
        months -= 1
        previous_month_end = date(end.year, end.month, 1).toordinal() - 1
        days += date.fromordinal(previous_month_end).day
    return months // 12, months % 12, days


def severance(
    *, start: date, end: date, monthly_wage: Decimal, local_average_wage: Decimal
) -> dict[str, Any]:
    if monthly_wage < 0 or local_average_wage <= 0:
        raise ValueError("月工资不能为负,当地平均工资须大于零")
    p = Policy(end)
    years, rem_months, rem_days = service_length(start, end)
    per_year = Decimal(str(p("severance.art47.months_per_year")))
    full_min = p("severance.art47.remainder_full_min_months")
    if rem_months >= full_min:
        remainder = Decimal(str(p("severance.art47.remainder_long_months")))
    elif rem_months or rem_days:
        remainder = Decimal(str(p("severance.art47.remainder_short_months")))
    else:
        remainder = Decimal(0)
    months = years * per_year + remainder
    cap = local_average_wage * Decimal(str(p("severance.art47.wage_cap_multiple")))
    capped = monthly_wage > cap
    wage_base = cap if capped else monthly_wage
    explanation = [
        f"工作年限 {years} 年 {rem_months} 个月 {rem_days} 天:每满一年支付 {per_year} 个月工资;"
        f"不满一年的部分{'满' if rem_months >= full_min else '不满'} {full_min} 个月,按 {remainder} 个月计",
    ]
    if capped:
        max_years = p("severance.art47.capped_max_years")
        explanation.append(
            f"月工资 {monthly_wage} 元高于当地职工月平均工资 {local_average_wage} 元的 "
            f"{p('severance.art47.wage_cap_multiple')} 倍,按 {cap} 元计,且年限最高不超过 {max_years} 年"
        )
        months = min(months, Decimal(max_years))
    amount = (months * wage_base).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    explanation.append(f"经济补偿 = {months} 个月 × {wage_base} 元 = {amount} 元")
    return {
        "months": float(months),
        "wage_base": float(wage_base),
        "capped": capped,
        "amount": float(amount),
        "explanation": ";".join(explanation),
        "policy": p.cites(),
    }


# --- The art. 41 layoff check and the plan's obligations ----------------------------------------------


@dataclass
class Obligation:
    what: str
    who: str
    due: str
    clause: str
    parameters: list[str] = field(default_factory=list)
    kind: str = ""  # stable key of the obligation, e.g. "layoff.report_city" (a deadline kind)


def layoff_check(
    *, employees: int, layoffs: int, influential: bool = False, on: date
) -> dict[str, Any]:
    if employees <= 0 or layoffs < 0 or layoffs > employees:
        raise ValueError("职工总数须大于零,裁减人数不能为负且不超过职工总数")
    p = Policy(on)
    min_people, min_ratio = p("layoff.art41.min_people"), p("layoff.art41.min_ratio")
    applies = layoffs >= min_people or Decimal(layoffs) >= Decimal(str(min_ratio)) * employees
    share = round(layoffs / employees, 4)
    why = (
        f"裁减 {layoffs} 人,占职工总数 {employees} 人的 {share:.1%};"
        f"《劳动合同法》第四十一条:裁减 {min_people} 人以上,或不足 {min_people} 人但占职工总数 {min_ratio:.0%} 以上"
    )
    obligations: list[Obligation] = []
    if applies:
        notice = p("layoff.art41.notice_days")
        obligations += [
            Obligation(
                f"提前 {notice} 日向工会或者全体职工说明情况,听取工会或者职工的意见",
                "企业",
                f"实施前 {notice} 日",
                "L1,E3",
                ["layoff.art41.notice_days"],
                kind="layoff.explain",
            ),
            Obligation(
                "裁减人员方案向人力资源社会保障部门报告后方可实施",
                "企业",
                "实施前",
                "E3,L3",
                kind="layoff.report_bureau",
            ),
            Obligation(
                "优先留用:较长期限固定期限合同、无固定期限合同、家庭无其他就业人员且有需要扶养的老人或者未成年人的职工",
                "企业",
                "确定名单时",
                "L1",
                kind="layoff.retain_first",
            ),
            Obligation(
                f"{p('layoff.art41.rehire_priority_months')} 个月内重新招用人员的,优先招用被裁减人员",
                "企业",
                "裁员后",
                "L4",
                ["layoff.art41.rehire_priority_months"],
                kind="layoff.rehire_priority",
            ),
        ]
    early = p("layoff.early_intervention.min_people")
    if influential or layoffs >= early:
        obligations += [
            Obligation(
                "提前介入,深入企业调研,指导企业依法依规制定裁员方案",
                "县(市、区)人社局",
                "立即",
                "E3,L2",
                ["layoff.early_intervention.min_people"],
                kind="layoff.early_intervention",
            ),
            Obligation(
                "视情况向当地党委政府报告,必要时派出专门工作组",
                "县(市、区)人社局",
                "立即",
                "L2,E3",
                ["layoff.early_intervention.min_people"],
                kind="layoff.report_party_government",
            ),
            Obligation(
                "规模较大的,组织专场对接招聘会",
                "县(市、区)人社局",
                "裁员实施前后",
                "E3",
                kind="layoff.job_fair",
            ),
        ]
    city = p("layoff.report_city.exceeds_people")
    if layoffs > city:
        obligations.append(
            Obligation(
                "在知悉的第一时间向市人社局报告,并持续跟踪报告处置情况",
                "县(市、区)人社局",
                "立即",
                "E4",
                ["layoff.report_city.exceeds_people"],
                kind="layoff.report_city",
            )
        )
    province = p("layoff.report_province.min_people")
    if layoffs >= province:
        obligations.append(
            Obligation(
                "第一时间向省人社厅报告,并持续跟踪报告处置情况",
                "市人社局",
                "立即",
                "L2",
                ["layoff.report_province.min_people"],
                kind="layoff.report_province",
            )
        )
    return {
        "employees": employees,
        "layoffs": layoffs,
        "influential": influential,
        "art41_applies": applies,
        "reason": why,
        "obligations": [o.__dict__ for o in obligations],
        "policy": p.cites(),
    }


# --- Mass incidents (群体性事件, E8, I2, I8) --------------------------------------------------------------


def incident_escalation(*, people: int, on: date) -> dict[str, Any]:
    if people < 0:
        raise ValueError("人数不能为负")
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
    return {
        "people": people,
        "max_representatives": p("incident.max_representatives"),
        "recipients": recipients,
        "dynamic_reports": "事件相关情况和处理结果立即动态报送上级人力资源社会保障部门",
        "policy": p.cites(),
    }
