"""Reads of the assistance ledger, always through the user's scope (a case's scope is its grid)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import (
    BenefitDecision,
    Case,
    PendingRegistration,
    ReemploymentTask,
    Status,
)
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.identifiers import looks_like_resident_id
from wenjiuye.core.models import PolicyParameter, Region, RegionLevel, User
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.registry.id_lookup import id_lookup


def case_list(
    *,
    user: User,
    status: str = "",
    tier: str = "",
    grid: str = "",
    q: str = "",
    grid_worker: int | None = None,
) -> QuerySet[Case]:
    qs = scoped(
        Case.objects.select_related("person", "grid", "grid_worker"), user, field="grid__code"
    )
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    if grid:
        qs = qs.filter(grid__code__startswith=grid)
    if grid_worker:
        qs = qs.filter(grid_worker_id=grid_worker)
    return case_search(qs, user=user, q=q) if q else qs


def case_search(qs: QuerySet[Case], *, user: User, q: str) -> QuerySet[Case]:
    """Cases of ``qs`` whose person's name contains ``q``, or whose ID number is ``q`` exactly
    (an exact search confirms a masked number: audited and limited, ``registry.id_lookup``)."""
    number = q.strip().upper()
    if looks_like_resident_id(number):
        id_lookup(user=user, number=number, where="assistance.case_list")
        return qs.filter(person__id_number=number)
    return qs.filter(person__name__contains=q.strip())


def case_get(*, user: User, pk: int) -> Case:
    """The case, or 404 when it does not exist *or* lies outside the user's scope."""
    try:
        return case_list(user=user).select_related("household").get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404(_("台账不存在或不在您的管辖范围内")) from exc


def case_deadlines(case: Case) -> QuerySet[Deadline]:
    return deadlines_for(case).order_by("status", "due_at")


def one_week_overdue(
    *, user: User, on: date, cases: QuerySet[Case] | None = None
) -> list[dict[str, Any]]:
    """Cases still being helped past the one-week promise (K8) on ``on``, longest overdue first
    (or in the order of ``cases``, the user's cases already narrowed by a list's filters).

    The promise is the version in force on the day help started (the clock's start, as for the
    deadline); help started before any version was in force (before the plan) has no clock. The
    start day is not counted (《民法典》 art. 201): started on D, due by the end of D + 7 days.
    """
    versions: dict[date, PolicyParameter | None] = {}
    rows = []
    if cases is None:
        cases = case_list(user=user).order_by("help_started_on", "pk")
    qs = cases.filter(status=Status.BEING_HELPED, help_started_on__lt=on)
    for case in qs:
        start = case.help_started_on
        assert start is not None
        if start not in versions:
            try:
                versions[start] = policy_get("key_region.employment_solved_days", on=start)
            except PolicyNotInForce:
                # Product rule (K8): help started before the promise was in force has no clock.
                versions[start] = None
        version = versions[start]
        if version is None:
            continue
        due = start + timedelta(days=int(version.value))
        if due >= on:
            continue
        rows.append(
            {
                "case": case,
                "started": start,
                "due": due,
                "days_over": (on - due).days,
                "policy": policy_cite(version),
            }
        )
    return rows


def pending_list(
    *, user: User, state: str = PendingRegistration.State.PENDING
) -> QuerySet[PendingRegistration]:
    qs = scoped(
        PendingRegistration.objects.select_related("county", "street"), user, field="street__code"
    )
    return qs.filter(state=state) if state else qs


def pending_get(*, user: User, pk: int) -> PendingRegistration:
    try:
        return pending_list(user=user, state="").get(pk=pk)
    except PendingRegistration.DoesNotExist as exc:
        raise Http404(_("登记不存在或不在您的管辖范围内")) from exc


def task_get(*, user: User, pk: int) -> ReemploymentTask:
    qs = scoped(ReemploymentTask.objects.select_related("case"), user, field="case__grid__code")
    try:
        return qs.get(pk=pk)
    except ReemploymentTask.DoesNotExist as exc:
        raise Http404(_("事项不存在或不在您的管辖范围内")) from exc


def benefit_decision(case: Case) -> BenefitDecision | None:
    """The benefits decided for ``case``, if any."""
    return BenefitDecision.objects.filter(case=case).first()


def fund_county(code: str) -> Region:
    """The region a fund budget is set for; a refusal on the ``county`` field when unknown."""
    county = Region.objects.filter(pk=code).first()
    if county is None:
        raise ValidationError({"county": _("区划不存在")})
    return county


def townships(county_code: str) -> QuerySet[Region]:
    """The townships (乡镇、街道) of a county in the reference data, in their order; none for a
    code that is not a county's (the public form's list and its JSON)."""
    if not (len(county_code) == 6 and county_code.isdigit()):
        return Region.objects.none()
    # the same townships the service requires one of (registration.pending_submit)
    qs = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=county_code)
    return qs.order_by("sort_order", "code")
