"""The benefits engine (U3, E6): unemployment-insurance benefit, the unemployment subsidy and the
temporary living allowance for migrant workers, as pure functions of a :class:`BenefitInput`.

Every amount, month count and date range is a policy parameter read on the day that matters:

- UI benefit (《失业保险条例》 arts. 14, 17): on the assessment day ``on``;
- unemployment subsidy (2022 rule, 平人社办〔2022〕52号): on the day the person became newly
  unemployed (``separation_date``), or, for a person whose UI benefit ran out while still
  unemployed (flagged ``ui_expired``, or every entitled month drawn), the day it ran out
  (``ui_expired_on``, else ``on``). Outside the rule's dates the result says "not in force" —
  a 2023 rule is a new parameter version, not new code;
- temporary living allowance: on ``separation_date``.

Each result carries the parameter versions it used (``policy``), so a decision shows why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.policy import Policy

UI_BENEFIT = "ui_benefit"
SUBSIDY = "subsidy"
TEMP_ALLOWANCE = "temp_allowance"
LABELS = {
    UI_BENEFIT: "失业保险金",
    SUBSIDY: "失业补助金",
    TEMP_ALLOWANCE: "临时生活补助",
}
INVOLUNTARY = "involuntary"
OWN_ACCOUNT = "own_account"
SEPARATION_REASONS = {INVOLUNTARY: "非因本人意愿中断就业", OWN_ACCOUNT: "因本人原因解除劳动关系"}


@dataclass(frozen=True)
class BenefitInput:
    """What the rules need to know about one unemployed person."""

    on: date  # the assessment day
    contribution_months: int  # cumulative UI contribution months (累计缴费月数)
    separation_date: date | None = None  # the day employment ended (失业日期)
    separation_reason: str = INVOLUNTARY  # involuntary | own_account
    contribution_months_province: int | None = None  # months insured in the province; None = all
    registered: bool = True  # unemployment registration done (已办理失业登记)
    seeking_work: bool = True  # wants a job (有求职要求)
    ui_months_drawn: int = 0  # UI benefit months already drawn in this entitlement
    ui_expired: bool = False  # UI benefit ran out (领取失业保险金期满)
    ui_expired_on: date | None = None
    migrant_worker: bool = False  # 农民工
    still_unemployed: bool = True
    prior_unclaimed_months: int = 0  # unclaimed months of an earlier entitlement (art. 17)

    @property
    def province_months(self) -> int:
        if self.contribution_months_province is None:
            return self.contribution_months
        return self.contribution_months_province

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenefitInput:
        """Parse JSON-like input; unknown keys, wrong types and negative counts are refused."""
        if not isinstance(data, dict):
            raise ValidationError(_("输入应为 JSON 对象"))
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        errors: dict[str, list[str]] = {}
        if unknown:
            errors["__all__"] = [f"未知字段:{', '.join(unknown)}"]
        values: dict[str, Any] = {}
        for name in ("on", "separation_date", "ui_expired_on"):
            raw = data.get(name)
            if raw in (None, ""):
                continue
            if isinstance(raw, date):
                values[name] = raw
                continue
            try:
                values[name] = date.fromisoformat(str(raw))
            except ValueError:
                errors[name] = [f"日期格式应为 YYYY-MM-DD:{raw}"]
        for name in (
            "contribution_months",
            "contribution_months_province",
            "ui_months_drawn",
            "prior_unclaimed_months",
        ):
            raw = data.get(name)
            if raw is None:
                continue
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
                errors[name] = [f"应为不小于0的整数月数:{raw}"]
            else:
                values[name] = raw
        for name in ("registered", "seeking_work", "ui_expired", "migrant_worker"):
            if name in data:
                if not isinstance(data[name], bool):
                    errors[name] = ["应为 true 或 false"]
                else:
                    values[name] = data[name]
        if "still_unemployed" in data:
            if not isinstance(data["still_unemployed"], bool):
                errors["still_unemployed"] = ["应为 true 或 false"]
            else:
                values["still_unemployed"] = data["still_unemployed"]
        reason = data.get("separation_reason", INVOLUNTARY)
        if reason not in SEPARATION_REASONS:
            errors["separation_reason"] = ["应为 involuntary(非本人意愿)或 own_account(本人原因)"]
        else:
            values["separation_reason"] = reason
        if "on" not in values and "on" not in errors:
            errors["on"] = ["缺少核定日期 on"]
        if "contribution_months" not in values and "contribution_months" not in errors:
            errors["contribution_months"] = ["缺少累计缴费月数 contribution_months"]
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("on", "separation_date", "ui_expired_on"):
            out[name] = out[name].isoformat() if out[name] else None
        return out


@dataclass
class BenefitResult:
    benefit: str
    eligible: bool
    reason: str
    monthly_amount: Decimal = Decimal(0)
    months: int = 0
    in_force: bool = True
    rule_day: date | None = None
    policy: list[dict[str, Any]] = field(default_factory=list)
    #: UI benefit: months of the whole entitlement, drawn months included (also when it ran out)
    entitled: int | None = None

    @property
    def label(self) -> str:
        return LABELS[self.benefit]

    @property
    def total(self) -> Decimal:
        return self.monthly_amount * self.months if self.eligible else Decimal(0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "benefit": self.benefit,
            "label": self.label,
            "eligible": self.eligible,
            "in_force": self.in_force,
            "reason": self.reason,
            "monthly_amount": _num(self.monthly_amount if self.eligible else Decimal(0)),
            "months": self.months if self.eligible else 0,
            # the months the entitlement runs for, those already drawn included (the due check
            # walks them from the entitlement's first month); a UI benefit that ran out keeps
            # its entitlement (its months are past: paid, they were due)
            "entitled_months": (
                self.entitled
                if self.entitled is not None
                else (self.months if self.eligible else 0)
            ),
            "total": _num(self.total),
            "rule_day": self.rule_day.isoformat() if self.rule_day else None,
            "policy": self.policy,
        }


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _money(value: Any) -> Decimal:
    return Decimal(str(value))


def _in_force_range(key: str) -> str:
    versions = PolicyParameter.objects.filter(key=key).order_by("effective_from")
    spans = [
        f"{v.effective_from.isoformat()} 至 {v.effective_to.isoformat() if v.effective_to else '今'}"
        for v in versions
    ]
    return "、".join(spans) if spans else "无"


def _not_in_force(benefit: str, key: str, day: date, what: str) -> BenefitResult:
    return BenefitResult(
        benefit=benefit,
        eligible=False,
        in_force=False,
        rule_day=day,
        reason=(
            f"{LABELS[benefit]}政策在{what} {day.isoformat()} 不在实施期内"
            f"(已加载的实施期:{_in_force_range(key)}),不予计发"
        ),
    )


def _ui_qualifying_months(p: Policy) -> int:
    return int(p("ui.benefit.min_contribution_years")) * 12


def _ui_band(inp: BenefitInput, bands: list[dict[str, Any]]) -> dict[str, Any]:
    """The art. 17 band reached: 满N年 includes N years (12/60/120 months exactly)."""
    return max(
        (b for b in bands if inp.contribution_months >= int(b["min_years"]) * 12),
        key=lambda b: b["min_years"],
    )


def _ui_entitled(inp: BenefitInput, p: Policy) -> int:
    """Art. 17: the band's months plus an earlier entitlement's unclaimed months, capped."""
    band = _ui_band(inp, p("ui.benefit.duration_bands"))
    return min(
        int(band["max_months"]) + inp.prior_unclaimed_months,
        int(p("ui.benefit.max_combined_months")),
    )


def ui_entitled_months(inp: BenefitInput) -> int:
    """Months of UI benefit the contributions give (art. 17, drawn months not deducted); 0 below
    art. 14's minimum. Raises :class:`PolicyNotInForce` without the Regulation's parameters."""
    p = Policy(inp.on)
    if inp.contribution_months < _ui_qualifying_months(p):
        return 0
    return _ui_entitled(inp, p)


def ui_months_imply(months_paid: int, *, on: date) -> tuple[int, dict[str, Any]] | None:
    """The fewest contribution months whose art. 17 band allows ``months_paid`` months of UI
    benefit, and the band (``None`` when no band allows that many). Used when the contributions
    held start after the person's insured life did: the fund's payments show the band reached."""
    p = Policy(on)
    bands = sorted(p("ui.benefit.duration_bands"), key=lambda b: b["min_years"])
    for band in bands:
        if int(band["max_months"]) >= months_paid:
            return int(band["min_years"]) * 12, band
    return None


def _ui_used_up(inp: BenefitInput, p: Policy) -> bool:
    """Entitled to the UI benefit by art. 14 (≥ 1 year, involuntary) and every month of the
    entitlement (art. 17, combined months capped) already drawn: the benefit has run out
    (领取失业保险金期满) even when the input does not say ``ui_expired``."""
    if inp.ui_expired:
        return True
    if inp.contribution_months < _ui_qualifying_months(p) or inp.separation_reason != INVOLUNTARY:
        return False
    return inp.ui_months_drawn >= _ui_entitled(inp, p)


def ui_benefit(inp: BenefitInput) -> BenefitResult:
    """UI benefit (失业保险金): ≥ 1 year of contributions, left involuntarily, registered and
    seeking work; months by cumulative contributions (1–5 y: 12, 5–10 y: 18, ≥ 10 y: 24)."""
    p = Policy(inp.on)
    try:
        min_months = _ui_qualifying_months(p)
        bands = sorted(p("ui.benefit.duration_bands"), key=lambda b: b["min_years"])
        max_combined = int(p("ui.benefit.max_combined_months"))
    except PolicyNotInForce:
        return _not_in_force(UI_BENEFIT, "ui.benefit.duration_bands", inp.on, "核定日")
    # Eligibility and months are the Regulation's (in force since 1999); the monthly amount is a
    # provincial parameter that may have no version on the day: then it is reported, not invented.
    try:
        monthly: Decimal | None = _money(p("ui.benefit.monthly"))
    except PolicyNotInForce:
        monthly = None
    failures = []
    if inp.contribution_months < min_months:
        failures.append(f"累计缴费 {inp.contribution_months} 个月,不满 {min_months // 12} 年")
    if inp.separation_reason != INVOLUNTARY:
        failures.append("因本人意愿中断就业")
    if not inp.registered:
        failures.append("未办理失业登记")
    if not inp.seeking_work:
        failures.append("无求职要求")
    if inp.ui_expired:
        failures.append("失业保险金已领取期满")
    if not inp.still_unemployed:
        failures.append("已重新就业")
    if failures:
        # ran out (and nothing else wrong): the entitlement was there, its months are past
        ran_out = failures == ["失业保险金已领取期满"]
        return BenefitResult(
            benefit=UI_BENEFIT,
            eligible=False,
            rule_day=inp.on,
            reason="不符合领取失业保险金条件:" + ";".join(failures),
            policy=p.cites(),
            entitled=_ui_entitled(inp, p) if ran_out else None,
        )
    band = _ui_band(inp, bands)
    entitled = min(int(band["max_months"]) + inp.prior_unclaimed_months, max_combined)
    remaining = entitled - inp.ui_months_drawn
    years = inp.contribution_months / 12
    basis = (
        f"累计缴费 {inp.contribution_months} 个月(约 {years:.1f} 年,"
        f"满 {band['min_years']} 年档),最长领取 {band['max_months']} 个月"
    )
    if inp.prior_unclaimed_months:
        basis += f",合并前次未领 {inp.prior_unclaimed_months} 个月(合计不超过 {max_combined} 个月)"
    if remaining <= 0:
        return BenefitResult(
            benefit=UI_BENEFIT,
            eligible=False,
            rule_day=inp.on,
            reason=f"{basis};已领取 {inp.ui_months_drawn} 个月,应领期限已用完",
            policy=p.cites(),
            entitled=entitled,
        )
    amount_text = (
        f"每月 {_num(monthly)} 元"
        if monthly is not None
        else f"失业保险金月标准在 {inp.on.isoformat()} 无生效版本(已加载的实施期:"
        f"{_in_force_range('ui.benefit.monthly')}),金额待按省定标准核定"
    )
    return BenefitResult(
        benefit=UI_BENEFIT,
        eligible=True,
        rule_day=inp.on,
        monthly_amount=monthly if monthly is not None else Decimal(0),
        months=remaining,
        entitled=entitled,
        reason=(
            f"非因本人意愿中断就业、已办理失业登记并有求职要求;{basis};"
            f"已领 {inp.ui_months_drawn} 个月,还可领 {remaining} 个月,{amount_text}"
        ),
        policy=p.cites(),
    )


def _subsidy_day(inp: BenefitInput, *, ui_ran_out: bool) -> tuple[date, str]:
    """The day that decides whether the 2022 rule applies (2022年1月1日至12月31日期间新发生的):
    the day the UI benefit ran out for 领取失业保险金期满仍未就业的, else the separation day."""
    if ui_ran_out:
        return (inp.ui_expired_on or inp.on), "失业保险金期满日"
    return (inp.separation_date or inp.on), "失业日期"


def unemployment_subsidy(inp: BenefitInput) -> BenefitResult:
    """Unemployment subsidy (失业补助金), the 2022 rule: UI benefit ran out while still
    unemployed → low band; not eligible for UI (own account, or < 1 year) → by contribution months:
    ≥ 12 → high, ≥ 6 → mid, < 6 → low."""
    ui = Policy(inp.on)
    try:
        ui_min = _ui_qualifying_months(ui)
        ran_out = _ui_used_up(inp, ui)
    except PolicyNotInForce:
        return _not_in_force(SUBSIDY, "ui.benefit.min_contribution_years", inp.on, "核定日")
    day, what = _subsidy_day(inp, ui_ran_out=ran_out)
    p = Policy(day)
    try:
        high = _money(p("unemployment_subsidy.monthly.high"))
        mid = _money(p("unemployment_subsidy.monthly.mid"))
        low = _money(p("unemployment_subsidy.monthly.low"))
        high_min = int(p("unemployment_subsidy.high.min_months"))
        mid_min = int(p("unemployment_subsidy.mid.min_months"))
        months = int(p("assistance.subsidy.max_months"))
    except PolicyNotInForce:
        return _not_in_force(SUBSIDY, "unemployment_subsidy.monthly.high", day, what)
    cites = p.cites() + ui.cites()

    def refuse(reason: str) -> BenefitResult:
        return BenefitResult(
            benefit=SUBSIDY, eligible=False, rule_day=day, reason=reason, policy=cites
        )

    if not inp.still_unemployed:
        return refuse("已重新就业,不符合失业补助金条件")
    if inp.contribution_months <= 0:
        return refuse("未参加失业保险(无缴费记录),不属于参保失业人员")
    n = inp.contribution_months
    if ran_out:
        amount = low
        drawn = "" if inp.ui_expired else f"(应领期限已全部领取,已领 {inp.ui_months_drawn} 个月)"
        reason = f"领取失业保险金期满仍未就业{drawn},按 {_num(low)} 元/月计发"
    elif n >= ui_min and inp.separation_reason == INVOLUNTARY:
        return refuse(
            f"非因本人意愿中断就业且缴费满 {ui_min // 12} 年,符合领取失业保险金条件,"
            "应领取失业保险金,不发失业补助金"
        )
    else:
        why = (
            "因本人原因解除劳动关系"
            if inp.separation_reason == OWN_ACCOUNT
            else f"参保缴费不足 {ui_min // 12} 年"
        )
        if n >= high_min:
            amount, band = high, f"缴费满 {high_min} 个月(含)以上"
        elif n >= mid_min:
            amount, band = mid, f"缴费满 {mid_min} 个月不满 {high_min} 个月"
        else:
            amount, band = low, f"缴费不满 {mid_min} 个月"
        reason = f"{why},不符合领取失业保险金条件;缴费 {n} 个月,{band},按 {_num(amount)} 元/月计发"
    return BenefitResult(
        benefit=SUBSIDY,
        eligible=True,
        rule_day=day,
        monthly_amount=amount,
        months=months,
        reason=f"{what} {day.isoformat()} 在实施期内;{reason},计 {months} 个月",
        policy=cites,
    )


def temporary_allowance(inp: BenefitInput) -> BenefitResult:
    """Temporary living allowance (临时生活补助) for unemployed migrant workers insured < 1 year
    in the province: 3 months × 260 (2022)."""
    day = inp.separation_date or inp.on
    p = Policy(day)
    try:
        monthly = _money(p("temporary_allowance.monthly"))
        months = int(p("temporary_allowance.months"))
        below = int(p("temporary_allowance.insured_below_months"))
    except PolicyNotInForce:
        return _not_in_force(TEMP_ALLOWANCE, "temporary_allowance.monthly", day, "失业日期")

    def refuse(reason: str) -> BenefitResult:
        return BenefitResult(
            benefit=TEMP_ALLOWANCE, eligible=False, rule_day=day, reason=reason, policy=p.cites()
        )

    if not inp.migrant_worker:
        return refuse("非农民工,不适用临时生活补助")
    if not inp.still_unemployed:
        return refuse("已重新就业,不符合临时生活补助条件")
    n = inp.province_months
    if n <= 0:
        return refuse("未在省内参加失业保险(可按规定纳入低保、救助范围)")
    if n >= below:
        return refuse(f"省内参保 {n} 个月,已满 {below} 个月,不属于参保不满1年的失业农民工")
    return BenefitResult(
        benefit=TEMP_ALLOWANCE,
        eligible=True,
        rule_day=day,
        monthly_amount=monthly,
        months=months,
        reason=(
            f"失业农民工,省内参保 {n} 个月(不满 {below} 个月);"
            f"失业日期 {day.isoformat()} 在实施期内,发放 {months} 个月,每月 {_num(monthly)} 元"
        ),
        policy=p.cites(),
    )


def assess(inp: BenefitInput) -> list[BenefitResult]:
    """All three benefits for one person, in a fixed order."""
    return [ui_benefit(inp), unemployment_subsidy(inp), temporary_allowance(inp)]


def assess_dict(inp: BenefitInput) -> dict[str, Any]:
    """The JSON form printed by ``wenjiuye calc benefits`` and stored on a decision."""
    results = assess(inp)
    return {
        "input": inp.as_dict(),
        "benefits": [r.as_dict() for r in results],
        "total": _num(sum((r.total for r in results), Decimal(0))),
    }
