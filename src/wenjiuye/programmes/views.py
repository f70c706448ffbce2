"""Pages of the programmes: thin views over selectors, services and rules.

Each detail page takes its changes as POSTs with an ``action`` field. Out-of-scope records
answer 404 (selectors), a change without WRITE 403 (``require``), a refused rule 400 with
the reasons shown on the page. ID numbers are shown masked.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms as djforms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import events_for
from wenjiuye.core.errors import error_messages
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.listing import ListSpec, listing, xlsx_response
from wenjiuye.core.models import User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, require
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.programmes import forms, lists, pairing, rules, selectors, services
from wenjiuye.programmes.models import Certificate, Enrolment, SpotCheck
from wenjiuye.registry.models import Person


def _data(form: djforms.Form) -> dict[str, Any]:
    """The cleaned data, or a ValidationError listing each field's problem."""
    if form.is_valid():
        return form.cleaned_data
    raise ValidationError(error_messages(form))


def _person(user: User, id_number: str) -> Person:
    try:
        return selectors.person_find(user=user, id_number=id_number)
    except Http404 as exc:
        raise ValidationError(str(exc)) from exc


def _handle(
    request: AuthedHttpRequest, region_code: str, actions: dict[str, Callable[[], None]]
) -> list[str] | None:
    """Run the POSTed action; ``None`` when it succeeded, else the reasons to show."""
    require(request.user, Cap.WRITE, region_code)
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        return [_("未知操作")]
    try:
        action()
    except ValidationError as exc:
        return error_messages(exc)
    return None


def _list_page(
    request: AuthedHttpRequest,
    *,
    template: str,
    qs: Any,
    spec: ListSpec,
    form_class: type[forms.ScopedRegionForm],
    create: Callable[[dict[str, Any]], Any],
    detail: str,
) -> HttpResponseBase:
    """A programme's list (filters, sorts, pages and download: ``core.listing``) with the form
    that creates one, offered to writers only."""
    user = request.user
    errors: list[str] = []
    form = form_class(user=user)
    status = 200
    if request.method == "POST":
        require(user, Cap.WRITE)
        form = form_class(request.POST, user=user)
        try:
            data = _data(form)
            obj = create(data)
            return redirect(detail, pk=obj.pk)
        except ValidationError as exc:
            errors, status = error_messages(exc), 400
    result = listing(request, qs, spec)
    if result.export and request.method == "GET":
        return xlsx_response(request, result.rows, spec)
    return render(
        request,
        template,
        {
            "listing": result,
            "page": result.page,
            "form": form,
            "errors": errors,
            "may_write": can(user, Cap.WRITE),
        },
        status=status,
    )


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "programmes/home.html",
        {
            "courses": selectors.course_list(user=user).count(),
            "fairs": selectors.fair_list(user=user).count(),
            "positions": selectors.position_list(user=user).count(),
            "pairs": selectors.pair_list(user=user).count(),
        },
    )


# --- Training ---------------------------------------------------------------------------


@login_required
def course_list(request: AuthedHttpRequest) -> HttpResponseBase:
    def create(d: dict[str, Any]) -> Any:
        return services.course_create(actor=request.user, **d)

    return _list_page(
        request,
        template="programmes/course_list.html",
        qs=selectors.course_list(user=request.user),
        spec=lists.COURSE_LIST,
        form_class=forms.CourseForm,
        create=create,
        detail="programmes-course-detail",
    )


@login_required
def course_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    course = selectors.course_get(user=user, pk=pk)

    def enrol() -> None:
        d = _data(forms.EnrolForm(request.POST))
        services.enrolment_add(
            actor=user,
            course=course,
            person=_person(user, d["id_number"]),
            enrolled_on=d["enrolled_on"],
        )

    def roll_call() -> None:
        d = _data(forms.RollCallForm(request.POST))
        try:
            present = {int(v) for v in request.POST.getlist("present")}
        except ValueError as exc:
            raise ValidationError(_("点名数据有误")) from exc
        services.roll_call_record(actor=user, course=course, day=d["day"], present_ids=present)

    def complete() -> None:
        d = _data(forms.CompleteForm(request.POST))
        services.enrolment_complete(
            actor=user, enrolment=selectors.course_enrolment(course, d["enrolment"]), on=d["on"]
        )

    def certificate() -> None:
        d = _data(forms.CertificateForm(request.POST))
        services.certificate_issue(
            actor=user,
            enrolment=selectors.course_enrolment(course, d["enrolment"]),
            number=d["number"],
            kind=d["kind"],
            issued_on=d["issued_on"],
        )

    def drop() -> None:
        d = _data(forms.DropForm(request.POST))
        services.enrolment_drop(
            actor=user,
            enrolment=selectors.course_enrolment(course, d["enrolment"]),
            reason=d["reason"],
        )

    errors = None
    if request.method == "POST":
        errors = _handle(
            request,
            course.region_id,
            {
                "enrol": enrol,
                "roll_call": roll_call,
                "complete": complete,
                "certificate": certificate,
                "drop": drop,
            },
        )
        if errors is None:
            return redirect("programmes-course-detail", pk=course.pk)
    rows = []
    subsidy_total = allowance_total = Decimal("0")
    for e in selectors.course_enrolments(course):
        claim = rules.training_claim(e)
        subsidy_total += Decimal(claim["subsidy"])
        allowance_total += Decimal(claim["living_allowance"])
        rows.append(
            {
                "enrolment": e,
                "id_masked": mask_id(e.person.id_number),
                "certificate": getattr(e, "certificate", None),
                "claim": claim,
                "active": e.status in (Enrolment.Status.ENROLLED, Enrolment.Status.ATTENDING),
            }
        )
    return render(
        request,
        "programmes/course_detail.html",
        {
            "course": course,
            "rows": rows,
            "sessions": rules.course_session_days(course),
            "subsidy_total": subsidy_total,
            "allowance_total": allowance_total,
            "may_write": can(user, Cap.WRITE, course.region_id),
            "errors": errors,
            "enrol_form": forms.EnrolForm(),
            "roll_call_form": forms.RollCallForm(),
            "today": timezone.localdate().isoformat(),
            "certificate_kinds": Certificate.Kind.choices,
            "history": events_for(course)[:20],
        },
        status=400 if errors else 200,
    )


# --- Job fairs --------------------------------------------------------------------------


@login_required
def fair_list(request: AuthedHttpRequest) -> HttpResponseBase:
    def create(d: dict[str, Any]) -> Any:
        return services.fair_create(actor=request.user, **d)

    return _list_page(
        request,
        template="programmes/fair_list.html",
        qs=selectors.fairs_with_summary(selectors.fair_list(user=request.user)),
        spec=lists.FAIR_LIST,
        form_class=forms.FairForm,
        create=create,
        detail="programmes-fair-detail",
    )


@login_required
def fair_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    fair = selectors.fair_get(user=user, pk=pk)

    def lookup(getter: Callable[..., Any], value: object) -> Any:
        try:
            return getter(user=user, fair=fair, pk=value)
        except Http404 as exc:
            raise ValidationError(str(exc)) from exc

    def employer() -> None:
        d = _data(forms.FairEmployerForm(request.POST))
        try:
            enterprise = selectors.enterprise_find(uscc=d["uscc"])
        except Http404 as exc:
            raise ValidationError(str(exc)) from exc
        services.fair_employer_add(
            actor=user,
            fair=fair,
            enterprise=enterprise,
            booth=d["booth"],
            vacancies=d["vacancies"],
        )

    def vacancy() -> None:
        d = _data(forms.FairVacancyForm(request.POST))
        services.fair_vacancy_add(
            actor=user,
            employer=lookup(selectors.fair_employer_get, d["employer"]),
            title=d["title"],
            openings=d["openings"],
            posting_id=d["posting_id"],
        )

    def attendee() -> None:
        d = _data(forms.PersonForm(request.POST))
        services.fair_attendee_add(actor=user, fair=fair, person=_person(user, d["id_number"]))

    def hire() -> None:
        d = _data(forms.FairHireForm(request.POST))
        services.fair_hire_record(
            actor=user,
            fair=fair,
            person=_person(user, d["id_number"]),
            employer=lookup(selectors.fair_employer_get, d["employer"]),
            vacancy=None
            if d["vacancy"] is None
            else lookup(selectors.fair_vacancy_get, d["vacancy"]),
            hired_on=d["hired_on"],
        )

    errors = None
    if request.method == "POST":
        errors = _handle(
            request,
            fair.region_id,
            {"employer": employer, "vacancy": vacancy, "attendee": attendee, "hire": hire},
        )
        if errors is None:
            return redirect("programmes-fair-detail", pk=fair.pk)
    return render(
        request,
        "programmes/fair_detail.html",
        {
            "fair": fair,
            "summary": rules.fair_summary(fair),
            "employers": fair.employers.select_related("enterprise").prefetch_related("positions"),
            "attendees": [
                (a.person, mask_id(a.person.id_number))
                for a in fair.attendees.select_related("person")
            ],
            "hires": [
                (h, mask_id(h.person.id_number))
                for h in fair.hires.select_related("person", "employer__enterprise", "vacancy")
            ],
            "may_write": can(user, Cap.WRITE, fair.region_id),
            "errors": errors,
            "employer_form": forms.FairEmployerForm(),
            "vacancy_form": forms.FairVacancyForm(),
            "attendee_form": forms.PersonForm(),
            "hire_form": forms.FairHireForm(),
        },
        status=400 if errors else 200,
    )


# --- Public-welfare jobs ----------------------------------------------------------------


@login_required
def position_list(request: AuthedHttpRequest) -> HttpResponseBase:
    def create(d: dict[str, Any]) -> Any:
        return services.position_create(actor=request.user, **d)

    return _list_page(
        request,
        template="programmes/position_list.html",
        qs=selectors.position_list(user=request.user),
        spec=lists.POSITION_LIST,
        form_class=forms.PositionForm,
        create=create,
        detail="programmes-position-detail",
    )


@login_required
def position_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    position = selectors.position_get(user=user, pk=pk)

    def place() -> None:
        d = _data(forms.PlacementForm(request.POST))
        services.placement_start(
            actor=user,
            position=position,
            person=_person(user, d["id_number"]),
            starts_on=d["starts_on"],
        )

    def exit_() -> None:
        d = _data(forms.ExitForm(request.POST))
        services.placement_exit(
            actor=user,
            placement=selectors.position_placement(position, d["placement"]),
            exited_on=d["exited_on"],
            reason=d["reason"],
        )

    def check() -> None:
        d = _data(forms.CheckForm(request.POST))
        services.spot_check_add(
            actor=user,
            placement=selectors.position_placement(position, d["placement"]),
            checked_on=d["checked_on"],
            method=d["method"],
            result=d["result"],
            finding=d["finding"],
        )

    errors = None
    if request.method == "POST":
        errors = _handle(
            request, position.region_id, {"place": place, "exit": exit_, "check": check}
        )
        if errors is None:
            return redirect("programmes-position-detail", pk=position.pk)
    today = timezone.localdate()
    rows = [
        {
            "placement": p,
            "id_masked": mask_id(p.person.id_number),
            "status": rules.placement_status(p, on=today),
            "checks": list(p.checks.all()),
        }
        for p in selectors.position_placements(position)
    ]
    return render(
        request,
        "programmes/position_detail.html",
        {
            "position": position,
            "rows": rows,
            "today": today,
            "may_write": can(user, Cap.WRITE, position.region_id),
            "errors": errors,
            "place_form": forms.PlacementForm(),
            "methods": SpotCheck.Method.choices,
            "results": SpotCheck.Result.choices,
        },
        status=400 if errors else 200,
    )


# --- Pairing ----------------------------------------------------------------------------


@login_required
def pair_list(request: AuthedHttpRequest) -> HttpResponseBase:
    user = request.user

    def create(d: dict[str, Any]) -> Any:
        enterprise = None
        if d["helper_uscc"]:
            try:
                enterprise = selectors.enterprise_find(uscc=d["helper_uscc"])
            except Http404 as exc:
                raise ValidationError(str(exc)) from exc
        return pairing.pair_create(
            actor=user,
            helper_kind=d["helper_kind"],
            helper_enterprise=enterprise,
            helper_name=d["helper_name"],
            helper_contact=d["helper_contact"],
            mode=d["mode"],
            persons=[_person(user, n) for n in d["id_numbers"]],
            region=d["region"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            note=d["note"],
        )

    return _list_page(
        request,
        template="programmes/pair_list.html",
        qs=selectors.pair_list(user=user).prefetch_related("persons"),
        spec=lists.PAIR_LIST,
        form_class=forms.PairForm,
        create=create,
        detail="programmes-pair-detail",
    )


@login_required
def pair_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    pair = selectors.pair_get(user=user, pk=pk)

    def end() -> None:
        d = _data(forms.PairEndForm(request.POST))
        pairing.pair_end(actor=user, pair=pair, ends_on=d["ends_on"], note=d["note"])

    errors = None
    if request.method == "POST":
        errors = _handle(request, pair.region_id, {"end": end})
        if errors is None:
            return redirect("programmes-pair-detail", pk=pair.pk)
    return render(
        request,
        "programmes/pair_detail.html",
        {
            "pair": pair,
            "persons": [(p, mask_id(p.id_number)) for p in pair.persons.all()],
            "may_write": can(user, Cap.WRITE, pair.region_id),
            "errors": errors,
            "end_form": forms.PairEndForm(),
            "history": events_for(pair)[:20],
        },
        status=400 if errors else 200,
    )
