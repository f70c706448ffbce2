"""Reads of the response app, always through the user's scope (out of scope → 404)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.response.models import LayoffAttachment, LayoffReport, LayoffWorker, Visit


def layoff_list(*, user: User, status: str | None = None) -> QuerySet[LayoffReport]:
    qs = scoped(
        LayoffReport.objects.select_related("enterprise", "region", "submitted_by", "reviewed_by"),
        user,
    )
    return qs.filter(status=status) if status else qs


def layoff_get(*, user: User, pk: int) -> LayoffReport:
    try:
        return layoff_list(user=user).get(pk=pk)
    except LayoffReport.DoesNotExist as exc:
        raise Http404(_("裁员报告不存在或不在您的管辖范围内")) from exc


def referral_get(*, user: User, pk: int) -> tuple[LayoffWorker, Deadline]:
    """A laid-off worker of another county's report referred to the user's county, with the
    request; visible where the request is (the worker's home county), else 404."""
    worker = (
        LayoffWorker.objects.select_related("report__enterprise", "region").filter(pk=pk).first()
    )
    deadline = (
        scoped(deadlines_for(worker).filter(kind=LayoffWorker.REFERRAL_KIND), user).first()
        if worker is not None
        else None
    )
    if worker is None or deadline is None:
        raise Http404(_("该人员不存在或不在您的管辖范围内"))
    return worker, deadline


def attachment_get(*, user: User, report: LayoffReport, pk: int) -> LayoffAttachment:
    try:
        return report.attachments.get(pk=pk)
    except LayoffAttachment.DoesNotExist as exc:
        raise Http404(_("附件不存在")) from exc


def report_deadlines(report: LayoffReport) -> QuerySet[Deadline]:
    return deadlines_for(report).order_by("due_at", "pk")


def worker_row(worker: LayoffWorker, *, unmasked: bool) -> dict[str, Any]:
    """One roster row as pages and the API show it (ID number and phone masked unless allowed)."""
    return {
        "id": worker.pk,
        "name": worker.name,
        "id_number": worker.id_number if unmasked else mask_id(worker.id_number),
        "phone": worker.phone if unmasked else mask_phone(worker.phone),
        "region_code": worker.region_id,
        "contract_type": worker.contract_type,
        "contract_type_display": worker.get_contract_type_display(),
        "hire_date": worker.hire_date.isoformat(),
        "monthly_wage": float(worker.monthly_wage),
        "sole_earner": worker.sole_earner,
        "has_dependants": worker.has_dependants,
        "retained_first": worker.retained_first,
        "protections": list(worker.protections),
        # the legal retirement date is the birth date plus the retirement age: beside a masked
        # ID number only its year (the full date would undo the mask)
        "retirement_on": (
            worker.retirement_on.isoformat() if worker.retirement_on and unmasked else None
        ),
        "retirement_year": worker.retirement_on.year if worker.retirement_on else None,
        "art42_reasons": list(worker.art42_reasons),
        "rehire_priority_until": (
            worker.rehire_priority_until.isoformat() if worker.rehire_priority_until else None
        ),
        "severance_amount": (
            float(worker.severance_amount) if worker.severance_amount is not None else None
        ),
        "severance_months": worker.severance.get("months"),
        "severance_explanation": worker.severance.get("explanation", ""),
        "person_id": worker.person_id,
    }


def roster_rows(report: LayoffReport, *, unmasked: bool) -> list[dict[str, Any]]:
    return [worker_row(w, unmasked=unmasked) for w in report.workers.all()]


def roster_totals(report: LayoffReport) -> dict[str, Any]:
    workers = report.workers.all()
    total = workers.aggregate(s=Sum("severance_amount"))["s"] or Decimal(0)
    return {
        "workers": workers.count(),
        "retained_first": workers.filter(retained_first=True).count(),
        "art42_protected": workers.exclude(art42_reasons=[]).count(),
        "severance_total": float(total),
        "severance_missing": workers.filter(severance_amount__isnull=True).count(),
    }


def visit_list(*, user: User) -> QuerySet[Visit]:
    return scoped(
        Visit.objects.select_related("enterprise", "enterprise__region", "created_by"),
        user,
        field="enterprise__region__code",
    )


def visit_get(*, user: User, pk: int) -> Visit:
    try:
        return visit_list(user=user).get(pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404(_("走访记录不存在或不在您的管辖范围内")) from exc
