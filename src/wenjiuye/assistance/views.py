"""Pages of the assistance ledger (login) and the two public pages (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.assistance import decisions, lists, payments, registration, selectors, services
from wenjiuye.assistance.benefit_panel import benefits_panel
from wenjiuye.assistance.benefits import BenefitInput
from wenjiuye.assistance.forms import (
    BenefitForm,
    BudgetForm,
    ContactForm,
    RegisterForm,
    StatusForm,
)
from wenjiuye.assistance.subsidies import subsidy_items
from wenjiuye.assistance.tiers import case_tier, tier_labels
from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import DomainError, error_messages
from wenjiuye.core.identifiers import check_resident_id, mask_id, mask_phone
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.periods import parse_day, period_add, period_of
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.registry.services import person_reveal

#: online registrations accepted per client address per hour (the form is public)
REGISTER_RATE = 20


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


# --- ledger pages ------------------------------------------------------------------------------


@login_required
def case_list(request: AuthedHttpRequest) -> HttpResponseBase:
    spec = lists.case_spec(request.user, timezone.localdate())
    result = listing(request, selectors.case_list(user=request.user), spec)
    if result.export:
        return xlsx_response(request, result.rows, spec)
    rows = [(c, mask_id(c.person.id_number)) for c in result.page]
    tiers = dict(tier_labels(timezone.localdate()))
    return render(
        request,
        "assistance/case_list.html",
        {"listing": result, "page": result.page, "rows": rows, "tiers": tiers},
    )


def _detail_context(
    request: AuthedHttpRequest, pk: int, benefit_form: BenefitForm | None = None
) -> dict[str, Any]:
    case = selectors.case_get(user=request.user, pk=pk)
    today = timezone.localdate()
    benefits = benefits_panel(case, on=today)
    return {
        "case": case,
        "id_masked": mask_id(case.person.id_number),
        "phone_masked": mask_phone(case.person.phone),
        "age": case.age_on(today),
        "tier": case_tier(case, today),
        "timeline": case.status_changes.select_related("actor").order_by("on", "at", "pk"),
        "contacts": case.contacts.select_related("by")[:50],
        "benefits": benefits,
        "decision": benefits.decision,
        "deadlines": selectors.case_deadlines(case),
        "tasks": case.reemployment_tasks.all(),
        "history": events_for(case)[:20],
        "may_work": can(request.user, Cap.CASE_WORK, case.grid_id),
        "may_decide": can(request.user, Cap.WRITE, case.grid_id),
        "may_reveal": can(request.user, Cap.VIEW_PERSONAL, case.person.region_id),
        "status_form": StatusForm(),
        "contact_form": ContactForm(),
        "benefit_form": benefit_form
        or BenefitForm(initial=BenefitForm.initial_from(benefits.basis)),
    }


@login_required
def case_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return render(request, "assistance/case_detail.html", _detail_context(request, pk))


@login_required
@require_POST
def case_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    context = _detail_context(request, pk)
    context["revealed"] = person_reveal(
        actor=request.user, person=context["case"].person, ip=_ip(request)
    )
    return render(request, "assistance/case_detail.html", context)


def _post_back(
    request: AuthedHttpRequest,
    pk: int,
    errors: list[str],
    benefit_form: BenefitForm | None = None,
) -> HttpResponse:
    context = _detail_context(request, pk, benefit_form)
    context["errors"] = errors
    return render(request, "assistance/case_detail.html", context, status=400)


@login_required
@require_POST
def case_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, Cap.CASE_WORK, case.grid_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _post_back(request, pk, error_messages(form))
    try:
        services.case_set_status(
            case=case,
            actor=request.user,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
            employer=form.cleaned_data["employer"],
            job=form.cleaned_data["job"],
        )
    except ValidationError as exc:
        return _post_back(request, pk, error_messages(exc))
    messages.success(request, _("状态已更新"))
    return redirect("assistance-case", pk=pk)


@login_required
@require_POST
def case_contact(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, Cap.CASE_WORK, case.grid_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _post_back(request, pk, error_messages(form))
    try:
        services.contact_add(case=case, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _post_back(request, pk, error_messages(exc))
    messages.success(request, _("联系记录已保存"))
    return redirect("assistance-case", pk=pk)


@login_required
@require_POST
def case_benefits(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Confirm the benefits as the data says (``action=confirm``), or decide them with the
    officer's corrections and a reason (the form)."""
    case = selectors.case_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, case.grid_id)
    if request.POST.get("action") == "confirm":
        try:
            decisions.benefit_confirm(case=case, actor=request.user, on=timezone.localdate())
        except (ValidationError, DomainError) as exc:
            return _post_back(request, pk, error_messages(exc))
        messages.success(request, _("已按数据确认待遇核定"))
        return redirect("assistance-case", pk=pk)
    form = BenefitForm(request.POST)
    if not form.is_valid():
        return _post_back(request, pk, error_messages(form), form)
    try:
        inp = BenefitInput.from_dict(form.input_data())
        decisions.benefit_decide(
            case=case,
            actor=request.user,
            inp=inp,
            reason=form.cleaned_data["reason"],
            reemployed_on=form.cleaned_data["reemployed_on"],
        )
    except ValidationError as exc:
        return _post_back(request, pk, error_messages(exc), form)
    messages.success(request, _("待遇已核定"))
    return redirect("assistance-case", pk=pk)


@login_required
@require_POST
def task_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get(user=request.user, pk=pk)
    try:
        services.reemployment_task_done(
            task=task, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        return _post_back(request, task.case_id, error_messages(exc))
    return redirect("assistance-case", pk=task.case_id)


@login_required
def one_week(request: AuthedHttpRequest) -> HttpResponseBase:
    today = timezone.localdate()
    spec = lists.ONE_WEEK_LIST
    result = listing(request, selectors.case_list(user=request.user), spec)
    rows = selectors.one_week_overdue(user=request.user, on=today, cases=result.rows)
    if result.export:
        return xlsx_response(request, rows, spec)
    result.page = Paginator(rows, spec.per_page).get_page(request.GET.get("page"))
    result.count = len(rows)
    return render(
        request,
        "assistance/one_week.html",
        {"listing": result, "page": result.page, "today": today},
    )


@login_required
def payments_page(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    as_of = parse_day(request.GET.get("as_of", ""), today)
    year = as_of.year
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid():
            try:
                decisions.fund_budget_set(actor=request.user, **form.cleaned_data)
                messages.success(request, _("预算已保存"))
                return redirect("assistance-payments")
            except ValidationError as exc:
                messages.error(request, ";".join(error_messages(exc)))
    else:
        form = BudgetForm(initial={"year": year})
    first = f"{year:04d}01"
    last = period_of(as_of)
    return render(
        request,
        "assistance/payments.html",
        {
            "as_of": as_of,
            "unpaid": payments.due_unpaid(user=request.user, as_of=as_of),
            "not_due": payments.paid_not_due(user=request.user, first=first, last=last),
            "fund": payments.fund_status(user=request.user, year=year, as_of=as_of),
            "next_period": period_add(period_of(as_of), 1),
            "coverage": payments.payments_coverage(),
            "form": form,
            "may_write": can(request.user, Cap.WRITE),
        },
    )


@login_required
def pending_list(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = selectors.pending_list(user=request.user, state="")
    result = listing(request, qs, lists.PENDING_LIST)
    if result.export:
        return xlsx_response(request, result.rows, lists.PENDING_LIST)
    rows = [(p, mask_id(p.id_number), mask_phone(p.phone)) for p in result.page]
    return render(
        request,
        "assistance/pending_list.html",
        {"listing": result, "page": result.page, "rows": rows},
    )


@login_required
@require_POST
def pending_decide(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pending = selectors.pending_get(user=request.user, pk=pk)
    note = request.POST.get("note", "")
    try:
        if request.POST.get("decision") == "confirm":
            case = registration.pending_confirm(pending=pending, actor=request.user, note=note)
            messages.success(request, _("已确认登记,已建立帮扶台账"))
            return redirect("assistance-case", pk=case.pk)
        registration.pending_reject(pending=pending, actor=request.user, note=note)
        messages.success(request, _("已退回"))
    except ValidationError as exc:
        messages.error(request, ";".join(error_messages(exc)))
    return redirect("assistance-pending")


# --- public pages (no login) --------------------------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    """At most REGISTER_RATE submissions per client address until an hour passes without one,
    counted in the cache, which every server process shares (settings.CACHES: the database, or
    Redis), not in process memory."""
    key = f"assistance-register:{_ip(request)}"
    count = cache.get(key, 0)
    if count >= REGISTER_RATE:
        return True
    cache.set(key, count + 1, timeout=3600)
    return False


#: the version of the personal-information notice on the form (templates/assistance/
#: public_register_notice.html); the applicant's consent to it is recorded with the registration
PIPL_NOTICE = "2026-12"


def _register_page(request: HttpRequest, form: RegisterForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "assistance/public_register.html",
        {"form": form, "notice_version": PIPL_NOTICE},
        status=status,
    )


def public_register(request: HttpRequest) -> HttpResponse:
    """Online unemployment registration at the place of residence (U5, E6).

    The township list follows the chosen county: ``register.js`` loads it from
    :func:`public_townships`; without JavaScript the button "加载乡镇(街道)" posts the form back
    (``step=streets``) and the page returns with the entries kept and the county's townships,
    nothing checked or saved."""
    if request.method != "POST":
        return _register_page(request, RegisterForm())
    if request.POST.get("step") == "streets":
        kept = {k: v for k, v in request.POST.items() if k in RegisterForm.base_fields}
        kept.pop("consent", None)  # consent is given on the finished form, never carried over
        kept.pop("street", None)
        return _register_page(request, RegisterForm(initial=kept))
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _register_page(request, form, status=400)
    if _rate_limited(request):
        form.add_error(None, _("提交过于频繁,请一小时后再试或到街道(社区)窗口办理。"))
        return _register_page(request, form, status=429)
    try:
        registration.pending_submit(**form.submission(), ip=_ip(request), notice=PIPL_NOTICE)
    except registration.DuplicateRegistration:
        # Already on the ledger or already waiting for review: the same page and status as a new
        # registration, so that the public form does not tell anyone whether a number is known.
        pass
    except ValidationError as exc:
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
        return _register_page(request, form, status=400)
    number = check_resident_id(form.cleaned_data["id_number"]).value
    return render(
        request,
        "assistance/public_register_done.html",
        {"name": form.cleaned_data["name"].strip(), "id_masked": mask_id(number)},
    )


def public_townships(request: HttpRequest) -> JsonResponse:
    """The townships of a county for the public form (names are public reference data):
    ``{"county": code, "townships": [{"code", "name"}]}``; an unknown code has none."""
    code = request.GET.get("county", "").strip()
    rows = selectors.townships(code).values_list("code", "name")
    return JsonResponse({"county": code, "townships": [{"code": c, "name": n} for c, n in rows]})


def public_subsidies(request: HttpRequest) -> HttpResponse:
    """The published list of subsidy items (U5)."""
    today = timezone.localdate()
    return render(
        request, "assistance/public_subsidies.html", {"items": subsidy_items(today), "today": today}
    )
