"""Exports of the key lists, the risk ledger and the cross-match lists (JSON, CSV, XLSX)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
from django.db.models import QuerySet

from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, User
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


def export_rows(*, what: str, period: str | None = None) -> list[dict[str, Any]]:
    ledger = EXPORTS[what]
    if ledger is None:
        run = MonitoringRun.objects.first()
        if run is None:
            return []
        flags = Flag.objects.filter(run=run, code__in=PERSON_CODES).order_by(
            "period", "code", "subject_id"
        )
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
            for f in flags
        ]
    entries: QuerySet[LedgerEntry] = LedgerEntry.objects.filter(ledger=ledger).select_related(
        "contact"
    )
    if period:
        entries = entries.filter(first_flagged__lte=period, last_confirmed__gte=period)
    return [entry_as_dict(e) for e in entries.order_by("level", "region_code", "subject_id")]


def _flat(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def export_write(
    *, what: str, rows: list[dict[str, Any]], fmt: str, path: Path, actor: User | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(rows[0]) if rows else ["reasons", "level", "evidence"]
    if fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    elif fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: opens in Excel
            writer = csv.DictWriter(fh, columns)
            writer.writeheader()
            writer.writerows({k: _flat(v) for k, v in r.items()} for r in rows)
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = what
        ws.append(columns)
        for r in rows:
            ws.append([_flat(r.get(c)) for c in columns])
        wb.save(path)
    record_event(
        actor=actor,
        action=Event.Action.EXPORT,
        object_type="monitoring.export",
        object_id=what,
        changes={"rows": len(rows), "format": fmt},
        note=str(path),
    )
    return path
