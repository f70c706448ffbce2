"""The response plans' rules as calculators: severance (art. 47), the art. 41 layoff check and its
obligations. Every number comes from the policy table on the day in question, and every result
cites the parameter versions it used.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.policy import Policy

# --- Severance (经济补偿, Labour Contract Law art. 47) -----------------------------------------------


def _month_step(start: date, months: int) -> date:
    """The day on which ``months`` whole months counted from ``start`` (inclusive) are complete
    plus one: the same day of the month ``months`` later, or, when that month has no such day,
    the first day of the month after it (so the months end on that short month's last day)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if start.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, start.day)
    return date(year, month, 1) + timedelta(days=calendar.monthrange(year, month)[1])


def service_length(start: date, end: date) -> tuple[int, int, int]:
    """Full years, remaining full months and remaining days worked from ``start`` to ``end``, both
    days included (2007-03-01 to 2022-02-28 is 15 full years).

    A month of service hired on day *d* is complete on the day before day *d* of the next month;
    a month without day *d* ends on its last day (《民法典》 art. 202: "没有对应日的,以月末日为期间的
    最后一日"). So 2020-01-31 to 2020-02-29 is one full month and 2019-08-31 to 2020-02-28 is five
    months and 29 days, not six (``dateutil.relativedelta`` clamps instead and says six).
    """
    if end < start:
        raise DomainError(_("离职日期早于入职日期"))
    if end >= date.max:
        raise DomainError(_("离职日期超出范围"))
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    while months > 0 and _month_step(start, months) > after:
        months -= 1
    days = (after - _month_step(start, months)).days
    return months // 12, months % 12, days


def monthly_wage_average(wages: list[Decimal]) -> Decimal:
    """The "monthly wage" of art. 47 para. 3 from the wages of the months before termination,
    oldest first: the average of the last 12 months, or of the months actually worked when fewer
    (《劳动合同法实施条例》 art. 27). Each month's wage includes hourly or piece wages, bonuses,
    allowances and subsidies; the caller sums those per month."""
    if not wages:
        raise DomainError(_("至少需要一个月的工资"))
    if any(w < 0 for w in wages):
        raise DomainError(_("月工资不能为负"))
    last = wages[-12:]
    return (sum(last, Decimal(0)) / len(last)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: the day 《劳动合同法》 came into force; service before it is paid under the rules of the time (art. 97)
LABOUR_CONTRACT_LAW_IN_FORCE = date(2008, 1, 1)


def severance(
    *,
    start: date,
    end: date,
    monthly_wage: Decimal,
    local_average_wage: Decimal,
    minimum_wage: Decimal | None = None,
) -> dict[str, Any]:
    """Severance (经济补偿) of art. 47 for service from ``start`` to ``end`` (both included).

    ``monthly_wage`` is the average of the 12 months before termination (see
    :func:`monthly_wage_average`); below ``minimum_wage`` (the local minimum wage, when given) the
    minimum wage is used (实施条例 art. 27). Only a wage *above* three times the local average is
    capped, and only then are the years limited to 12 (art. 47 para. 2).
    """
    if monthly_wage < 0 or local_average_wage <= 0:
        raise DomainError(_("月工资不能为负,当地平均工资须大于零"))
    if minimum_wage is not None and minimum_wage < 0:
        raise DomainError(_("最低工资标准不能为负"))
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
    explanation = [
        f"工作年限 {years} 年 {rem_months} 个月 {rem_days} 天:每满一年支付 {per_year} 个月工资;"
        f"不满一年的部分{'满' if rem_months >= full_min else '不满'} {full_min} 个月,按 {remainder} 个月计",
    ]
    wage = monthly_wage
    if minimum_wage is not None and monthly_wage < minimum_wage:
        wage = minimum_wage
        explanation.append(
            f"月平均工资 {monthly_wage} 元低于当地最低工资标准 {minimum_wage} 元,"
            f"按最低工资标准计算(《劳动合同法实施条例》第二十七条)"
        )
    cap = local_average_wage * Decimal(str(p("severance.art47.wage_cap_multiple")))
    capped = wage > cap
    wage_base = cap if capped else wage
    if capped:
        max_years = p("severance.art47.capped_max_years")
        explanation.append(
            f"月工资 {wage} 元高于当地职工月平均工资 {local_average_wage} 元的 "
            f"{p('severance.art47.wage_cap_multiple')} 倍,按 {cap} 元计,且年限最高不超过 {max_years} 年"
        )
        months = min(months, Decimal(max_years) * per_year)
    amount = (months * wage_base).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    explanation.append(f"经济补偿 = {months} 个月 × {wage_base} 元 = {amount} 元")
    art97 = start < LABOUR_CONTRACT_LAW_IN_FORCE
    if art97:
        explanation.append(
            f"注意:{start} 至 2007-12-31 的工作年限在《劳动合同法》施行前,依第九十七条"
            "按当时有关规定计算经济补偿(本结果按第四十七条计算全部年限,须人工复核)"
        )
    return {
        "months": float(months),
        "wage_base": float(wage_base),
        "capped": capped,
        "amount": float(amount),
        "art97_before_2008": art97,
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
        raise DomainError(_("职工总数须大于零,裁减人数不能为负且不超过职工总数"))
    p = Policy(on)
    min_people, min_ratio = p("layoff.art41.min_people"), p("layoff.art41.min_ratio")
    applies = layoffs >= min_people or Decimal(layoffs) >= Decimal(str(min_ratio)) * employees
    # Rounded down, so a share just under the line never reads as reaching it (19/191 = 9.94 %).
    share = (Decimal(layoffs) * 100 / employees).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    why = (
        f"裁减 {layoffs} 人,占职工总数 {employees} 人的 {share}%;"
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
    elif influential:
        # E3: an influential enterprise's layoff, of any size, is implemented only after hearing
        # the union or the workers and reporting to the bureau (the 30 days are art. 41's).
        obligations.append(
            Obligation(
                "听取工会或职工意见并向人力资源社会保障部门报告后方可实施",
                "企业",
                "实施前",
                "E3",
                kind="layoff.report_bureau",
            )
        )
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
