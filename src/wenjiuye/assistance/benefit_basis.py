"""The benefits engine's input for a case, taken from the data held (U3): contribution months from
the social-insurance contributions, the separation's date and reason from the employment filings
and the unemployment registration, the months already drawn from the benefit payments, each with
the sentence that shows where it came from (its evidence).

Rules of reading (each is said in the evidence when it applies):

- the separation is the last 解除终止 filing on or before the registration day; without one the
  registration day stands in for the separation day;
- the reason (the filing's, else the registration's) is classed by the names listed in the
  policy parameters ``ui.separation.involuntary_reasons`` / ``ui.separation.own_account_reasons``;
  a name in neither is not classed (a fact the officer supplies when it matters, i.e. with at
  least the UI benefit's minimum contributions);
- contribution months are the months with a paid contribution up to the separation month; after
  an earlier UI benefit spell they count again from the month after it (《失业保险条例》 art. 17:
  缴费时间重新计算); months only in arrears are not counted (art. 14: 已履行缴费义务);
- the payments of this unemployment are those from the separation month on; UI months drawn are
  their months of ``ui_benefit`` (when the payments the lake holds begin after this unemployment
  did, and the person was paid from their first month, the months since the separation month);
  every entitled month drawn means the UI benefit ran out at the end of the last one;
- contributions the lake does not hold (before its first month) may exist: when the fund has paid
  the UI benefit, the months it paid show the art. 17 band reached, and a smaller count is raised
  to that band's minimum (and an unclassed reason taken as involuntary, art. 14); without such
  payments a count that starts in the lake's first month is flagged as possibly short;
- re-employment is the earliest of: the registration ended (注销), a hire filing, a paid
  contribution of a month after the separation's, the ledger's employment day. It ends what the
  decision makes due (the engine judges the unemployment from its start).

Every rule said here shows in the evidence or the warnings when it applies; the officer confirms
or corrects (``assistance.decisions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenjiuye.assistance.benefit_records import (
    CONTRIBUTIONS,
    FILINGS,
    PAYMENTS,
    REGISTRATIONS,
    Records,
    records_read,
    source_name,
)
from wenjiuye.assistance.benefits import (
    INVOLUNTARY,
    LABELS,
    OWN_ACCOUNT,
    SEPARATION_REASONS,
    UI_BENEFIT,
    BenefitInput,
    ui_entitled_months,
    ui_months_imply,
)
from wenjiuye.assistance.models import Case, Source
from wenjiuye.assistance.payments import month_text, yuan
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.periods import period_end, period_of, period_to_index
from wenjiuye.core.policy import Policy
from wenjiuye.intake.models import UnemploymentRegistration
from wenjiuye.registry.models import Enterprise

#: the engine's input fields an officer confirms or corrects, with their names on the page
FIELDS: dict[str, Any] = {
    "contribution_months": gettext_lazy("累计缴费月数"),
    "separation_date": gettext_lazy("失业日期(劳动关系解除、终止日期)"),
    "separation_reason": gettext_lazy("离职原因"),
    "registered": gettext_lazy("已办理失业登记"),
    "seeking_work": gettext_lazy("有求职要求"),
    "ui_months_drawn": gettext_lazy("本次失业已领失业保险金月数"),
    "ui_expired": gettext_lazy("失业保险金已领取期满"),
    "ui_expired_on": gettext_lazy("失业保险金期满日期"),
    "prior_unclaimed_months": gettext_lazy("前次失业应领未领月数"),
    "migrant_worker": gettext_lazy("农民工"),
    "contribution_months_province": gettext_lazy("省内参保月数"),
    "reemployed_on": gettext_lazy("重新就业日期"),
}
#: facts of :data:`FIELDS` that are not the engine's input (they end what a decision makes due)
NOT_ENGINE = frozenset({"reemployed_on"})
LEDGER = gettext_lazy("帮扶台账")
REGISTERED_SOURCES = {Source.REGISTRATION, Source.ONLINE, Source.BENEFIT_PAYMENT}


@dataclass(frozen=True)
class Evidence:
    field: str  # the input field it supports ("" for a general remark)
    text: str
    source: str


@dataclass(frozen=True)
class PaidSpan:
    """The payments of one benefit kind in this unemployment."""

    kind: str
    periods: tuple[str, ...]
    total: Decimal

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)

    @property
    def months(self) -> int:
        return len(self.periods)


@dataclass
class Basis:
    """What the data says the engine's input is, and why."""

    on: date
    registered_on: date
    values: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # input fields the data cannot give
    #: fields the data does not give but on which nothing depends: a neutral value stands in
    assumed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    policy: list[dict[str, Any]] = field(default_factory=list)
    paid: list[PaidSpan] = field(default_factory=list)
    spell_from: str = ""

    @property
    def reemployed_on(self) -> date | None:
        value = self.values.get("reemployed_on")
        return value if isinstance(value, date) else None

    def input(self, **overrides: Any) -> BenefitInput:
        values = {k: v for k, v in self.values.items() if k not in NOT_ENGINE}
        return BenefitInput(**{**values, **overrides})

    def json_values(self) -> dict[str, Any]:
        return {k: _json(v) for k, v in self.values.items()}

    def as_dict(self) -> dict[str, Any]:
        """The form kept on a decision (``BenefitDecision.basis``)."""
        return {
            "on": self.on.isoformat(),
            "registered_on": self.registered_on.isoformat(),
            "values": self.json_values(),
            "evidence": [
                {"field": e.field, "text": e.text, "source": e.source} for e in self.evidence
            ],
            "missing": list(self.missing),
            "assumed": list(self.assumed),
            "warnings": list(self.warnings),
            "policy": self.policy,
            "paid": [
                {"kind": s.kind, "periods": list(s.periods), "total": str(s.total)}
                for s in self.paid
            ],
            "spell_from": self.spell_from,
        }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _span(periods: list[str]) -> str:
    return f"{month_text(periods[0])} 至 {month_text(periods[-1])}"


def _enterprise_name(uscc: str) -> str:
    found = Enterprise.objects.filter(uscc=uscc).values_list("name", flat=True).first()
    return found or _("统一社会信用代码 %(uscc)s 的单位") % {"uscc": uscc}


def _reason_lists(p: Policy) -> tuple[list[str], list[str]] | None:
    try:
        return (
            [str(x) for x in p("ui.separation.involuntary_reasons")],
            [str(x) for x in p("ui.separation.own_account_reasons")],
        )
    except PolicyNotInForce:
        return None


def _qualifying_months(on: date) -> int | None:
    try:
        return int(Policy(on)("ui.benefit.min_contribution_years")) * 12
    except PolicyNotInForce:
        return None


class _Reader:
    """Builds one :class:`Basis` (a class only to share the evidence list among the steps)."""

    def __init__(self, case: Case, rec: Records, on: date) -> None:
        self.case, self.rec, self.on = case, rec, on
        self.evidence: list[Evidence] = []
        self.warnings: list[str] = []
        self.missing: list[str] = []
        self.assumed: list[str] = []
        self.values: dict[str, Any] = {"on": on}
        self.reg: UnemploymentRegistration | None = None
        self.reason_text = self.reason_source = ""
        self.policy: list[dict[str, Any]] = []

    def say(self, name: str, text: Any, source: Any) -> None:
        self.evidence.append(Evidence(name, str(text), str(source)))

    def registration(self) -> date:
        regs = [r for r in self.rec.registrations if r.registered_on <= self.on]
        reg = regs[-1] if regs else None
        self.reg = reg
        codes = set(self.case.source_codes())
        if reg is not None:
            day = reg.registered_on
            self.say(
                "registered",
                _("%(day)s 办理失业登记") % {"day": day.isoformat()},
                source_name(REGISTRATIONS),
            )
            self.values["registered"] = True
        else:
            day = self.case.registered_on
            self.values["registered"] = bool(codes & REGISTERED_SOURCES)
            labels = "、".join(s["label"] for s in self.case.sources_display()) or _("无")
            text = (
                _("登记日期 %(day)s(台账来源:%(sources)s)")
                if self.values["registered"]
                else _("未找到失业登记记录(台账来源:%(sources)s)")
            )
            self.say("registered", text % {"day": day.isoformat(), "sources": labels}, LEDGER)
        return day

    def separation(self, registered_on: date) -> None:
        filings = [f for f in self.rec.filings if f.on <= registered_on]
        seps = [f for f in filings if f.kind == "separation"]
        sep = seps[-1] if seps else None
        reason_text, reason_source = "", ""
        if sep is not None:
            name = _enterprise_name(sep.uscc)
            self.values["separation_date"] = sep.on
            self.say(
                "separation_date",
                _("%(day)s 与%(employer)s解除或终止劳动关系") % {"day": sep.on, "employer": name},
                source_name(FILINGS),
            )
            later_hire = [f for f in filings if f.kind == "hire" and f.on > sep.on]
            if later_hire:
                self.warnings.append(
                    _(
                        "%(day)s 解除终止备案之后,%(hire)s 又有录用备案,其后未见解除终止备案,请核对失业日期"
                    )
                    % {"day": sep.on, "hire": later_hire[-1].on}
                )
            reason_text, reason_source = sep.reason, source_name(FILINGS)
        else:
            self.values["separation_date"] = registered_on
            since = self.rec.filings_from
            self.say(
                "separation_date",
                _("用工备案中无此人解除终止记录%(since)s,失业日期按失业登记日期 %(day)s 计")
                % {
                    "since": _("(备案数据自 %(m)s 起)") % {"m": month_text(since)} if since else "",
                    "day": registered_on,
                },
                source_name(FILINGS),
            )
        if not reason_text and self.reg is not None and self.reg.reason:
            reason_text, reason_source = self.reg.reason, source_name(REGISTRATIONS)
        self.reason_text, self.reason_source = reason_text, reason_source
        self.values["separation_reason"] = None
        p = Policy(self.on)
        lists = _reason_lists(p)
        self.policy = p.cites()
        if lists is None or not reason_text:
            return
        key = reason_text.replace(" ", "").replace("\u3000", "")
        if key in lists[0]:
            self.values["separation_reason"] = INVOLUNTARY
        elif key in lists[1]:
            self.values["separation_reason"] = OWN_ACCOUNT

    def spell(self) -> str:
        return period_of(self.values["separation_date"])

    def contributions(self, spell_from: str, prior_last: str | None) -> bool:
        """Counts the contribution months; returns whether the count may be short."""
        if self.rec.contributions_from is None:
            self.values["contribution_months"] = None
            self.missing.append("contribution_months")
            self.say("contribution_months", _("社保缴费数据未载入"), source_name(CONTRIBUTIONS))
            return False
        paid = {c.period for c in self.rec.contributions if c.status == "paid"}
        arrears = {c.period for c in self.rec.contributions if c.status == "arrears"} - paid
        lower = prior_last or "000000"
        counted = sorted(p for p in paid if lower < p <= spell_from)
        owed = sorted(p for p in arrears if lower < p <= spell_from)
        n = len(counted)
        self.values["contribution_months"] = n
        if counted:
            gap = period_to_index(counted[-1]) - period_to_index(counted[0]) + 1 - n
            text = _("缴费 %(n)d 个月(%(span)s)") % {"n": n, "span": _span(counted)}
            if gap:
                text += _(",其间 %(gap)d 个月无缴费") % {"gap": gap}
        else:
            text = _("截至 %(m)s 无缴费记录") % {"m": month_text(spell_from)}
        if owed:
            text += _(";欠缴 %(n)d 个月未计入") % {"n": len(owed)}
        if prior_last:
            text += _(";前次领取失业保险金至 %(m)s,缴费时间自次月起重新计算") % {
                "m": month_text(prior_last)
            }
        self.say("contribution_months", text, source_name(CONTRIBUTIONS))
        since = self.rec.contributions_from
        return lower < since and (not counted or counted[0] == since)

    def payments(self, spell_from: str) -> tuple[list[PaidSpan], str | None]:
        by_kind: dict[str, list[str]] = {}
        totals: dict[str, Decimal] = {}
        prior: list[str] = []
        for pay in self.rec.payments:
            if pay.period < spell_from:
                if pay.kind == UI_BENEFIT:
                    prior.append(pay.period)
                continue
            by_kind.setdefault(pay.kind, [])
            if pay.period not in by_kind[pay.kind]:
                by_kind[pay.kind].append(pay.period)
            totals[pay.kind] = totals.get(pay.kind, Decimal(0)) + pay.amount
        spans = [
            PaidSpan(kind, tuple(sorted(periods)), totals[kind])
            for kind, periods in sorted(by_kind.items())
        ]
        for s in spans:
            self.say(
                "ui_months_drawn" if s.kind == UI_BENEFIT else "",
                _("已发放%(label)s %(n)d 个月(%(span)s,共 %(total)s)")
                % {
                    "label": s.label,
                    "n": s.months,
                    "span": _span(list(s.periods)),
                    "total": yuan(s.total),
                },
                source_name(PAYMENTS),
            )
        if not spans:
            since = self.rec.payments_from
            self.say(
                "ui_months_drawn",
                _("本次失业(%(m)s 起)无待遇发放记录%(since)s")
                % {
                    "m": month_text(spell_from),
                    "since": _("(发放数据自 %(m)s 起)") % {"m": month_text(since)} if since else "",
                },
                source_name(PAYMENTS),
            )
        if prior:
            self.warnings.append(
                _(
                    "前次失业已领取失业保险金 %(n)d 个月(%(span)s);前次应领未领月数数据未载明,按 0 计,如有请更正"
                )
                % {"n": len(set(prior)), "span": _span(sorted(set(prior)))}
            )
        return spans, (max(prior) if prior else None)


def case_basis(
    case: Case, *, on: date, records: Records | None = None, root: str | Path | None = None
) -> Basis:
    """The engine's input for ``case`` on ``on`` from the data held, with its evidence."""
    pid = case.person.id_number
    rec = records if records is not None else records_read([pid], root=root)[pid]
    r = _Reader(case, rec, on)
    registered_on = r.registration()
    r.separation(registered_on)
    spell_from = r.spell()
    spans, prior_last = r.payments(spell_from)
    short = r.contributions(spell_from, prior_last)
    ui = next((s for s in spans if s.kind == UI_BENEFIT), None)
    drawn = ui.months if ui else 0
    since_paid = rec.payments_from
    if ui is not None and since_paid and spell_from < since_paid and ui.periods[0] == since_paid:
        # paid since the first month the lake holds, unemployed since before: the months before
        # the data were (most likely) drawn too, counted from the month after the separation's
        elapsed = period_to_index(ui.periods[-1]) - period_to_index(spell_from)
        if elapsed > drawn:
            drawn = elapsed
            r.say(
                "ui_months_drawn",
                _(
                    "发放数据自 %(since)s 起载入,此前的发放未载入;自 %(spell)s 失业起至 %(last)s,"
                    "按已领 %(n)d 个月计(请核对)"
                )
                % {
                    "since": month_text(since_paid),
                    "spell": month_text(spell_from),
                    "last": month_text(ui.periods[-1]),
                    "n": drawn,
                },
                source_name(PAYMENTS),
            )
    r.values["ui_months_drawn"] = drawn
    n = r.values["contribution_months"]
    since = rec.contributions_from
    earlier = since is not None and (prior_last or "000000") < since  # months before the data?
    implied = ui_months_imply(drawn, on=on) if drawn and earlier and n is not None else None
    if n is not None and implied is not None and implied[0] > n:
        r.values["contribution_months"] = n = implied[0]
        r.say(
            "contribution_months",
            _(
                "缴费数据自 %(since)s 起载入,此前的缴费未载入;已领失业保险金 %(drawn)d 个月,"
                "按《失业保险条例》第十七条累计缴费至少满 %(years)s 年,按 %(n)d 个月计(请核对)"
            )
            % {
                "since": month_text(since or ""),
                "drawn": drawn,
                "years": implied[1]["min_years"],
                "n": n,
            },
            source_name(PAYMENTS),
        )
    elif short:
        r.warnings.append(
            _("社保缴费数据自 %(since)s 起载入,此前的缴费未计入,累计缴费月数可能更多,请核对")
            % {"since": month_text(since or "")}
        )
    _reason(r, drawn, n)
    _expiry(r, ui, n)
    _reemployment(r, spell_from)
    # the engine judges this unemployment from its start; re-employment ends what it makes due
    r.values["still_unemployed"] = True
    r.values["seeking_work"] = True
    r.say(
        "seeking_work",
        _("求职意向:%(job)s") % {"job": case.desired_job}
        if case.desired_job
        else _("在帮扶台账中,按有求职要求计"),
        LEDGER,
    )
    r.values["migrant_worker"] = False
    r.say("migrant_worker", _("数据未载明是否农民工,按否计;如是请更正"), LEDGER)
    r.values["contribution_months_province"] = None
    r.values["prior_unclaimed_months"] = 0
    return Basis(
        on=on,
        registered_on=registered_on,
        values=r.values,
        evidence=r.evidence,
        missing=r.missing,
        assumed=r.assumed,
        warnings=r.warnings,
        policy=r.policy,
        paid=spans,
        spell_from=spell_from,
    )


def _reason(r: _Reader, drawn: int, n: int | None) -> None:
    text = r.reason_text or _("数据未载明")
    code = r.values["separation_reason"]
    source = r.reason_source or source_name(FILINGS)
    if code is not None:
        r.say(
            "separation_reason",
            _("离职原因:%(text)s,属%(label)s") % {"text": text, "label": SEPARATION_REASONS[code]},
            source,
        )
        if code == OWN_ACCOUNT and drawn:
            r.warnings.append(
                _("数据所载离职原因属%(label)s,但已领取失业保险金,请核对离职原因")
                % {"label": SEPARATION_REASONS[OWN_ACCOUNT]}
            )
        return
    if drawn:
        r.values["separation_reason"] = INVOLUNTARY
        r.say(
            "separation_reason",
            _("离职原因:%(text)s;已领取失业保险金,按%(label)s计(《失业保险条例》第十四条)")
            % {"text": text, "label": SEPARATION_REASONS[INVOLUNTARY]},
            source_name(PAYMENTS),
        )
        return
    minimum = _qualifying_months(r.on)
    if n is not None and minimum is not None and n < minimum:
        # below the UI benefit's minimum the reason changes nothing: neither benefit depends on it
        r.values["separation_reason"] = INVOLUNTARY
        r.assumed.append("separation_reason")
        r.say(
            "separation_reason",
            _("离职原因:%(text)s,未能认定;缴费不满 %(years)d 年,不影响核定结果")
            % {"text": text, "years": minimum // 12},
            source,
        )
        return
    r.missing.append("separation_reason")
    r.say(
        "separation_reason",
        _("离职原因:%(text)s,不在政策参数所列的原因名称中,须由经办人认定") % {"text": text},
        source,
    )


def _reemployment(r: _Reader, spell_from: str) -> None:
    """The earliest sign of work after the separation: the registration ended (注销), a hire
    filing, a paid contribution of a later month, or the ledger's employment day."""
    sep: date = r.values["separation_date"]
    signs: list[tuple[date, str, str]] = []
    if r.reg is not None and r.reg.ended_on is not None and r.reg.ended_on >= sep:
        signs.append(
            (
                r.reg.ended_on,
                _("%(day)s 注销失业登记(%(why)s)")
                % {"day": r.reg.ended_on, "why": r.reg.end_reason or _("原因未载明")},
                source_name(REGISTRATIONS),
            )
        )
    hires = [f for f in r.rec.filings if f.kind == "hire" and f.on > sep]
    if hires:
        signs.append(
            (
                hires[0].on,
                _("%(day)s 被%(employer)s录用")
                % {"day": hires[0].on, "employer": _enterprise_name(hires[0].uscc)},
                source_name(FILINGS),
            )
        )
    later = sorted(
        c.period for c in r.rec.contributions if c.status == "paid" and c.period > spell_from
    )
    if later:
        first = date(int(later[0][:4]), int(later[0][4:]), 1)
        signs.append(
            (
                first,
                _("%(m)s 起重新缴纳社会保险") % {"m": month_text(later[0])},
                source_name(CONTRIBUTIONS),
            )
        )
    employed = r.case.employed_on
    if employed is not None and employed >= sep:
        signs.append((employed, _("%(day)s 就业(台账状态变更)") % {"day": employed}, str(LEDGER)))
    if not signs:
        r.values["reemployed_on"] = None
        r.say(
            "reemployed_on",
            _("未见重新就业记录(台账状态:%(s)s)") % {"s": r.case.get_status_display()},
            LEDGER,
        )
        return
    signs.sort(key=lambda x: x[0])
    r.values["reemployed_on"] = signs[0][0]
    for _day, text, source in signs:
        r.say("reemployed_on", text, source)


def _expiry(r: _Reader, ui: PaidSpan | None, n: int | None) -> None:
    r.values["ui_expired"] = False
    r.values["ui_expired_on"] = None
    if ui is None or n is None or r.values["separation_reason"] != INVOLUNTARY:
        return
    try:
        entitled = ui_entitled_months(
            BenefitInput(on=r.on, contribution_months=n, separation_reason=INVOLUNTARY)
        )
    except PolicyNotInForce:
        return
    drawn = int(r.values["ui_months_drawn"])
    if entitled and drawn >= entitled:
        end = period_end(ui.periods[-1])
        r.values["ui_expired"] = True
        r.values["ui_expired_on"] = end
        r.say(
            "ui_expired",
            _("失业保险金应领 %(n)d 个月已领满,%(day)s 期满") % {"n": entitled, "day": end},
            source_name(PAYMENTS),
        )
        if drawn > entitled:
            r.warnings.append(
                _(
                    "已领失业保险金 %(drawn)d 个月,多于按累计缴费月数应领的 %(n)d 个月,请核对累计缴费月数"
                )
                % {"drawn": drawn, "n": entitled}
            )
