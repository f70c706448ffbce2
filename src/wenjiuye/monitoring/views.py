from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wenjiuye.core.audit import events_for
from wenjiuye.core.charts import bar_chart, line_chart, period_label
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
    periods = [m.period for m in months]

    def column(name: str) -> list[float | None]:
        return [m.values.get(name) for m in months]

    rate, stock = _("登记失业率"), _("登记失业人数")
    chart_rate = line_chart(
        periods,
        {rate: column("registered_unemployment_rate"), stock: column("unemployed_stock")},
        units={rate: "%", stock: _("人")},
        title=_("登记失业率与登记失业人数"),
    )
    new, paid = _("城镇新增就业"), _("领取失业保险金")
    chart_jobs = bar_chart(
        periods,
        {new: column("new_employment"), paid: column("ui_benefit_recipients")},
        units={new: _("人"), paid: _("人")},
        title=_("城镇新增就业与领取失业保险金人数"),
    )
    warning = selectors.region_warning(user=request.user, code=code)
    return render(
        request,
        "monitoring/region.html",
        {
            "code": code,
            "months": [(period_label(m.period), m) for m in reversed(months)],
            "warning": warning,
            "warning_period": period_label(warning.period) if warning.period else "",
            "chart_rate": chart_rate,
            "chart_jobs": chart_jobs,
        },
    )
