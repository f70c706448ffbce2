"""JSON API of public opinion, mounted under /api/opinion/ by wenjiuye.api, and an incident's
linked and suggested items (I6, :data:`incident_router`), mounted under /api/incidents/.

Errors: 403 without the capability, 404 out of scope, 400 with the reason for invalid input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Region
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import request_user
from wenjiuye.incidents.selectors import incident_get
from wenjiuye.opinion import feeds, selectors, services
from wenjiuye.opinion.classify import classify

router = Router()
incident_router = Router()
MAX_UPLOAD = feeds.MAX_UPLOAD


class OpinionIn(Schema):
    title: str
    text: str = ""
    url: str = ""
    source: str = "manual"
    published_at: datetime | None = None
    region_code: str | None = None
    reposts: int | None = None
    spreading_flag: bool = False


class UpdateIn(Schema):
    reposts: int | None = None
    spreading_flag: bool | None = None
    status: str | None = None
    reclassify: bool = False


class ClassifyIn(Schema):
    text: str


class LinkIn(Schema):
    incident_id: int


class OpinionLinkIn(Schema):
    opinion_id: int


@router.get("/")
def opinion_list(
    request: HttpRequest, status: str | None = None, category: str | None = None
) -> list[dict[str, Any]]:
    qs = selectors.opinion_list(user=request_user(request), status=status, category=category)
    return [
        {
            "id": i.pk,
            "title": i.title,
            "source": i.source,
            "region_code": i.region_id,
            "categories": i.categories,
            "spreading": i.spreading,
            "status": i.status,
        }
        for i in qs[:500]
    ]


@router.post("/")
def opinion_create(request: HttpRequest, payload: OpinionIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, Cap.WRITE)
    region = get_object_or_404(Region, pk=payload.region_code) if payload.region_code else None
    data = payload.dict(exclude={"region_code"})
    item, created = services.opinion_create(actor=user, region=region, **data)
    if not created:  # already collected in the user's scope (never another's: services);
        # read through the selector all the same, so that nothing out of scope is ever shown
        item = selectors.opinion_get(user=user, pk=item.pk)
    return {"created": created, **selectors.opinion_as_dict(item)}


@router.post("/ingest")
def opinion_ingest(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008 (ninja's declaration style)
    source: str | None = Form(None),  # noqa: B008
    region_code: str | None = Form(None),  # noqa: B008
) -> dict[str, Any]:
    """Upload an RSS 2.0, Atom or JSON-lines file."""
    user = request_user(request)
    require(user, Cap.WRITE)
    if file.size is not None and file.size > MAX_UPLOAD:
        raise DomainError(_("文件过大"))
    region = get_object_or_404(Region, pk=region_code) if region_code else None
    return services.opinion_ingest(  # an unreadable feed is a FeedError (a DomainError: 400)
        locations=[],
        actor=user,
        source=source or None,
        region=region,
        data={file.name or "upload": file.read()},
    )


@router.post("/classify")
def classify_preview(request: HttpRequest, payload: ClassifyIn) -> dict[str, Any]:
    user = request_user(request)
    require(user, Cap.READ)
    return classify(payload.text, on=today())


@router.get("/{pk}")
def opinion_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return selectors.opinion_as_dict(selectors.opinion_get(user=request_user(request), pk=pk))


@router.post("/{pk}")
def opinion_update(request: HttpRequest, pk: int, payload: UpdateIn) -> dict[str, Any]:
    user = request_user(request)
    item = selectors.opinion_get(user=user, pk=pk)
    item = services.opinion_update(actor=user, item=item, **payload.dict())
    return selectors.opinion_as_dict(item)


@router.post("/{pk}/incident")
def link_incident(request: HttpRequest, pk: int, payload: LinkIn) -> dict[str, Any]:
    """Link the item to a mass incident (I6); both must be in the user's scope (else 404)."""
    user = request_user(request)
    item = selectors.opinion_get(user=user, pk=pk)
    incident = incident_get(user=user, pk=payload.incident_id)
    item = services.opinion_link_incident(actor=user, item=item, incident=incident)
    return selectors.opinion_as_dict(item)


@router.delete("/{pk}/incident")
def unlink_incident(request: HttpRequest, pk: int) -> dict[str, Any]:
    user = request_user(request)
    item = selectors.opinion_get(user=user, pk=pk)
    item = services.opinion_unlink_incident(actor=user, item=item)
    return selectors.opinion_as_dict(item)


# --- An incident's opinion (I6), under /api/incidents/ ------------------------------------------
# The operation ids are those the incidents router first published them under.


@incident_router.get("/{pk}/opinion", operation_id="wenjiuye_incidents_api_opinion_items")
def opinion_items(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The incident's linked opinion items and the suggested ones (I6)."""
    user = request_user(request)
    incident = incident_get(user=user, pk=pk)
    return selectors.incident_opinion(user=user, incident=incident)


@incident_router.post("/{pk}/opinion", operation_id="wenjiuye_incidents_api_link_opinion")
def link_opinion(request: HttpRequest, pk: int, payload: OpinionLinkIn) -> dict[str, Any]:
    user = request_user(request)
    incident = incident_get(user=user, pk=pk)
    item = selectors.opinion_get(user=user, pk=payload.opinion_id)
    services.opinion_link_incident(actor=user, item=item, incident=incident)
    return opinion_items(request, pk)


@incident_router.delete(
    "/{pk}/opinion/{opinion_id}", operation_id="wenjiuye_incidents_api_unlink_opinion"
)
def unlink_opinion(request: HttpRequest, pk: int, opinion_id: int) -> dict[str, Any]:
    user = request_user(request)
    incident = incident_get(user=user, pk=pk)
    item = selectors.opinion_get(user=user, pk=opinion_id)
    services.opinion_unlink_incident(actor=user, item=item, incident=incident)
    return opinion_items(request, pk)
