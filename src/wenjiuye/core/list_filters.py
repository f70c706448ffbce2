"""Filters that many lists share (``core.listing``): the county of a record and its month.

``county_filter("region__code")`` offers the counties (and functional zones) in the user's
jurisdiction by name and keeps the rows whose region lies in the chosen one;
``month_filter("occurred_at")`` keeps the rows of one month (YYYYMM) of a date or time field.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core.listing import Filter, Text
from wenjiuye.core.models import Region, RegionLevel
from wenjiuye.core.scope import NOTHING, scope_prefix


def county_choices(user: Any) -> list[tuple[str, str]]:
    """The counties the user may see, by name: all of the city's for a city user, their own for a
    county or township user."""
    prefix = scope_prefix(user)
    if prefix == NOTHING:
        return []
    qs = Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.ZONE))
    if prefix:
        qs = qs.filter(Q(code__startswith=prefix) | Q(code=prefix[:6]))
    return list(qs.order_by("sort_order", "code").values_list("code", "name"))


COUNTY = _lazy("县(市、区)")
MONTH = _lazy("月份")


def county_filter(field: str, label: Text = COUNTY, name: str = "county") -> Filter:
    """Rows whose region code (``field``, e.g. ``"region__code"``) lies in the chosen county."""

    def apply(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{field}__startswith": value})

    return Filter(name, label, apply, choices=county_choices)


def month_filter(field: str, label: Text = MONTH, name: str = "month") -> Filter:
    """Rows whose date or time ``field`` falls in the month YYYYMM (local time)."""

    def apply(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{field}__year": int(value[:4]), f"{field}__month": int(value[4:])})

    return Filter(name, label, apply, kind="period")


__all__ = ["county_choices", "county_filter", "month_filter"]
