"""Output 3, ``enterprise_flags``: the nine M7 key-concern rules per employer × month.

Every rule has one shape: the rows where it fires (an employer and a month, with the rule's
figures), a warning level, the people concerned, the evidence and the reason text of each row,
and the thresholds it reads. :data:`ENTERPRISE_RULES` lists them; one loop makes their flags.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.enterprise_month import EnterpriseMonth
from wenjiuye.monitoring.ibis_helpers import (
    add_days,
    at_least,
    int_lit,
    level_by,
    period_index,
    period_label,
    ratio,
)
from wenjiuye.monitoring.reasons import concat, json_object, pct, pct_text, show

HEADCOUNT_BASE = 100_000_000  # (month, headcount) packed as month * BASE + headcount


@dataclass(frozen=True)
class Fired:
    """Where a rule fired (``rows``: uscc, pidx and its figures) and what each row says."""

    rows: ir.Table
    level: ir.IntegerValue
    people: ir.IntegerValue
    evidence: Mapping[str, Any]
    reason: ir.StringValue


@dataclass(frozen=True)
class EnterpriseRule:
    code: str
    fires: Callable[[EnterpriseRules], Fired]
    params: tuple[str, ...]  # the thresholds it reads, recorded with each flag


class EnterpriseRules(EnterpriseMonth):
    """The enterprise rules over ``enterprise_month``, labour cases, events and operations."""

    def _layoff(self) -> Fired:
        p = self.params
        k = p.layoff_rolling_months
        em = self._em
        dec = em.prev_headcount - em.headcount
        dec_k = em.headcount_k_before - em.headcount

        def meets(d: ir.IntegerValue, base: ir.IntegerValue) -> ir.BooleanValue:
            by_people = d >= p.layoff_min_people
            by_share = (d >= p.layoff_small_firm_min_people) & at_least(
                ratio(d, base), p.layoff_min_share
            )
            return (by_people | by_share).fill_null(False)

        t = em.mutate(dec=dec, dec_k=dec_k)
        t = t.mutate(monthly=meets(t.dec, t.prev_headcount))
        t = t.mutate(rolling=meets(t.dec_k, t.headcount_k_before) & (t.dec > 0).fill_null(False))
        t = t.filter(t.monthly | t.rolling)
        people = ibis.cases(
            (t.monthly & t.rolling, ibis.greatest(t.dec, t.dec_k)),
            (t.monthly, t.dec),
            else_=t.dec_k,
        )
        t = t.mutate(people=people)
        level = ibis.cases(
            (t.people >= p.level_layoff_red_min_people, int_lit(1)),
            (t.people >= p.level_layoff_orange_min_people, int_lit(2)),
            (t.people >= p.layoff_min_people, int_lit(3)),
            else_=int_lit(4),
        )
        monthly_text = concat(
            "参保人数较上月净减少",
            show(t.dec),
            "人(上月",
            show(t.prev_headcount),
            "人,本月",
            show(t.headcount),
            "人,减幅",
            pct(t.dec, t.prev_headcount),
            "%)",
        )
        rolling_text = concat(
            f"近{k}个月参保人数净减少",
            show(t.dec_k),
            f"人({k}个月前",
            show(t.headcount_k_before),
            "人,本月",
            show(t.headcount),
            "人,减幅",
            pct(t.dec_k, t.headcount_k_before),
            "%)",
        )
        rule_text = (
            f",达到疑似规模裁员标准(净减少≥{p.layoff_min_people}人,或减幅≥"
            f"{pct_text(p.layoff_min_share)}且≥{p.layoff_small_firm_min_people}人)"
        )
        reason = concat(
            ibis.cases(
                (t.monthly & t.rolling, concat(monthly_text, ";", rolling_text)),
                (t.monthly, monthly_text),
                else_=rolling_text,
            ),
            rule_text,
        )
        basis = ibis.cases(
            (t.monthly & t.rolling, ibis.literal("monthly+rolling")),
            (t.monthly, ibis.literal("monthly")),
            else_=ibis.literal("rolling"),
        )
        return Fired(
            t,
            level=level,
            people=t.people,
            evidence={
                "basis": basis,
                "prev_headcount": t.prev_headcount,
                "headcount": t.headcount,
                "decrease": t.dec,
                "share": ratio(t.dec, t.prev_headcount),
                "rolling_months": k,
                "headcount_k_before": t.headcount_k_before,
                "decrease_k": t.dec_k,
                "share_k": ratio(t.dec_k, t.headcount_k_before),
                "joiners": t.joiners,
                "leavers": t.leavers,
            },
            reason=reason,
        )

    def _si_arrears(self) -> Fired:
        p = self.params
        em = self._em
        ar = em.filter(em.arrears_persons > 0)
        w = ibis.window(group_by=ar.uscc, order_by=ar.pidx)
        ar = ar.mutate(_grp=ar.pidx - ibis.row_number().over(w))
        w2 = ibis.window(group_by=[ar.uscc, ar._grp], order_by=ar.pidx)
        ar = ar.mutate(streak=ibis.row_number().over(w2) + 1)
        by_share = (ar.arrears_persons >= p.arrears_min_people) & at_least(
            ratio(ar.arrears_persons, ar.headcount), p.arrears_min_share
        )
        by_streak = ar.streak >= p.arrears_consecutive_months
        t = ar.mutate(by_share=by_share.fill_null(False), by_streak=by_streak.fill_null(False))
        t = t.filter(t.by_share | t.by_streak)
        share_text = concat(
            "本月欠缴人数",
            show(t.arrears_persons),
            "人,占参保人数",
            show(t.headcount),
            "人的",
            pct(t.arrears_persons, t.headcount),
            "%",
        )
        streak_text = concat("已连续", show(t.streak), "个月存在欠缴")
        reason = concat(
            ibis.cases(
                (t.by_share & t.by_streak, concat(share_text, ",且", streak_text)),
                (t.by_share, share_text),
                else_=concat(streak_text, "(本月欠缴", show(t.arrears_persons), "人)"),
            ),
            f",列入欠保风险(标准:欠缴占比≥{pct_text(p.arrears_min_share)}且≥"
            f"{p.arrears_min_people}人,或连续≥{p.arrears_consecutive_months}个月欠缴)",
        )
        return Fired(
            t,
            level=int_lit(p.level_si_arrears),
            people=t.arrears_persons,
            evidence={
                "arrears_persons": t.arrears_persons,
                "headcount": t.headcount,
                "share": ratio(t.arrears_persons, t.headcount),
                "consecutive_months": t.streak,
                "by_share": t.by_share,
                "by_consecutive_months": t.by_streak,
            },
            reason=reason,
        )

    def _si_break(self) -> Fired:
        p = self.params
        em = self._em
        t = em.filter(
            (em.prev_headcount >= p.si_break_min_insured)
            & (em.prev_paid_persons > 0)
            & (em.paid_persons == 0)
        )
        reason = concat(
            "上月参保",
            show(t.prev_headcount),
            "人,本月无人正常缴费(本月缴费记录",
            show(t.headcount),
            "人,其中欠缴",
            show(t.arrears_persons),
            "人),疑似断保",
            f"(标准:上月参保≥{p.si_break_min_insured}人且本月无人正常缴费)",
        )
        return Fired(
            t,
            level=level_by(
                t.prev_headcount,
                p.level_headcount_red_min_people,
                p.level_headcount_orange_min_people,
            ),
            people=t.prev_headcount,
            evidence={
                "prev_headcount": t.prev_headcount,
                "prev_paid_persons": t.prev_paid_persons,
                "headcount": t.headcount,
                "paid_persons": t.paid_persons,
                "arrears_persons": t.arrears_persons,
            },
            reason=reason,
        )

    def _cases_in_window(self, kinds: Sequence[str] | None, days: int) -> ir.Table:
        """Labour cases filed 0..``days`` days before each calendar month's end, per uscc × month."""
        cases = self.inputs["labour_cases"]
        cases = cases.filter(cases.filed_on.notnull() & cases.uscc.notnull())
        if kinds is not None:
            cases = cases.filter(cases.kind.isin(list(kinds)))
        cal = self.calendar.select(_c_pidx="pidx", _c_end="month_end")
        j = cases.join(
            cal,
            (cases.filed_on <= cal._c_end) & (cases.filed_on >= add_days(cal._c_end, -days)),
        )
        return j.group_by(["uscc", j._c_pidx.name("pidx")]).agg(
            n_cases=j.case_id.nunique(),
            people_total=j.people.fill_null(0).sum(),
            people_max=j.people.fill_null(0).max(),
            first_filed=j.filed_on.min(),
            last_filed=j.filed_on.max(),
            n_wage_arrears=j.case_id.nunique(where=j.kind == "wage_arrears"),
            n_dispute=j.case_id.nunique(where=j.kind == "dispute"),
            n_complaint=j.case_id.nunique(where=j.kind == "complaint"),
            n_petition=j.case_id.nunique(where=j.kind == "petition"),
        )

    def _wage_arrears(self) -> Fired:
        p = self.params
        t = self._cases_in_window(["wage_arrears"], p.case_lookback_days)
        reason = concat(
            f"月末前{p.case_lookback_days}天内有欠薪案件",
            show(t.n_cases),
            "件,共涉及",
            show(t.people_total),
            "人(单件最多",
            show(t.people_max),
            "人,最近一件立案于",
            show(t.last_filed),
            ")",
        )
        return Fired(
            t,
            level=level_by(
                t.people_max,
                p.level_wage_arrears_red_min_people,
                p.level_wage_arrears_orange_min_people,
            ),
            people=t.people_max,
            evidence={
                "cases": t.n_cases,
                "people_total": t.people_total,
                "people_max": t.people_max,
                "first_filed_on": t.first_filed,
                "last_filed_on": t.last_filed,
            },
            reason=reason,
        )

    def _frequent_disputes(self) -> Fired:
        p = self.params
        t = self._cases_in_window(None, p.frequent_disputes_window_days)
        t = t.filter(t.n_cases >= p.frequent_disputes_min_cases)
        reason = concat(
            f"月末前{p.frequent_disputes_window_days}天内有劳动案件",
            show(t.n_cases),
            "件(欠薪",
            show(t.n_wage_arrears),
            "件,劳动争议",
            show(t.n_dispute),
            "件,投诉举报",
            show(t.n_complaint),
            "件,信访",
            show(t.n_petition),
            "件),涉及",
            show(t.people_total),
            f"人,达到劳动争议频发标准(≥{p.frequent_disputes_min_cases}件)",
        )
        return Fired(
            t,
            level=int_lit(p.level_frequent_disputes),
            people=t.people_total,
            evidence={
                "cases": t.n_cases,
                "wage_arrears": t.n_wage_arrears,
                "dispute": t.n_dispute,
                "complaint": t.n_complaint,
                "petition": t.n_petition,
                "people_total": t.people_total,
                "first_filed_on": t.first_filed,
                "last_filed_on": t.last_filed,
            },
            reason=reason,
        )

    def _with_headcount(self, t: ir.Table) -> ir.Table:
        """Add ``people``: the employer's last known positive insured headcount at or before the
        month (a stopped or bankrupt firm may have stopped contributing), else the registry's
        ``employees``, else 0."""
        em = self._em.filter(lambda x: x.headcount > 0)
        em = em.select(_h_uscc="uscc", _h_pidx="pidx", _h_head="headcount")
        keys = t.select(_k_uscc=t.uscc, _k_pidx=t.pidx).distinct()
        j = keys.join(em, (keys._k_uscc == em._h_uscc) & (em._h_pidx <= keys._k_pidx))
        # latest month first: pack (month, headcount) into one sortable integer
        last = j.group_by(["_k_uscc", "_k_pidx"]).agg(
            _key=(j._h_pidx * HEADCOUNT_BASE + j._h_head).max()
        )
        t = t.left_join(last, (t.uscc == last._k_uscc) & (t.pidx == last._k_pidx))
        ent = self.enterprises.select(_x_uscc="uscc", _x_emp="employees")
        t = t.left_join(ent, t.uscc == ent._x_uscc)
        people = (t._key % HEADCOUNT_BASE).fill_null(t._x_emp).fill_null(0)
        return t.mutate(people=people.cast("int64")).drop(
            "_k_uscc", "_k_pidx", "_key", "_x_uscc", "_x_emp"
        )

    def _stoppage(self) -> Fired:
        p = self.params
        ev = self.inputs["enterprise_events"]
        ev = ev.filter(ev.kind.isin(["stoppage", "resumed"]) & ev.date.notnull())
        cal = self.calendar.select(_c_pidx="pidx", _c_end="month_end")
        j = ev.join(cal, ev.date <= cal._c_end)
        t = j.group_by(["uscc", j._c_pidx.name("pidx")]).agg(
            last_stoppage=j.date.max(where=j.kind == "stoppage"),
            last_resumed=j.date.max(where=j.kind == "resumed"),
        )
        t = t.filter(
            t.last_stoppage.notnull()
            & (t.last_resumed.isnull() | (t.last_stoppage > t.last_resumed))
        )
        t = self._with_headcount(t)
        reason = concat(
            show(t.last_stoppage),
            "报告停产停工,截至月末未报告复工复产(涉及参保职工",
            show(t.people),
            "人)",
        )
        return Fired(
            t,
            level=level_by(
                t.people, p.level_headcount_red_min_people, p.level_headcount_orange_min_people
            ),
            people=t.people,
            evidence={
                "stoppage_on": t.last_stoppage,
                "last_resumed_on": t.last_resumed,
                "people": t.people,
            },
            reason=reason,
        )

    def _bankruptcy(self) -> Fired:
        p = self.params
        ev = self.inputs["enterprise_events"]
        ev = ev.filter((ev.kind == "bankruptcy") & ev.date.notnull())
        cal = self.calendar.select(_c_pidx="pidx", _c_end="month_end")
        j = ev.join(
            cal,
            (ev.date <= cal._c_end)
            & (ev.date >= add_days(cal._c_end, -p.bankruptcy_lookback_days)),
        )
        t = j.group_by(["uscc", j._c_pidx.name("pidx")]).agg(bankruptcy_on=j.date.max())
        t = self._with_headcount(t)
        reason = concat(
            show(t.bankruptcy_on),
            "报告破产(涉及参保职工",
            show(t.people),
            "人)",
        )
        return Fired(
            t,
            level=level_by(
                t.people, p.level_headcount_red_min_people, p.level_headcount_orange_min_people
            ),
            people=t.people,
            evidence={"bankruptcy_on": t.bankruptcy_on, "people": t.people},
            reason=reason,
        )

    def _operations_drop(self, column: str, share: float, label: str) -> Fired:
        p = self.params
        ops = self.inputs["enterprise_operations"]
        ops = ops.mutate(pidx=period_index(ops.period))
        ops = ops.group_by(["uscc", "pidx"]).agg(value=ops[column].sum())
        before = ops.select(_y_uscc="uscc", _y_pidx=ops.pidx + 12, year_before=ops.value)
        t = ops.join(before, (ops.uscc == before._y_uscc) & (ops.pidx == before._y_pidx))
        t = t.filter(t.value.notnull() & t.year_before.notnull() & (t.year_before > 0))
        t = t.mutate(drop_share=ratio(t.year_before - t.value, t.year_before))
        t = t.filter(at_least(t.drop_share, share))
        t = self._with_calendar(t.drop("_y_uscc", "_y_pidx"))
        reason = concat(
            f"本月{label}",
            show(t.value),
            "万元,较上年同期",
            show(t.year_before),
            "万元下降",
            show(t.drop_share * 100),
            f"%(标准:下降≥{pct_text(share)})",
        )
        return Fired(
            t,
            level=int_lit(p.level_operations_drop),
            people=int_lit(0),
            evidence={"value": t.value, "year_before": t.year_before, "drop_share": t.drop_share},
            reason=reason,
        )

    def _output_drop(self) -> Fired:
        return self._operations_drop("output_value", self.params.operations_drop_share, "产值")

    def _export_drop(self) -> Fired:
        return self._operations_drop(
            "export_value", self.params.effective_export_drop_share, "出口额"
        )

    def _flag_rows(self, rule: EnterpriseRule) -> ir.Table:
        fired = rule.fires(self)
        t = fired.rows
        return t.select(
            uscc=t.uscc,
            pidx=t.pidx,
            code=ibis.literal(rule.code),
            level=fired.level.cast("int64"),
            people=fired.people.cast("int64"),
            evidence=json_object(fired.evidence),
            reason_zh=fired.reason,
            params=ibis.literal(self.params.to_json(rule.params)),
        )

    @cached_property
    def _enterprise_flags(self) -> ir.Table:
        parts = [self._flag_rows(rule) for rule in ENTERPRISE_RULES]
        out = parts[0]
        for part in parts[1:]:
            out = out.union(part, distinct=False)
        ent = self.enterprises.select(_e_uscc="uscc", region_code="region_code")
        out = out.left_join(ent, out.uscc == ent._e_uscc).drop("_e_uscc")
        return self._materialize("enterprise_flags", out)

    def enterprise_flags(self, period: str | None = None) -> ir.Table:
        """M7 key-concern rules per employer × month (one row per rule that fired)."""
        f = self._enterprise_flags
        out = f.select(
            "uscc",
            period=period_label(f.pidx),
            code=f.code,
            level=f.level,
            region_code=f.region_code,
            people=f.people,
            evidence=f.evidence,
            reason_zh=f.reason_zh,
            params=f.params,
            _pidx=f.pidx,
        )
        return self._finish(out, period, ["uscc", "code"])


_HEADCOUNT_LEVELS = ("level_headcount_red_min_people", "level_headcount_orange_min_people")
ENTERPRISE_RULES: tuple[EnterpriseRule, ...] = (
    EnterpriseRule(
        "layoff_suspected",
        EnterpriseRules._layoff,
        (
            "layoff_min_people",
            "layoff_min_share",
            "layoff_small_firm_min_people",
            "layoff_rolling_months",
            "level_layoff_red_min_people",
            "level_layoff_orange_min_people",
        ),
    ),
    EnterpriseRule(
        "si_arrears",
        EnterpriseRules._si_arrears,
        (
            "arrears_min_share",
            "arrears_min_people",
            "arrears_consecutive_months",
            "level_si_arrears",
        ),
    ),
    EnterpriseRule(
        "si_break", EnterpriseRules._si_break, ("si_break_min_insured", *_HEADCOUNT_LEVELS)
    ),
    EnterpriseRule(
        "wage_arrears",
        EnterpriseRules._wage_arrears,
        (
            "case_lookback_days",
            "level_wage_arrears_red_min_people",
            "level_wage_arrears_orange_min_people",
        ),
    ),
    EnterpriseRule(
        "frequent_disputes",
        EnterpriseRules._frequent_disputes,
        (
            "frequent_disputes_min_cases",
            "frequent_disputes_window_days",
            "level_frequent_disputes",
        ),
    ),
    EnterpriseRule("stoppage", EnterpriseRules._stoppage, _HEADCOUNT_LEVELS),
    EnterpriseRule(
        "bankruptcy",
        EnterpriseRules._bankruptcy,
        ("bankruptcy_lookback_days", *_HEADCOUNT_LEVELS),
    ),
    EnterpriseRule(
        "output_drop",
        EnterpriseRules._output_drop,
        ("operations_drop_share", "level_operations_drop"),
    ),
    EnterpriseRule(
        "export_drop",
        EnterpriseRules._export_drop,
        ("export_drop_share", "level_operations_drop"),
    ),
)
ENTERPRISE_FLAG_CODES = tuple(rule.code for rule in ENTERPRISE_RULES)
