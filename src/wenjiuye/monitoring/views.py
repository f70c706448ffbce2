from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenjiuye.core.audit import events_for
from wenjiuye.core.charts import line_chart
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.monitoring import selectors
from wenjiuye.monitoring.forms import ContactForm, StatusForm
from wenjiuye.monitoring.ledger import ledger_assign, ledger_set_status
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.monitoring.selectors import contact_candidates
from wenjiuye.registry.selectors import enterprise_get


@login_required
def ledger_page(request: AuthedHttpRequest, ledger: str) -> HttpResponseBase:
    if ledger not in LedgerEntry.Ledger.values:
        raise Http404(_("没有这个清单"))
    spec = selectors.ledger_spec(ledger)
    result = listing(request, selectors.ledger_entries(user=request.user, ledger=ledger), spec)
    if result.export:
        return xlsx_response(request, result.rows, spec)
    return render(
        request,
        "monitoring/ledger.html",
        {
            "ledger": ledger,
            "ledger_label": LedgerEntry.Ledger(ledger).label,
            "ledgers": LedgerEntry.Ledger.choices,
            "listing": result,
            "page": result.page,
            "latest_period": selectors.latest_period(),
        },
    )


@login_required
def entry_page(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    may_write = (
        can(request.user, Cap.WRITE, entry.region_code)
        and entry.status != LedgerEntry.Status.CLOSED
    )
    status = 200
    contact_form = ContactForm(candidates=contact_candidates(entry))
    if request.method == "POST" and "contact" in request.POST:
        require(request.user, Cap.WRITE, entry.region_code)
        contact_form = ContactForm(request.POST, candidates=contact_candidates(entry))
        if contact_form.is_valid():
            ledger_assign(
                actor=request.user, entry=entry, contact=contact_form.cleaned_data["contact"]
            )
            return redirect("ledger-entry", pk=entry.pk)
        form, status = StatusForm(), 400
    elif request.method == "POST":
        require(request.user, Cap.WRITE, entry.region_code)
        form = StatusForm(request.POST)
        if form.is_valid() and entry.status != LedgerEntry.Status.CLOSED:
            ledger_set_status(
                actor=request.user,
                entry=entry,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
            return redirect("ledger-entry", pk=entry.pk)
        status = 400
        if entry.status == LedgerEntry.Status.CLOSED:
            form.add_error(None, _("该条目已销号"))
    else:
        form = StatusForm()
    return render(
        request,
        "monitoring/entry.html",
        {
            "entry": entry,
            "form": form,
            "may_write": may_write,
            "history": events_for(entry),
            "evidence": selectors.entry_evidence(entry),
        },
        status=status,
    )


@login_required
def enterprise_page(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, uscc=uscc)
    months = list(selectors.enterprise_history(uscc=uscc))
    chart = selectors.headcount_chart(months)
    flags = selectors.enterprise_flags(uscc=uscc)
    return render(
        request,
        "monitoring/enterprise.html",
        {
            "enterprise": enterprise,
            "months": months,
            "chart": chart,
            "flags": flags,
        },
    )


@login_required
def region_page(request: AuthedHttpRequest, code: str) -> HttpResponse:
    months = list(selectors.region_history(user=request.user, code=code))
    region = selectors.region_find(code)
    rate = [m.values.get("registered_unemployment_rate") for m in months]
    chart_rate = line_chart(
        [m.period for m in months],
        {"登记失业率(%)": [None if r is None else round(r * 100, 2) for r in rate]},
    )
    chart_jobs = line_chart(
        [m.period for m in months],
        {
            "城镇新增就业": [m.values.get("new_employment") for m in months],
            "登记失业人数": [m.values.get("unemployed_stock") for m in months],
        },
    )
    return render(
        request,
        "monitoring/region.html",
        {
            "code": code,
            "region": region,
            "months": months,
            "chart_rate": chart_rate,
            "chart_jobs": chart_jobs,
        },
    )
