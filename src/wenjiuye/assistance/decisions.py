"""The bureau's money decisions on the ledger: what a case is due (a benefit decision, U3: the
benefits engine's result kept with its inputs, the policy cited, and what the data held said) and
what a county may spend (its yearly UI-fund budget, U3). Both audited in the same transaction.

A benefit decision starts from the data (:func:`wenjiuye.assistance.benefit_basis.case_basis`):
the officer confirms it as it is (:func:`benefit_confirm`) or corrects some of its facts with a
reason (:func:`benefit_decide`); the decision keeps the data's facts, evidence and results beside
the officer's, and each corrected fact as ``{field: [data, officer]}``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.assistance.benefit_basis import FIELDS, Basis, case_basis
from wenjiuye.assistance.benefits import UI_BENEFIT, BenefitInput, assess_dict
from wenjiuye.assistance.models import BenefitDecision, Case, FundBudget
from wenjiuye.assistance.payments import due_starts
from wenjiuye.core.audit import save_audited, snapshot
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require

#: what a decision's event records
AUDITED = ["case_id", "on", "start_period", "how", "inputs", "corrections", "reason"]


#: ``reemployed_on`` not given: as the data says
AS_DATA: Any = object()


def corrections_of(
    basis: Basis, inp: BenefitInput, reemployed_on: date | None
) -> dict[str, list[Any]]:
    """``{field: [what the data said, what the officer set]}`` for every fact that differs."""
    data = basis.json_values()
    officer = {
        **inp.as_dict(),
        "reemployed_on": reemployed_on.isoformat() if reemployed_on else None,
    }
    return {
        name: [data.get(name), officer.get(name)]
        for name in FIELDS
        if data.get(name) != officer.get(name)
    }


def benefit_decide(
    *,
    case: Case,
    actor: User,
    inp: BenefitInput,
    reason: str = "",
    basis: Basis | None = None,
    reemployed_on: Any = AS_DATA,
) -> BenefitDecision:
    """Run the benefits engine on ``inp`` for a case and keep the decision: inputs (with the day
    of re-employment that ends what it makes due, default the data's), results (each eligible
    benefit with the period it is due from), the policy cited, and the data's basis.

    Where the officer's facts differ from what the data says, the decision is a correction and
    needs a reason (refused without one)."""
    require(actor, Cap.WRITE, case.grid_id)
    if basis is None or basis.on != inp.on:
        basis = case_basis(case, on=inp.on)  # read before the write transaction (the lake)
    if reemployed_on is AS_DATA:
        reemployed_on = basis.reemployed_on
    corrections = corrections_of(basis, inp, reemployed_on)
    reason = reason.strip()
    if corrections and not reason:
        names = "、".join(str(FIELDS[name]) for name in corrections)
        raise ValidationError(
            {"reason": _("与数据所示不同(%(fields)s),须说明更正理由") % {"fields": names}}
        )
    spell, start = due_starts(inp, basis.registered_on)
    result = assess_dict(inp)
    for b in result["benefits"]:
        b["start_period"] = spell if b["benefit"] == UI_BENEFIT else start
    inputs = {
        **result["input"],
        "reemployed_on": reemployed_on.isoformat() if reemployed_on else None,
    }
    kept = basis.as_dict()
    kept["results"] = None if basis.missing else assess_dict(basis.input(on=inp.on))["benefits"]
    with transaction.atomic():
        require(actor, Cap.WRITE, case.grid_id)
        decision = BenefitDecision(
            case=case,
            on=inp.on,
            start_period=start,
            inputs=inputs,
            results=result["benefits"],
            decided_by=actor,
            how=BenefitDecision.How.CORRECTED if corrections else BenefitDecision.How.CONFIRMED,
            basis=kept,
            corrections=corrections,
            reason=reason[:500],
        )
        save_audited(
            actor=actor,
            obj=decision,
            before=None,
            fields=AUDITED,
            region_code=case.grid_id,
            note=reason,
        )
    return decision


def benefit_confirm(*, case: Case, actor: User, on: date | None = None) -> BenefitDecision:
    """Decide the benefits as the data says (refused when the data lacks a fact the rules need:
    the officer supplies it with :func:`benefit_decide` and a reason)."""
    require(actor, Cap.WRITE, case.grid_id)
    basis = case_basis(case, on=on or today())
    if basis.missing:
        names = "、".join(str(FIELDS[name]) for name in basis.missing)
        raise DomainError(
            _("数据缺少%(fields)s,不能直接确认:请在“更正核定”中补充并说明依据") % {"fields": names}
        )
    return benefit_decide(case=case, actor=actor, inp=basis.input(), basis=basis)


def fund_budget_set(*, actor: User, county: Region, year: int, amount: Decimal) -> FundBudget:
    if county.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        raise ValidationError({"county": _("预算须按县(市、区)设置")})
    if amount < 0:
        raise ValidationError({"amount": _("预算不能为负")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度无效")})
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
