"""Writes to public opinion and its lexicon: items (by hand and from feeds), their links to mass
incidents (I6), the lexicon. Each checks role and scope, validates with Chinese messages and
audits the change in the same transaction. On every create and change an item is evaluated
(``opinion.evaluation``: its deadlines and its key-concern and risk-ledger entries).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.periods import local_day
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require, require_city, scoped
from wenjiuye.incidents.models import Incident
from wenjiuye.opinion import feeds
from wenjiuye.opinion.classify import EnterpriseMatcher
from wenjiuye.opinion.evaluation import evaluate
from wenjiuye.opinion.models import Category, LexiconTerm, OpinionItem

ITEM_FIELDS = [
    "title",
    "url",
    "guid",
    "source",
    "published_at",
    "received_at",
    "region_id",
    "categories",
    "reposts",
    "spreading_flag",
    "spreading",
    "status",
    "incident_id",
]


# --- Items --------------------------------------------------------------------------------------


def dedupe_key(*, guid: str = "", url: str = "") -> str:
    return (guid or url).strip()[:1000]


def _already_collected(
    actor: User | None, key: str, guid: str, url: str
) -> tuple[OpinionItem | None, bool]:
    """The item the actor may see that ``key`` (or the same guid or url) duplicates, and whether
    the key is taken at all.

    De-duplication looks only where the actor looks (their scope). Answering with a duplicate the
    actor may not see would disclose another county's item: its id in the redirect, its title,
    link and region in the answer, or even only that it exists ("already collected", a count of
    duplicates) for a link the actor chose. So a duplicate outside the actor's scope is treated as
    not found, and the actor's entry is stored as their own item (see :func:`opinion_create`),
    exactly as if the other item did not exist.
    """
    condition = Q(dedupe_key=key)
    if guid:
        condition |= Q(guid=guid[:500])
    if url:
        condition |= Q(url=url)
    candidates = OpinionItem.objects.filter(condition).order_by("pk")
    visible = candidates if actor is None else scoped(candidates, actor)
    return visible.first(), candidates.filter(dedupe_key=key).exists()


def opinion_create(
    *,
    actor: User | None,
    title: str,
    source: str,
    text: str = "",
    url: str = "",
    guid: str = "",
    published_at: datetime | None = None,
    region: Region | None = None,
    reposts: int | None = None,
    spreading_flag: bool = False,
    incident: Incident | None = None,
    at: datetime | None = None,
    matcher: EnterpriseMatcher | None = None,
) -> tuple[OpinionItem, bool]:
    """The new item and ``True``; an item already collected (same guid or url) and ``False``.

    Only an item in the actor's scope counts as already collected: the same guid or url in
    another county is never shown, and the actor's item is stored as theirs
    (:func:`_already_collected`). ``actor=None`` is the system (feed import from the command
    line), which sees every item.
    """
    at = at or timezone.now()
    if actor is not None:
        require(actor, Cap.WRITE, region.code if region is not None else None)
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    if source not in OpinionItem.Source.values:
        raise ValidationError({"source": _("未知的舆情来源")})
    if reposts is not None and reposts < 0:
        raise ValidationError({"reposts": _("转发次数不能为负")})
    key = dedupe_key(guid=guid, url=url)
    stored_key = key
    with transaction.atomic():
        if key:
            existing, taken = _already_collected(actor, key, guid.strip(), url.strip())
            if existing is not None:
                return existing, False
            if taken:
                # The same guid/url is another jurisdiction's item: keep this one separately
                # (the unique key stays with the first; the actor's later duplicates are found
                # by guid/url within their scope), revealing nothing of the other.
                stored_key = ""
        item = OpinionItem(
            title=title.strip()[:300],
            text=text.strip(),
            url=url.strip(),
            guid=guid.strip()[:500],
            dedupe_key=stored_key,
            source=source,
            published_at=published_at,
            received_at=at,
            region=region,
            reposts=reposts,
            spreading_flag=spreading_flag,
            incident=incident,
            created_by=actor,
        )
        item.full_clean(exclude=["enterprises", "categories", "reasons"])
        item.save()
        evaluate(item, actor, at, matcher)
        if actor is not None and item.region is not None:
            require(actor, Cap.WRITE, item.region_id)
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=item,
            region_code=item.region_id or "",
            changes={
                **diff({}, snapshot(item, ITEM_FIELDS)),
                "enterprises": sorted(item.enterprises.values_list("uscc", flat=True)),
            },
        )
    return item, True


def opinion_update(
    *,
    actor: User,
    item: OpinionItem,
    reposts: int | None = None,
    spreading_flag: bool | None = None,
    status: str | None = None,
    incident: Incident | None = None,
    reclassify: bool = False,
    at: datetime | None = None,
) -> OpinionItem:
    """Change the repost count, the spreading flag, the status or the linked incident; the item
    is evaluated again (new deadlines and key-concern entries are added, none removed)."""
    require(actor, Cap.WRITE, item.region_id)
    at = at or timezone.now()
    if reposts is not None and reposts < 0:
        raise ValidationError({"reposts": _("转发次数不能为负")})
    if status is not None and status not in OpinionItem.Status.values:
        raise ValidationError({"status": _("未知状态")})
    with transaction.atomic():
        item = OpinionItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item, ITEM_FIELDS)
        if reposts is not None:
            item.reposts = reposts
        if spreading_flag is not None:
            item.spreading_flag = spreading_flag
        if status is not None:
            item.status = status
        if incident is not None:
            require(actor, Cap.WRITE, incident.region_id)
            item.incident = incident
        evaluate(item, actor, at, None)
        changes = diff(before, snapshot(item, ITEM_FIELDS))
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=item,
            region_code=item.region_id or "",
            changes=changes,
            note=_("重新归类") if reclassify else "",
        )
    return item


# --- Incidents (I6) -----------------------------------------------------------------------------


def _incident_event(actor: User, incident: Incident, item: OpinionItem, linked: bool) -> None:
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=incident,
        region_code=incident.region_id,
        changes={"opinion_items": [None, item.pk] if linked else [item.pk, None]},
        note=(_("关联舆情#%(id)d") if linked else _("解除关联舆情#%(id)d")) % {"id": item.pk},
    )


def opinion_link_incident(*, actor: User, item: OpinionItem, incident: Incident) -> OpinionItem:
    """Link the item to a mass incident (public-opinion monitoring during the incident, I6).

    Both must be in the actor's writable scope; a closed incident takes no new items; an item
    linked to another incident must be unlinked first; linking again to the same one changes
    nothing. Audited on the item and on the incident.
    """
    require(actor, Cap.WRITE, item.region_id)
    require(actor, Cap.WRITE, incident.region_id)
    with transaction.atomic():
        item = OpinionItem.objects.select_for_update().get(pk=item.pk)
        incident = Incident.objects.get(pk=incident.pk)
        if item.incident_id == incident.pk:
            return item
        if incident.status == Incident.Status.CLOSED:
            raise ValidationError({"incident": _("事件已结案,不能再关联舆情")})
        if item.incident_id is not None:
            raise ValidationError(
                {
                    "incident": _("该舆情已关联突发事件#%(id)d,请先解除关联")
                    % {"id": item.incident_id}
                }
            )
        before = snapshot(item, ITEM_FIELDS)
        item.incident = incident
        item.save(update_fields=["incident"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=item,
            region_code=item.region_id or "",
            changes=diff(before, snapshot(item, ITEM_FIELDS)),
            note=_("关联突发事件#%(id)d") % {"id": incident.pk},
        )
        _incident_event(actor, incident, item, linked=True)
    return item


def opinion_unlink_incident(
    *, actor: User, item: OpinionItem, incident: Incident | None = None
) -> OpinionItem:
    """Remove the item's link to its incident (when ``incident`` is given, only from that one).
    Refused for a closed incident: its record is final."""
    require(actor, Cap.WRITE, item.region_id)
    with transaction.atomic():
        item = OpinionItem.objects.select_for_update().get(pk=item.pk)
        if item.incident_id is None or (incident is not None and item.incident_id != incident.pk):
            raise ValidationError({"incident": _("该舆情未关联此突发事件")})
        current = Incident.objects.get(pk=item.incident_id)
        require(actor, Cap.WRITE, current.region_id)
        if current.status == Incident.Status.CLOSED:
            raise ValidationError({"incident": _("事件已结案,不能解除关联")})
        before = snapshot(item, ITEM_FIELDS)
        item.incident = None
        item.save(update_fields=["incident"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=item,
            region_code=item.region_id or "",
            changes=diff(before, snapshot(item, ITEM_FIELDS)),
            note=_("解除关联突发事件#%(id)d") % {"id": current.pk},
        )
        _incident_event(actor, current, item, linked=False)
    return item


# --- Feeds --------------------------------------------------------------------------------------


def opinion_ingest(
    *,
    locations: list[str],
    actor: User | None = None,
    source: str | None = None,
    region: Region | None = None,
    at: datetime | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    data: dict[str, bytes] | None = None,
) -> dict[str, Any]:
    """Read every feed first (one unreadable feed stops all, nothing changed), then collect the
    entries; an entry already collected (same guid or url) is skipped.

    ``data`` gives the bytes of uploaded files by name instead of reading ``locations``.
    """
    at = at or timezone.now()
    if source is not None and source not in OpinionItem.Source.values:
        raise ValidationError({"source": _("未知的舆情来源")})
    if actor is not None:
        require(actor, Cap.WRITE, region.code if region is not None else None)
    parsed: list[feeds.Feed] = []
    if data is not None:
        for name, content in data.items():
            parsed.append(feeds.parse(name, content))
    else:
        for location in locations:
            name, content = feeds.read_source(location)
            parsed.append(feeds.parse(name, content))
    matcher = EnterpriseMatcher.build(on=local_day(at))
    out = []
    for feed in parsed:
        created = skipped = 0
        problems = list(feed.problems)
        for i, entry in enumerate(feed.entries, start=1):
            entry_source = source or (
                entry.source if entry.source in OpinionItem.Source.values else feed.format
            )
            entry_region = region
            if entry_region is None and entry.region_code:
                entry_region = Region.objects.filter(pk=entry.region_code).first()
                if entry_region is None:
                    problems.append(
                        _("第 %(n)d 条:区划代码 %(code)s 不存在,按企业或默认区划处理")
                        % {"n": entry.line, "code": entry.region_code}
                    )
            try:
                _item, new = opinion_create(
                    actor=actor,
                    title=entry.title,
                    text=entry.text,
                    url=entry.url,
                    guid=entry.guid,
                    source=entry_source,
                    published_at=entry.published_at,
                    region=entry_region,
                    reposts=entry.reposts,
                    at=at,
                    matcher=matcher,
                )
            except ValidationError as exc:
                problems.append(
                    _("第 %(n)d 条:%(why)s") % {"n": entry.line, "why": ";".join(exc.messages)}
                )
                continue
            except PermissionDenied:
                problems.append(
                    _("第 %(n)d 条:涉及区划不在您的管辖范围内,已跳过") % {"n": entry.line}
                )
                continue
            created, skipped = created + new, skipped + (not new)
            if progress is not None:
                progress(feed.name, i, len(feed.entries))
        out.append(
            {
                "source": feed.name,
                "format": feed.format,
                "entries": len(feed.entries),
                "created": created,
                "duplicates": skipped,
                "problems": problems,
            }
        )
    return {"feeds": out}


# --- Lexicon ------------------------------------------------------------------------------------


def _weight(value: Any) -> Decimal:
    try:
        weight = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({"weight": _("权重须为数字")}) from exc
    if weight <= 0 or weight >= 100:
        raise ValidationError({"weight": _("权重须大于0且小于100")})
    return weight


def lexicon_add(*, actor: User, category: str, term: str, weight: Any = 1) -> LexiconTerm:
    require_city(actor, Cap.WRITE)
    term = term.strip()
    if category not in Category.values:
        raise ValidationError({"category": _("未知类别")})
    if not term or len(term) > 40:
        raise ValidationError({"term": _("关键词须为1至40个字")})
    with transaction.atomic():
        if LexiconTerm.objects.filter(category=category, term=term).exists():
            raise ValidationError({"term": _("该类别已有此关键词")})
        obj = LexiconTerm(category=category, term=term, weight=_weight(weight), active=True)
        obj.full_clean()
        obj.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=obj,
            changes=diff({}, snapshot(obj, ["category", "term", "weight", "active"])),
        )
    return obj


def lexicon_update(
    *, actor: User, term: LexiconTerm, weight: Any = None, active: bool | None = None
) -> LexiconTerm:
    require_city(actor, Cap.WRITE)
    fields = ["category", "term", "weight", "active"]
    with transaction.atomic():
        term = LexiconTerm.objects.select_for_update().get(pk=term.pk)
        before = snapshot(term, fields)
        if weight is not None:
            term.weight = _weight(weight)
        if active is not None:
            term.active = active
        term.save()
        changes = diff(before, snapshot(term, fields))
        if changes:
            record_event(actor=actor, action=Event.Action.UPDATE, obj=term, changes=changes)
    return term
