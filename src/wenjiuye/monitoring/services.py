"""``monitor_run``: snapshot the store into the lake, run the engine, keep the results.

Rule parameters come from the policy table, looked up on the last day of the monitored month
(or today for a run over all months); each run records the policy versions it used.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wenjiuye.core.audit import record_event
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import Event, User
from wenjiuye.core.periods import period_end
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.intake.lake import connect_duckdb, lake_root
from wenjiuye.intake.services import store_snapshots_write
from wenjiuye.monitoring.engines import (
    ONE_RUN_MAX_ROWS,
    connect_spark,
    lake_contribution_rows,
    run_monitoring,
    run_monitoring_by_month,
)
from wenjiuye.monitoring.expressions import Monitor
from wenjiuye.monitoring.ledger import (
    ledger_sync_point_reports,
    ledger_sync_registrations,
    ledger_sync_run,
)
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, MonitoringRun, RegionMonth
from wenjiuye.monitoring.params import RuleParams

BATCH = 5000
RESULT_OUTPUTS = Monitor.OUTPUTS


def monitor_params(*, on: date) -> tuple[RuleParams, list[dict[str, Any]]]:
    """The rule parameters in force on ``on`` and the policy versions they came from."""
    mapping: dict[str, Any] = {}
    cites: list[dict[str, Any]] = []
    for key in sorted(set(RuleParams.policy_keys().values())):
        try:
            version = policy_get(key, on=on)
        except PolicyNotInForce:
            continue  # the engine's documented default applies
        mapping[key] = version.value
        cites.append(policy_cite(version))
    return RuleParams.from_mapping(mapping), cites


def _clean(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _flag(run: MonitoringRun, r: dict[str, Any], subject_type: str, subject_id: str) -> Flag:
    return Flag(
        run=run,
        subject_type=subject_type,
        subject_id=subject_id,
        uscc=r.get("uscc") or "",
        region_code=r.get("region_code") or "",
        period=r["period"],
        code=r["code"],
        level=r["level"],
        reason=r["reason_zh"],
        evidence=r["evidence"] or {},
        params=r["params"] or {},
    )


def _flags(run: MonitoringRun, out: dict[str, pd.DataFrame]) -> list[Flag]:
    S = Flag.Subject
    flags = [_flag(run, r, S.ENTERPRISE, r["uscc"]) for r in _records(out["enterprise_flags"])]
    for r in _records(out["region_flags"]):
        point = r.get("point_id")
        flags.append(_flag(run, r, S.POINT if point else S.REGION, point or r["region_code"]))
    flags += [_flag(run, r, S.PERSON, r["person_id"]) for r in _records(out["crossmatches"])]
    return flags


def _connect(engine: str) -> Any:
    if engine == "spark":
        return connect_spark(master=settings.SPARK_MASTER)
    if engine == "duckdb":
        spill = Path(settings.WENJIUYE_HOME) / "tmp"
        return connect_duckdb(memory_limit=settings.DUCKDB_MEMORY_LIMIT, temp_directory=spill)
    raise ValueError(f"unknown engine {engine!r} (duckdb or spark)")


def _month_by_month(engine: str, by_month: bool | None) -> bool:
    """Whether an all-months run goes month by month (bounded memory): on DuckDB, when asked or
    when the lake holds more than :data:`ONE_RUN_MAX_ROWS` contribution rows."""
    if engine != "duckdb":
        return False  # a Spark run costs tens of seconds of planning per run
    if by_month is not None:
        return by_month
    return lake_contribution_rows(lake_root()) > ONE_RUN_MAX_ROWS


def _spill_by_month(
    con: Any, params: RuleParams, folder: Path, say: Callable[[str], None]
) -> list[Path]:
    """Run every month of the lake one after another and write each month's outputs to a
    Parquet file per output under ``folder`` before the next (the memory of one month)."""
    written: list[Path] = []
    for period, out in run_monitoring_by_month(con, lake_root(), params):
        say(f"  {period or '全部期间'}")
        part = folder / f"{period or 'all'}"
        part.mkdir(parents=True)
        for name in RESULT_OUTPUTS:
            pq.write_table(out[name], part / f"{name}.parquet")
        written.append(part)
        del out
    return written


def _frames(out: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Arrow results as pandas, integer columns with NULLs kept as integers (not floats), so a
    month's counts are stored the same whether or not another month of the run has a NULL."""
    return {name: out[name].to_pandas(integer_object_nulls=True) for name in RESULT_OUTPUTS}


def _read_spilled(part: Path) -> dict[str, pd.DataFrame]:
    return _frames({name: pq.read_table(part / f"{name}.parquet") for name in RESULT_OUTPUTS})


def _store_results(run: MonitoringRun, out: dict[str, pd.DataFrame]) -> set[str]:
    """Keep one set of outputs (all months or one month) of ``run``: region and enterprise
    indicators (replacing those of the same periods) and the flags. Returns the periods."""
    regions = _records(out["region_month"])
    periods = {r["period"] for r in regions}
    RegionMonth.objects.filter(period__in=periods).delete()
    RegionMonth.objects.bulk_create(
        [
            RegionMonth(
                run=run,
                region_code=r.pop("region_code"),
                region_level=r.pop("region_level"),
                period=r.pop("period"),
                values=r,
            )
            for r in regions
        ],
        batch_size=BATCH,
    )
    months = _records(out["enterprise_month"])
    EnterpriseMonth.objects.filter(period__in={m["period"] for m in months}).delete()
    EnterpriseMonth.objects.bulk_create(
        [
            EnterpriseMonth(
                run=run,
                uscc=m["uscc"],
                region_code=m["region_code"] or "",
                period=m["period"],
                headcount=m["headcount"],
                joiners=m["joiners"],
                leavers=m["leavers"],
                net_change=m["net_change"],
                arrears_persons=m["arrears_persons"],
            )
            for m in months
        ],
        batch_size=BATCH,
    )
    Flag.objects.bulk_create(_flags(run, out), batch_size=BATCH)
    return periods


def monitor_run(
    *,
    engine: str = "duckdb",
    period: str | None = None,
    actor: User | None = None,
    progress: Callable[[str], None] | None = None,
    by_month: bool | None = None,
) -> MonitoringRun:
    """Run the monitoring engine on the lake and keep its results.

    An all-months run over a large lake (DuckDB, more than :data:`ONE_RUN_MAX_ROWS` contribution
    rows, or ``by_month=True``) runs the months one after another and writes each month's
    results to Parquet under ``$WENJIUYE_HOME/tmp`` before the next, then stores them month by
    month: the same rows as one all-months run (``tests/monitoring/test_derived.py``), in the
    memory of a monthly run instead of every output of every month at once.
    """
    say = progress or (lambda message: None)
    started = timezone.now()
    say("写出登记库快照…")
    store_snapshots_write()
    on = period_end(period) if period else timezone.localdate()
    params, cites = monitor_params(on=on)
    say(f"运行监测规则({engine})…")
    spill: Path | None = None
    parts: list[Path] = []
    out: dict[str, pd.DataFrame] = {}
    try:
        if period is None and _month_by_month(engine, by_month):
            base = Path(settings.WENJIUYE_HOME) / "tmp"
            base.mkdir(parents=True, exist_ok=True)
            spill = Path(tempfile.mkdtemp(prefix="monitor-", dir=base))
            parts = _spill_by_month(_connect(engine), params, spill, say)
        else:
            out = _frames(run_monitoring(_connect(engine), lake_root(), params, period))
        say("保存结果…")
        with transaction.atomic():
            run = MonitoringRun.objects.create(
                engine=engine,
                period=period or "",
                params=json.loads(params.to_json()),
                policy=cites,
                counts={},
                started_at=started,
                finished_at=timezone.now(),
                started_by=actor,
            )
            counts = {name: 0 for name in RESULT_OUTPUTS}
            periods: set[str] = set()
            for chunk in [out] if not parts else (_read_spilled(p) for p in parts):
                periods |= _store_results(run, chunk)
                for name in RESULT_OUTPUTS:
                    counts[name] += int(len(chunk[name]))
            counts["run"] = 1
            run.counts = counts
            run.save(update_fields=["counts"])
            record_event(
                actor=actor, action=Event.Action.CREATE, obj=run, changes={"counts": run.counts}
            )
            say("更新重点清单和风险隐患台账…")
            ledgers = ledger_sync_run(run=run, actor=actor)
            if periods:
                ledgers["key_group_registrations"] = ledger_sync_registrations(
                    period=max(periods), actor=actor
                )
                ledgers["key_group_returned_migrants"] = ledger_sync_point_reports(
                    period=max(periods), actor=actor
                )
            run.counts = {**run.counts, "ledgers": ledgers}
            run.save(update_fields=["counts"])
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)
    return run
