"""`wenjiuye monitor`: policy parameters in, flags with their why out, kept in the store."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from wenjiuye.core.models import Event
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, MonitoringRun, RegionMonth
from wenjiuye.monitoring.services import monitor_params, monitor_run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_monitor_keeps_flags_with_evidence_parameters_and_policy_versions(layoff):
    out = StringIO()
    call_command("monitor", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["flags_by_code"]["layoff_suspected"] >= 1
    flag = Flag.objects.get(code="layoff_suspected", subject_id=layoff, period="202203")
    assert flag.level == 3 and flag.region_code == "410421"
    assert flag.evidence["headcount"] == 20 and flag.params["layoff_min_people"] == 20
    assert "20" in flag.reason
    run = MonitoringRun.objects.get(pk=result["run"])
    assert {"layoff.art41.min_people", "layoff.art41.min_ratio"} <= {c["key"] for c in run.policy}
    assert EnterpriseMonth.objects.get(uscc=layoff, period="202203").headcount == 20
    assert RegionMonth.objects.filter(region_code="410421", period="202203").exists()
    assert Event.objects.filter(
        object_type="monitoring.monitoringrun", object_id=str(run.pk)
    ).exists()


def test_monitor_reruns_replace_the_indicators(layoff):
    call_command("monitor", "--json", stdout=StringIO())
    call_command("monitor", "--json", stdout=StringIO())
    assert EnterpriseMonth.objects.filter(uscc=layoff).count() == 3


def test_policy_parameters_feed_the_rules(layoff):
    params, cites = monitor_params(on=date(2022, 3, 31))
    assert params.layoff_min_people == 20 and params.unemployment_rise_points == 0.5
    assert all(c["effective_from"] <= "2022-03-31" for c in cites)


def test_bad_period_is_a_usage_error(layoff):
    with pytest.raises(CommandError) as excinfo:
        call_command("monitor", "--period", "2022-13")
    assert excinfo.value.returncode == 2


@pytest.mark.slow
def test_monitor_on_spark_keeps_the_same_flags(layoff):
    call_command("monitor", "--json", stdout=StringIO())
    duck = set(Flag.objects.values_list("code", "subject_id", "period", "level"))
    call_command("monitor", "--engine", "spark", "--json", stdout=StringIO())
    spark_run = MonitoringRun.objects.first()
    assert spark_run.engine == "spark"
    assert (
        set(Flag.objects.filter(run=spark_run).values_list("code", "subject_id", "period", "level"))
        == duck
    )


def _kept(run: MonitoringRun) -> dict[str, object]:
    flags = Flag.objects.filter(run=run)
    return {
        "flags": sorted(
            flags.values_list(
                "subject_type", "subject_id", "period", "code", "level", "reason", "region_code"
            )
        ),
        "evidence": sorted(json.dumps([f.evidence, f.params], sort_keys=True) for f in flags),
        "regions": sorted(
            (r.region_code, r.region_level, r.period, json.dumps(r.values, sort_keys=True))
            for r in RegionMonth.objects.filter(run=run)
        ),
        "months": sorted(
            EnterpriseMonth.objects.filter(run=run).values_list(
                "uscc", "period", "headcount", "joiners", "leavers", "net_change"
            )
        ),
    }


def test_an_all_months_run_month_by_month_keeps_the_same_results(layoff):
    whole = monitor_run(by_month=False)
    kept = _kept(whole)
    assert any(f[3] == "layoff_suspected" for f in kept["flags"])
    assert len(kept["months"]) == 3 and kept["regions"]
    by_month = monitor_run(by_month=True)
    assert _kept(by_month) == kept
    counts = {k: v for k, v in by_month.counts.items() if k != "ledgers"}
    assert counts == {k: v for k, v in whole.counts.items() if k != "ledgers"}
    assert counts["warnings"] == len(kept["flags"]) and counts["run"] == 1
    # the month files written in between are gone
    assert not any(
        p.name.startswith("monitor-") for p in (Path(settings.WENJIUYE_HOME) / "tmp").iterdir()
    )
