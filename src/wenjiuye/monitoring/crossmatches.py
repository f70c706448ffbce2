"""Output 5, ``crossmatches``: the M4 / U1 person-level cross-matches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.enterprise_rules import EnterpriseRules
from wenjiuye.monitoring.ibis_helpers import (
    FAR_FUTURE,
    add_days,
    add_months,
    as_flag,
    date_index,
    int_lit,
    period_label,
)
from wenjiuye.monitoring.reasons import concat, json_object, show

CROSSMATCH_CODES = (
    "registered_but_contributing",
    "benefit_while_contributing",
    "unregistered_separation",
    "at_risk_worker",
)
BENEFIT_NAMES_ZH = {
    "ui_benefit": "失业保险金",
    "subsidy": "失业补助金",
    "temp_allowance": "临时生活补助",
}


class CrossMatches(EnterpriseRules):
    """Persons whose records contradict each other, or who work where layoffs are suspected."""

    def _crossmatch(
        self,
        t: ir.Table,
        *,
        code: str,
        uscc: ir.StringValue,
        region_code: ir.StringValue,
        evidence: Mapping[str, Any],
        reason: ir.StringValue,
        params: Sequence[str],
    ) -> ir.Table:
        return t.select(
            person_id=t.person_id,
            pidx=t.pidx,
            code=ibis.literal(code),
            uscc=uscc,
            region_code=region_code,
            level=int_lit(self.params.level_crossmatch),
            evidence=json_object(evidence),
            reason_zh=reason,
            params=ibis.literal(self.params.to_json([*params, "level_crossmatch"])),
        )

    def _with_paid(self, t: ir.Table) -> ir.Table:
        """Join ``t`` (person_id, pidx, …) to the month's paid contributions: adds paid_uscc (the
        smallest paying employer) and paid_employers; rows without one are dropped."""
        pe = self.pe.filter(lambda x: x.paid == 1)
        pe = pe.select(_p_person="person_id", _p_pidx="pidx", _p_uscc="uscc")
        j = t.join(pe, (t.person_id == pe._p_person) & (t.pidx == pe._p_pidx))
        return j.group_by(list(t.columns)).agg(
            paid_uscc=j._p_uscc.min(), paid_employers=j._p_uscc.nunique()
        )

    def _focus(self, t: ir.Table) -> ir.Table:
        """Person-level matches of the reported month only (when the engine reports one)."""
        if self._focus_pidx is None:
            return t
        return t.filter(t.pidx == self._month("focus", self._focus_pidx))

    def _registered_but_contributing(self) -> ir.Table:
        regs = self.registrations
        cal = self.calendar.select(
            _c_pidx="pidx", _c_start="month_start", _c_end="month_end", _c_present="present"
        )
        # open for the whole month: registered by its first day, not ended before its last
        j = regs.join(
            cal,
            (regs.registered_on <= cal._c_start)
            & (regs.ended_on.fill_null(ibis.date(FAR_FUTURE)) >= cal._c_end),
        )
        j = j.group_by(["person_id", j._c_pidx.name("pidx")]).agg(
            registered_on=j.registered_on.max(), region_code=j.region_code.max()
        )
        t = self._with_paid(self._focus(j))
        reason = concat(
            "本月处于失业登记状态(",
            show(t.registered_on),
            "登记),同时在",
            t.paid_uscc,
            "有正常缴费的社保记录",
        )
        return self._crossmatch(
            t,
            code="registered_but_contributing",
            uscc=t.paid_uscc,
            region_code=t.region_code,
            evidence={
                "registered_on": t.registered_on,
                "paid_employers": t.paid_employers,
            },
            reason=reason,
            params=[],
        )

    def _benefit_while_contributing(self) -> ir.Table:
        bp = self.payments.filter(lambda t: t.person_id.notnull())
        bp = bp.group_by(["person_id", "pidx"]).agg(
            kind=bp.kind.min(), kinds=bp.kind.nunique(), amount=bp.amount.sum()
        )
        t = self._with_calendar(self._with_paid(self._focus(bp)))
        ent = self.enterprises.select(_e_uscc="uscc", _e_region="region_code")
        t = t.left_join(ent, t.paid_uscc == ent._e_uscc)
        kind_zh = t.kind.substitute(BENEFIT_NAMES_ZH, else_=t.kind)
        reason = concat(
            "领取",
            kind_zh,
            "(所属期",
            period_label(t.pidx),
            ",金额",
            show(t.amount),
            "元),同月在",
            t.paid_uscc,
            "有正常缴费的社保记录",
        )
        return self._crossmatch(
            t,
            code="benefit_while_contributing",
            uscc=t.paid_uscc,
            region_code=t._e_region,
            evidence={
                "benefit_kind": t.kind,
                "benefit_kinds": t.kinds,
                "amount": t.amount,
                "paid_employers": t.paid_employers,
            },
            reason=reason,
            params=[],
        )

    def _separations(self) -> ir.Table:
        """Separations: filings, and disappearances from contributions not explained by a filing.

        Columns: person_id, uscc, sep_date, source ('filing' | 'contributions'), reason, pidx.
        """
        p = self.params
        f = self.filings
        f = f.filter((f.kind == "separation") & f.date.notnull() & f.person_id.notnull())
        for word in p.unregistered_excluded_reasons:
            f = f.filter(~f.reason.fill_null("").contains(word))
        filed = f.group_by(["person_id", "uscc", "date"]).agg(reason=f.reason.max())
        filed = filed.select(
            "person_id",
            "uscc",
            sep_date=filed.date,
            source=ibis.literal("filing"),
            reason=filed.reason,
            employers=int_lit(1),
        )
        # disappearance: insured in M (pidx - 1), nowhere in M + 1 (pidx); dated end of M
        if self._focus_pidx is None or "person_changes" in self.__dict__:
            gone = self.person_changes
        else:  # only the month after the reported one is needed
            gone = self._changes_at(self._month("focus", self._focus_pidx) + 1)
        gone = gone.filter(gone.left)
        gone = gone.select("person_id", m=gone.pidx - 1)
        pe = self.pe.select(_g_person="person_id", _g_pidx="pidx", _g_uscc="uscc")
        g = gone.join(pe, (gone.person_id == pe._g_person) & (gone.m == pe._g_pidx))
        g = g.group_by(["person_id", "m"]).agg(uscc=g._g_uscc.min(), employers=g._g_uscc.nunique())
        cal = self.calendar.select(_c_pidx="pidx", _c_end="month_end", _c_start="month_start")
        g = g.join(cal, g.m == cal._c_pidx)
        # a separation filing dated in M or M + 1 explains the disappearance
        all_seps = self.inputs["employment_filings"]
        all_seps = all_seps.filter(all_seps.kind == "separation")
        all_seps = all_seps.select(_f_person="person_id", _f_date="date")
        g = g.anti_join(
            all_seps,
            (g.person_id == all_seps._f_person)
            & (all_seps._f_date >= g._c_start)
            & (all_seps._f_date < add_months(g._c_start, 2)),
        )
        dis = g.select(
            "person_id",
            "uscc",
            sep_date=g._c_end,
            source=ibis.literal("contributions"),
            reason=ibis.null("string"),
            employers=g.employers,
        )
        seps = filed.union(dis, distinct=False)
        return seps.mutate(pidx=date_index(seps.sep_date))

    def _unregistered_separation(self) -> ir.Table:
        p = self.params
        days = p.unregistered_window_days
        seps = self._focus(self._separations())
        seps = seps.mutate(window_end=add_days(seps.sep_date, days))
        seps = seps.mutate(end_pidx=date_index(seps.window_end))
        cal = self.calendar
        # decidable: the window has passed within the data, and every month whose first day is
        # inside the window (after the separation date) is present
        bounds = cal.aggregate(
            _first=cal.pidx.min(),
            _data_end=cal.data_end.max(),
            _missing=as_flag(~cal.present).sum(),
        )
        seps = seps.cross_join(bounds)
        seps = seps.filter((seps.window_end <= seps._data_end) & (seps.pidx + 1 >= seps._first))
        missing = cal.filter(~cal.present).select(_m_pidx="pidx")
        seps = seps.anti_join(
            missing, (missing._m_pidx > seps.pidx) & (missing._m_pidx <= seps.end_pidx)
        )
        # no contribution anywhere in a month starting within (D, D + window]
        pe = self.pe.select(_c_person="person_id", _c_pidx="pidx")
        seps = seps.anti_join(
            pe,
            (seps.person_id == pe._c_person)
            & (pe._c_pidx > seps.pidx)
            & (pe._c_pidx <= seps.end_pidx),
        )
        # no unemployment registration in force at any time in [D, D + window]
        # (an open registration ends in the far future: an OR in the condition would make DuckDB
        # compare every separation with every registration)
        regs = self.registrations
        regs = regs.select(
            _r_person=regs.person_id,
            _r_on=regs.registered_on,
            _r_end=regs.ended_on.fill_null(ibis.date(FAR_FUTURE)),
        )
        seps = seps.anti_join(
            regs,
            (seps.person_id == regs._r_person)
            & (regs._r_on <= seps.window_end)
            & (regs._r_end >= seps.sep_date),
        )
        ent = self.enterprises.select(_e_uscc="uscc", _e_region="region_code")
        t = seps.left_join(ent, seps.uscc == ent._e_uscc)
        how = (t.source == "filing").ifelse(
            concat("用工备案解除终止(", t.reason.fill_null("未注明原因"), ")"),
            ibis.literal("社保缴费中断,次月起无任何单位缴费"),
        )
        reason = concat(
            show(t.sep_date),
            "离开",
            t.uscc.fill_null("原单位"),
            ",",
            how,
            ";此后",
            f"{days}天内(至",
            show(t.window_end),
            ")既无任何参保缴费记录,也未办理失业登记",
        )
        return self._crossmatch(
            t,
            code="unregistered_separation",
            uscc=t.uscc,
            region_code=t._e_region,
            evidence={
                "source": t.source,
                "separation_date": t.sep_date,
                "window_end": t.window_end,
                "data_end": t._data_end,
                "reason": t.reason,
                "employers": t.employers,
            },
            reason=reason,
            params=["unregistered_window_days", "unregistered_excluded_reasons"],
        )

    def _at_risk_workers(self) -> ir.Table:
        lf = self._enterprise_flags
        lf = self._focus(lf.filter(lf.code == "layoff_suspected")).select(
            _l_uscc="uscc", _l_pidx="pidx", _l_people="people", _l_region="region_code"
        )
        pe = self.pe
        t = pe.join(lf, (pe.uscc == lf._l_uscc) & (pe.pidx == lf._l_pidx))
        reason = concat(
            "本月在疑似规模裁员企业",
            t.uscc,
            "参保(该企业本月参保人数净减少",
            show(t._l_people),
            "人),列为失业风险人员",
        )
        return self._crossmatch(
            t,
            code="at_risk_worker",
            uscc=t.uscc,
            region_code=t._l_region,
            evidence={"enterprise_decrease": t._l_people, "paid": t.paid == 1},
            reason=reason,
            params=[],
        )

    @cached_property
    def _crossmatches(self) -> ir.Table:
        parts = [
            self._registered_but_contributing(),
            self._benefit_while_contributing(),
            self._unregistered_separation(),
            self._at_risk_workers(),
        ]
        out = parts[0]
        for part in parts[1:]:
            out = out.union(part, distinct=False)
        return self._materialize("crossmatches", out)

    def crossmatches(self, period: str | None = None) -> ir.Table:
        """M4 / U1 person-level cross-matches (one row per person × month × code × employer)."""
        f = self._crossmatches
        out = f.select(
            "person_id",
            period=period_label(f.pidx),
            code=f.code,
            uscc=f.uscc,
            region_code=f.region_code,
            level=f.level,
            evidence=f.evidence,
            reason_zh=f.reason_zh,
            params=f.params,
            _pidx=f.pidx,
        )
        return self._finish(out, period, ["person_id", "code", "uscc"])
