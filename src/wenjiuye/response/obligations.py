"""The procedure a layoff report must follow, and its obligations as deadlines.

:func:`report_check` is ``rules.layoff_check`` on the report; :func:`report_checks` the
procedural checks its page shows (notice, report first, retention, art. 42). Each obligation the
check returns becomes a :class:`~wenjiuye.deadlines.models.Deadline` of the report (its county as
the region, escalation toward the city work-group office), due at a time the policy table fixes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.models import User
from wenjiuye.core.periods import add_months, day_start, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.response.entitlements import ART42_LABELS
from wenjiuye.response.models import LayoffReport
from wenjiuye.response.rules import layoff_check

#: obligations due "at once" (from the moment the bureau learns of the layoff) and their hours
AT_ONCE_HOURS = {
    "layoff.report_city": "layoff.report_city.due_hours",
    "layoff.report_province": "layoff.report_province.due_hours",
    "layoff.early_intervention": "layoff.early_intervention.due_hours",
    "layoff.report_party_government": "layoff.early_intervention.due_hours",
}
ESCALATE_TO = "city_office"


def report_check(report: LayoffReport, *, on: date | None = None) -> dict[str, Any]:
    """Art. 41 and the plan's obligations for the report (rules.layoff_check on the day)."""
    return layoff_check(
        employees=report.total_employees,
        layoffs=report.planned_layoffs,
        influential=report.influential,
        on=on or (report.submitted_at.date() if report.submitted_at else today()),
    )


def report_checks(report: LayoffReport) -> list[dict[str, Any]]:
    """The procedural checks shown on the report: each with ok True/False/None (not yet known)."""
    check = report.check_result or report_check(report)
    applies = check["art41_applies"]
    impl = report.planned_implementation_on
    notice = policy_get("layoff.art41.notice_days", on=impl)
    days = notice.value
    items: list[dict[str, Any]] = [
        {
            "key": "art41",
            "label": _("是否属于规模裁员(第四十一条)"),
            "ok": None,
            "applies": applies,
            "detail": check["reason"],
            "clause": "L1",
        }
    ]
    if report.explained_on is None:
        ok, detail = None, _("尚未填写向工会或全体职工说明情况的日期")
    else:
        ahead = (impl - report.explained_on).days
        ok = ahead >= days
        detail = _("说明情况日期 %(d)s,距计划实施 %(n)d 日(须提前 %(days)d 日)") % {
            "d": report.explained_on.isoformat(),
            "n": ahead,
            "days": days,
        }
    items.append(
        {
            "key": "notice",
            "label": _("提前三十日说明情况"),
            "ok": ok if applies else None,
            "applies": applies,
            "detail": detail,
            "clause": "L1,E3",
            "policy": [policy_cite(notice)],
        }
    )
    if report.reported_on is None:
        ok, detail = None, _("尚未填写向人社部门报告的日期")
    else:
        ok = report.reported_on <= impl
        detail = _("报告日期 %(r)s,计划实施日期 %(i)s") % {
            "r": report.reported_on.isoformat(),
            "i": impl.isoformat(),
        }
    # E3: an influential enterprise reports before implementing even below art. 41's threshold
    must_report = applies or bool(check.get("influential"))
    items.append(
        {
            "key": "reported",
            "label": _("裁减人员方案报告后方可实施"),
            "ok": ok if must_report else None,
            "applies": must_report,
            "detail": detail,
            "clause": "E3,L3",
        }
    )
    workers = report.workers.count() if report.pk else 0
    retained = report.workers.filter(retained_first=True).count() if report.pk else 0
    items.append(
        {
            "key": "retained_first",
            "label": _("优先留用人员"),
            "ok": (retained == 0) if workers else None,
            "applies": applies,
            "detail": _("名单 %(n)d 人,其中应优先留用 %(r)d 人") % {"n": workers, "r": retained},
            "clause": "L1",
        }
    )
    protected = list(report.workers.exclude(art42_reasons=[])) if report.pk else []
    count = len(protected)
    reasons = sorted({r for w in protected for r in w.art42_reasons if r in ART42_LABELS})
    items.append(
        {
            "key": "art42",
            "label": _("不得依照第四十一条裁减的人员(第四十二条)"),
            "ok": (count == 0) if workers else None,
            "applies": applies,
            "detail": _("名单 %(n)d 人,其中依第四十二条不得裁减 %(k)d 人")
            % {"n": workers, "k": count}
            + "".join(f";{ART42_LABELS[r]}" for r in reasons),
            "clause": "L1,L4",
        }
    )
    return items


def blocking(report: LayoffReport) -> list[str]:
    """Reasons the layoff may not be implemented yet (art. 41 procedure not followed)."""
    return [
        f"{item['label']}:{item['detail']}"
        for item in report_checks(report)
        if item["applies"]
        and (
            (item["key"] in {"notice", "reported"} and item["ok"] is not True)
            or (item["key"] == "art42" and item["ok"] is False)
        )
    ]


def _due(report: LayoffReport, kind: str, on: date) -> tuple[datetime, dict[str, Any]]:
    """When obligation ``kind`` is due, and the policy versions that say so."""
    impl = report.planned_implementation_on
    if kind in AT_ONCE_HOURS:
        version = policy_get(AT_ONCE_HOURS[kind], on=on)
        assert report.submitted_at is not None
        return report.submitted_at + timedelta(hours=version.value), {
            version.key: policy_cite(version)
        }
    if kind == "layoff.explain":
        version = policy_get("layoff.art41.notice_days", on=on)
        return day_start(impl - timedelta(days=version.value - 1)), {
            version.key: policy_cite(version)
        }
    if kind in ("layoff.report_bureau", "layoff.retain_first"):
        return day_start(impl), {}
    if kind == "layoff.job_fair":
        version = policy_get("layoff.job_fair.due_days", on=on)
        return day_start(impl + timedelta(days=version.value + 1)), {
            version.key: policy_cite(version)
        }
    if kind == "layoff.rehire_priority":
        version = policy_get("layoff.art41.rehire_priority_months", on=on)
        done = report.implemented_on or impl
        return day_start(add_months(done, version.value) + timedelta(days=1)), {
            version.key: policy_cite(version)
        }
    raise ValueError(f"unknown obligation {kind}")


def create_deadlines(
    report: LayoffReport, actor: User, check: dict[str, Any], kinds: set[str] | None = None
) -> list[Deadline]:
    on = report.submitted_at.date() if report.submitted_at else today()
    remind = policy_get("layoff.deadline.remind_before_minutes", on=on)
    escalate = policy_get("layoff.deadline.escalate_after_minutes", on=on)
    out = []
    for obligation in check["obligations"]:
        kind = obligation["kind"]
        if kinds is not None and kind not in kinds:
            continue
        if kinds is None and kind == "layoff.rehire_priority":
            continue  # created when the layoff is implemented (its window starts then)
        due_at, cites = _due(report, kind, on)
        # the parameter versions the check used (fixed on the report when it was submitted)
        cites |= {c["key"]: c for c in check["policy"] if c["key"] in obligation["parameters"]}
        cites |= {remind.key: policy_cite(remind), escalate.key: policy_cite(escalate)}
        out.append(
            deadline_create(
                kind=kind,
                title=f"{obligation['what']}({obligation['who']})"[:200],
                clause=obligation["clause"],
                subject=report,
                region=report.region,
                due_at=due_at,
                actor=actor,
                policy=cites,
                reminders=list(remind.value),
                escalation=[{"after_minutes": escalate.value, "to": ESCALATE_TO}],
            )
        )
    return out


def complete_met_obligations(report: LayoffReport, actor: User) -> None:
    """Close the notice and report deadlines once the report shows them done in time."""
    met = {item["key"]: item for item in report_checks(report) if item["ok"] is True}
    for kind, key in (("layoff.explain", "notice"), ("layoff.report_bureau", "reported")):
        if key not in met:
            continue
        for deadline in deadlines_for(report).filter(kind=kind, status=Deadline.Status.OPEN):
            deadline_complete(deadline=deadline, actor=actor, note=str(met[key]["detail"]))
