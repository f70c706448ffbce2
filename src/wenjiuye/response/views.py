"""Pages of the response app: layoff reports, the severance and layoff-check calculators, visits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import DomainError, error_messages
from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.response import obligations, referrals, selectors, services, visits
from wenjiuye.response import roster as roster_io
from wenjiuye.response.forms import (
    AttachmentForm,
    LayoffCheckForm,
    LayoffReportForm,
    RosterUploadForm,
    SeveranceForm,
    TransitionForm,
    VisitForm,
)
from wenjiuye.response.lists import LAYOFF_LIST, VISIT_LIST
from wenjiuye.response.models import LayoffReport
from wenjiuye.response.rules import layoff_check, severance


@login_required
def layoff_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.layoff_list(user=request.user), LAYOFF_LIST)
    if result.export:
        return xlsx_response(request, result.rows, LAYOFF_LIST)
    return render(request, "response/layoff_list.html", {"listing": result, "page": result.page})


def _form_values(form: LayoffReportForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "enterprise_uscc"}


@login_required
def layoff_create(request: AuthedHttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    status = 200
    if request.method == "POST":
        form = LayoffReportForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = services.layoff_create(
                    actor=request.user,
                    enterprise=form.cleaned_data["enterprise_uscc"],
                    **_form_values(form),
                )
                return redirect("response-layoff-detail", pk=report.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        status = 400
    else:
        form = LayoffReportForm(
            user=request.user, initial={"enterprise_uscc": request.GET.get("uscc", "")}
        )
    return render(request, "response/layoff_form.html", {"form": form}, status=status)


@login_required
def layoff_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, report.region_id)
    status = 200
    if request.method == "POST":
        form = LayoffReportForm(request.POST, instance=report, user=request.user, editing=True)
        if form.is_valid():
            try:
                services.layoff_update(
                    actor=request.user,
                    report=selectors.layoff_get(user=request.user, pk=pk),
                    **_form_values(form),
                )
                return redirect("response-layoff-detail", pk=report.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        status = 400
    else:
        form = LayoffReportForm(instance=report, user=request.user, editing=True)
    return render(
        request, "response/layoff_form.html", {"form": form, "report": report}, status=status
    )


def _detail(
    request: AuthedHttpRequest,
    report: LayoffReport,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    unmasked: bool = False,
    imported: services.ImportResult | None = None,
) -> HttpResponse:
    return render(
        request,
        "response/layoff_detail.html",
        {
            "report": report,
            "checks": obligations.report_checks(report),
            "deadlines": selectors.report_deadlines(report),
            "rows": selectors.roster_rows(report, unmasked=unmasked),
            "totals": selectors.roster_totals(report),
            "attachments": report.attachments.all(),
            "history": events_for(report)[:30],
            "own_report": services.is_own_report(request.user, report),
            "unmasked": unmasked,
            "errors": errors or [],
            "imported": imported,
            "roster_form": RosterUploadForm(),
            "attachment_form": AttachmentForm(),
            "S": LayoffReport.Status,
        },
        status=status,
    )


@login_required
def layoff_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.layoff_get(user=request.user, pk=pk))


@login_required
@require_POST
def layoff_transition(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, report.region_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, status=400, errors=[_("未知操作")])
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "submit":
            services.layoff_submit(actor=request.user, report=report)
        elif action == "review":
            services.layoff_review(actor=request.user, report=report, note=note)
        elif action == "implement":
            services.layoff_implement(
                actor=request.user,
                report=report,
                implemented_on=form.cleaned_data["implemented_on"],
            )
        else:
            services.layoff_close(actor=request.user, report=report, note=note)
    except ValidationError as exc:
        report.refresh_from_db()
        return _detail(request, report, status=400, errors=error_messages(exc))
    except PermissionDenied as exc:
        # deliberately the report's own page with the reason (which step needs whom), still a 403
        report.refresh_from_db()
        return _detail(request, report, status=403, errors=[str(exc)])
    return redirect("response-layoff-detail", pk=report.pk)


@login_required
@require_POST
def layoff_roster_import(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, report.region_id)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, report, status=400, errors=[_("请选择名单文件")])
    upload = form.cleaned_data["file"]
    try:
        result = services.roster_import(
            actor=request.user,
            report=report,
            content=roster_io.read_upload(upload),
            filename=upload.name or "",
        )
    except ValidationError as exc:
        return _detail(request, report, status=400, errors=error_messages(exc))
    return _detail(request, report, imported=result)


@login_required
@require_POST
def layoff_attachment_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, report.region_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, report, status=400, errors=[_("请选择附件")])
    try:
        services.attachment_add(actor=request.user, report=report, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        return _detail(request, report, status=400, errors=error_messages(exc))
    return redirect("response-layoff-detail", pk=report.pk)


@login_required
def layoff_attachment(request: AuthedHttpRequest, pk: int, attachment: int) -> FileResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    item = selectors.attachment_get(user=request.user, report=report, pk=attachment)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
def layoff_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = selectors.layoff_get(user=request.user, pk=pk)
    services.roster_reveal(actor=request.user, report=report, ip=request.META.get("REMOTE_ADDR"))
    return _detail(request, report, unmasked=True)


@login_required
def referral(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A laid-off worker referred by another county: the receiving county takes them onto its
    own ledger (as itself), which completes the request."""
    worker, deadline = selectors.referral_get(user=request.user, pk=pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            case = referrals.referral_accept(
                actor=request.user, worker=worker, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            errors, status = error_messages(exc), 400
        else:
            return redirect("assistance-case", pk=case.pk)
    return render(
        request,
        "response/referral.html",
        {
            "worker": worker,
            "deadline": deadline,
            "id_masked": mask_id(worker.id_number),
            "phone_masked": mask_phone(worker.phone),
            "may_accept": deadline.status == deadline.Status.OPEN
            and can(request.user, Cap.CASE_WORK, deadline.region_id),
            "errors": errors,
        },
        status=status,
    )


# --- Calculators ----------------------------------------------------------------------------


@login_required
def severance_page(request: AuthedHttpRequest) -> HttpResponse:
    result, error, status = None, "", 200
    form = SeveranceForm(request.GET or None)
    if request.GET:
        if form.is_valid():
            try:
                result = severance(**form.cleaned_data)
            except DomainError as exc:
                error, status = str(exc), 400
        else:
            status = 400
    return render(
        request,
        "response/severance.html",
        {"form": form, "result": result, "error": error},
        status=status,
    )


@login_required
def layoff_check_page(request: AuthedHttpRequest) -> HttpResponse:
    result, error, status = None, "", 200
    form = LayoffCheckForm(request.GET or None)
    if request.GET:
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = layoff_check(
                    employees=data["employees"],
                    layoffs=data["layoffs"],
                    influential=data["influential"],
                    on=data["on"] or today(),
                )
            except DomainError as exc:
                error, status = str(exc), 400
        else:
            status = 400
    return render(
        request,
        "response/layoff_check.html",
        {"form": form, "result": result, "error": error},
        status=status,
    )


# --- Visits ---------------------------------------------------------------------------------


@login_required
def visit_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.visit_list(user=request.user), VISIT_LIST)
    if result.export:
        return xlsx_response(request, result.rows, VISIT_LIST)
    return render(request, "response/visit_list.html", {"listing": result, "page": result.page})


@login_required
def visit_create(request: AuthedHttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            enterprise = data.pop("enterprise_uscc")
            try:
                visit = visits.visit_create(actor=request.user, enterprise=enterprise, **data)
                return redirect("response-visit-detail", pk=visit.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        status = 400
    else:
        form = VisitForm(
            user=request.user,
            initial={
                "enterprise_uscc": request.GET.get("uscc", ""),
                "visited_on": today(),
            },
        )
    return render(request, "response/visit_form.html", {"form": form}, status=status)


@login_required
def visit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk)
    return render(
        request,
        "response/visit_detail.html",
        {"visit": visit, "summary": visits.visit_summary(visit)},
    )
