"""Pages of public opinion: list, create, detail (update) and the keyword lexicon; on an
incident's page, linking and unlinking its items (I6: the panel is ``{% incident_opinion %}``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.listing import listing, xlsx_response
from wenjiuye.core.periods import today
from wenjiuye.core.policy import policy_value
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, can_city, require, require_city
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.incidents.selectors import incident_get
from wenjiuye.incidents.views import action_response
from wenjiuye.opinion import feeds, forms, selectors, services
from wenjiuye.opinion.classify import classify
from wenjiuye.opinion.lists import OPINION_LIST
from wenjiuye.opinion.models import OpinionItem


@login_required
def opinion_list(request: AuthedHttpRequest) -> HttpResponseBase:
    result = listing(request, selectors.opinion_list(user=request.user), OPINION_LIST)
    if result.export:
        return xlsx_response(request, result.rows, OPINION_LIST)
    return render(request, "opinion/list.html", {"listing": result, "page": result.page})


@login_required
def opinion_create(request: AuthedHttpRequest) -> HttpResponse:
    require(request.user, Cap.WRITE)
    errors: list[str] = []
    if request.method == "POST":
        form = forms.OpinionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item, _created = services.opinion_create(actor=request.user, **data)
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                return redirect("opinion-detail", pk=item.pk)
        else:
            errors = error_messages(form)
        status = 400
    else:
        form, status = forms.OpinionForm(user=request.user), 200
    return render(request, "opinion/create.html", {"form": form, "errors": errors}, status=status)


@login_required
def opinion_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.opinion_get(user=request.user, pk=pk)
    errors: list[str] = []
    status = 200
    form: forms.UpdateForm | None = None
    if request.method == "POST":
        require(request.user, Cap.WRITE, item.region_id)
        form = forms.UpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.opinion_update(
                    actor=request.user,
                    item=item,
                    reposts=data["reposts"],
                    spreading_flag=data["spreading_flag"],
                    status=data["status"],
                    reclassify="reclassify" in request.POST,
                )
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                return redirect("opinion-detail", pk=item.pk)
        else:
            errors = error_messages(form)
        status = 400
    return _render_detail(request, item, form=form, errors=errors, status=status)


def _render_detail(
    request: AuthedHttpRequest,
    item: OpinionItem,
    *,
    form: forms.UpdateForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
    link_form: forms.IncidentLinkForm | None = None,
) -> HttpResponse:
    item.refresh_from_db()
    incidents = selectors.linkable_incidents(user=request.user, item=item)
    if form is None:
        form = forms.UpdateForm(
            initial={
                "reposts": item.reposts,
                "spreading_flag": item.spreading_flag,
                "status": item.status,
            }
        )
    return render(
        request,
        "opinion/detail.html",
        {
            "item": item,
            "form": form,
            "link_form": link_form or forms.IncidentLinkForm(incidents=incidents),
            "errors": errors or [],
            "may_write": can(request.user, Cap.WRITE, item.region_id),
            "enterprises": item.enterprises.order_by("uscc"),
            "deadlines": deadlines_for(item).order_by("due_at"),
            "history": events_for(item)[:30],
        },
        status=status,
    )


@login_required
@require_POST
def opinion_link(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Link the item to a mass incident (I6): both in the user's scope."""
    item = selectors.opinion_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, item.region_id)
    incidents = selectors.linkable_incidents(user=request.user, item=item)
    link_form = forms.IncidentLinkForm(request.POST, incidents=incidents)
    if link_form.is_valid():
        try:
            services.opinion_link_incident(
                actor=request.user, item=item, incident=link_form.cleaned_data["incident"]
            )
        except ValidationError as exc:
            errors = error_messages(exc)
        else:
            return redirect("opinion-detail", pk=item.pk)
    else:
        errors = error_messages(link_form)
    return _render_detail(request, item, errors=errors, status=400, link_form=link_form)


@login_required
@require_POST
def opinion_unlink(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = selectors.opinion_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, item.region_id)
    try:
        services.opinion_unlink_incident(actor=request.user, item=item)
    except ValidationError as exc:
        return _render_detail(request, item, errors=error_messages(exc), status=400)
    return redirect("opinion-detail", pk=item.pk)


@login_required
def opinion_ingest(request: AuthedHttpRequest) -> HttpResponse:
    """Upload an RSS 2.0, Atom or JSON-lines file: the ``wenjiuye opinion ingest`` command's
    service. An unreadable file is refused with the reason (400) and nothing is stored."""
    require(request.user, Cap.WRITE)
    errors: list[str] = []
    result = None
    status = 200
    if request.method == "POST":
        form = forms.IngestForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size is not None and upload.size > feeds.MAX_UPLOAD:
                errors = [
                    gettext("文件过大(超过 %(mb)d MB)") % {"mb": feeds.MAX_UPLOAD // 1024 // 1024}
                ]
            else:
                try:
                    result = services.opinion_ingest(
                        locations=[],
                        actor=request.user,
                        source=form.cleaned_data["source"] or None,
                        region=form.cleaned_data["region"],
                        data={upload.name or "upload": upload.read()},
                    )
                except feeds.FeedError as exc:
                    errors = [str(exc)]
                except ValidationError as exc:
                    errors = error_messages(exc)
        else:
            errors = error_messages(form)
        if errors:
            status = 400
        else:
            form = forms.IngestForm(user=request.user)
    else:
        form = forms.IngestForm(user=request.user)
    return render(
        request,
        "opinion/ingest.html",
        {
            "form": form,
            "errors": errors,
            "result": result,
            "verify_hours": policy_value("public_opinion.verify_report_hours", on=today()),
        },
        status=status,
    )


@login_required
def lexicon_page(request: AuthedHttpRequest) -> HttpResponse:
    """Everyone who reads may see the lexicon and try it; city-level writers edit it (one
    lexicon classifies the whole city's items)."""
    may_write = can_city(request.user, Cap.WRITE)
    errors: list[str] = []
    status = 200
    preview = None
    add_form = forms.TermForm()
    classify_form = forms.ClassifyForm()
    if not can(request.user, Cap.READ):
        raise Http404(_("没有权限"))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "classify":
            classify_form = forms.ClassifyForm(request.POST)
            if classify_form.is_valid():
                preview = classify(classify_form.cleaned_data["text"], on=today())
        else:
            require_city(request.user, Cap.WRITE)
            try:
                if action == "add":
                    add_form = forms.TermForm(request.POST)
                    if add_form.is_valid():
                        services.lexicon_add(actor=request.user, **add_form.cleaned_data)
                        return redirect("opinion-lexicon")
                    errors = error_messages(add_form)
                elif action == "update":
                    update = forms.TermUpdateForm(request.POST)
                    if update.is_valid():
                        term = selectors.lexicon_term(update.cleaned_data["term_id"])
                        services.lexicon_update(
                            actor=request.user,
                            term=term,
                            weight=update.cleaned_data["weight"],
                            active=update.cleaned_data["active"],
                        )
                        return redirect("opinion-lexicon")
                    errors = error_messages(update)
                else:
                    errors = [_("未知操作")]
            except ValidationError as exc:
                errors = error_messages(exc)
            status = 400
    return render(
        request,
        "opinion/lexicon.html",
        {
            "terms": selectors.lexicon(),
            "may_write": may_write,
            "add_form": add_form,
            "classify_form": classify_form,
            "preview": preview,
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_POST
def incident_link_opinion(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Link an opinion item to the incident, from the incident's page (I6)."""
    return _incident_opinion_action(request, pk, link=True)


@login_required
@require_POST
def incident_unlink_opinion(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Unlink an opinion item from the incident, from the incident's page (I6)."""
    return _incident_opinion_action(request, pk, link=False)


def _incident_opinion_action(request: AuthedHttpRequest, pk: int, *, link: bool) -> HttpResponse:
    """Both in the user's scope (else 404), the incident writable (else 403); a refusal shows the
    incident's page again with the reason (400)."""
    incident = incident_get(user=request.user, pk=pk)
    require(request.user, Cap.WRITE, incident.region_id)

    def run(data: dict[str, Any]) -> None:
        item = selectors.opinion_get(user=request.user, pk=data["opinion"])
        if link:
            services.opinion_link_incident(actor=request.user, item=item, incident=incident)
        else:
            services.opinion_unlink_incident(actor=request.user, item=item, incident=incident)

    return action_response(request, incident, forms.OpinionLinkForm(request.POST), run)
