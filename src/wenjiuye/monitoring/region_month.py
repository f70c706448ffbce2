"""Output 2, ``region_month``: per region (each county and the city) × month, M2/M3 indicators."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.enterprise_month import EnterpriseMonth
from wenjiuye.monitoring.ibis_helpers import FAR_FUTURE, add_days, city_of, county_of, ratio

# The region indicators from contribution rows that the derived store keeps per month.
RM_STORED_COLUMNS = (
    "region_level",
    "region_code",
    "pidx",
    "insured",
    "new",
    "positions",
    "prev_positions",
    "leavers",
    "joiners",
)


class RegionMonth(EnterpriseMonth):
    """Per region × month: employment, unemployment, demand and benefit indicators."""

    @cached_property
    def regions(self) -> ir.Table:
        """Every county code (first 6 digits) seen in the data, and its city: region_level,
        region_code."""
        parts = []
        for t in (
            self.enterprises,
            self.registrations,
            self.inputs["job_postings"],
            self.inputs["monitoring_point_reports"],
        ):
            t = t.filter(t.region_code.notnull() & (t.region_code.length() >= 6))
            parts.append(t.select(code=county_of(t.region_code)))
        codes = parts[0]
        for p in parts[1:]:
            codes = codes.union(p, distinct=False)
        codes = codes.distinct()
        county = codes.select(region_level=ibis.literal("county"), region_code=codes.code)
        city = codes.select(region_level=ibis.literal("city"), region_code=city_of(codes.code))
        return county.union(city, distinct=True)

    @staticmethod
    def _rollup(
        t: ir.Table, code: str, keys: Sequence[str], aggs: Callable[[ir.Table], dict[str, Any]]
    ) -> ir.Table:
        """Aggregate ``t`` per county and per city of its ``code`` column (plus ``keys``)."""
        out = []
        for level, fn in (("county", county_of), ("city", city_of)):
            x = t.mutate(region_level=ibis.literal(level), region_code=fn(t[code]))
            out.append(x.group_by(["region_level", "region_code", *keys]).agg(**aggs(x)))
        return out[0].union(out[1], distinct=False)

    @cached_property
    def _rm_base(self) -> ir.Table:
        """The region indicators computed from contribution rows, per region × month (only the
        region-months with rows): insured, new, positions, prev_positions, leavers, joiners."""
        ent = self.enterprises.select(_e_uscc="uscc", e_region="region_code")
        none_i = ibis.null("int64")

        # insured employment and new employment (distinct persons), by employer location
        pe = self._fresh(self.pe)
        pr = pe.join(ent, pe.uscc == ent._e_uscc).select("person_id", "pidx", "e_region")
        # one pass: every insured person of the month, marked when new (joined this month)
        newp = self.person_changes.filter(lambda t: t.joined)
        newp = newp.select(_n_person="person_id", _n_pidx="pidx")
        prn = pr.left_join(newp, (pr.person_id == newp._n_person) & (pr.pidx == newp._n_pidx))
        prn = prn.select("person_id", "pidx", "e_region", is_new=prn._n_person.notnull())
        persons = self._rollup(
            prn,
            "e_region",
            ["pidx"],
            lambda x: {
                "insured": x.person_id.nunique(),
                "new": x.person_id.nunique(where=x.is_new),
            },
        )

        # positions (person × employer) and leavers, from enterprise_month
        em = self._fresh(self._em)
        emr = em.join(ent, em.uscc == ent._e_uscc)
        jobs = self._rollup(
            emr,
            "e_region",
            ["pidx"],
            lambda x: {
                "positions": x.headcount.sum(),
                "prev_positions": x.prev_headcount.sum(),
                "leavers": x.leavers.sum(),
                "joiners": x.joiners.sum(),
            },
        )
        keys = ["region_level", "region_code", "pidx"]
        parts = []
        for t in (persons, jobs):
            parts.append(
                t.select(
                    *keys,
                    **{c: (t[c] if c in t.columns else none_i) for c in RM_STORED_COLUMNS[3:]},
                )
            )
        base = parts[0].union(parts[1], distinct=False)
        base = base.group_by(keys).agg(**{c: base[c].sum() for c in RM_STORED_COLUMNS[3:]})
        stored = self._history.get("region_month")
        if stored is not None:
            stored = self._since_filter(
                stored.filter(stored.pidx <= self._month("history_until", self._history_until or 0))
            )
            base = base.union(stored.select(*RM_STORED_COLUMNS).cast(base.schema()), distinct=False)
        return self._materialize("region_month_base", base)

    @cached_property
    def _rm(self) -> ir.Table:
        p = self.params
        cal = self.calendar
        none_i = ibis.null("int64")
        contrib = self._rm_base

        # registered unemployment: stock at month end, inflow, outflow (distinct persons)
        regs = self.registrations
        c = cal.select(_r_pidx="pidx", _r_start="month_start", _r_end="month_end")
        ended = regs.ended_on.fill_null(ibis.date(FAR_FUTURE))
        rj = regs.join(c, (regs.registered_on <= c._r_end) & (ended >= c._r_start))
        rj = rj.select(
            "person_id",
            "region_code",
            pidx=rj._r_pidx,
            open_end=rj.ended_on.isnull() | (rj.ended_on > rj._r_end),
            inflow=rj.registered_on >= rj._r_start,
            outflow=rj.ended_on.notnull() & (rj.ended_on <= rj._r_end),
        )
        unemp = self._rollup(
            rj,
            "region_code",
            ["pidx"],
            lambda x: {
                "stock": x.person_id.nunique(where=x.open_end),
                "inflow": x.person_id.nunique(where=x.inflow),
                "outflow": x.person_id.nunique(where=x.outflow),
            },
        )

        # recruitment demand: openings of postings open during the month
        posts = self.inputs["job_postings"]
        posts = posts.filter(posts.region_code.notnull() & posts.posted_on.notnull())
        closes = posts.closes_on.fill_null(add_days(posts.posted_on, p.posting_default_open_days))
        c2 = cal.select(_q_pidx="pidx", _q_start="month_start", _q_end="month_end")
        pj = posts.join(c2, (posts.posted_on <= c2._q_end) & (closes >= c2._q_start))
        pj = pj.select("region_code", "openings", pidx=pj._q_pidx)
        demand = self._rollup(
            pj, "region_code", ["pidx"], lambda x: {"demand": x.openings.fill_null(0).sum()}
        )

        # UI-benefit recipients, by the county of the registration in force at month end
        bp = self.payments.filter(lambda t: t.kind == "ui_benefit")
        bp = bp.select("person_id", "pidx").distinct()
        c3 = cal.select(_u_pidx="pidx", _u_end="month_end")
        bp = bp.join(c3, bp.pidx == c3._u_pidx)
        rg = regs.select(_g_person="person_id", _g_on="registered_on", _g_region="region_code")
        bj = bp.join(rg, (bp.person_id == rg._g_person) & (rg._g_on <= bp._u_end))
        bj = bj.filter(bj._g_region.notnull())
        bj = bj.group_by(["person_id", "pidx"]).agg(
            _key=(bj._g_on.cast("string") + "|" + bj._g_region).max()
        )
        # the key is "YYYY-MM-DD|<region>" (Spark's split() takes a regex: use a fixed offset)
        bj = bj.mutate(region_code=bj._key.substr(11))
        ui = self._rollup(bj, "region_code", ["pidx"], lambda x: {"ui": x.person_id.nunique()})

        # the complete grid: every region × every calendar month
        grid = self.regions.cross_join(cal.select("pidx", "period", "present", "prev_present"))
        out = grid
        for name, t in (
            ("contrib", contrib),
            ("unemp", unemp),
            ("demand", demand),
            ("ui", ui),
        ):
            renamed = t.rename({f"_{name}_{c}": c for c in ("region_level", "region_code", "pidx")})
            lvl, code, pid = (f"_{name}_{c}" for c in ("region_level", "region_code", "pidx"))
            out = out.left_join(
                renamed,
                (out.region_level == renamed[lvl])
                & (out.region_code == renamed[code])
                & (out.pidx == renamed[pid]),
            ).drop(lvl, code, pid)

        flows = out.present & out.prev_present
        out = out.mutate(
            insured_employment=out.present.ifelse(out.insured.fill_null(0), none_i),
            insured_positions=out.present.ifelse(out.positions.fill_null(0), none_i),
            new_employment=flows.ifelse(out.new.fill_null(0), none_i),
            prev_positions=flows.ifelse(out.prev_positions.fill_null(0), none_i),
            position_leavers=flows.ifelse(out.leavers.fill_null(0), none_i),
            position_joiners=flows.ifelse(out.joiners.fill_null(0), none_i),
            unemployed_stock=out.stock.fill_null(0),
            unemployed_inflow=out.inflow.fill_null(0),
            unemployed_outflow=out.outflow.fill_null(0),
            recruitment_demand=out.demand.fill_null(0),
            ui_benefit_recipients=out.ui.fill_null(0),
        )
        out = out.mutate(
            job_loss_rate=ratio(out.position_leavers, out.prev_positions),
            registered_unemployment_rate=ratio(
                out.unemployed_stock, out.insured_employment + out.unemployed_stock
            ),
            demand_supply_ratio=ratio(out.recruitment_demand, out.unemployed_stock),
        )
        out = out.select(
            "region_level",
            "region_code",
            "pidx",
            "period",
            "present",
            "insured_employment",
            "insured_positions",
            "new_employment",
            "position_joiners",
            "position_leavers",
            "prev_positions",
            "job_loss_rate",
            "unemployed_stock",
            "unemployed_inflow",
            "unemployed_outflow",
            "registered_unemployment_rate",
            "recruitment_demand",
            "demand_supply_ratio",
            "ui_benefit_recipients",
        )
        return self._materialize("region_month", out)

    def region_month(self, period: str | None = None) -> ir.Table:
        """Per region (each county code and the city) × month: the M2/M3 indicators."""
        rm = self._rm
        out = rm.drop("present").rename(_pidx="pidx")
        return self._finish(out, period, ["region_level", "region_code"])
