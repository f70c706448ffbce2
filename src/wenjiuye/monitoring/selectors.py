"""Reads of monitoring results for pages, through the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, in_scope, scoped
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, LedgerEntry, RegionMonth


def entry_get(*, user: User, pk: int) -> LedgerEntry:
    try:
        return scoped(LedgerEntry.objects.select_related("contact"), user, field="region_code").get(
            pk=pk
        )
    except LedgerEntry.DoesNotExist as exc:
        raise Http404(_("条目不存在或不在您的管辖范围内")) from exc


def enterprise_history(*, uscc: str) -> QuerySet[EnterpriseMonth]:
    return EnterpriseMonth.objects.filter(uscc=uscc).order_by("period")


def enterprise_flags(*, uscc: str) -> QuerySet[Flag]:
    latest = (
        Flag.objects.filter(subject_id=uscc)
        .order_by("-run_id")
        .values_list("run_id", flat=True)
        .first()
    )
    return Flag.objects.filter(subject_id=uscc, run_id=latest).order_by("-period", "level")


def region_history(*, user: User, code: str) -> QuerySet[RegionMonth]:
    if not in_scope(user, code):
        raise Http404(_("区域不在您的管辖范围内"))
    return RegionMonth.objects.filter(region_code=code).order_by("period")


def contact_candidates(entry: LedgerEntry) -> QuerySet[User]:
    """Users who may act on the entry's region: the county's officers and grid workers, the city office."""
    ids = [
        u.pk
        for u in User.objects.filter(is_active=True).select_related("region")
        if can(u, Cap.WRITE, entry.region_code)
    ]
    return User.objects.filter(pk__in=ids).order_by("username")


def region_find(code: str) -> Region | None:
    """The region ``code`` names (its page shows the code alone when the region is unknown)."""
    return Region.objects.filter(code=code).first()
