"""Pages: ranked postings for a person, ranked candidates for a posting, pushes and responses."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenjiuye.core import labels
from wenjiuye.core.errors import DomainError, error_messages
from wenjiuye.core.identifiers import mask_id, mask_phone
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.matching import selectors, services
from wenjiuye.matching.models import Push
from wenjiuye.matching.results import Match
from wenjiuye.registry import selectors as registry


def _on(request: AuthedHttpRequest) -> date:
    text = request.GET.get("on", "").strip()
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:  # a bad value is a 400 with its reason, not a missing page
        raise DomainError(_("日期格式应为 YYYY-MM-DD")) from exc


REGION_CODE = re.compile(r"(?<!\d)(\d{6}(?:\d{3}){0,2})(?!\d)")


def _readable(match: Match) -> list[str]:
    """The match's reasons as an officer reads them: the engine cites region codes, the page
    names the regions (``core.labels``)."""

    def name(found: re.Match[str]) -> str:
        return labels.region_name(found.group(1)) or found.group(1)

    return [REGION_CODE.sub(name, str(r.get("text", ""))) for r in match.reasons]


def _top(request: AuthedHttpRequest) -> int | None:
    text = request.GET.get("top", "").strip()
    return max(1, min(int(text), 100)) if text.isdigit() else None


@login_required
def person_matches(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = registry.person_get(user=request.user, pk=pk)
    on = _on(request)
    error = ""
    matches: list[Match] = []
    try:
        matches, result = services.vacancies_for_person(
            user=request.user, person=person, on=on, top=_top(request)
        )
        profile = result.persons.frame.iloc[0].to_dict()
        cites = list(result.params.cites)
    except ValidationError as exc:
        error, profile, cites = "; ".join(error_messages(exc)), {}, []
    postings = selectors.postings_of(matches)
    return render(
        request,
        "matching/person.html",
        {
            "person": person,
            "id_masked": mask_id(person.id_number),
            "on": on,
            "rows": [
                (
                    m,
                    postings.get(m.posting_id),
                    _readable(m),
                    services.posting_readable(request.user, postings[m.posting_id].region_code)
                    if m.posting_id in postings
                    else False,
                )
                for m in matches
            ],
            "profile": profile,
            "cites": cites,
            "error": error,
            "may_write": can(request.user, Cap.CASE_WORK, person.region_id),
            "channels": Push.Channel.choices,
            "responses": [c for c in Push.Response.choices if c[0] != Push.Response.PENDING],
            "pushes": services.pushes_for(user=request.user, person=person)[:50],
            "accepts_migration": selectors.accepts_migration(person),
        },
    )


@login_required
@require_POST
def person_push(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = registry.person_get(user=request.user, pk=pk)
    try:
        services.push_create(
            actor=request.user,
            person=person,
            posting_id=request.POST.get("posting_id", ""),
            channel=request.POST.get("channel", ""),
            note=request.POST.get("note", "")[:1000],
        )
    except ValidationError as exc:  # the styled 400 page with the reason
        raise DomainError(";".join(error_messages(exc))) from exc
    return redirect("matching-person", pk=person.pk)


@login_required
@require_POST
def person_preference(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = registry.person_get(user=request.user, pk=pk)
    services.preference_set(
        actor=request.user,
        person=person,
        accepts_migration=request.POST.get("accepts_migration") == "1",
    )
    return redirect("matching-person", pk=person.pk)


@login_required
@require_POST
def push_respond(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    push = selectors.push_get(user=request.user, pk=pk)
    try:
        services.push_respond(
            actor=request.user,
            push=push,
            response=request.POST.get("response", ""),
            note=request.POST.get("note", "")[:1000],
        )
    except ValidationError as exc:  # the styled 400 page with the reason
        raise DomainError(";".join(error_messages(exc))) from exc
    return redirect("matching-person", pk=push.person_id)


@login_required
def posting_candidates(request: AuthedHttpRequest, posting_id: str) -> HttpResponse:
    posting = services.posting_get(user=request.user, posting_id=posting_id)
    on = _on(request)
    error = ""
    matches: list[Match] = []
    cites: list = []
    try:
        matches, result = services.candidates_for_posting(
            user=request.user, posting=posting, on=on, top=_top(request)
        )
        cites = list(result.params.cites)
        if not len(result.vacancies.frame):
            error = _("该岗位在 %(on)s 不在招(发布日期至截止日期之外)") % {"on": on.isoformat()}
    except ValidationError as exc:
        error = "; ".join(error_messages(exc))
    people = selectors.persons_of(matches)
    rows = []
    for m in matches:
        p = people[m.person_id]
        rows.append((m, p, mask_id(p.id_number), mask_phone(p.phone), _readable(m)))
    return render(
        request,
        "matching/posting.html",
        {"posting": posting, "on": on, "rows": rows, "cites": cites, "error": error},
    )
