"""Reads of the registry, always through the user's scope, and the text search of every list
of enterprises or persons."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import looks_like_resident_id
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.registry.id_lookup import id_lookup
from wenjiuye.registry.models import Enterprise, Person


def enterprise_list(*, user: User, q: str = "") -> QuerySet[Enterprise]:
    qs = scoped(Enterprise.objects.select_related("region"), user)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(uscc__startswith=q.upper())
    return qs


def enterprise_get(*, user: User, uscc: str) -> Enterprise:
    """The enterprise, or 404 when it does not exist *or* lies outside the user's scope."""
    try:
        return enterprise_list(user=user).get(uscc=uscc)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("企业不存在或不在您的管辖范围内")) from exc


def person_list(*, user: User) -> QuerySet[Person]:
    return scoped(Person.objects.select_related("region"), user)


def person_get(*, user: User, pk: int) -> Person:
    try:
        return person_list(user=user).get(pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404(_("人员不存在或不在您的管辖范围内")) from exc


def text_search(
    qs: QuerySet,
    q: str,
    *,
    user: User,
    where: str,
    name_field: str,
    id_field: str = "",
    uscc_field: str = "",
    uscc_only: Q | None = None,
) -> QuerySet:
    """One search box for names, USCCs and ID numbers.

    An 18-character ID-shaped text is an exact search on ``id_field`` (and on ``uscc_field``,
    a USCC can have that shape too): it confirms a masked number, so it goes through the audited,
    limited :func:`registry.id_lookup.id_lookup` for users who may not see personal data (429
    past the hourly limit). Anything else matches names containing it and, from four characters,
    USCCs starting with it (``uscc_only`` restricts that to the rows whose ``uscc_field`` is a
    USCC, so that a list mixing persons and enterprises never matches part of an ID number).
    """
    text = q.strip()
    number = text.upper()
    if id_field and looks_like_resident_id(number):
        id_lookup(user=user, number=number, where=where)
        cond = Q(**{id_field: number})
        if uscc_field:
            cond |= Q(**{uscc_field: number})
        return qs.filter(cond)
    cond = Q(**{f"{name_field}__icontains": text})
    if uscc_field and len(number) >= 4 and number.isascii() and number.isalnum():
        prefix = Q(**{f"{uscc_field}__startswith": number})
        cond |= prefix & uscc_only if uscc_only is not None else prefix
    return qs.filter(cond)
