"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
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
