"""Reads of monitoring results for pages, through the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.models import PolicyParameter, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, in_scope, scoped
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, LedgerEntry, RegionMonth
from wenjiuye.monitoring.params import RuleParams


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


@dataclass(frozen=True)
class Cite:
    """A policy parameter a flag used: its key (shown by its Chinese name), value and unit."""

    key: str
    value: Any
    unit: str


@dataclass(frozen=True)
class RegionFlag:
    code: str
    level: int
    reason: str
    cites: list[Cite] = field(default_factory=list)


@dataclass(frozen=True)
class RegionWarning:
    """A region's current warning: the latest month of its indicators, the most severe level of
    that month's region flags (1 = Ⅰ级; ``None`` when it has none) and the flags with their why."""

    period: str | None
    level: int | None
    flags: list[RegionFlag]


def region_warning(*, user: User, code: str) -> RegionWarning:
    """The region flags of the region's latest month, from the run that produced that month."""
    if not in_scope(user, code):
        raise Http404(_("区域不在您的管辖范围内"))
    latest = RegionMonth.objects.filter(region_code=code).order_by("-period").first()
    if latest is None:
        return RegionWarning(period=None, level=None, flags=[])
    flags = Flag.objects.filter(
        run_id=latest.run_id,
        subject_type=Flag.Subject.REGION,
        subject_id=code,
        period=latest.period,
    ).order_by("level", "code")
    keys = RuleParams.policy_keys()
    units = dict(PolicyParameter.objects.order_by("effective_from").values_list("key", "unit"))
    out = []
    for f in flags:
        cites = []
        for name, value in sorted((f.params or {}).items()):
            key = keys.get(name, name)
            cites.append(Cite(key=key, value=value, unit=units.get(key, "")))
        out.append(RegionFlag(code=f.code, level=f.level, reason=f.reason, cites=cites))
    return RegionWarning(
        period=latest.period, level=min((f.level for f in out), default=None), flags=out
    )


def contact_candidates(entry: LedgerEntry) -> QuerySet[User]:
    """Users who may act on the entry's region: the county's officers and grid workers, the city office."""
    ids = [
        u.pk
        for u in User.objects.filter(is_active=True).select_related("region")
        if can(u, Cap.WRITE, entry.region_code)
    ]
    return User.objects.filter(pk__in=ids).order_by("username")
