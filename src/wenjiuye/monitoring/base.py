"""The base of every monitoring output: the prepared inputs, the months of a run, the calendar.

``MonitorBase`` takes the input tables and the run's options (see its docstring); the layers above
it (``EnterpriseMonth``, ``RegionMonth``, the rules, the cross-matches, the warnings) add one
family of outputs each, and :class:`wenjiuye.monitoring.expressions.Monitor` is all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cached_property

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from wenjiuye.core.periods import period_to_index
from wenjiuye.monitoring.ibis_helpers import (
    add_days,
    add_months,
    as_flag,
    city_of,
    county_of,
    date_index,
    int_lit,
    period_index,
    period_label,
)
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.schema import INPUT_SCHEMAS, TableLike, conform, to_ibis

MAX_MONTHS = 1200  # the calendar may span at most 100 years
Materialize = Callable[[str, ir.Table], ir.Table]


class MonitorBase:
    """The prepared inputs and base tables of one set of input tables.

    ``tables`` maps contract kinds to Ibis tables (bound to a backend or memtables), pandas or
    pyarrow tables; missing kinds are empty. ``materialize(name, expr)`` may return a cached
    version of an intermediate result (the engine passes a backend-specific one; the default keeps
    everything lazy). ``since_period`` drops contribution, filing and payment rows before that
    month (the engine passes enough history for every rule of the period it reports);
    ``focus_period`` computes the person-level cross-matches of that month only.

    Incremental runs (the engine's derived store): ``present_months`` gives the period indexes
    that have contribution rows (the calendar is then built from them instead of from the rows
    read, so a run may read only some months); ``contributions_until`` (a period) bounds the
    contribution months read; ``history`` holds stored per-month aggregates computed earlier by
    these same expressions — ``enterprise_month`` (``enterprise_month.EM_STORED_COLUMNS``) and
    ``region_month`` (``region_month.RM_STORED_COLUMNS``) — for the months up to
    ``history_until``; the months after it are computed from the contribution rows, which must
    then include the month ``history_until``.
    """

    def __init__(
        self,
        tables: Mapping[str, TableLike],
        params: RuleParams | None = None,
        *,
        materialize: Materialize | None = None,
        since_period: str | None = None,
        focus_period: str | None = None,
        present_months: Sequence[int] | None = None,
        contributions_until: str | None = None,
        history: Mapping[str, TableLike] | None = None,
        history_until: str | None = None,
        parametrize: bool = False,
    ) -> None:
        unknown = set(tables) - set(INPUT_SCHEMAS)
        if unknown:
            raise ValueError(f"unknown input kinds: {sorted(unknown)}")
        self.params = params or RuleParams()
        self._materialize: Materialize = materialize or (lambda _name, t: t)
        self._since = period_to_index(since_period) if since_period else None
        self._focus_pidx = period_to_index(focus_period) if focus_period else None
        self._present_months = None if present_months is None else sorted(set(present_months))
        self._until = period_to_index(contributions_until) if contributions_until else None
        self._history_until = period_to_index(history_until) if history_until else None
        if (history is None) != (history_until is None):
            raise ValueError("history and history_until go together")
        self._history = {k: to_ibis(v) for k, v in (history or {}).items()}
        self._parametrize = parametrize
        self._month_params: dict[str, ir.Scalar] = {}
        self.param_values: dict[ir.Scalar, int] = {}
        self.inputs = {kind: conform(kind, tables.get(kind)) for kind in INPUT_SCHEMAS}

    # -- the months a run depends on ---------------------------------------------------------
    def _month(self, role: str, pidx: int) -> ir.IntegerValue:
        """A month index the expressions depend on (the run's first month, the reported month…).

        A literal; or, with ``parametrize``, an Ibis parameter per role whose value is in
        ``param_values`` (to pass as ``params`` when executing). Parameters keep the structure of
        the expressions the same from one month's run to the next, so their compiled SQL can be
        reused (:mod:`wenjiuye.monitoring.sqlcache`).
        """
        if not self._parametrize:
            return int_lit(pidx)
        param = self._month_params.get(role)
        if param is None:
            param = ibis.param("int64")
            self._month_params[role] = param
            self.param_values[param] = int(pidx)
        elif self.param_values[param] != pidx:
            raise ValueError(f"month {role!r} is {self.param_values[param]}, not {pidx}")
        return param

    # -- prepared inputs ----------------------------------------------------------------------
    def _since_filter(self, t: ir.Table) -> ir.Table:
        if self._since is None:
            return t
        return t.filter(t.pidx >= self._month("since", self._since))

    def _fresh(self, t: ir.Table) -> ir.Table:
        """Rows of the months computed from contribution rows in this run: after the stored
        history, up to the last contribution month read."""
        if self._history_until is not None:
            t = t.filter(t.pidx > self._month("history_until", self._history_until))
        if self._until is not None:
            t = t.filter(t.pidx <= self._month("until", self._until))
        return t

    @cached_property
    def contributions(self) -> ir.Table:
        t = self.inputs["si_contributions"]
        t = self._since_filter(t.mutate(pidx=period_index(t.period)))
        if self._history_until is not None:  # the stored history's last month is the base
            t = t.filter(t.pidx >= self._month("history_until", self._history_until))
        if self._until is not None:
            t = t.filter(t.pidx <= self._month("until", self._until))
        return t

    @cached_property
    def filings(self) -> ir.Table:
        t = self.inputs["employment_filings"]
        return self._since_filter(t.mutate(pidx=date_index(t.date)))

    @cached_property
    def payments(self) -> ir.Table:
        t = self.inputs["benefit_payments"]
        return self._since_filter(t.mutate(pidx=period_index(t.period)))

    @cached_property
    def registrations(self) -> ir.Table:
        t = self.inputs["unemployment_registrations"]
        return t.filter(t.registered_on.notnull())

    @cached_property
    def enterprises(self) -> ir.Table:
        """One row per uscc with its region, county and city."""
        t = self.inputs["enterprises"]
        t = t.group_by("uscc").agg(
            name=t.name.max(), region_code=t.region_code.max(), employees=t.employees.max()
        )
        return t.mutate(county=county_of(t.region_code), city=city_of(t.region_code))

    # -- base aggregates ----------------------------------------------------------------------
    @cached_property
    def pe(self) -> ir.Table:
        """Person × employer × month (duplicate rows collapsed), with paid / arrears flags."""
        c = self.contributions
        t = c.group_by(["uscc", "person_id", "pidx"]).agg(
            paid=as_flag(c.status == "paid").max(), arrears=as_flag(c.status == "arrears").max()
        )
        return self._materialize("pe", t)

    @cached_property
    def calendar(self) -> ir.Table:
        """Every month from the first to the last contribution period.

        Columns: pidx, period, month_start, month_end, present (any contribution row),
        prev_present, first_pidx, last_pidx, data_end (end of the last period).
        """
        if self._present_months is None:
            pe = self.pe
            present = pe.select(p_pidx=pe.pidx).distinct()
        else:
            months = [m for m in self._present_months if self._since is None or m >= self._since]
            present = ibis.memtable(pa.table({"p_pidx": pa.array(months, pa.int64())}))
        bounds = present.aggregate(lo=present.p_pidx.min(), hi=present.p_pidx.max())
        offsets = ibis.memtable(pa.table({"k": pa.array(range(MAX_MONTHS), pa.int64())}))
        grid = bounds.cross_join(offsets)
        grid = grid.filter(grid.lo + grid.k <= grid.hi)
        grid = grid.select(pidx=grid.lo + grid.k, first_pidx=grid.lo, last_pidx=grid.hi)
        cal = grid.left_join(present, grid.pidx == present.p_pidx)
        cal = cal.select("pidx", "first_pidx", "last_pidx", present=cal.p_pidx.notnull())
        year = (cal.pidx // 12).cast("int32")
        month = ((cal.pidx % 12) + 1).cast("int32")
        start = ibis.date(year, month, 1)
        end = add_days(add_months(start, 1), -1)
        last_year = (cal.last_pidx // 12).cast("int32")
        last_month = ((cal.last_pidx % 12) + 1).cast("int32")
        last_start = ibis.date(last_year, last_month, 1)
        cal = cal.mutate(
            period=period_label(cal.pidx),
            month_start=start,
            month_end=end,
            data_end=add_days(add_months(last_start, 1), -1),
        )
        w = ibis.window(order_by=cal.pidx)
        cal = cal.mutate(prev_present=cal.present.lag(1).over(w).fill_null(False))
        return self._materialize("calendar", cal)

    def _present_at(self, t: ir.Table, pidx: ir.IntegerValue, name: str) -> ir.Table:
        """Add a boolean column ``name``: the month ``pidx`` is in the calendar and present."""
        cal = self.calendar
        c = cal.select(_at_pidx=cal.pidx, _at_present=cal.present)
        j = t.left_join(c, pidx == c._at_pidx)
        out = j.mutate(**{name: j._at_present.fill_null(False)})
        return out.drop("_at_pidx", "_at_present")

    def _with_calendar(self, t: ir.Table) -> ir.Table:
        """Inner join on ``pidx`` adding the calendar's columns (drops months outside it)."""
        cal = self.calendar.select(
            _c_pidx="pidx",
            month_start="month_start",
            month_end="month_end",
            present="present",
            prev_present="prev_present",
        )
        j = t.join(cal, t.pidx == cal._c_pidx)
        return j.drop("_c_pidx")

    @cached_property
    def person_changes(self) -> ir.Table:
        """Persons insured (anywhere) in a month but not the previous one, or the reverse.

        Columns: person_id, pidx, joined (insured in pidx, not in pidx-1), left (insured in
        pidx-1, not in pidx). Only months where both months are present.
        """
        return self._materialize("person_changes", self._changes(self.pe))

    def _changes(self, pe: ir.Table) -> ir.Table:
        cur = pe.select("person_id", "pidx", cur=int_lit(1), prev=int_lit(0))
        prv = pe.select("person_id", pidx=pe.pidx + 1, cur=int_lit(0), prev=int_lit(1))
        flow = cur.union(prv, distinct=False)
        flow = flow.group_by(["person_id", "pidx"]).agg(cur=flow.cur.max(), prev=flow.prev.max())
        flow = self._fresh(flow.filter(flow.cur != flow.prev))
        flow = self._with_calendar(flow)
        flow = flow.filter(flow.present & flow.prev_present)
        return flow.select("person_id", "pidx", joined=flow.cur == 1, left=flow.prev == 1)

    def _changes_at(self, pidx: ir.IntegerValue) -> ir.Table:
        """``person_changes`` of one month only (from the contributions of it and the month
        before), for a run that needs no other month of it."""
        pe = self.pe.filter(lambda t: t.pidx.isin([pidx - 1, pidx]))
        t = self._changes(pe)
        return t.filter(t.pidx == pidx)

    def _finish(self, t: ir.Table, period: str | None, keys: Sequence[str]) -> ir.Table:
        """Filter to one period (if given), order deterministically and drop the period index."""
        if period is not None:
            t = t.filter(t._pidx == self._month("period", period_to_index(period)))
        return t.order_by([t._pidx, *keys]).drop("_pidx")
