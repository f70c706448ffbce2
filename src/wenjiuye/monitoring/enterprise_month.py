"""Output 1, ``enterprise_month``: per employer × month headcount, flows, arrears (M1)."""

from __future__ import annotations

from functools import cached_property

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.base import MonitorBase
from wenjiuye.monitoring.ibis_helpers import period_label

# The per-month aggregates an incremental run can take from the derived store instead of
# recomputing them from contribution rows (see ``MonitorBase``: ``history``).
EM_STORED_COLUMNS = (
    "uscc",
    "pidx",
    "headcount",
    "arrears_persons",
    "paid_persons",
    "prev_count",
    "prev_paid_count",
    "joiners",
    "leavers",
)


class EnterpriseMonth(MonitorBase):
    """Per employer × month: the aggregates every enterprise rule reads."""

    @cached_property
    def _em(self) -> ir.Table:
        pe = self.pe
        k = self.params.layoff_rolling_months
        agg = pe.group_by(["uscc", "pidx"]).agg(
            headcount=pe.count(),
            arrears_persons=pe.arrears.sum(),
            paid_persons=pe.paid.sum(),
        )
        # stayers: insured at the same employer this month and the month before (only the
        # months this run computes: the engine does not push the later filter into the join)
        fresh = self._fresh(pe)
        before = pe.select(_s_uscc="uscc", _s_person="person_id", _s_pidx=pe.pidx + 1)
        stay = fresh.join(
            before,
            (fresh.uscc == before._s_uscc)
            & (fresh.person_id == before._s_person)
            & (fresh.pidx == before._s_pidx),
        )
        stay = stay.group_by(["uscc", "pidx"]).agg(stayers=stay.count())
        stay = stay.rename(_t_uscc="uscc", _t_pidx="pidx")
        # every employer-month with someone insured this month or the month before
        keys = agg.select("uscc", "pidx").union(
            agg.select("uscc", pidx=agg.pidx + 1), distinct=True
        )
        cur = agg.rename(_c_uscc="uscc", _c_pidx="pidx")
        prev = agg.select(
            _p_uscc="uscc",
            _p_pidx=agg.pidx + 1,
            prev_count=agg.headcount,
            prev_paid_count=agg.paid_persons,
        )
        em = keys.left_join(cur, (keys.uscc == cur._c_uscc) & (keys.pidx == cur._c_pidx))
        em = em.left_join(prev, (em.uscc == prev._p_uscc) & (em.pidx == prev._p_pidx))
        em = em.left_join(stay, (em.uscc == stay._t_uscc) & (em.pidx == stay._t_pidx))
        em = em.select(
            "uscc",
            "pidx",
            headcount=em.headcount.fill_null(0),
            arrears_persons=em.arrears_persons.fill_null(0),
            paid_persons=em.paid_persons.fill_null(0),
            prev_count=em.prev_count.fill_null(0),
            prev_paid_count=em.prev_paid_count.fill_null(0),
            joiners=em.headcount.fill_null(0) - em.stayers.fill_null(0),
            leavers=em.prev_count.fill_null(0) - em.stayers.fill_null(0),
        )
        em = self._fresh(em)
        stored = self._history.get("enterprise_month")
        if stored is not None:
            stored = self._since_filter(
                stored.filter(stored.pidx <= self._month("history_until", self._history_until or 0))
            )
            em = em.union(stored.select(*EM_STORED_COLUMNS).cast(em.schema()), distinct=False)
        em = self._with_calendar(em)
        em = em.filter(em.present)
        em = em.filter((em.headcount > 0) | (em.prev_present & (em.prev_count > 0)))
        none = ibis.null("int64")
        em = em.mutate(
            prev_headcount=em.prev_present.ifelse(em.prev_count, none),
            joiners=em.prev_present.ifelse(em.joiners, none),
            leavers=em.prev_present.ifelse(em.leavers, none),
            prev_paid_persons=em.prev_present.ifelse(em.prev_paid_count, none),
        )
        em = em.mutate(net_change=em.headcount - em.prev_headcount)
        # headcount k months before (a real zero when that month is present without the firm)
        back = em.select(_b_uscc=em.uscc, _b_pidx=em.pidx + k, _b_head=em.headcount)
        em = em.left_join(back, (em.uscc == back._b_uscc) & (em.pidx == back._b_pidx))
        em = em.drop("_b_uscc", "_b_pidx")
        em = self._present_at(em, em.pidx - k, "_k_present")
        em = em.mutate(headcount_k_before=em._k_present.ifelse(em._b_head.fill_null(0), none)).drop(
            "_b_head", "_k_present", "prev_count", "prev_paid_count"
        )
        em = em.select(
            "uscc",
            "pidx",
            "month_start",
            "month_end",
            "prev_present",
            "headcount",
            "prev_headcount",
            "joiners",
            "leavers",
            "net_change",
            "arrears_persons",
            "paid_persons",
            "prev_paid_persons",
            "headcount_k_before",
        )
        return self._materialize("enterprise_month", em)

    def enterprise_month(self, period: str | None = None) -> ir.Table:
        """Per employer × month: insured headcount (distinct persons with a contribution row,
        paid or arrears), previous headcount, joiners, leavers, net change, persons in arrears,
        persons paid, and the headcount ``layoff_rolling_months`` before."""
        em = self._em
        ent = self.enterprises.select(_e_uscc="uscc", region_code="region_code")
        j = em.left_join(ent, em.uscc == ent._e_uscc)
        out = j.select(
            "uscc",
            period=period_label(j.pidx),
            region_code=j.region_code,
            headcount=j.headcount,
            prev_headcount=j.prev_headcount,
            joiners=j.joiners,
            leavers=j.leavers,
            net_change=j.net_change,
            arrears_persons=j.arrears_persons,
            paid_persons=j.paid_persons,
            headcount_k_before=j.headcount_k_before,
            _pidx=j.pidx,
        )
        return self._finish(out, period, ["uscc"])
