"""Indicators, risk rules and cross-matches as Ibis expressions (M1–M11, U1).

One definition of each output, compiled by Ibis for DuckDB (the embedded default) and, unchanged,
for Spark. Nothing here imports Django; ``engines.run_monitoring`` executes the expressions and the
lead's ``wenjiuye monitor`` command writes the results back to the transactional store.

Conventions (README.md beside this file has the formulas):

* A month is an integer *period index* ``pidx = year * 12 + month - 1`` so ``pidx - 1`` is the
  previous month and ``pidx - 12`` the same month a year before.
* The *calendar* runs from the first to the last period of ``si_contributions`` with every month in
  between. A calendar month with no contribution row at all is *missing*: headcounts are a real
  zero only in months that are present; rates, flows and rules that need a missing month are
  undefined (NULL), never zero.
* Every division goes through ``nullif(0)`` (Spark runs with ANSI mode, where ``x / 0`` raises),
  and every "at least a share" comparison tolerates ``EPSILON`` of floating-point error.
* Flags carry ``evidence`` (a JSON object of the figures), ``reason_zh`` (the explanation for
  users) and ``params`` (a JSON object of the thresholds the rule used).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeAlias

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from wenjiuye.monitoring.params import LEVEL_NAMES, RuleParams

EPSILON = 1e-9
MAX_MONTHS = 1200  # the calendar may span at most 100 years
FAR_FUTURE = "9999-12-31"
HEADCOUNT_BASE = 100_000_000  # (month, headcount) packed as month * BASE + headcount

# The per-month aggregates an incremental run can take from the derived store instead of
# recomputing them from contribution rows (see ``Monitor``: ``history``).
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

# Canonical column types of the inputs (the data contract's columns the engine reads).
INPUT_SCHEMAS: dict[str, dict[str, str]] = {
    "si_contributions": {
        "period": "string",
        "uscc": "string",
        "person_id": "string",
        "base": "float64",
        "status": "string",
    },
    "employment_filings": {
        "person_id": "string",
        "uscc": "string",
        "kind": "string",
        "date": "date",
        "reason": "string",
    },
    "unemployment_registrations": {
        "person_id": "string",
        "name": "string",
        "region_code": "string",
        "registered_on": "date",
        "ended_on": "date",
        "end_reason": "string",
    },
    "benefit_payments": {
        "person_id": "string",
        "period": "string",
        "kind": "string",
        "amount": "float64",
    },
    "job_postings": {
        "posting_id": "string",
        "region_code": "string",
        "city": "string",
        "openings": "int64",
        "posted_on": "date",
        "closes_on": "date",
    },
    "labour_cases": {
        "case_id": "string",
        "uscc": "string",
        "kind": "string",
        "people": "int64",
        "filed_on": "date",
        "closed_on": "date",
    },
    "enterprise_events": {"uscc": "string", "date": "date", "kind": "string"},
    "enterprise_operations": {
        "period": "string",
        "uscc": "string",
        "output_value": "float64",
        "export_value": "float64",
    },
    "enterprises": {
        "uscc": "string",
        "name": "string",
        "region_code": "string",
        "industry": "string",
        "employees": "int64",
        "export_oriented": "int64",
    },
    "monitoring_point_reports": {
        "point_id": "string",
        "region_code": "string",
        "period": "string",
        "outbound": "int64",
        "returned": "int64",
        "returned_unemployed": "int64",
    },
}

_ARROW_TYPES = {
    "string": pa.string(),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "date": pa.date32(),
}

CODE_NAMES_ZH: dict[str, str] = {
    "layoff_suspected": "疑似规模裁员",
    "si_arrears": "欠缴社保",
    "si_break": "断保",
    "wage_arrears": "欠薪",
    "frequent_disputes": "劳动争议频发",
    "stoppage": "停产停工",
    "bankruptcy": "破产",
    "output_drop": "产值下降",
    "export_drop": "出口额下降",
    "new_employment_falling": "新增就业持续下滑",
    "unemployment_rising": "失业率快速攀升",
    "layoff_enterprises_rising": "规模裁员企业增多",
    "returned_unemployed_rising": "返乡未就业人数持续上升",
    "registered_but_contributing": "登记失业期间仍正常缴费",
    "benefit_while_contributing": "领取失业待遇期间仍正常缴费",
    "unregistered_separation": "离职后未再就业也未失业登记",
    "at_risk_worker": "所在企业疑似规模裁员",
}
BENEFIT_NAMES_ZH = {
    "ui_benefit": "失业保险金",
    "subsidy": "失业补助金",
    "temp_allowance": "临时生活补助",
}

ENTERPRISE_FLAG_CODES = (
    "layoff_suspected",
    "si_arrears",
    "si_break",
    "wage_arrears",
    "frequent_disputes",
    "stoppage",
    "bankruptcy",
    "output_drop",
    "export_drop",
)
REGION_FLAG_CODES = (
    "new_employment_falling",
    "unemployment_rising",
    "layoff_enterprises_rising",
    "returned_unemployed_rising",
)
CROSSMATCH_CODES = (
    "registered_but_contributing",
    "benefit_while_contributing",
    "unregistered_separation",
    "at_risk_worker",
)

TableLike: TypeAlias = ir.Table | pd.DataFrame | pa.Table


# ---------------------------------------------------------------------------------------------
# Small helpers (all portable Ibis)
# ---------------------------------------------------------------------------------------------
def period_to_index(period: str | int) -> int:
    """'202403' or '2024-03' -> 2024 * 12 + 2."""
    text = str(period).replace("-", "").strip()
    if len(text) != 6 or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        raise ValueError(f"not a period YYYYMM: {period!r}")
    return int(text[:4]) * 12 + int(text[4:]) - 1


def index_to_period(index: int) -> str:
    return f"{index // 12:04d}{index % 12 + 1:02d}"


def period_index(col: ir.Value) -> ir.IntegerValue:
    text = col.cast("string").replace("-", "")
    return text.substr(0, 4).cast("int64") * 12 + text.substr(4, 2).cast("int64") - 1


def date_index(col: ir.DateValue) -> ir.IntegerValue:
    return col.year().cast("int64") * 12 + col.month().cast("int64") - 1


def period_label(pidx: ir.IntegerValue) -> ir.StringValue:
    return (pidx // 12).cast("string") + ((pidx % 12) + 1).cast("string").lpad(2, "0")


def county_of(code: ir.StringValue) -> ir.StringValue:
    """A person's or an employer's county: the first 6 digits of the region code."""
    return code.substr(0, 6)


def city_of(code: ir.StringValue) -> ir.StringValue:
    """The prefecture-level city: the first 4 digits + '00'."""
    return code.substr(0, 4) + "00"


def _int(value: int) -> ir.IntegerScalar:
    return ibis.literal(value, "int64")


def _flag(cond: ir.BooleanValue) -> ir.IntegerValue:
    return cond.fill_null(False).ifelse(1, 0).cast("int64")


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    return num.cast("float64") / den.cast("float64").nullif(0)


def _at_least(value: ir.NumericValue, threshold: float) -> ir.BooleanValue:
    return (value >= threshold - EPSILON).fill_null(False)


def _str(value: Any) -> ir.StringValue:
    """Display text of a value for reason_zh (ints as digits; floats with 1 decimal)."""
    if not isinstance(value, ir.Value):
        return ibis.literal(_display(value))
    if isinstance(value, ir.IntegerValue):
        return value.cast("string").fill_null("—")
    if isinstance(value, ir.FloatingValue | ir.DecimalValue):
        return value.cast("decimal(20,1)").cast("string").fill_null("—")
    return value.cast("string").fill_null("—")


def _display(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _pct(num: ir.IntegerValue, den: ir.IntegerValue) -> ir.StringValue:
    """num/den as a percentage with one decimal, by integer arithmetic (identical on engines)."""
    tenths = (num * 2000 + den) // (den * 2).nullif(0)
    return ((tenths // 10).cast("string") + "." + (tenths % 10).cast("string")).fill_null("—")


def _pct_text(share: float) -> str:
    return f"{share * 100:g}%"


def _concat(*parts: Any) -> ir.StringValue:
    out: ir.StringValue | None = None
    for part in parts:
        piece = part if isinstance(part, ir.Value) else ibis.literal(str(part))
        out = piece if out is None else out + piece
    assert out is not None
    return out


def json_object(fields: Mapping[str, Any]) -> ir.StringValue:
    """A JSON object string built with portable string functions (identical on DuckDB and Spark).

    Integers print as digits, floats as fixed 6-decimal numbers, dates as "YYYY-MM-DD".
    """
    parts: list[Any] = []
    for i, (key, value) in enumerate(fields.items()):
        parts.append(("{" if i == 0 else ", ") + json.dumps(key) + ": ")
        parts.append(_json_value(value))
    parts.append("}" if fields else "{}")
    return _concat(*parts)


def _json_value(value: Any) -> ir.StringValue | str:
    if not isinstance(value, ir.Value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, ir.BooleanValue):
        return value.ifelse("true", "false").fill_null("null")
    if isinstance(value, ir.IntegerValue):
        return value.cast("string").fill_null("null")
    if isinstance(value, ir.FloatingValue | ir.DecimalValue):
        return value.cast("decimal(24,6)").cast("string").fill_null("null")
    if isinstance(value, ir.DateValue):
        return ('"' + value.cast("string") + '"').fill_null("null")
    escaped = value.cast("string").replace("\\", "\\\\").replace('"', '\\"')
    return ('"' + escaped + '"').fill_null("null")


def _level_by(people: ir.IntegerValue, red: int, orange: int, else_: int = 3) -> ir.IntegerValue:
    return ibis.cases(
        (people >= red, _int(1)),
        (people >= orange, _int(2)),
        else_=_int(else_),
    )


def _add_days(d: ir.DateValue, days: int) -> ir.DateValue:
    # DuckDB types ``date + INTERVAL`` as a timestamp while Ibis says date (and so elides a
    # plain cast to date): go through an explicit timestamp cast.
    return (d + ibis.interval(days=days)).cast("timestamp").cast("date")


def _add_months(d: ir.DateValue, months: int) -> ir.DateValue:
    return (d + ibis.interval(months=months)).cast("timestamp").cast("date")


def _to_ibis(table: TableLike) -> ir.Table:
    if isinstance(table, ir.Table):
        return table
    return ibis.memtable(table)


def empty_input(kind: str) -> ir.Table:
    """An empty table with the canonical columns of ``kind``."""
    schema = INPUT_SCHEMAS[kind]
    return ibis.memtable(
        pa.table({name: pa.array([], _ARROW_TYPES[typ]) for name, typ in schema.items()})
    )


def conform(kind: str, table: TableLike | None) -> ir.Table:
    """Select and cast the canonical columns of ``kind``; absent optional columns become NULL."""
    if table is None:
        return empty_input(kind)
    t = _to_ibis(table)
    cols: dict[str, ir.Value] = {}
    for name, typ in INPUT_SCHEMAS[kind].items():
        if name in t.columns:
            col = t[name]
            if name == "period":
                col = col.cast("string").replace("-", "")
            elif typ == "date" and not isinstance(col, ir.DateValue):
                col = col.cast("date")
            elif str(col.type()).rstrip("!") != typ:
                col = col.cast(typ)
            cols[name] = col
        else:
            cols[name] = ibis.null(typ)
    return t.select(**cols)


# ---------------------------------------------------------------------------------------------
# The monitor: every output, built once per input set
# ---------------------------------------------------------------------------------------------
Materialize = Callable[[str, ir.Table], ir.Table]


class Monitor:
    """All monitoring outputs over one set of input tables.

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
    these same expressions — ``enterprise_month`` (:data:`EM_STORED_COLUMNS`) and ``region_month``
    (:data:`RM_STORED_COLUMNS`) — for the months up to ``history_until``; the months after it are
    computed from the contribution rows, which must then include the month ``history_until``.
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
        self._history = {k: _to_ibis(v) for k, v in (history or {}).items()}
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
            return _int(pidx)
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
            paid=_flag(c.status == "paid").max(), arrears=_flag(c.status == "arrears").max()
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
        end = _add_days(_add_months(start, 1), -1)
        last_year = (cal.last_pidx // 12).cast("int32")
        last_month = ((cal.last_pidx % 12) + 1).cast("int32")
        last_start = ibis.date(last_year, last_month, 1)
        cal = cal.mutate(
            period=period_label(cal.pidx),
            month_start=start,
            month_end=end,
            data_end=_add_days(_add_months(last_start, 1), -1),
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
        cur = pe.select("person_id", "pidx", cur=_int(1), prev=_int(0))
        prv = pe.select("person_id", pidx=pe.pidx + 1, cur=_int(0), prev=_int(1))
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

    # -- 1. enterprise_month --------------------------------------------------------------------
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

    # -- 2. region_month --------------------------------------------------------------------------
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
        closes = posts.closes_on.fill_null(_add_days(posts.posted_on, p.posting_default_open_days))
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
            job_loss_rate=_ratio(out.position_leavers, out.prev_positions),
            registered_unemployment_rate=_ratio(
                out.unemployed_stock, out.insured_employment + out.unemployed_stock
            ),
            demand_supply_ratio=_ratio(out.recruitment_demand, out.unemployed_stock),
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

    # -- 3. enterprise_flags ----------------------------------------------------------------------
    def _enterprise_flag(
        self,
        t: ir.Table,
        *,
        code: str,
        level: ir.IntegerValue,
        people: ir.IntegerValue,
        evidence: Mapping[str, Any],
        reason: ir.StringValue,
        params: Sequence[str],
    ) -> ir.Table:
        return t.select(
            uscc=t.uscc,
            pidx=t.pidx,
            code=ibis.literal(code),
            level=level.cast("int64"),
            people=people.cast("int64"),
            evidence=json_object(evidence),
            reason_zh=reason,
            params=ibis.literal(self.params.to_json(params)),
        )

    def _layoff(self) -> ir.Table:
        p = self.params
        k = p.layoff_rolling_months
        em = self._em
        dec = em.prev_headcount - em.headcount
        dec_k = em.headcount_k_before - em.headcount

        def meets(d: ir.IntegerValue, base: ir.IntegerValue) -> ir.BooleanValue:
            by_people = d >= p.layoff_min_people
            by_share = (d >= p.layoff_small_firm_min_people) & _at_least(
                _ratio(d, base), p.layoff_min_share
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
            (t.people >= p.level_layoff_red_min_people, _int(1)),
            (t.people >= p.level_layoff_orange_min_people, _int(2)),
            (t.people >= p.layoff_min_people, _int(3)),
            else_=_int(4),
        )
        monthly_text = _concat(
            "参保人数较上月净减少",
            _str(t.dec),
            "人(上月",
            _str(t.prev_headcount),
            "人,本月",
            _str(t.headcount),
            "人,减幅",
            _pct(t.dec, t.prev_headcount),
            "%)",
        )
        rolling_text = _concat(
            f"近{k}个月参保人数净减少",
            _str(t.dec_k),
            f"人({k}个月前",
            _str(t.headcount_k_before),
            "人,本月",
            _str(t.headcount),
            "人,减幅",
            _pct(t.dec_k, t.headcount_k_before),
            "%)",
        )
        rule_text = (
            f",达到疑似规模裁员标准(净减少≥{p.layoff_min_people}人,或减幅≥"
            f"{_pct_text(p.layoff_min_share)}且≥{p.layoff_small_firm_min_people}人)"
        )
        reason = _concat(
            ibis.cases(
                (t.monthly & t.rolling, _concat(monthly_text, ";", rolling_text)),
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
        return self._enterprise_flag(
            t,
            code="layoff_suspected",
            level=level,
            people=t.people,
            evidence={
                "basis": basis,
                "prev_headcount": t.prev_headcount,
                "headcount": t.headcount,
                "decrease": t.dec,
                "share": _ratio(t.dec, t.prev_headcount),
                "rolling_months": k,
                "headcount_k_before": t.headcount_k_before,
                "decrease_k": t.dec_k,
                "share_k": _ratio(t.dec_k, t.headcount_k_before),
                "joiners": t.joiners,
                "leavers": t.leavers,
            },
            reason=reason,
            params=[
                "layoff_min_people",
                "layoff_min_share",
                "layoff_small_firm_min_people",
                "layoff_rolling_months",
                "level_layoff_red_min_people",
                "level_layoff_orange_min_people",
            ],
        )

    def _si_arrears(self) -> ir.Table:
        p = self.params
        em = self._em
        ar = em.filter(em.arrears_persons > 0)
        w = ibis.window(group_by=ar.uscc, order_by=ar.pidx)
        ar = ar.mutate(_grp=ar.pidx - ibis.row_number().over(w))
        w2 = ibis.window(group_by=[ar.uscc, ar._grp], order_by=ar.pidx)
        ar = ar.mutate(streak=ibis.row_number().over(w2) + 1)
        by_share = (ar.arrears_persons >= p.arrears_min_people) & _at_least(
            _ratio(ar.arrears_persons, ar.headcount), p.arrears_min_share
        )
        by_streak = ar.streak >= p.arrears_consecutive_months
        t = ar.mutate(by_share=by_share.fill_null(False), by_streak=by_streak.fill_null(False))
        t = t.filter(t.by_share | t.by_streak)
        share_text = _concat(
            "本月欠缴人数",
            _str(t.arrears_persons),
            "人,占参保人数",
            _str(t.headcount),
            "人的",
            _pct(t.arrears_persons, t.headcount),
            "%",
        )
        streak_text = _concat("已连续", _str(t.streak), "个月存在欠缴")
        reason = _concat(
            ibis.cases(
                (t.by_share & t.by_streak, _concat(share_text, ",且", streak_text)),
                (t.by_share, share_text),
                else_=_concat(streak_text, "(本月欠缴", _str(t.arrears_persons), "人)"),
            ),
            f",列入欠保风险(标准:欠缴占比≥{_pct_text(p.arrears_min_share)}且≥"
            f"{p.arrears_min_people}人,或连续≥{p.arrears_consecutive_months}个月欠缴)",
        )
        return self._enterprise_flag(
            t,
            code="si_arrears",
            level=_int(p.level_si_arrears),
            people=t.arrears_persons,
            evidence={
                "arrears_persons": t.arrears_persons,
                "headcount": t.headcount,
                "share": _ratio(t.arrears_persons, t.headcount),
                "consecutive_months": t.streak,
                "by_share": t.by_share,
                "by_consecutive_months": t.by_streak,
            },
            reason=reason,
            params=[
                "arrears_min_share",
                "arrears_min_people",
                "arrears_consecutive_months",
                "level_si_arrears",
            ],
        )

    def _si_break(self) -> ir.Table:
        p = self.params
        em = self._em
        t = em.filter(
            (em.prev_headcount >= p.si_break_min_insured)
            & (em.prev_paid_persons > 0)
            & (em.paid_persons == 0)
        )
        reason = _concat(
            "上月参保",
            _str(t.prev_headcount),
            "人,本月无人正常缴费(本月缴费记录",
            _str(t.headcount),
            "人,其中欠缴",
            _str(t.arrears_persons),
            "人),疑似断保",
            f"(标准:上月参保≥{p.si_break_min_insured}人且本月无人正常缴费)",
        )
        return self._enterprise_flag(
            t,
            code="si_break",
            level=_level_by(
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
            params=[
                "si_break_min_insured",
                "level_headcount_red_min_people",
                "level_headcount_orange_min_people",
            ],
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
            (cases.filed_on <= cal._c_end) & (cases.filed_on >= _add_days(cal._c_end, -days)),
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

    def _wage_arrears(self) -> ir.Table:
        p = self.params
        t = self._cases_in_window(["wage_arrears"], p.case_lookback_days)
        reason = _concat(
            f"月末前{p.case_lookback_days}天内有欠薪案件",
            _str(t.n_cases),
            "件,共涉及",
            _str(t.people_total),
            "人(单件最多",
            _str(t.people_max),
            "人,最近一件立案于",
            _str(t.last_filed),
            ")",
        )
        return self._enterprise_flag(
            t,
            code="wage_arrears",
            level=_level_by(
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
            params=[
                "case_lookback_days",
                "level_wage_arrears_red_min_people",
                "level_wage_arrears_orange_min_people",
            ],
        )

    def _frequent_disputes(self) -> ir.Table:
        p = self.params
        t = self._cases_in_window(None, p.frequent_disputes_window_days)
        t = t.filter(t.n_cases >= p.frequent_disputes_min_cases)
        reason = _concat(
            f"月末前{p.frequent_disputes_window_days}天内有劳动案件",
            _str(t.n_cases),
            "件(欠薪",
            _str(t.n_wage_arrears),
            "件,劳动争议",
            _str(t.n_dispute),
            "件,投诉举报",
            _str(t.n_complaint),
            "件,信访",
            _str(t.n_petition),
            "件),涉及",
            _str(t.people_total),
            f"人,达到劳动争议频发标准(≥{p.frequent_disputes_min_cases}件)",
        )
        return self._enterprise_flag(
            t,
            code="frequent_disputes",
            level=_int(p.level_frequent_disputes),
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
            params=[
                "frequent_disputes_min_cases",
                "frequent_disputes_window_days",
                "level_frequent_disputes",
            ],
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

    def _stoppage(self) -> ir.Table:
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
        reason = _concat(
            _str(t.last_stoppage),
            "报告停产停工,截至月末未报告复工复产(涉及参保职工",
            _str(t.people),
            "人)",
        )
        return self._enterprise_flag(
            t,
            code="stoppage",
            level=_level_by(
                t.people, p.level_headcount_red_min_people, p.level_headcount_orange_min_people
            ),
            people=t.people,
            evidence={
                "stoppage_on": t.last_stoppage,
                "last_resumed_on": t.last_resumed,
                "people": t.people,
            },
            reason=reason,
            params=["level_headcount_red_min_people", "level_headcount_orange_min_people"],
        )

    def _bankruptcy(self) -> ir.Table:
        p = self.params
        ev = self.inputs["enterprise_events"]
        ev = ev.filter((ev.kind == "bankruptcy") & ev.date.notnull())
        cal = self.calendar.select(_c_pidx="pidx", _c_end="month_end")
        j = ev.join(
            cal,
            (ev.date <= cal._c_end)
            & (ev.date >= _add_days(cal._c_end, -p.bankruptcy_lookback_days)),
        )
        t = j.group_by(["uscc", j._c_pidx.name("pidx")]).agg(bankruptcy_on=j.date.max())
        t = self._with_headcount(t)
        reason = _concat(
            _str(t.bankruptcy_on),
            "报告破产(涉及参保职工",
            _str(t.people),
            "人)",
        )
        return self._enterprise_flag(
            t,
            code="bankruptcy",
            level=_level_by(
                t.people, p.level_headcount_red_min_people, p.level_headcount_orange_min_people
            ),
            people=t.people,
            evidence={"bankruptcy_on": t.bankruptcy_on, "people": t.people},
            reason=reason,
            params=[
                "bankruptcy_lookback_days",
                "level_headcount_red_min_people",
                "level_headcount_orange_min_people",
            ],
        )

    def _operations_drop(self, column: str, code: str, share: float, label: str) -> ir.Table:
        p = self.params
        ops = self.inputs["enterprise_operations"]
        ops = ops.mutate(pidx=period_index(ops.period))
        ops = ops.group_by(["uscc", "pidx"]).agg(value=ops[column].sum())
        before = ops.select(_y_uscc="uscc", _y_pidx=ops.pidx + 12, year_before=ops.value)
        t = ops.join(before, (ops.uscc == before._y_uscc) & (ops.pidx == before._y_pidx))
        t = t.filter(t.value.notnull() & t.year_before.notnull() & (t.year_before > 0))
        t = t.mutate(drop_share=_ratio(t.year_before - t.value, t.year_before))
        t = t.filter(_at_least(t.drop_share, share))
        t = self._with_calendar(t.drop("_y_uscc", "_y_pidx"))
        reason = _concat(
            f"本月{label}",
            _str(t.value),
            "万元,较上年同期",
            _str(t.year_before),
            "万元下降",
            _str(t.drop_share * 100),
            f"%(标准:下降≥{_pct_text(share)})",
        )
        return self._enterprise_flag(
            t,
            code=code,
            level=_int(p.level_operations_drop),
            people=_int(0),
            evidence={"value": t.value, "year_before": t.year_before, "drop_share": t.drop_share},
            reason=reason,
            params=[
                "operations_drop_share" if code == "output_drop" else "export_drop_share",
                "level_operations_drop",
            ],
        )

    @cached_property
    def _enterprise_flags(self) -> ir.Table:
        p = self.params
        parts = [
            self._layoff(),
            self._si_arrears(),
            self._si_break(),
            self._wage_arrears(),
            self._frequent_disputes(),
            self._stoppage(),
            self._bankruptcy(),
            self._operations_drop("output_value", "output_drop", p.operations_drop_share, "产值"),
            self._operations_drop(
                "export_value", "export_drop", p.effective_export_drop_share, "出口额"
            ),
        ]
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

    # -- 4. region_flags --------------------------------------------------------------------------
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
            level=_int(level),
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
            arrow += (["→"] if i else []) + [_str(v)]
        reason = _concat(
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
        t = t.filter(_at_least(t.indicator, p.unemployment_rise_points))
        reason = _concat(
            f"登记失业率近{a}个月平均",
            _str2(t.ma),
            f"%,比前{back}个月内{a}个月平均最低值",
            _str2(t.low),
            "%高",
            _str2(t.indicator),
            f"个百分点,失业率快速攀升(标准:≥{_display(p.unemployment_rise_points)}个百分点)",
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
        reason = _concat(
            "本月疑似规模裁员企业",
            _str(t.n_layoff),
            f"家,多于前{b}个月平均",
            _str(t.baseline),
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
        pts = pts.mutate(region_level=ibis.literal("point"), series=pts.point_id, n_points=_int(1))
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
            arrow += (["→"] if i else []) + [_str(v)]
        who = (s.region_level == "point").ifelse(
            _concat("监测点", s.series), _concat("县(市、区)", s.series)
        )
        reason = _concat(who, f"返乡未就业人数连续{n}个月上升:", *arrow, "(人)")
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

    # -- 5. crossmatches ----------------------------------------------------------------------------
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
            level=_int(self.params.level_crossmatch),
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
        reason = _concat(
            "本月处于失业登记状态(",
            _str(t.registered_on),
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
        reason = _concat(
            "领取",
            kind_zh,
            "(所属期",
            period_label(t.pidx),
            ",金额",
            _str(t.amount),
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
            employers=_int(1),
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
            & (all_seps._f_date < _add_months(g._c_start, 2)),
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
        seps = seps.mutate(window_end=_add_days(seps.sep_date, days))
        seps = seps.mutate(end_pidx=date_index(seps.window_end))
        cal = self.calendar
        # decidable: the window has passed within the data, and every month whose first day is
        # inside the window (after the separation date) is present
        bounds = cal.aggregate(
            _first=cal.pidx.min(), _data_end=cal.data_end.max(), _missing=_flag(~cal.present).sum()
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
            _concat("用工备案解除终止(", t.reason.fill_null("未注明原因"), ")"),
            ibis.literal("社保缴费中断,次月起无任何单位缴费"),
        )
        reason = _concat(
            _str(t.sep_date),
            "离开",
            t.uscc.fill_null("原单位"),
            ",",
            how,
            ";此后",
            f"{days}天内(至",
            _str(t.window_end),
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
        reason = _concat(
            "本月在疑似规模裁员企业",
            t.uscc,
            "参保(该企业本月参保人数净减少",
            _str(t._l_people),
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

    # -- 6. warnings ---------------------------------------------------------------------------
    def warnings(self, period: str | None = None) -> ir.Table:
        """M11: every flag with its graded level Ⅰ..Ⅳ (red, orange, yellow, blue)."""
        ef = self._enterprise_flags
        rf = self._region_flags
        cm = self._crossmatches
        common = ["subject_type", "subject_id", "region_code", "uscc", "person_id", "pidx"]
        rest = ["code", "level", "evidence", "reason_zh", "params"]
        a = ef.select(
            subject_type=ibis.literal("enterprise"),
            subject_id=ef.uscc,
            region_code=ef.region_code,
            uscc=ef.uscc,
            person_id=ibis.null("string"),
            pidx=ef.pidx,
            **{c: ef[c] for c in rest},
        )
        b = rf.select(
            subject_type=rf.region_level,
            subject_id=rf.point_id.fill_null(rf.region_code),
            region_code=rf.region_code,
            uscc=ibis.null("string"),
            person_id=ibis.null("string"),
            pidx=rf.pidx,
            **{c: rf[c] for c in rest},
        )
        c = cm.select(
            subject_type=ibis.literal("person"),
            subject_id=cm.person_id,
            region_code=cm.region_code,
            uscc=cm.uscc,
            person_id=cm.person_id,
            pidx=cm.pidx,
            **{c: cm[c] for c in rest},
        )
        w = a.union(b, distinct=False).union(c, distinct=False)
        names = {k: v[0] for k, v in LEVEL_NAMES.items()}
        colours_zh = {k: v[1] for k, v in LEVEL_NAMES.items()}
        colours = {k: v[2] for k, v in LEVEL_NAMES.items()}
        out = w.select(
            *common[:5],
            period=period_label(w.pidx),
            code=w.code,
            code_zh=w.code.substitute(CODE_NAMES_ZH, else_=w.code),
            level=w.level,
            level_name=w.level.substitute(names, else_=ibis.null("string")),
            colour_zh=w.level.substitute(colours_zh, else_=ibis.null("string")),
            colour=w.level.substitute(colours, else_=ibis.null("string")),
            reason_zh=w.reason_zh,
            evidence=w.evidence,
            params=w.params,
            _pidx=w.pidx,
        )
        return self._finish(out, period, ["level", "subject_type", "subject_id", "code", "uscc"])

    # -- the derived store -------------------------------------------------------------------
    def stored_rows(self, table: str, months: Sequence[int]) -> ir.Table:
        """The rows the derived store keeps for ``months``: ``enterprise_month``
        (:data:`EM_STORED_COLUMNS`) or ``region_month`` (:data:`RM_STORED_COLUMNS`)."""
        wanted = [self._month(f"{table}_{i}", int(m)) for i, m in enumerate(months)]
        if table == "enterprise_month":
            em = self._em
            em = em.filter(em.pidx.isin(wanted))
            return em.select(
                "uscc",
                "pidx",
                "headcount",
                "arrears_persons",
                "paid_persons",
                prev_count=em.prev_headcount.fill_null(0),
                prev_paid_count=em.prev_paid_persons.fill_null(0),
                joiners=em.joiners.fill_null(em.headcount),
                leavers=em.leavers.fill_null(0),
            )
        if table == "region_month":
            rm = self._rm_base
            return rm.filter(rm.pidx.isin(wanted)).select(*RM_STORED_COLUMNS)
        raise ValueError(f"unknown stored table {table!r}")

    def _finish(self, t: ir.Table, period: str | None, keys: Sequence[str]) -> ir.Table:
        """Filter to one period (if given), order deterministically and drop the period index."""
        if period is not None:
            t = t.filter(t._pidx == self._month("period", period_to_index(period)))
        return t.order_by([t._pidx, *keys]).drop("_pidx")

    # -- all ----------------------------------------------------------------------------------
    OUTPUTS = (
        "enterprise_month",
        "region_month",
        "enterprise_flags",
        "region_flags",
        "crossmatches",
        "warnings",
    )

    def outputs(self, period: str | None = None) -> dict[str, ir.Table]:
        return {name: getattr(self, name)(period) for name in self.OUTPUTS}


def _str2(value: ir.NumericValue) -> ir.StringValue:
    """A float with two decimals (rates in percent, percentage points)."""
    return value.cast("decimal(20,2)").cast("string").fill_null("—")
