"""Reads behind the matching pages and API: the records a ranked match names, a push in scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.models import User
from wenjiuye.intake.models import JobPosting
from wenjiuye.matching.models import Preference, Push
from wenjiuye.matching.results import Match
from wenjiuye.matching.services import pushes_for
from wenjiuye.registry.models import Person


def push_get(*, user: User, pk: int) -> Push:
    """One push in the user's scope, else 404."""
    push = pushes_for(user=user).filter(pk=pk).first()
    if push is None:
        raise Http404(_("推送记录不存在或不在您的管辖范围内"))
    return push


def postings_of(matches: Iterable[Match]) -> dict[str, JobPosting]:
    """The postings the matches name, by posting ID."""
    ids = [m.posting_id for m in matches]
    return {p.posting_id: p for p in JobPosting.objects.filter(posting_id__in=ids)}


def persons_of(matches: Iterable[Match]) -> dict[str, Person]:
    """The persons the matches name, by their primary key as text (a match's ``person_id``)."""
    ids = [m.person_id for m in matches]
    return {str(p.pk): p for p in Person.objects.filter(pk__in=ids)}


def accepts_migration(person: Person) -> bool:
    """Has ``person`` said they would take a job in another city?"""
    pref = Preference.objects.filter(person=person).first()
    return bool(pref and pref.accepts_migration)
