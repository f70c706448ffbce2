"""What an opinion item sets off, on every create and change (:func:`evaluate`):

- it is classified, linked to the enterprises it names and marked spreading (officer's flag, or
  reposts ≥ ``opinion.spreading.min_reposts``);
- transferred by the province or the city → a 48-hour verify-and-report deadline (E5, L2);
- spreading fast and about a layoff → the county reports to the city bureau at once (E4);
- every linked enterprise enters the key-concern list (``monitoring.ledger``) with the reason
  舆情 and the item as evidence, once per item; layoff and collective-action items enter the risk
  ledger (M6, E9).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.periods import local_day, period_of
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.services import deadline_create
from wenjiuye.monitoring.ledger import ledger_cite
from wenjiuye.monitoring.models import Flag, LedgerEntry
from wenjiuye.opinion.classify import EnterpriseMatcher, classify
from wenjiuye.opinion.models import Category, OpinionItem
from wenjiuye.registry.models import Enterprise

VERIFY_KIND = "opinion.verify_report"
REPORT_CITY_KIND = "opinion.report_city"
LEDGER_REASON = "舆情"
RISK_REASONS: dict[str, tuple[str, str]] = {
    Category.LAYOFF: ("裁员舆情", "裁员舆情(风险隐患来源,M6、E9)"),
    Category.COLLECTIVE: ("群体性事件舆情", "群体性事件舆情(风险隐患来源,M6、E9)"),
}


def city_region() -> Region | None:
    cities = list(Region.objects.filter(level=RegionLevel.CITY)[:2])
    return cities[0] if len(cities) == 1 else None


def _default_region(actor: User | None, enterprises: list[Enterprise]) -> Region | None:
    """The linked enterprises' county (one the actor may write first), the actor's own county,
    or the city."""
    counties = [e.region.county or e.region for e in enterprises]
    if actor is not None:
        for county in counties:
            if can(actor, Cap.WRITE, county.code):
                return county
        if actor.region is not None and actor.region.level not in (
            RegionLevel.PROVINCE,
            RegionLevel.CITY,
        ):
            return actor.region
    return counties[0] if counties else city_region()


def _spreading(item: OpinionItem, on: date) -> tuple[bool, dict[str, Any]]:
    version = policy_get("opinion.spreading.min_reposts", on=on)
    by_count = item.reposts is not None and item.reposts >= int(version.value)
    return bool(item.spreading_flag or by_count), policy_cite(version)


def _deadlines(item: OpinionItem, actor: User | None, at: datetime) -> list[Deadline]:
    out = []
    if item.source in OpinionItem.TRANSFERRED:
        if item.region is None:
            raise ValidationError({"region": _("转办舆情须指定涉及区划")})
        version = policy_get("public_opinion.verify_report_hours", on=local_day(item.received_at))
        out.append(
            deadline_create(
                kind=VERIFY_KIND,
                title=_("核实%(by)s转办的舆情并报告有关情况")
                % {"by": OpinionItem.Source(item.source).label.removesuffix("转办")},
                clause="E5,L2",
                subject=item,
                region=item.region,
                due_at=item.received_at + timedelta(hours=float(version.value)),
                actor=actor,
                policy={version.key: policy_cite(version)},
            )
        )
    if item.spreading and Category.LAYOFF in item.categories:
        if item.region is None:
            raise ValidationError({"region": _("传播较快的裁员舆情须指定涉及区划")})
        version = policy_get("opinion.report_city.due_hours", on=local_day(at))
        out.append(
            deadline_create(
                kind=REPORT_CITY_KIND,
                title=_("向市人社局报告传播较快的裁员舆情并持续跟踪"),
                clause="E4",
                subject=item,
                region=item.region,
                due_at=at + timedelta(hours=float(version.value)),
                actor=actor,
                policy={version.key: policy_cite(version), "reasons": item.reasons},
            )
        )
    return out


def _citation(item: OpinionItem, period: str) -> dict[str, Any]:
    return {
        "opinion_id": item.pk,
        "title": item.title[:200],
        "url": item.url,
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "received_at": item.received_at.isoformat(),
        "categories": item.categories,
        "source": item.source,
        "period": period,
    }


def _ledger(item: OpinionItem, enterprise: Enterprise, actor: User | None) -> LedgerEntry:
    """Put the enterprise on the key-concern list with reason 舆情 and the item as evidence,
    once per item (``monitoring.ledger.ledger_cite``)."""
    period = period_of(local_day(item.received_at))
    return ledger_cite(
        actor=actor,
        ledger=LedgerEntry.Ledger.KEY_ENTERPRISE,
        subject_type=Flag.Subject.ENTERPRISE,
        subject_id=enterprise.uscc,
        region_code=enterprise.region_id,
        name=enterprise.name,
        reason=LEDGER_REASON,
        reason_text=_("舆情涉及该企业"),
        period=period,
        key="opinion_id",
        citation=_citation(item, period),
        note=_("舆情#%(id)d:%(title)s") % {"id": item.pk, "title": item.title[:80]},
    )


def _risk_ledger(item: OpinionItem, actor: User | None) -> list[LedgerEntry]:
    """Layoff and collective-action opinion is a risk source (M6, E9): each enterprise it names,
    or else its region, enters the risk ledger with reason 裁员舆情 / 群体性事件舆情."""
    reasons = [RISK_REASONS[c] for c in item.categories if c in RISK_REASONS]
    if not reasons:
        return []
    subjects: list[tuple[str, str, str, str]] = [
        (Flag.Subject.ENTERPRISE, e.uscc, e.region_id, e.name)
        for e in item.enterprises.order_by("uscc")
    ]
    if not subjects and item.region is not None:
        code = item.region.code
        subjects = [(Flag.Subject.REGION, code, code, item.region.name)]
    period = period_of(local_day(item.received_at))
    out = []
    for reason, text in reasons:
        for subject_type, subject_id, region_code, name in subjects:
            out.append(
                ledger_cite(
                    actor=actor,
                    ledger=LedgerEntry.Ledger.RISK,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    region_code=region_code,
                    name=name,
                    reason=reason,
                    reason_text=text,
                    period=period,
                    key="opinion_id",
                    citation=_citation(item, period),
                    note=_("舆情#%(id)d:%(title)s") % {"id": item.pk, "title": item.title[:80]},
                )
            )
    return out


def evaluate(
    item: OpinionItem, actor: User | None, at: datetime, matcher: EnterpriseMatcher | None
) -> None:
    """Classify, link enterprises, mark spreading; then deadlines and the key-concern list."""
    text = f"{item.title}\n{item.text}"
    result = classify(text, on=local_day(at))
    item.categories, item.reasons = result["categories"], result["reasons"]
    item.spreading, _cite = _spreading(item, local_day(at))
    matcher = matcher or EnterpriseMatcher.build(on=local_day(at))
    found = matcher.find(text)
    enterprises = list(Enterprise.objects.filter(uscc__in=found).order_by("uscc"))
    if item.region is None:
        item.region = _default_region(actor, enterprises)
    item.full_clean(exclude=["enterprises"])
    item.save()
    item.enterprises.add(*enterprises)
    _deadlines(item, actor, at)
    for enterprise in item.enterprises.all():
        _ledger(item, enterprise, actor)
    _risk_ledger(item, actor)
