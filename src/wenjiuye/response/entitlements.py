"""What the law gives each laid-off worker of a report, on the implementation date (or the
planned one): retention first (art. 41 para. 2), protection from an art. 41 layoff (art. 42), the
re-hiring priority window (art. 41 para. 3) and the severance (art. 47). Computed onto the roster's
rows whenever the report or its roster changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core.periods import add_months
from wenjiuye.core.policy import policy_value
from wenjiuye.response.models import LayoffReport, LayoffWorker
from wenjiuye.response.rules import service_length, severance


def is_retained_first(worker: LayoffWorker) -> bool:
    """Art. 41 para. 2: long fixed-term or open-ended contracts, or the family's only earner
    with elderly or minor dependants."""
    return worker.contract_type in (
        LayoffWorker.Contract.LONG_FIXED,
        LayoffWorker.Contract.OPEN_ENDED,
    ) or (worker.sole_earner and worker.has_dependants)


#: art. 42 items (1)–(5) and how the report shows them
ART42_LABELS = {
    "occupational_check": _lazy(
        "未进行离岗前职业健康检查或疑似职业病病人在诊断、医学观察期间(第四十二条第一项)"
    ),
    "occupational_injury": _lazy(
        "在本单位患职业病或因工负伤并被确认丧失或部分丧失劳动能力(第四十二条第二项)"
    ),
    "medical_period": _lazy("患病或非因工负伤在规定的医疗期内(第四十二条第三项)"),
    "maternity": _lazy("女职工在孕期、产期、哺乳期(第四十二条第四项)"),
    "near_retirement": _lazy("在本单位连续工作满十五年且距法定退休年龄不足五年(第四十二条第五项)"),
}


def art42_reasons(worker: LayoffWorker, end: date) -> list[str]:
    """Why the worker may not be laid off under art. 41 (《劳动合同法》 art. 42), on ``end``.

    Items (1)–(4) come from the roster's yes/no columns. Item (5) needs both at least 15 full
    years with the employer (hire date to ``end``, both included: "满十五年" includes 15) and less
    than 5 years to the statutory retirement date ("不足五年": exactly five years is not protected),
    from the roster's retirement date, or from its "距法定退休年龄不足五年" column when no date is
    given.
    """
    reasons = [f for f in worker.protections if f in ART42_LABELS and f != "near_retirement"]
    if worker.hire_date <= end:
        years = service_length(worker.hire_date, end)[0]
        if years >= policy_value("layoff.art42.min_service_years", on=end):
            to_retire = policy_value("layoff.art42.years_to_retirement", on=end)
            if worker.retirement_on is not None:
                near = worker.retirement_on < add_months(end, 12 * to_retire)
            else:
                near = "near_retirement_age" in worker.protections
            if near:
                reasons.append("near_retirement")
    return reasons


def apply_entitlements(worker: LayoffWorker, report: LayoffReport) -> None:
    """Set the worker's retention, art. 42 reasons, re-hiring window and severance (not saved)."""
    worker.retained_first = is_retained_first(worker)
    end = report.implemented_on or report.planned_implementation_on
    worker.art42_reasons = art42_reasons(worker, end)
    if report.implemented_on is not None:
        months = policy_value("layoff.art41.rehire_priority_months", on=report.implemented_on)
        worker.rehire_priority_until = add_months(report.implemented_on, months)
    if report.local_average_wage and worker.hire_date <= end:
        result = severance(
            start=worker.hire_date,
            end=end,
            monthly_wage=Decimal(worker.monthly_wage),
            local_average_wage=Decimal(report.local_average_wage),
        )
        worker.severance = result
        worker.severance_amount = Decimal(str(result["amount"]))
    else:
        worker.severance, worker.severance_amount = {}, None


def recompute_workers(report: LayoffReport) -> None:
    """Every row of the report's roster computed again and saved."""
    for worker in report.workers.all():
        apply_entitlements(worker, report)
        worker.save(
            update_fields=[
                "retained_first",
                "art42_reasons",
                "rehire_priority_until",
                "severance",
                "severance_amount",
            ]
        )
