"""Exports of the key lists, the risk ledger and the cross-match lists (JSON, CSV, XLSX).

Each kind declares its columns (:data:`COLUMNS`: key, Chinese header, whether the value is a
resident ID number); CSV and XLSX have exactly those columns whatever the rows hold, so a list
mixing persons (``person_id``) and monitoring points (``point_id``) exports every column.
The files are written by :mod:`wenjiuye.core.exports` (formula injection neutralised, written to
a temporary file and renamed, never a partial file).

Who exports decides what: :func:`export_rows` with a ``user`` returns that user's scope only,
and resident ID numbers masked unless the user has ``view_personal``; without a user (the
operator running ``wenjiuye export`` on the server, who can read the database anyway) it returns
everything unmasked, as before. :func:`export_write` audits the export, and an unmasked export
by a known user also as a ``view_unmasked`` event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.exports import atomic_path, write_csv, write_xlsx
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, scoped
from wenjiuye.monitoring.ledger import entry_as_dict
from wenjiuye.monitoring.models import Flag, LedgerEntry, MonitoringRun

EXPORTS = {
    "key-enterprises": LedgerEntry.Ledger.KEY_ENTERPRISE,
    "key-regions": LedgerEntry.Ledger.KEY_REGION,
    "key-groups": LedgerEntry.Ledger.KEY_GROUP,
    "risk-ledger": LedgerEntry.Ledger.RISK,
    "crossmatch": None,
}
PERSON_CODES = (
    "registered_but_contributing",
    "benefit_while_contributing",
    "unregistered_separation",
    "at_risk_worker",
)
FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str  # the row's key (as in the JSON export)
    header: str | Promise  # the CSV/XLSX header, as bureau staff name it
    personal: bool = False  # a resident ID number: masked unless the user may see it


def _ledger_columns(subjects: list[Column], name: str | Promise) -> tuple[Column, ...]:
    return (
        *subjects,
        Column("name", name),
        Column("region_code", _("行政区划代码")),
        Column("group", _("群体类别")),
        Column("reasons", _("列入原因")),
        Column("level", _("预警级别")),
        Column("evidence", _("依据数据")),
        Column("first_flagged", _("首次列入期间")),
        Column("last_confirmed", _("最近确认期间")),
        Column("status", _("状态")),
        Column("closed_reason", _("销号原因")),
        Column("contact", _("对接联系人")),
        Column("source", _("来源")),
    )


USCC = Column("uscc", _("统一社会信用代码"))
PERSON = Column("person_id", _("公民身份号码"), personal=True)
POINT = Column("point_id", _("监测点编号"))

#: The columns of every export kind. A ledger entry carries its subject under ``uscc``,
#: ``region_code``, ``point_id`` or ``person_id`` (see ``ledger.entry_as_dict``).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "key-enterprises": _ledger_columns([USCC], _("单位名称")),
    "key-regions": _ledger_columns([], _("区域名称")),
    "key-groups": _ledger_columns([PERSON, POINT], _("姓名或名称")),
    "risk-ledger": _ledger_columns([USCC, PERSON, POINT], _("名称")),
    "crossmatch": (
        PERSON,
        Column("uscc", _("统一社会信用代码")),
        Column("region_code", _("行政区划代码")),
        Column("period", _("期间")),
        Column("reasons", _("比对类型")),
        Column("level", _("预警级别")),
        Column("reason", _("原因")),
        Column("evidence", _("依据数据")),
    ),
}


def shows_personal(user: User | None) -> bool:
    """Whether an export for ``user`` carries full ID numbers: the operator's (no user) does,
    a user's only with the ``view_personal`` capability."""
    return user is None or can(user, Cap.VIEW_PERSONAL)


def _has_personal(what: str) -> bool:
    return any(c.personal for c in COLUMNS[what])


def export_rows(
    *, what: str, period: str | None = None, user: User | None = None
) -> list[dict[str, Any]]:
    """The rows of an export kind; for ``user``: in their scope, ID numbers masked unless
    :func:`shows_personal`. Without a user: every row, unmasked (the operator's export)."""
    rows = _rows(what, period, user)
    if not shows_personal(user):
        personal = [c.key for c in COLUMNS[what] if c.personal]
        for row in rows:
            for key in personal:
                if row.get(key):
                    row[key] = mask_id(row[key])
    return rows


def _rows(what: str, period: str | None, user: User | None) -> list[dict[str, Any]]:
    ledger = EXPORTS[what]
    if ledger is None:
        run = MonitoringRun.objects.first()
        if run is None:
            return []
        flags = Flag.objects.filter(run=run, code__in=PERSON_CODES)
        if user is not None:
            flags = scoped(flags, user, field="region_code")
        if period:
            flags = flags.filter(period=period)
        return [
            {
                "person_id": f.subject_id,
                "uscc": f.uscc or None,
                "region_code": f.region_code,
                "period": f.period,
                "reasons": [f.code],
                "level": f.level,
                "reason": f.reason,
                "evidence": f.evidence,
            }
            for f in flags.order_by("period", "code", "subject_id")
        ]
    entries: QuerySet[LedgerEntry] = LedgerEntry.objects.filter(ledger=ledger).select_related(
        "contact"
    )
    if user is not None:
        entries = scoped(entries, user, field="region_code")
    if period:
        entries = entries.filter(first_flagged__lte=period, last_confirmed__gte=period)
    return [entry_as_dict(e) for e in entries.order_by("level", "region_code", "subject_id")]


def table_rows(what: str, rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """``rows`` as lists in the order of the kind's columns; a key the kind does not declare is
    an error (raised before the file is in place), never a silently dropped column."""
    columns = COLUMNS[what]
    keys = {c.key for c in columns}
    for row in rows:
        extra = set(row) - keys
        if extra:
            raise ValueError(f"{what}: columns not declared for the export: {sorted(extra)}")
        yield [row.get(c.key) for c in columns]


def export_write(
    *,
    what: str,
    rows: list[dict[str, Any]],
    fmt: str,
    path: Path,
    actor: User | None = None,
) -> Path:
    """Write the rows of :func:`export_rows` (called with ``user=actor``) to ``path`` and audit
    the export. The file appears complete or not at all."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    headers = [str(c.header) for c in COLUMNS[what]]
    if fmt == "json":
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    elif fmt == "csv":
        write_csv(path, headers, table_rows(what, rows))  # BOM: opens in Excel as UTF-8
    else:
        write_xlsx(path, headers, table_rows(what, rows), sheet=what)
    unmasked = bool(rows) and _has_personal(what) and shows_personal(actor)
    record_event(
        actor=actor,
        action=Event.Action.EXPORT,
        object_type="monitoring.export",
        object_id=what,
        changes={"rows": len(rows), "format": fmt, "unmasked": unmasked},
        note=str(path),
    )
    if unmasked and actor is not None:
        record_event(
            actor=actor,
            action=Event.Action.VIEW_UNMASKED,
            object_type="monitoring.export",
            object_id=what,
            changes={"rows": len(rows), "format": fmt},
            note=f"person_id: {path}",
        )
    return path
