"""Indicators, risk rules and cross-matches as Ibis expressions (M1–M11, U1): the ``Monitor``.

One definition of each output, compiled by Ibis for DuckDB (the embedded default) and, unchanged,
for Spark. Nothing here needs Django; ``engines.run_monitoring`` executes the expressions and the
lead's ``wenjiuye monitor`` command writes the results back to the transactional store.

``Monitor`` is every output over one set of input tables, in layers of one idea each:

* :mod:`~wenjiuye.monitoring.base` — the prepared inputs, the months of a run, the calendar;
* :mod:`~wenjiuye.monitoring.enterprise_month` — 1. ``enterprise_month``;
* :mod:`~wenjiuye.monitoring.region_month` — 2. ``region_month``;
* :mod:`~wenjiuye.monitoring.enterprise_rules` — 3. ``enterprise_flags``;
* :mod:`~wenjiuye.monitoring.region_rules` — 4. ``region_flags``;
* :mod:`~wenjiuye.monitoring.crossmatches` — 5. ``crossmatches``;
* :mod:`~wenjiuye.monitoring.warning_levels` — 6. ``warnings``.

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

from collections.abc import Sequence

import ibis.expr.types as ir

from wenjiuye.monitoring.region_month import RM_STORED_COLUMNS
from wenjiuye.monitoring.warning_levels import Warnings


class Monitor(Warnings):
    """All monitoring outputs over one set of input tables (its arguments: :class:`~wenjiuye.monitoring.base.MonitorBase`)."""

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

    # -- the derived store -------------------------------------------------------------------
    def stored_rows(self, table: str, months: Sequence[int]) -> ir.Table:
        """The rows the derived store keeps for ``months``: ``enterprise_month``
        (``EM_STORED_COLUMNS``) or ``region_month`` (``RM_STORED_COLUMNS``)."""
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
