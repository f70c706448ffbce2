from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.registry import lists, selectors, services
from wenjiuye.registry.forms import EnterpriseForm


@login_required
def enterprise_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.enterprise_list(user=request.user), lists.ENTERPRISES)
    if result.export:
        return xlsx_response(request, result.rows, lists.ENTERPRISES)
    return render(
        request, "registry/enterprise_list.html", {"listing": result, "page": result.page}
    )


@login_required
def enterprise_edit(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    """The enterprise's registry record: the form for users who may change it (the file page,
    ``overview``, shows everything else). Saving returns to the file page."""
    enterprise = selectors.enterprise_get(user=request.user, uscc=uscc)
    require(request.user, Cap.WRITE, enterprise.region_id)
    if request.method == "POST":
        form = EnterpriseForm(request.POST, instance=enterprise, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "region"}
            services.enterprise_upsert(
                actor=request.user,
                uscc=enterprise.uscc,
                region_id=form.cleaned_data["region"].code,
                **data,
            )
            return redirect("enterprise-detail", uscc=enterprise.uscc)
        status = 400
    else:
        form = EnterpriseForm(instance=enterprise, user=request.user)
        status = 200
    history = events_for(enterprise)[:20]
    return render(
        request,
        "registry/enterprise_detail.html",
        {"enterprise": enterprise, "form": form, "history": history},
        status=status,
    )


@login_required
def person_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.person_list(user=request.user), lists.PERSONS)
    if result.export:
        return xlsx_response(request, result.rows, lists.PERSONS)
    rows = [(p, mask_id(p.id_number), mask_phone(p.phone)) for p in result.page]
    return render(
        request,
        "registry/person_list.html",
        {"listing": result, "page": result.page, "rows": rows},
    )


def _changes(events: QuerySet[Event]) -> QuerySet[Event]:
    """The person's changes (who looked at the person is for the audit log, not this page)."""
    return events.exclude(action=Event.Action.VIEW_UNMASKED)[:20]


@login_required
def person_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "id_masked": mask_id(person.id_number),
            "phone_masked": mask_phone(person.phone),
            "may_reveal": can(request.user, Cap.VIEW_PERSONAL, person.region_id),
            "history": _changes(events_for(person)),
        },
    )


@login_required
@require_POST
def person_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(user=request.user, pk=pk)
    revealed = services.person_reveal(
        actor=request.user, person=person, ip=request.META.get("REMOTE_ADDR")
    )
    # The reveal is audited (a view_unmasked event on the person): the page then shows the
    # person's history in full too (e.g. an earlier phone number).
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "revealed": revealed,
            "may_reveal": True,
            "history": _changes(events_for(person, unmasked=True)),
        },
    )
