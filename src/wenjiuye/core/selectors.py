"""Reads of core data for pages and commands."""

from __future__ import annotations

from django.db.models import QuerySet

from wenjiuye.core.audit import masked_events
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, scope_prefix


def region_scope_label(user: User) -> str:
    if user.region is not None:
        return str(user.region)
    return "全部" if scope_prefix(user) == "" else "无"


def regions_in_scope(user: User) -> QuerySet[Region]:
    prefix = scope_prefix(user)
    qs = Region.objects.all()
    return qs if prefix == "" else qs.filter(code__startswith=prefix)


def event_list(*, user: User) -> QuerySet[Event]:
    """The audit log as the user may read it: auditors and administrators only, in scope, with
    personal data masked for every reader (``audit.masked_events``; full values through the
    audited ``audit.event_reveal``)."""
    if not can(user, Cap.READ_AUDIT):
        return Event.objects.none()
    prefix = scope_prefix(user)
    qs = Event.objects.select_related("actor")
    return masked_events(qs if prefix == "" else qs.filter(region_code__startswith=prefix))
