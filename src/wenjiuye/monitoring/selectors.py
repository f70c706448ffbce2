"""Reads of monitoring results for pages, through the user's scope."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core import labels
from wenjiuye.core.charts import line_chart
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter
from wenjiuye.core.models import PolicyParameter, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, in_scope, scoped
from wenjiuye.monitoring.ledger import LEDGERS_OF_CODE, ledger_list
from wenjiuye.monitoring.models import (
    EnterpriseMonth,
    Flag,
    LedgerEntry,
    MonitoringRun,
    RegionMonth,
)
from wenjiuye.monitoring.params import LEVEL_NAMES, RuleParams
from wenjiuye.registry.selectors import text_search

MANUAL = "manual:"  # an officer's own reason (ledger.ledger_add)


def entry_get(*, user: User, pk: int) -> LedgerEntry:
    try:
        return scoped(LedgerEntry.objects.select_related("contact"), user, field="region_code").get(
            pk=pk
        )
    except LedgerEntry.DoesNotExist as exc:
        raise Http404(_("条目不存在或不在您的管辖范围内")) from exc


def enterprise_history(*, uscc: str) -> QuerySet[EnterpriseMonth]:
    return EnterpriseMonth.objects.filter(uscc=uscc).order_by("period")


def headcount_chart(months: list[EnterpriseMonth]) -> SafeString:
    """An employer's insured headcount and persons in arrears, month by month."""
    return line_chart(
        [f"{m.period[:4]}-{m.period[4:]}" for m in months],
        {
            str(_lazy("参保人数")): [m.headcount for m in months],
            str(_lazy("欠缴人数")): [m.arrears_persons for m in months],
        },
    )


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


# --- Names of the ledgers' codes (registered as labels in ``apps``) ------------------------------

#: Reasons of entries that no flag carries (the key-group feeds, see ``ledger``).
OTHER_REASONS = {
    "registered_unemployed": _lazy("失业登记"),
    "returned_unemployed": _lazy("返乡未就业"),
}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z_]")


def reason_name(code: Any) -> str | None:
    """The name of a ledger reason that is not a flag code: an officer's own reason
    ("manual:走访发现长期失业" → "走访发现长期失业(人工录入)"), the key-group feeds', and the reasons
    that upper parts cite in Chinese already (舆情, 群体性事件, …)."""
    text = str(code)
    if text.startswith(MANUAL):
        return _("%(reason)s(人工录入)") % {"reason": text[len(MANUAL) :]}
    if text in OTHER_REASONS:
        return str(OTHER_REASONS[text])
    return text if _HAN.search(text) and not _LATIN.search(text) else None


def region_within(code: Any) -> str | None:
    """A township or village code the region table does not list (a monitoring point's village,
    say) by the nearest division it lies in: "410423211203" → "张店乡", or "鲁山县" when the
    townships are not loaded."""
    text = str(code)
    if not text.isdigit() or len(text) not in (9, 12):
        return None
    for n in (9, 6):
        name = labels.region_name(text[:n])
        if name:
            return name
    return None


def evidence_text(code: str, evidence: dict[str, Any]) -> str:
    """Why an entry carries reason ``code``: the flag's sentence, or what the feed recorded."""
    if evidence.get("reason"):
        text = str(evidence["reason"])
    elif code == "registered_unemployed":
        text = _("%(day)s 办理失业登记") % {"day": evidence.get("registered_on", "—")}
    elif code == "returned_unemployed":
        text = _("返乡 %(returned)s 人,其中未就业 %(unemployed)s 人;外出务工 %(outbound)s 人") % {
            "returned": evidence.get("returned", "—"),
            "unemployed": evidence.get("returned_unemployed", "—"),
            "outbound": evidence.get("outbound", "—"),
        }
    else:
        text = ""
    source = evidence.get("source")
    return f"{text}({source})" if text and source else text


def entry_evidence(entry: LedgerEntry) -> list[dict[str, str]]:
    """The entry's reasons with their evidence, for its page and its list's download."""
    out = [
        {
            "reason": labels.label("reason", code),
            "period": period_name(ev.get("period")) or "",
            "text": evidence_text(code, ev),
        }
        for code, ev in (entry.evidence or {}).items()
        if isinstance(ev, dict)
    ]
    out += [
        {"reason": labels.label("reason", r), "period": "", "text": ""}
        for r in entry.reasons
        if str(r).startswith(MANUAL)
    ]
    return out


def period_name(period: Any) -> str | None:
    """ "202203" → "2022年03月"."""
    text = str(period)
    if len(text) == 6 and text.isdigit():
        return _("%(year)s年%(month)s月") % {"year": text[:4], "month": text[4:]}
    return None


def latest_period() -> str:
    """The newest month the latest monitoring run confirmed (its period, or the last month of an
    all-months run); "" before any run. The key lists and the risk ledger show it by default."""
    run = MonitoringRun.objects.order_by("-finished_at", "-pk").first()
    if run is None:
        return ""
    if run.period:
        return run.period
    found = [
        model.objects.filter(run=run).aggregate(last=Max("period"))["last"]
        for model in (RegionMonth, EnterpriseMonth, Flag)
    ]
    return max((p for p in found if p), default="")


# --- The key lists and the risk ledger as lists (``core.listing``) ----------------------------

L = LedgerEntry.Ledger
S = LedgerEntry.Status
ACTIVE = "active"  # the status filter's "not closed" (待处置 and 跟踪处置中)
#: which ledgers hold persons (an exact ID search there is an audited lookup)
PERSON_LEDGERS = (L.KEY_GROUP, L.RISK)


def ledger_entries(*, user: User, ledger: str) -> QuerySet[LedgerEntry]:
    """The entries of ``ledger`` in the user's scope, with what their rows show."""
    return ledger_list(user=user, ledger=ledger).select_related("contact")


def _status(qs: QuerySet[LedgerEntry], value: str) -> QuerySet[LedgerEntry]:
    if value == ACTIVE:
        return qs.exclude(status=S.CLOSED)
    return qs.filter(status=value)


def _reason(qs: QuerySet[LedgerEntry], value: str) -> QuerySet[LedgerEntry]:
    # SQLite has no JSON "contains"; the list is stored as JSON text, non-ASCII escaped (SQLite)
    # or not (PostgreSQL), and the quotes keep one code from matching inside another
    return qs.filter(
        Q(reasons__icontains=json.dumps(value))
        | Q(reasons__icontains=json.dumps(value, ensure_ascii=False))
    )


def _level_choices(user: User) -> list[tuple[str, str]]:
    return [(str(n), labels.label("level", n)) for n in LEVEL_NAMES]


def _reason_choices(ledger: str) -> Callable[[User], list[tuple[str, str]]]:
    def choices(user: User) -> list[tuple[str, str]]:
        codes = {c for c, ledgers in LEDGERS_OF_CODE.items() if ledger in ledgers}
        present = ledger_list(user=user, ledger=ledger).order_by().values_list("reasons", flat=True)
        for reasons in present.distinct():
            codes.update(r for r in reasons or () if not str(r).startswith(MANUAL))
        named = [(c, labels.label("reason", c)) for c in codes]
        return sorted(named, key=lambda pair: pair[1])

    return choices


def _month_choices(ledger: str) -> Callable[[User], list[tuple[str, str]]]:
    def choices(user: User) -> list[tuple[str, str]]:
        months = (
            ledger_list(user=user, ledger=ledger)
            .order_by("-last_confirmed")
            .values_list("last_confirmed", flat=True)
            .distinct()
        )
        shown = list(months)
        latest = latest_period()
        if latest and latest not in shown:  # the default month, even when it holds nothing here
            shown = sorted([*shown, latest], reverse=True)
        names = {m: period_name(m) or m for m in shown}
        return [
            (m, _("%(month)s及以后") % {"month": names[m]} if m == latest else names[m])
            for m in shown
        ]

    return choices


def _confirmed(qs: QuerySet[LedgerEntry], value: str) -> QuerySet[LedgerEntry]:
    """Entries last confirmed in the month ``value``. The latest monitored month (the default
    view) also holds what was confirmed after it: a visit or an opinion item of the current month
    confirms an entry before that month's data are monitored."""
    if value == latest_period():
        return qs.filter(last_confirmed__gte=value)
    return qs.filter(last_confirmed=value)


def _subject_id(kind: str) -> Callable[[LedgerEntry], str]:
    return lambda e: e.subject_id if e.subject_type == kind else ""


def _evidence_text(entry: LedgerEntry) -> str:
    return ";".join(e["text"] for e in entry_evidence(entry) if e["text"])


def _ledger_search(persons: bool) -> Callable[[QuerySet[Any], str, User], QuerySet[Any]]:
    def search(qs: QuerySet[Any], q: str, user: User) -> QuerySet[Any]:
        return text_search(
            qs,
            q,
            user=user,
            where="monitoring.ledger",
            name_field="name",
            id_field="subject_id" if persons else "",
            uscc_field="subject_id",
            uscc_only=Q(subject_type=Flag.Subject.ENTERPRISE),
        )

    return search


@lru_cache(maxsize=8)
def ledger_spec(ledger: str) -> ListSpec:
    """Filters, search, sorts and download columns of one key list or the risk ledger. By
    default a list shows what is still open and was confirmed in the latest monitored month
    (:func:`latest_period`); the month selector or "全部" reaches older entries."""
    persons = ledger in PERSON_LEDGERS
    subjects = []
    if ledger != L.KEY_REGION:
        subjects.append(Column(_lazy("统一社会信用代码"), _subject_id(Flag.Subject.ENTERPRISE)))
    if persons:
        subjects += [
            Column(_lazy("公民身份号码"), _subject_id(Flag.Subject.PERSON), personal="id_number"),
            Column(_lazy("监测点编号"), _subject_id(Flag.Subject.POINT)),
        ]
    columns = [
        Column(_lazy("预警级别"), lambda e: labels.label("level", e.level)),
        Column(_lazy("名称"), lambda e: e.name or labels.label("region", e.subject_id)),
        Column(_lazy("对象类型"), lambda e: e.get_subject_type_display()),
        *subjects,
        Column(_lazy("所在地区"), lambda e: labels.label("region", e.region_code)),
        *([Column(_lazy("群体类别"), lambda e: e.group)] if ledger == L.KEY_GROUP else []),
        Column(_lazy("列入原因"), lambda e: "、".join(labels.labels("reason", e.reasons))),
        Column(_lazy("依据"), _evidence_text),
        Column(_lazy("首次列入期间"), lambda e: labels.label("period", e.first_flagged)),
        Column(_lazy("最近确认期间"), lambda e: labels.label("period", e.last_confirmed)),
        Column(_lazy("状态"), lambda e: e.get_status_display()),
        Column(_lazy("销号原因"), lambda e: e.closed_reason),
        Column(
            _lazy("对接联系人"),
            lambda e: labels.label("user", e.contact.get_username()) if e.contact else "",
        ),
        Column(_lazy("来源"), lambda e: e.get_source_display()),
    ]
    return ListSpec(
        name=ledger.replace("_", "-"),
        title=L(ledger).label,
        columns=columns,
        filters=[
            county_filter("region_code"),
            Filter("level", _lazy("预警级别"), "level", choices=_level_choices),
            Filter("reason", _lazy("列入原因"), _reason, choices=_reason_choices(ledger)),
            Filter(
                "status",
                _lazy("状态"),
                _status,
                choices=[(ACTIVE, _lazy("未销号(待处置、跟踪处置中)")), *S.choices],
            ),
            Filter(
                "month",
                _lazy("最近确认月份"),
                _confirmed,
                kind="period",
                choices=_month_choices(ledger),
            ),
        ],
        search_label=_lazy("名称、统一社会信用代码或公民身份号码")
        if persons
        else _lazy("名称或统一社会信用代码"),
        search_fn=_ledger_search(persons),
        sorts={
            "level": (F("level").asc(nulls_last=True), "-last_confirmed", "name"),
            "first_flagged": ("first_flagged", "name"),
            "last_confirmed": ("last_confirmed", "name"),
            "name": "name",
        },
        default_sort="level",
        defaults={"status": ACTIVE, "month": latest_period},
    )
