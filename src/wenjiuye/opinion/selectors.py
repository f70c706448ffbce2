"""Reads of public opinion, always through the user's scope: items, the incidents an item may be
linked to, and an incident's linked and suggested items (I6)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.selectors import deadline_dict, deadlines_for
from wenjiuye.incidents.models import Incident
from wenjiuye.opinion.models import Category, LexiconTerm, OpinionItem


def opinion_list(
    *, user: User, status: str | None = None, category: str | None = None
) -> QuerySet[OpinionItem]:
    qs = scoped(
        OpinionItem.objects.select_related("region", "incident", "created_by").prefetch_related(
            "enterprises"
        ),
        user,
    )
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(categories__icontains=f'"{category}"')  # SQLite has no JSON contains
    return qs


def opinion_get(*, user: User, pk: int) -> OpinionItem:
    try:
        return opinion_list(user=user).get(pk=pk)
    except OpinionItem.DoesNotExist as exc:
        raise Http404(_("舆情不存在或不在您的管辖范围内")) from exc


def linkable_incidents(*, user: User, item: OpinionItem) -> QuerySet[Incident]:
    """Incidents not closed that the user sees, those of the item's county first (I6)."""
    qs = scoped(Incident.objects.select_related("region"), user).exclude(
        status=Incident.Status.CLOSED
    )
    county = (item.region_id or "")[:6]
    same = When(region__code__startswith=county, then=Value(0)) if county else None
    order = Case(same, default=Value(1), output_field=IntegerField()) if same else Value(1)
    return qs.annotate(elsewhere=order).order_by("elsewhere", "-occurred_at", "-pk")


SUGGEST_CATEGORIES = (Category.LAYOFF, Category.COLLECTIVE)


def linked_opinion(*, user: User, incident: Incident) -> QuerySet[OpinionItem]:
    """The opinion items linked to the incident that the user may see (I6)."""
    return scoped(incident.opinion_items.select_related("region"), user).order_by(
        "received_at", "pk"
    )


def suggested_opinion(*, user: User, incident: Incident) -> QuerySet[OpinionItem]:
    """Unlinked layoff or collective-action items of the incident's county, received while the
    incident is open (from its occurrence until it is closed): suggestions only (I6)."""
    if incident.status == Incident.Status.CLOSED:
        return OpinionItem.objects.none()
    county = incident.region_id[:6]
    about = Q()
    for category in SUGGEST_CATEGORIES:
        about |= Q(categories__icontains=f'"{category}"')  # SQLite has no JSON contains
    qs = OpinionItem.objects.filter(
        about,
        incident__isnull=True,
        region__code__startswith=county,
        received_at__gte=incident.occurred_at,
    )
    return scoped(qs.select_related("region"), user).order_by("received_at", "pk")


def opinion_rows(items: QuerySet[OpinionItem]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "title": i.title,
            "source": i.source,
            "region_code": i.region_id,
            "received_at": i.received_at.isoformat(),
            "categories": i.categories,
            "category_labels": i.category_labels,
            "spreading": i.spreading,
            "status": i.status,
        }
        for i in items
    ]


def incident_opinion(*, user: User, incident: Incident) -> dict[str, Any]:
    """The incident's linked and suggested items as the API shows them (I6)."""
    return {
        "linked": opinion_rows(linked_opinion(user=user, incident=incident)),
        "suggested": opinion_rows(suggested_opinion(user=user, incident=incident)),
    }


def incident_detail_part(incident: Incident, user: User) -> dict[str, Any]:
    """Public opinion's part of an incident as the incidents API shows it (added to
    ``incidents.selectors.DETAIL_PARTS`` by ``opinion.apps``)."""
    found = incident_opinion(user=user, incident=incident)
    return {"opinion_items": found["linked"], "opinion_suggestions": found["suggested"]}


def lexicon() -> QuerySet[LexiconTerm]:
    return LexiconTerm.objects.all()


def lexicon_term(pk: int) -> LexiconTerm:
    """One term of the lexicon (city-wide data: every signed-in user may read it)."""
    term = LexiconTerm.objects.filter(pk=pk).first()
    if term is None:
        raise Http404(_("关键词不存在"))
    return term


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
            {**deadline_dict(d), "due_at": d.due_at.isoformat()}
            for d in deadlines_for(item).order_by("due_at")
        ],
    }
