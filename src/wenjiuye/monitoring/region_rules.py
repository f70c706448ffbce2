"""Output 4, ``region_flags``: the M9 key-region rules and the M5 returned-migrant rule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir

from wenjiuye.monitoring.enterprise_rules import EnterpriseRules
from wenjiuye.monitoring.ibis_helpers import (
    EPSILON,
    at_least,
    county_of,
    int_lit,
    period_index,
    period_label,
)
from wenjiuye.monitoring.reasons import concat, display, json_object, show, show2
from wenjiuye.monitoring.region_month import RegionMonth

REGION_FLAG_CODES = (
    "new_employment_falling",
    "unemployment_rising",
    "layoff_enterprises_rising",
    "returned_unemployed_rising",
)


class RegionRules(RegionMonth, EnterpriseRules):
    """The region rules over ``region_month``, the layoff flags and the monitoring points."""

    def _region_flag(
        self,
        t: ir.Table,
        *,
        code: str,
        level: int,
        value: ir.NumericValue,
        evidence: Mapping[str, Any],
        reason: ir.StringValue,
        params: Sequence[str],
        point_id: ir.StringValue | None = None,
    ) -> ir.Table:
        return t.select(
            region_level=t.region_level,
            region_code=t.region_code,
            point_id=point_id if point_id is not None else ibis.null("string"),
            pidx=t.pidx,
            code=ibis.literal(code),
            level=int_lit(level),
            value=value.cast("float64"),
            evidence=json_object(evidence),
            reason_zh=reason,
            params=ibis.literal(self.params.to_json(params)),
        )

    @staticmethod
    def _moving_average(
        t: ir.Table, col: ir.NumericValue, months: int, keys: Sequence[str]
    ) -> ir.Table:
        """Add ``ma``: mean of the last ``months`` rows (this one included), NULL unless all of
        them are defined. ``t`` must have one row per key × calendar month."""
        w = ibis.window(group_by=list(keys), order_by="pidx", preceding=months - 1, following=0)
        t = t.mutate(_ma_val=col.cast("float64"))
        t = t.mutate(_ma_sum=t._ma_val.sum().over(w), _ma_n=t._ma_val.count().over(w))
        t = t.mutate(ma=(t._ma_n == months).ifelse(t._ma_sum / months, ibis.null("float64")))
        return t.drop("_ma_val", "_ma_sum", "_ma_n")

    def _new_employment_falling(self) -> ir.Table:
        p = self.params
        n, a = p.new_employment_falling_months, p.new_employment_avg_months
        keys = ["region_level", "region_code"]
        t = self._moving_average(self._rm, self._rm.new_employment, a, keys)
        order = ibis.window(group_by=keys, order_by="pidx")
        lags = {f"ma_{i}": t.ma.lag(i).over(order) for i in range(1, n + 1)}
        t = t.mutate(**lags)
        cond = t.ma < t.ma_1
        for i in range(1, n):
            cond = cond & (t[f"ma_{i}"] < t[f"ma_{i + 1}"])
        before = t[f"ma_{n}"]
        cond = cond & (before >= p.new_employment_min_base)
        cond = cond & ((before - t.ma) >= before * p.new_employment_min_drop_share)
        t = t.filter(cond.fill_null(False))
        series = [t[f"ma_{i}"] for i in range(n, 0, -1)] + [t.ma]
        arrow: list[Any] = []
        for i, v in enumerate(series):
            arrow += (["→"] if i else []) + [show(v)]
        reason = concat(
            f"城镇新增就业{a}个月移动平均连续{n}个月下降:",
            *arrow,
            "(人)",
        )
        evidence: dict[str, Any] = {f"ma_{i}_months_before": t[f"ma_{i}"] for i in range(n, 0, -1)}
        evidence["ma"] = t.ma
        evidence["new_employment"] = t.new_employment
        return self._region_flag(
            t,
            code="new_employment_falling",
            level=p.level_new_employment_falling,
            value=t.ma,
            evidence=evidence,
            reason=reason,
            params=[
                "new_employment_avg_months",
                "new_employment_falling_months",
                "new_employment_min_drop_share",
                "new_employment_min_base",
                "level_new_employment_falling",
            ],
        )

    def _unemployment_rising(self) -> ir.Table:
        p = self.params
        a, back = p.unemployment_avg_months, p.unemployment_lookback_months
        keys = ["region_level", "region_code"]
        rm = self._rm
        t = self._moving_average(rm, rm.registered_unemployment_rate * 100, a, keys)
        w = ibis.window(group_by=keys, order_by="pidx", preceding=back, following=-1)
        t = t.mutate(low=t.ma.min().over(w), n_low=t.ma.count().over(w))
        t = t.mutate(
            indicator=(t.ma.notnull() & (t.n_low >= 1)).ifelse(t.ma - t.low, ibis.null("float64"))
        )
        t = t.filter(at_least(t.indicator, p.unemployment_rise_points))
        reason = concat(
            f"登记失业率近{a}个月平均",
            show2(t.ma),
            f"%,比前{back}个月内{a}个月平均最低值",
            show2(t.low),
            "%高",
            show2(t.indicator),
            f"个百分点,失业率快速攀升(标准:≥{display(p.unemployment_rise_points)}个百分点)",
        )
        return self._region_flag(
            t,
            code="unemployment_rising",
            level=p.level_unemployment_rising,
            value=t.indicator,
            evidence={
                "rate_pct": t.registered_unemployment_rate * 100,
                "ma_pct": t.ma,
                "lowest_ma_pct": t.low,
                "lookback_defined_months": t.n_low,
                "indicator_points": t.indicator,
            },
            reason=reason,
            params=[
                "unemployment_rise_points",
                "unemployment_avg_months",
                "unemployment_lookback_months",
                "level_unemployment_rising",
            ],
        )

    def _layoff_enterprises_rising(self) -> ir.Table:
        p = self.params
        b = p.layoff_enterprises_baseline_months
        keys = ["region_level", "region_code"]
        lf = self._enterprise_flags
        lf = lf.filter((lf.code == "layoff_suspected") & lf.region_code.notnull())
        counts = self._rollup(
            lf, "region_code", ["pidx"], lambda x: {"n": x.uscc.nunique()}
        ).rename(_l_level="region_level", _l_code="region_code", _l_pidx="pidx")
        rm = self._rm
        # a month counts only where layoff_suspected could be evaluated (it and the month before
        # are present)
        cal = self.calendar.select(_k_pidx="pidx", _k_ok=self.calendar.prev_present)
        t = rm.join(cal, rm.pidx == cal._k_pidx)
        t = t.left_join(
            counts,
            (t.region_level == counts._l_level)
            & (t.region_code == counts._l_code)
            & (t.pidx == counts._l_pidx),
        )
        t = t.mutate(n_layoff=(t.present & t._k_ok).ifelse(t.n.fill_null(0), ibis.null("int64")))
        w = ibis.window(group_by=keys, order_by="pidx", preceding=b, following=-1)
        t = t.mutate(
            _b_sum=t.n_layoff.cast("float64").sum().over(w), _b_n=t.n_layoff.count().over(w)
        )
        t = t.mutate(baseline=(t._b_n == b).ifelse(t._b_sum / b, ibis.null("float64")))
        t = t.filter(
            (t.n_layoff >= p.layoff_enterprises_min)
            & ((t.n_layoff - t.baseline) > EPSILON).fill_null(False)
        )
        reason = concat(
            "本月疑似规模裁员企业",
            show(t.n_layoff),
            f"家,多于前{b}个月平均",
            show(t.baseline),
            f"家(标准:多于前{b}个月平均且≥{p.layoff_enterprises_min}家)",
        )
        return self._region_flag(
            t,
            code="layoff_enterprises_rising",
            level=p.level_layoff_enterprises_rising,
            value=t.n_layoff,
            evidence={"enterprises": t.n_layoff, "baseline_mean": t.baseline},
            reason=reason,
            params=[
                "layoff_enterprises_min",
                "layoff_enterprises_baseline_months",
                "level_layoff_enterprises_rising",
            ],
        )

    def _returned_rising(self) -> ir.Table:
        p = self.params
        n = p.returned_rising_months
        rep = self.inputs["monitoring_point_reports"]
        rep = rep.filter(rep.point_id.notnull() & rep.returned_unemployed.notnull())
        rep = rep.mutate(pidx=period_index(rep.period))
        pts = rep.group_by(["point_id", "pidx"]).agg(
            region_code=rep.region_code.max(), v=rep.returned_unemployed.max()
        )
        pts = pts.mutate(
            region_level=ibis.literal("point"), series=pts.point_id, n_points=int_lit(1)
        )
        cty = pts.filter(pts.region_code.notnull())
        cty = cty.mutate(county=county_of(cty.region_code))
        cty = cty.group_by(["county", "pidx"]).agg(v=cty.v.sum(), n_points=cty.point_id.nunique())
        cty = cty.select(
            point_id=ibis.null("string"),
            pidx=cty.pidx,
            region_code=cty.county,
            v=cty.v,
            region_level=ibis.literal("county"),
            series=cty.county,
            n_points=cty.n_points,
        )
        s = pts.select(*cty.columns).union(cty, distinct=False)
        w = ibis.window(group_by=["region_level", "series"], order_by="pidx")
        lags = {}
        for i in range(1, n + 1):
            lags[f"v_{i}"] = s.v.lag(i).over(w)
            lags[f"p_{i}"] = s.pidx.lag(i).over(w)
            lags[f"n_{i}"] = s.n_points.lag(i).over(w)
        s = s.mutate(**lags)
        vals = [s.v] + [s[f"v_{i}"] for i in range(1, n + 1)]
        cond = (s.pidx - s[f"p_{n}"]) == n
        for i in range(n):
            cond = cond & (vals[i] > vals[i + 1]) & (s.n_points == s[f"n_{i + 1}"])
        s = s.filter(cond.fill_null(False))
        arrow: list[Any] = []
        for i, v in enumerate(reversed(vals)):
            arrow += (["→"] if i else []) + [show(v)]
        # the county is the flag's subject (shown by its name): the sentence names no code
        who = (s.region_level == "point").ifelse(
            concat("监测点", s.series), ibis.literal("本县(市、区)各监测点合计")
        )
        reason = concat(who, f"返乡未就业人数连续{n}个月上升:", *arrow, "(人)")
        evidence: dict[str, Any] = {
            f"value_{i}_months_before": s[f"v_{i}"] for i in range(n, 0, -1)
        }
        evidence["value"] = s.v
        evidence["points"] = s.n_points
        return self._region_flag(
            s,
            code="returned_unemployed_rising",
            level=p.level_returned_unemployed_rising,
            value=s.v,
            evidence=evidence,
            reason=reason,
            params=["returned_rising_months", "level_returned_unemployed_rising"],
            point_id=s.point_id,
        )

    @cached_property
    def _region_flags(self) -> ir.Table:
        parts = [
            self._new_employment_falling(),
            self._unemployment_rising(),
            self._layoff_enterprises_rising(),
            self._returned_rising(),
        ]
        out = parts[0]
        for part in parts[1:]:
            out = out.union(part, distinct=False)
        return self._materialize("region_flags", out)

    def region_flags(self, period: str | None = None) -> ir.Table:
        """M9 key-region rules and M5 returns (one row per rule that fired)."""
        f = self._region_flags
        out = f.select(
            "region_level",
            "region_code",
            "point_id",
            period=period_label(f.pidx),
            code=f.code,
            level=f.level,
            value=f.value,
            evidence=f.evidence,
            reason_zh=f.reason_zh,
            params=f.params,
            _pidx=f.pidx,
        )
        return self._finish(out, period, ["region_level", "region_code", "point_id", "code"])
