"""The bureau's money decisions on the ledger: what a case is due (a benefit decision, U3: the
benefits engine's result kept with its inputs and the policy cited) and what a county may spend
(its yearly UI-fund budget, U3). Both audited in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from wenjiuye.assistance.benefits import BenefitInput, assess_dict
from wenjiuye.assistance.models import BenefitDecision, Case, FundBudget
from wenjiuye.core.audit import record_event, save_audited, snapshot
from wenjiuye.core.models import Event, Region, RegionLevel, User
from wenjiuye.core.periods import period_of
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require


def benefit_decide(*, case: Case, actor: User, inp: BenefitInput) -> BenefitDecision:
    """Run the benefits engine for a case and keep the decision (inputs, results, policy cited).

    Payments are due monthly from the later of the separation month and the registration month;
    for a person whose UI benefit ran out (领取失业保险金期满), not before the month of the day after
    it ran out (the subsidy follows the UI benefit, it does not overlap it).
    """
    start = max(inp.separation_date or case.registered_on, case.registered_on)
    if inp.ui_expired and inp.ui_expired_on is not None:
        start = max(start, inp.ui_expired_on + timedelta(days=1))
    with transaction.atomic():
        require(actor, Cap.WRITE, case.grid_id)
        result = assess_dict(inp)
        decision = BenefitDecision.objects.create(
            case=case,
            on=inp.on,
            start_period=period_of(start),
            inputs=result["input"],
            results=result["benefits"],
            decided_by=actor,
        )
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=decision,
            region_code=case.grid_id,
            changes={
                "case": case.pk,
                "eligible": [b["benefit"] for b in result["benefits"] if b["eligible"]],
                "total": result["total"],
            },
        )
    return decision


def fund_budget_set(*, actor: User, county: Region, year: int, amount: Decimal) -> FundBudget:
    if county.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        raise ValidationError({"county": "预算须按县(市、区)设置"})
    if amount < 0:
        raise ValidationError({"amount": "预算不能为负"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度无效"})
    with transaction.atomic():
        require(actor, Cap.WRITE, county.code)
        budget = FundBudget.objects.select_for_update().filter(county=county, year=year).first()
        before = snapshot(budget, ["amount"]) if budget else None
        if budget is None:
            budget = FundBudget(county=county, year=year, amount=amount)
        budget.amount = amount
        save_audited(
            actor=actor,
            obj=budget,
            before=before,
            fields=["amount"],
            region_code=county.code,
            record_unchanged=True,  # setting a budget again is itself on the record
        )
    return budget
