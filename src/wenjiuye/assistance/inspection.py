"""Inspection of the counties' assistance work (U8, 检查评估).

The plan (失业人员帮扶预案 四(二)): inspect each county's ledger of unemployed persons (台账), the
living guarantee (保障生活), the assistance measures (帮扶措施) and their results (成效); counties
whose ledger is incomplete, measures insufficient or results poor get closer supervision, if need
be an information notice (信息通报) or an interview of the person in charge (约谈负责人).

:func:`county_inspection` computes, per county in the user's scope, four dimensions with their
figures and a verdict; the thresholds are the ``inspection.*`` policy parameters (product
defaults: the plan names the findings, not the numbers), cited in every verdict.
:func:`inspection_record` stores the city office's inspection with the figures as a snapshot.
When the county has at least one finding, the plan's 加强督导检查 becomes a re-inspection deadline
(:data:`KIND_REINSPECT`, subject the inspection, due ``inspection.reinspect_days`` days after the
inspection day); the next inspection recorded for the county (on that day or later) completes it
and opens a new one when it has findings again.

Figures:

- 台账: open cases (registered / being helped); an open case is complete when every field of
  :data:`~wenjiuye.assistance.inspection_dimensions.REQUIRED_FIELDS` (the U1 facts: education,
  skills, health, training willingness, employment needs) is filled.
- 保障生活: persons with a benefit due but not found paid, from
  :func:`wenjiuye.assistance.payments.due_unpaid` (decisions against the payment lake; no lake
  means nothing was paid).
- 帮扶措施: contact deadlines still open and due before the inspection day; open cases whose last
  contact (or, without one, their registration day) is within their tier's contact frequency.
- 成效: cases that moved to an employed status in the window ending on the inspection day, as a
  share of those plus the open cases; one-week promises (K8) due in the window before the day,
  kept when the case was employed by the due day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.assistance import payments
from wenjiuye.assistance.inspection_dimensions import (
    Dimension,
    guarantee_dimension,
    ledger_dimension,
    measures_dimension,
    results_dimension,
)
from wenjiuye.assistance.models import (
    EMPLOYED_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseStatusChange,
    Contact,
    CountyInspection,
    Status,
)
from wenjiuye.core.audit import record_event
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import Event, PolicyParameter, Region, RegionLevel, User
from wenjiuye.core.periods import day_start, end_of_day, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap, Role
from wenjiuye.core.scope import NOTHING, can, require, scope_prefix, scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import deadline_complete, deadline_create

KEYS = (
    "inspection.ledger.min_complete_ratio",
    "inspection.guarantee.max_unpaid_persons",
    "inspection.measures.max_overdue_contacts",
    "inspection.measures.min_contacted_ratio",
    "inspection.results.window_days",
    "inspection.results.min_reemployed_ratio",
    "inspection.results.min_promise_kept_ratio",
)

REINSPECT_KEY = "inspection.reinspect_days"
#: the deadline kind of the follow-up re-inspection of a county with findings
KIND_REINSPECT = "inspection.reinspect"

#: the roles that may record an inspection (with a city-wide or no region)
RECORDING_ROLES = frozenset({Role.CITY_OFFICE, Role.GROUP_MEMBER, Role.ADMIN})


@dataclass
class CountyRow:
    code: str
    name: str
    dimensions: list[Dimension]

    @property
    def findings(self) -> list[str]:
        return sorted({d.finding for d in self.dimensions if d.finding})

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "findings": self.findings,
            "dimensions": [d.as_dict() for d in self.dimensions],
        }


@dataclass
class Inspection:
    on: date
    rows: list[CountyRow]
    policy: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "rows": [r.as_dict() for r in self.rows],
            "policy": self.policy,
        }


def _counties(user: User) -> QuerySet[Region]:
    prefix = scope_prefix(user)
    qs = Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE], active=True)
    if prefix == NOTHING or not can(user, Cap.READ):
        return qs.none()
    if prefix:
        qs = qs.filter(code__startswith=prefix[:6])
    return qs.order_by("sort_order", "code")


def county_get(*, user: User, code: str) -> Region:
    """The county ``code`` if it is in the user's scope, else 404."""
    try:
        return _counties(user).get(code=code)
    except Region.DoesNotExist as exc:
        raise Http404(_("县(市、区)不存在或不在您的管辖范围内")) from exc


def _contact_days(on: date) -> tuple[dict[str, int], int, PolicyParameter]:
    version = policy_get("assistance.tier.packages", on=on)
    packages = sorted(version.value, key=lambda t: t["rank"])
    return (
        {t["tier"]: int(t["contact_days"]) for t in packages},
        int(packages[0]["contact_days"]),
        version,
    )


def _promises(cases: list[Case], *, first: date, last: date) -> list[tuple[Case, date, bool]]:
    """One-week promises (K8) of ``cases`` due in ``first``..``last``: (case, due, kept)."""
    starts = CaseStatusChange.objects.filter(
        case__in=cases, to_status=Status.BEING_HELPED
    ).values_list("case_id", "on")
    employed: dict[int, list[date]] = defaultdict(list)
    for case_id, day in CaseStatusChange.objects.filter(
        case__in=cases, to_status__in=EMPLOYED_STATUSES
    ).values_list("case_id", "on"):
        employed[case_id].append(day)
    by_id = {c.pk: c for c in cases}
    days_of: dict[date, int | None] = {}
    out = []
    for case_id, start in starts:
        if start not in days_of:
            try:
                days_of[start] = int(
                    policy_get("key_region.employment_solved_days", on=start).value
                )
            except PolicyNotInForce:
                # Product rule (K8): help started before the promise was in force has no clock
                # (as for the deadline, ``case_deadlines.schedule_one_week``).
                days_of[start] = None
        days = days_of[start]
        if days is None:
            continue
        due = start + timedelta(days=days)
        if not first <= due <= last:
            continue
        kept = any(start <= d <= due for d in employed[case_id])
        out.append((by_id[case_id], due, kept))
    return out


def county_inspection(
    *, user: User, on: date, root: str | Path | None = None, county: str = ""
) -> Inspection:
    """Per county in the user's scope (or only ``county``), the four dimensions on ``on``."""
    versions = {key: policy_get(key, on=on) for key in KEYS}
    v = {key: version.value for key, version in versions.items()}
    counties = list(_counties(user))
    if county:
        counties = [c for c in counties if c.code == county]
    window = int(v["inspection.results.window_days"])
    first = on - timedelta(days=window - 1)
    tier_days, default_days, packages = _contact_days(on)
    codes = [c.code for c in counties]

    cases_by: dict[str, list[Case]] = defaultdict(list)
    for case in scoped(Case.objects.all(), user, field="grid__code"):
        if case.county_code in codes:
            cases_by[case.county_code].append(case)
    last_contact = dict(
        Contact.objects.filter(case__status__in=OPEN_STATUSES, at__lt=day_start(on + timedelta(1)))
        .values("case_id")
        .annotate(last=Max("at"))
        .values_list("case_id", "last")
    )
    unpaid_by: dict[str, set[int]] = defaultdict(set)
    for row in payments.due_unpaid(user=user, as_of=on, root=root):
        unpaid_by[row["county"]].add(row["case_id"])
    overdue_by: dict[str, int] = defaultdict(int)
    for region_id in Deadline.objects.filter(
        kind__startswith="assistance.contact",
        status=Deadline.Status.OPEN,
        due_at__lt=day_start(on),
    ).values_list("region_id", flat=True):
        overdue_by[str(region_id)[:6]] += 1
    employed_by: dict[str, set[int]] = defaultdict(set)
    for case_id, grid_id in CaseStatusChange.objects.filter(
        to_status__in=EMPLOYED_STATUSES, on__gte=first, on__lte=on
    ).values_list("case_id", "case__grid_id"):
        employed_by[str(grid_id)[:6]].add(case_id)

    rows = []
    for region in counties:
        cases = cases_by.get(region.code, [])
        open_cases = [c for c in cases if c.status in OPEN_STATUSES]
        dims = [
            ledger_dimension(open_cases, v),
            guarantee_dimension(len(unpaid_by.get(region.code, set())), v),
            measures_dimension(
                open_cases,
                overdue_by.get(region.code, 0),
                last_contact,
                tier_days,
                default_days,
                on,
                v,
            ),
            results_dimension(
                len(employed_by.get(region.code, set())),
                len(open_cases),
                _promises(cases, first=first, last=on - timedelta(days=1)),
                window,
                v,
            ),
        ]
        rows.append(CountyRow(code=region.code, name=region.name, dimensions=dims))
    cites = [policy_cite(versions[k]) for k in KEYS] + [policy_cite(packages)]
    return Inspection(on=on, rows=rows, policy=cites)


# --- records ---------------------------------------------------------------------------------


def may_record(user: User, county: str) -> bool:
    """Only city-level users record an inspection: the city office, a work-group member or an
    administrator, whose scope is the whole city (or everywhere), with WRITE in the county."""
    if not can(user, Cap.WRITE, county):
        return False
    if not (user.is_superuser or user.role in RECORDING_ROLES):
        return False
    return len(scope_prefix(user)) < 6


def inspections_for(*, user: User, county: str) -> QuerySet[CountyInspection]:
    """The inspections of ``county`` (404 when it is outside the user's scope)."""
    region = county_get(user=user, code=county)
    return CountyInspection.objects.filter(county=region).select_related("recorded_by")


def inspection_record(
    *,
    actor: User,
    county: str,
    findings: str,
    action: str,
    on: date,
    root: str | Path | None = None,
) -> CountyInspection:
    """Record the city office's inspection of ``county`` on ``on`` with the figures of the day."""
    region = county_get(user=actor, code=county)
    require(actor, Cap.WRITE, region.code)
    if not may_record(actor, region.code):
        raise PermissionDenied(_("只有市稳就业工作专班办公室、工作组成员可以记录检查评估"))
    errors: dict[str, str] = {}
    text = (findings or "").strip()
    if not text:
        errors["findings"] = "请填写检查发现"
    elif len(text) > 5000:
        errors["findings"] = "检查发现不能超过5000字"
    if action not in CountyInspection.Action.values:
        errors["action"] = _("未知督导措施:%(action)s(可选:无、信息通报、约谈负责人)") % {
            "action": action
        }
    if on > today():
        errors["on"] = _("检查日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    try:
        result = county_inspection(user=actor, on=on, root=root, county=region.code)
        reinspect = policy_get(REINSPECT_KEY, on=on)
    except PolicyNotInForce as exc:
        # Product rule: the inspection day is the recorder's input, and an inspection is recorded
        # only on a day its thresholds are in force: a day before them is refused on that field.
        raise ValidationError(
            {"on": _("检查日期没有生效的检查评估参数:%(exc)s") % {"exc": exc}}
        ) from exc
    row = result.rows[0] if result.rows else None
    with transaction.atomic():
        record = CountyInspection.objects.create(
            county=region,
            on=on,
            findings=text,
            action=action,
            snapshot=row.as_dict() if row else {},
            policy=[*result.policy, policy_cite(reinspect)],
            recorded_by=actor,
        )
        closed = _reinspections_complete(region, record, actor)
        opened = _reinspection_open(region, record, row, result.policy, reinspect, actor)
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=record,
            region_code=region.code,
            changes={
                "on": on.isoformat(),
                "action": action,
                "findings": text[:500],
                "reinspect_due": opened.due_at.date().isoformat() if opened else None,
                "reinspections_completed": [d.pk for d in closed],
            },
            note=f"检查评估 {region.name}:{CountyInspection.Action(action).label}",
        )
    return record


def _reinspections_open(region: Region) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        kind=KIND_REINSPECT,
        subject_type=CountyInspection._meta.label_lower,
        region=region,
        status=Deadline.Status.OPEN,
    )


def _reinspections_complete(
    region: Region, record: CountyInspection, actor: User
) -> list[Deadline]:
    """Complete the county's open re-inspections opened by an inspection on or before
    ``record``'s day (a back-dated, earlier inspection does not count as the re-inspection)."""
    deadlines = list(_reinspections_open(region).order_by("due_at", "pk"))
    earlier = set(
        CountyInspection.objects.filter(
            pk__in=[int(d.subject_id) for d in deadlines], on__lte=record.on
        )
        .exclude(pk=record.pk)
        .values_list("pk", flat=True)
    )
    return [
        deadline_complete(
            deadline=d,
            actor=actor,
            note=f"已于 {record.on.isoformat()} 复查(检查评估记录 #{record.pk})",
        )
        for d in deadlines
        if int(d.subject_id) in earlier
    ]


def _reinspection_open(
    region: Region,
    record: CountyInspection,
    row: CountyRow | None,
    cites: list[dict[str, Any]],
    reinspect: PolicyParameter,
    actor: User,
) -> Deadline | None:
    """The re-inspection deadline of ``record`` when the county has a finding, else None. A
    back-dated inspection (the county has one on a later day) is superseded and opens none."""
    if row is None or not row.findings:
        return None
    if CountyInspection.objects.filter(county=region, on__gt=record.on).exists():
        return None
    days = int(reinspect.value)
    behind = {k for d in row.dimensions if d.finding for k in d.cites}
    policy = {c["key"]: c for c in cites if c["key"] in behind}
    policy[REINSPECT_KEY] = policy_cite(reinspect)
    return deadline_create(
        kind=KIND_REINSPECT,
        title=f"复查{region.name}失业人员帮扶工作({'、'.join(row.findings)})",
        clause="U8",
        subject=record,
        region=region,
        due_at=end_of_day(record.on + timedelta(days=days)),
        actor=actor,
        policy=policy,
    )


def reinspections_open(*, user: User, county: str) -> list[Deadline]:
    """The county's open re-inspection deadlines, soonest first (404 outside the user's scope)."""
    region = county_get(user=user, code=county)
    return list(_reinspections_open(region).order_by("due_at", "pk"))


def reinspections_by_record(records: list[CountyInspection]) -> dict[int, Deadline]:
    """The re-inspection deadline each of ``records`` opened (records without one are absent)."""
    rows = Deadline.objects.filter(
        kind=KIND_REINSPECT,
        subject_type=CountyInspection._meta.label_lower,
        subject_id__in=[str(r.pk) for r in records],
    )
    return {int(d.subject_id): d for d in rows}
