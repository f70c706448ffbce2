"""Pages of mass incidents: list, create, detail, and one POST endpoint per action (linking an
opinion item is public opinion's: ``opinion.views``, its panel ``{% incident_opinion %}``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.deadlines.models import Deadline
from wenjiuye.incidents import forms, selectors, services
from wenjiuye.incidents.lists import INCIDENT_LIST, report_thresholds
from wenjiuye.incidents.models import Incident


@login_required
def incident_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.incident_list(user=request.user), INCIDENT_LIST)
    if result.export:
        return xlsx_response(request, result.rows, INCIDENT_LIST)
    return render(request, "incidents/list.html", {"listing": result, "page": result.page})


@login_required
def incident_create(request: AuthedHttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    errors: list[str] = []
    if request.method == "POST":
        form = forms.IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.incident_create(
                    actor=request.user,
                    region=data["region"],
                    occurred_at=data["occurred_at"],
                    place=data["place"],
                    cause=data["cause"],
                    people=data["people"],
                    enterprise=data["enterprise"],
                    summary=data["summary"],
                )
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                return redirect("incident-detail", pk=incident.pk)
        status = 400
    else:
        form, status = forms.IncidentForm(user=request.user), 200
    city, province = report_thresholds()
    return render(
        request,
        "incidents/create.html",
        {"form": form, "errors": errors, "city": city, "province": province},
        status=status,
    )


def detail_context(request: AuthedHttpRequest, incident: Incident, **extra: Any) -> dict[str, Any]:
    """What ``incidents/detail.html`` shows; ``extra`` adds ``errors`` or ``revealed``."""
    may_write = can(request.user, Cap.WRITE, incident.region_id)
    deadlines = list(selectors.report_deadlines(incident))
    demand_deadlines = selectors.demand_deadlines(incident)
    demands = [(d, demand_deadlines.get(d.pk)) for d in incident.demands.select_related("unit")]
    ctx: dict[str, Any] = {
        "incident": incident,
        "may_write": may_write and incident.status != Incident.Status.CLOSED,
        "may_reveal": selectors.may_reveal(user=request.user, incident=incident),
        "representatives": selectors.representative_rows(user=request.user, incident=incident),
        "max_representatives": services.max_representatives(incident.known_at.date()),
        "demands": demands,
        "reports": incident.reports.select_related("author"),
        "deadlines": deadlines,
        "open_status": Deadline.Status.OPEN,
        "escalation": selectors.escalation_now(incident),
        "history": events_for(incident)[:30],
        "forms": {
            "people": forms.PeopleForm(initial={"people": incident.people}),
            "call": forms.CallForm(),
            "representative": forms.RepresentativeForm(),
            "demand": forms.DemandForm(),
            "report": forms.ReportForm(),
            "review": forms.ReviewForm(
                initial={
                    "causes": incident.review_causes,
                    "problems": incident.review_problems,
                    "lessons": incident.review_lessons,
                }
            ),
            "status": forms.StatusForm(initial={"status": incident.status}),
        },
        "errors": [],
        "revealed": {},
    }
    ctx.update(extra)
    revealed: dict[int, dict[str, str]] = extra.get("revealed", {})
    rows: list[dict[str, Any]] = ctx["representatives"]
    for row in rows:
        if row["id"] in revealed:
            row.update(revealed[row["id"]], masked=False)
    return ctx


@login_required
def incident_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    return render(request, "incidents/detail.html", detail_context(request, incident))


ACTION_FORMS: dict[str, type[django_forms.Form]] = {
    "people": forms.PeopleForm,
    "call": forms.CallForm,
    "representative": forms.RepresentativeForm,
    "demand": forms.DemandForm,
    "answer": forms.AnswerForm,
    "report": forms.ReportForm,
    "review": forms.ReviewForm,
    "status": forms.StatusForm,
    "reported": forms.DeadlineDoneForm,
}


def _do(request: AuthedHttpRequest, incident: Incident, action: str, data: dict[str, Any]) -> None:
    user = request.user
    if action == "people":
        services.incident_set_people(actor=user, incident=incident, people=data["people"])
    elif action == "call":
        services.incident_call(actor=user, incident=incident, service=data["service"])
    elif action == "representative":
        services.representative_add(actor=user, incident=incident, **data)
    elif action == "demand":
        services.demand_add(actor=user, incident=incident, **data)
    elif action == "answer":
        demand = selectors.demand_get(user=user, incident=incident, pk=data["demand"])
        services.demand_answer(actor=user, demand=demand, result=data["result"])
    elif action == "report":
        services.report_add(actor=user, incident=incident, text=data["text"])
    elif action == "review":
        services.incident_review(actor=user, incident=incident, **data)
    elif action == "status":
        services.incident_set_status(actor=user, incident=incident, status=data["status"])
    elif action == "reported":
        deadline = selectors.report_deadlines(incident).filter(pk=data["deadline"]).first()
        if deadline is None:
            raise Http404(_("时限事项不存在"))
        services.report_deadline_done(
            actor=user, incident=incident, deadline=deadline, note=data["note"]
        )


@login_required
@require_POST
def incident_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, pk=pk)
    if action == "reveal":
        require(request.user, Cap.VIEW_PERSONAL, incident.region_id)
        try:
            rep_pk = int(request.POST.get("representative", ""))
        except ValueError as exc:
            raise Http404(_("代表不存在")) from exc
        rep = selectors.representative_get(user=request.user, incident=incident, pk=rep_pk)
        revealed = services.representative_reveal(
            actor=request.user, representative=rep, ip=request.META.get("REMOTE_ADDR")
        )
        return render(
            request,
            "incidents/detail.html",
            detail_context(request, incident, revealed={rep.pk: revealed}),
        )
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("没有这个操作"))
    require(request.user, Cap.WRITE, incident.region_id)
    return action_response(
        request,
        incident,
        form_class(request.POST),
        lambda data: _do(request, incident, action, data),
    )


def action_response(
    request: AuthedHttpRequest,
    incident: Incident,
    form: django_forms.Form,
    run: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """An action posted on the incident's page: ``run`` with the valid form's data, then back to
    the page; or the page again with the form's or the refusal's reasons (400)."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("incident-detail", pk=incident.pk)
    else:
        errors = error_messages(form)
    incident.refresh_from_db()
    return render(
        request,
        "incidents/detail.html",
        detail_context(request, incident, errors=errors),
        status=400,
    )
