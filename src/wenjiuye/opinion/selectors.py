"""Reads of public opinion, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.incidents.models import Incident
from wenjiuye.opinion.models import LexiconTerm, OpinionItem


def opinion_list(
    *, user: User, status: str | None = None, category: str | None = None
) -> QuerySet[OpinionItem]:
    qs = scoped(OpinionItem.objects.select_related("region"), user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(categories__icontains=f'"{category}"')  # SQLite has no JSON contains
    return qs


def opinion_get(*, user: User, pk: int) -> OpinionItem:
    try:
        return opinion_list(user=user).get(pk=pk)
    except OpinionItem.DoesNotExist as exc:
        raise Http404("舆情不存在或不在您的管辖范围内") from exc


def linkable_incidents(*, user: User, item: OpinionItem) -> QuerySet[Incident]:
    """Incidents not closed that the user sees, those of the item's county first (I6)."""
    qs = scoped(Incident.objects.select_related("region"), user).exclude(
        status=Incident.Status.CLOSED
    )
    county = (item.region_id or "")[:6]
    same = When(region__code__startswith=county, then=Value(0)) if county else None
    order = Case(same, default=Value(1), output_field=IntegerField()) if same else Value(1)
    return qs.annotate(elsewhere=order).order_by("elsewhere", "-occurred_at", "-pk")


def lexicon() -> QuerySet[LexiconTerm]:
    return LexiconTerm.objects.all()


def opinion_as_dict(item: OpinionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "text": item.text,
        "url": item.url,
        "guid": item.guid,
        "source": item.source,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "received_at": item.received_at.isoformat(),
        "region_code": item.region_id,
        "enterprises": [
            {"uscc": e.uscc, "name": e.name} for e in item.enterprises.order_by("uscc")
        ],
        "categories": item.categories,
        "reasons": item.reasons,
        "reposts": item.reposts,
        "spreading_flag": item.spreading_flag,
        "spreading": item.spreading,
        "status": item.status,
        "incident_id": item.incident_id,
        "deadlines": [
            {
                "id": d.pk,
                "kind": d.kind,
                "title": d.title,
                "clause": d.clause,
                "due_at": d.due_at.isoformat(),
                "status": d.status,
                "policy": d.policy,
            }
            for d in deadlines_for(item).order_by("due_at")
        ],
    }
