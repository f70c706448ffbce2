"""Reads of the programmes, always through the user's scope (out of scope → 404)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import looks_like_resident_id
from wenjiuye.core.models import Region, User
from wenjiuye.core.scope import scoped
from wenjiuye.programmes.models import (
    Course,
    Enrolment,
    FairAttendee,
    FairEmployer,
    FairHire,
    FairVacancy,
    JobFair,
    Pair,
    Placement,
    PublicWelfarePosition,
)
from wenjiuye.registry.id_lookup import id_lookup
from wenjiuye.registry.models import Enterprise, Person

M = TypeVar("M", bound=Model)


def _get(qs: QuerySet[M], pk: object, what: str) -> M:
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("%(what)s不存在或不在您的管辖范围内") % {"what": what}) from exc


def course_list(*, user: User) -> QuerySet[Course]:
    return (
        scoped(Course.objects.select_related("region"), user)
        .annotate(
            enrolled=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.DROPPED))
        )
        .order_by("-starts_on", "pk")
    )


def course_get(*, user: User, pk: object) -> Course:
    return _get(scoped(Course.objects.select_related("region"), user), pk, _("培训课程"))


def enrolment_get(*, user: User, pk: object) -> Enrolment:
    qs = scoped(
        Enrolment.objects.select_related("course", "course__region", "person"),
        user,
        field="course__region__code",
    )
    return _get(qs, pk, _("培训报名"))


def fair_list(*, user: User) -> QuerySet[JobFair]:
    return scoped(JobFair.objects.select_related("region"), user)


def fairs_with_summary(qs: QuerySet[JobFair]) -> QuerySet[JobFair]:
    """The fairs with their employers, declared vacancies, attendees and hires (one query)."""

    def sub(model: Any, value: Any) -> Any:
        rows = model.objects.filter(fair=OuterRef("pk")).values("fair")
        return Coalesce(Subquery(rows.annotate(n=value).values("n")[:1]), 0)

    return qs.annotate(
        n_employers=sub(FairEmployer, Count("pk")),
        n_vacancies=sub(FairEmployer, Sum("vacancies")),
        n_attendees=sub(FairAttendee, Count("pk")),
        n_hires=sub(FairHire, Count("pk")),
    )


def fair_get(*, user: User, pk: object) -> JobFair:
    return _get(fair_list(user=user), pk, _("招聘会"))


def fair_employer_get(*, user: User, fair: JobFair, pk: object) -> FairEmployer:
    return _get(
        FairEmployer.objects.filter(fair=fair).select_related("enterprise"), pk, _("参会企业")
    )


def fair_vacancy_get(*, user: User, fair: JobFair, pk: object) -> FairVacancy:
    return _get(FairVacancy.objects.filter(employer__fair=fair), pk, _("招聘会岗位"))


def position_list(*, user: User) -> QuerySet[PublicWelfarePosition]:
    return (
        scoped(PublicWelfarePosition.objects.select_related("region"), user)
        .annotate(on_post=Count("placements", filter=Q(placements__exited_on__isnull=True)))
        .order_by("-opened_on", "pk")
    )


def position_get(*, user: User, pk: object) -> PublicWelfarePosition:
    return _get(
        scoped(PublicWelfarePosition.objects.select_related("region"), user), pk, _("公益性岗位")
    )


def placement_get(*, user: User, pk: object) -> Placement:
    qs = scoped(
        Placement.objects.select_related("position", "position__region", "person"),
        user,
        field="position__region__code",
    )
    return _get(qs, pk, _("岗位安置"))


def pair_list(*, user: User) -> QuerySet[Pair]:
    return scoped(Pair.objects.select_related("region", "helper_enterprise"), user)


def pair_get(*, user: User, pk: object) -> Pair:
    return _get(pair_list(user=user), pk, _("结对帮扶"))


def person_find(*, user: User, pk: object = None, id_number: str = "") -> Person:
    """A person in the user's scope, by key or by ID number; otherwise 404."""
    qs = scoped(Person.objects.select_related("region"), user)
    if id_number:
        number = id_number.strip().upper()
        if looks_like_resident_id(number):  # confirms a masked number: audited and limited
            id_lookup(user=user, number=number, where="programmes.person_find")
        person = qs.filter(id_number=number).first()
        if person is None:
            raise Http404(_("人员不存在或不在您的管辖范围内"))
        return person
    return _get(qs, pk, _("人员"))


def enterprise_find(*, pk: object = None, uscc: str = "") -> Enterprise:
    """Any registered enterprise (employers and helpers may come from outside the county)."""
    qs = Enterprise.objects.select_related("region")
    if uscc:
        found = qs.filter(uscc=uscc.strip().upper()).first()
        if found is None:
            raise Http404(_("企业不存在"))
        return found
    return _get(qs, pk, _("企业"))


def region_find(*, code: str) -> Region:
    """A region by code (regions are not secret: services decide whether the user may act there)."""
    region = Region.objects.filter(code=str(code).strip()).first()
    if region is None:
        raise ValidationError(_("区划代码 %(c)s 不存在") % {"c": code})
    return region


def course_enrolments(course: Course) -> QuerySet[Enrolment]:
    """The enrolments of ``course`` with their persons (and the course, for the claim rules)."""
    return course.enrolments.select_related("person", "course")


def course_enrolment(course: Course, pk: int) -> Enrolment:
    """The enrolment of ``course`` a page's action names, else a refusal of the action (400)."""
    found = course.enrolments.filter(pk=pk).select_related("course").first()
    if found is None:
        raise ValidationError(_("报名记录不存在"))
    return found


def position_placements(position: PublicWelfarePosition) -> QuerySet[Placement]:
    """The placements on ``position`` with their persons."""
    return position.placements.select_related("person", "position")


def position_placement(position: PublicWelfarePosition, pk: int) -> Placement:
    """The placement on ``position`` a page's action names, else a refusal of the action (400)."""
    found = position.placements.filter(pk=pk).select_related("position").first()
    if found is None:
        raise ValidationError(_("安置记录不存在"))
    return found
