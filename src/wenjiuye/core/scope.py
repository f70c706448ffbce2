"""Who may see and change what, and where.

The role decides *what* (``roles.CAPABILITIES``); the user's region decides *where*: a
record is in scope when its region code starts with the user's scope prefix (a county
user ``410421`` sees ``410421`` and every township/village code below it; a city user
``4104`` sees the whole city). Administrators and auditors without a region see all.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Cap, role_can

M = TypeVar("M", bound=Model)

NOTHING = "\x00"  # a prefix no region code starts with


def scope_prefix(user: User) -> str:
    """The region-code prefix of the user's jurisdiction; ``""`` means everywhere."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    region = user.region
    if region is None:
        return "" if (user.is_superuser or user.role in {"admin", "auditor"}) else NOTHING
    return region.scope_prefix


def in_scope(user: User, region_code: str | None) -> bool:
    prefix = scope_prefix(user)
    if prefix == "":
        return True
    return bool(region_code) and str(region_code).startswith(prefix)


def can(user: User, cap: Cap, region_code: str | None = None) -> bool:
    """May ``user`` do ``cap`` (on a record of ``region_code``, when given)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    allowed = user.is_superuser or role_can(user.role, cap)
    if not allowed:
        return False
    return True if region_code is None else in_scope(user, region_code)


def require(user: User, cap: Cap, region_code: str | None = None) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless :func:`can`."""
    if not can(user, cap, region_code):
        raise PermissionDenied(_("没有权限执行此操作,或数据不在您的管辖范围内。"))


def scoped(qs: QuerySet[M], user: User, field: str = "region__code") -> QuerySet[M]:
    """Only the rows of ``qs`` in the user's scope (nothing without the READ capability)."""
    if not can(user, Cap.READ):
        return qs.none()
    prefix = scope_prefix(user)
    if prefix == "":
        return qs
    if prefix == NOTHING:
        return qs.none()
    return qs.filter(**{f"{field}__startswith": prefix})


def city_code() -> str | None:
    """The code of the city this instance serves (the one region of level ``city``)."""
    return Region.objects.filter(level="city").values_list("code", flat=True).first()


def can_city(user: User, cap: Cap) -> bool:
    """May ``user`` do ``cap`` city-wide (reference data and files that cover the whole city)?
    Only users whose scope includes the city's own code: the city roles and administrators."""
    city = city_code()
    return city is not None and can(user, cap, city)


def require_city(user: User, cap: Cap) -> None:
    """Raise ``PermissionDenied`` unless :func:`can_city`."""
    if not can_city(user, cap):
        raise PermissionDenied(_("此项为全市共用数据,只有市级用户可以修改。"))
