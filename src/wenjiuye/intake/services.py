"""``ingest_file``: load one of the bureau's export files, whatever its kind.

The contract for every file:
- unreadable (not CSV/XLSX, no required header, bad encoding) → :class:`UnreadableFile` before
  anything is written;
- every row checked; rejected rows go to a report (file, line, column, value, reason) and the
  accepted rows still load;
- the original is archived under its sha256; the same content loaded again adds nothing;
- a corrected re-export of a period replaces that period (lake kinds) or updates the records by
  their keys (store kinds), and the replacement is recorded on the batch;
- the database work happens in one transaction, lake files are staged and published after it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.exports import write_csv
from wenjiuye.core.models import Event, Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can_city, require_city
from wenjiuye.intake import lake
from wenjiuye.intake.bounds import Limits, UnreadableFile
from wenjiuye.intake.contract import KINDS
from wenjiuye.intake.models import (
    EnterpriseEvent,
    ImportBatch,
    JobPosting,
    LabourCase,
    MonitoringPointReport,
    UnemploymentRegistration,
)
from wenjiuye.intake.readers import open_file, read_rows
from wenjiuye.intake.validation import Reject, RowValidator
from wenjiuye.registry.models import Enterprise
from wenjiuye.registry.services import enterprise_upsert, person_upsert

__all__ = ["IngestResult", "UnreadableFile", "ingest_file", "store_snapshots_write"]

# Store kinds: model and the columns that identify a record (a re-export updates by these).
STORE_MODELS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "unemployment_registrations": (UnemploymentRegistration, ("person_id", "registered_on")),
    "job_postings": (JobPosting, ("posting_id",)),
    "labour_cases": (LabourCase, ("case_id",)),
    "enterprise_events": (EnterpriseEvent, ("uscc", "date", "kind")),
    "monitoring_point_reports": (MonitoringPointReport, ("point_id", "period")),
}
REPORT_HEADER = ["file", "line", "column", "value", "reason"]


@dataclass
class IngestResult:
    path: str
    kind: str
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    report: str | None = None
    duplicate: bool = False
    batch_id: int | None = None
    periods: list[str] = field(default_factory=list)
    replaced: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "report": self.report,
            "duplicate": self.duplicate,
            "batch": self.batch_id,
            "periods": self.periods,
            "replaced_batches": self.replaced,
        }


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_report(path: Path, rejects: list[Reject], target: Path) -> str:
    """The rejected rows as CSV (with a BOM, so Excel opens it as UTF-8). The values come from
    the uploaded file: the shared writer neutralises any that a spreadsheet would run as a
    formula, and the report appears complete or not at all."""
    write_csv(
        target, REPORT_HEADER, ([path.name, r.line, r.column, r.value, r.reason] for r in rejects)
    )
    return str(target)


def require_loader(user: User) -> None:
    """Files cover the whole city: only city-level writers load them (else
    ``PermissionDenied``). :func:`ingest_file` checks it for every caller."""
    require_city(user, Cap.WRITE)


def may_read_rejects(user: User) -> bool:
    """Reject reports repeat rejected values as uploaded (ID numbers and phones unmasked): for
    city-level users who may load files and see personal data."""
    return can_city(user, Cap.WRITE) and can_city(user, Cap.VIEW_PERSONAL)


def reject_report_open(*, actor: User, pk: int, ip: str | None = None) -> Path:
    """The reject report of batch ``pk`` for download; each download is audited as an unmasked
    view. The right is checked before the report is looked up (no answer tells who may not read
    one whether it exists)."""
    if not may_read_rejects(actor):
        raise PermissionDenied(
            _("拒绝行报告含未脱敏的个人信息,只有可查看完整个人信息的市级用户可以下载。")
        )
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None or not batch.report_path or not Path(batch.report_path).is_file():
        raise Http404(_("没有拒绝行报告"))
    record_event(
        actor=actor,
        action=Event.Action.VIEW_UNMASKED,
        obj=batch,
        note="reject report",
        ip=ip,
    )
    return Path(batch.report_path)


def _archive(path: Path, kind: str, sha: str) -> Path:
    target = Path(settings.WENJIUYE_HOME) / "archive" / kind / sha[:2] / f"{sha}-{path.name}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return target


def _store_rows(
    kind: str, rows: list[tuple[int, dict[str, Any]]], batch: ImportBatch, actor: User | None
) -> None:
    """Upsert the store kinds' rows; registry records are written as the user who loads the file
    (``None`` only for the operator's command line, which is the system)."""
    if kind == "enterprises":
        for _line, row in rows:
            enterprise_upsert(
                actor=actor,
                uscc=row["uscc"],
                name=row["name"],
                region_id=row["region_code"][:6],
                industry=row["industry"] or "",
                employees=row["employees"],
                export_oriented=bool(row["export_oriented"]),
            )
        return
    model, keys = STORE_MODELS[kind]
    fields = [c.name for c in KINDS[kind].columns]
    for line, row in rows:
        values = {
            f: ("" if row.get(f) is None and _is_text(model, f) else row.get(f)) for f in fields
        }
        lookup: dict[str, Any] = {k: values.pop(k) for k in keys}
        model._default_manager.update_or_create(
            defaults={**values, "batch": batch, "line": line}, **lookup
        )
        if kind == "unemployment_registrations":
            person_upsert(
                actor=actor,
                id_number=row["person_id"],
                name=row["name"],
                region_id=row["region_code"][:6],
                phone=row["phone"] or "",
            )


def _max_lengths(kind: str) -> dict[str, int]:
    """The longest text each column of a store kind may hold (its model's ``max_length``): a
    longer value rejects its row instead of failing the whole load in the database."""
    model = Enterprise if kind == "enterprises" else STORE_MODELS.get(kind, (None,))[0]
    if model is None:
        return {}
    out = {}
    for column in KINDS[kind].columns:
        try:
            field_ = model._meta.get_field(column.name)
        except FieldDoesNotExist:
            continue
        if isinstance(field_, models.CharField) and field_.max_length:
            out[column.name] = field_.max_length
    return out


def _is_text(model: type[models.Model], name: str) -> bool:
    field_ = model._meta.get_field(name)
    return isinstance(field_, (models.CharField, models.TextField))


def ingest_file(
    *,
    path: Path,
    kind: str | None = None,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
) -> IngestResult:
    if actor is not None:
        require_loader(actor)
    opened = open_file(path, kind, limits=limits)
    kind = opened.kind
    sha = sha256_file(path)
    result = IngestResult(path=str(path), kind=kind)
    previous = ImportBatch.objects.filter(kind=kind, sha256=sha).first()
    if previous is not None:
        result.duplicate, result.batch_id, result.rows = True, previous.pk, previous.rows
        result.periods, result.report = list(previous.periods), previous.report_path or None
        return result

    regions = set(
        Region.objects.filter(level__in=["county", "zone"]).values_list("code", flat=True)
    )
    validator = RowValidator(
        kind,
        regions=regions,
        max_lengths=_max_lengths(kind),
        max_cell_chars=opened.limits.max_cell_chars,
    )
    home = Path(settings.WENJIUYE_HOME)
    staging = Path(tempfile.mkdtemp(prefix="ingest-", dir=home))
    try:
        writer = lake.StagedWriter(kind, staging) if kind in lake.LAKE_KINDS else None
        kept: list[tuple[int, dict[str, Any]]] = []
        for line, raw in read_rows(opened):
            result.rows += 1
            row, rejects = validator.validate(line, raw)
            if row is None:
                result.rejects.extend(rejects)
                continue
            result.accepted += 1
            if writer is not None:
                writer.add(row)
            else:
                kept.append((line, row))
            if progress is not None and result.rows % 100_000 == 0:
                progress(result.rows)
        periods = writer.close() if writer is not None else []
        result.rejected = result.rows - result.accepted
        result.periods = periods
        archived = _archive(path, kind, sha)

        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=path.name,
                sha256=sha,
                archived_path=str(archived),
                format=opened.format,
                encoding=opened.encoding or "",
                rows=result.rows,
                accepted=result.accepted,
                rejected=result.rejected,
                periods=periods,
                loaded_by=actor,
            )
            if result.rejects:
                report = home / "reports" / "rejects" / f"batch-{batch.pk}-{path.stem}.csv"
                batch.report_path = _write_report(path, result.rejects, report)
                batch.save(update_fields=["report_path"])
            replaced = _replaced_batches(kind, periods, batch)
            if replaced:
                batch.replaces.set(replaced)
                fully = [b for b in replaced if set(b.periods) <= set(periods)]
                ImportBatch.objects.filter(pk__in=[b.pk for b in fully]).update(
                    status=ImportBatch.Status.REPLACED
                )
            if writer is None:
                _store_rows(kind, kept, batch, actor)
            record_event(
                actor=actor,
                action=Event.Action.IMPORT,
                obj=batch,
                changes={
                    "rows": result.rows,
                    "accepted": result.accepted,
                    "rejected": result.rejected,
                },
                note=f"replaces {[b.pk for b in replaced]}" if replaced else "",
            )
            if writer is not None:
                # Publish inside the transaction: if a move fails, the batch rolls back with it.
                lake.lake_publish(kind, staging, batch.pk, periods)
        result.batch_id, result.report = batch.pk, batch.report_path or None
        result.replaced = [b.pk for b in replaced]
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replaced_batches(kind: str, periods: list[str], batch: ImportBatch) -> list[ImportBatch]:
    """Earlier batches of a lake kind that loaded any of these periods (and still count)."""
    if kind not in lake.LAKE_KINDS or not periods:
        return []
    earlier = ImportBatch.objects.filter(kind=kind, status=ImportBatch.Status.LOADED).exclude(
        pk=batch.pk
    )
    wanted = set(periods)
    return [b for b in earlier if wanted.intersection(b.periods)]


def store_snapshots_write() -> dict[str, str]:
    """Write the store kinds' current records to the lake, where the monitoring engines read them."""
    written = {}
    enterprises = Enterprise.objects.annotate(region_code=F("region_id")).values(
        "uscc", "name", "region_code", "industry", "employees", "export_oriented"
    )
    written["enterprises"] = str(lake.snapshot_write("enterprises", enterprises))
    for kind, (model, _keys) in STORE_MODELS.items():
        names = [c.name for c in KINDS[kind].columns]
        written[kind] = str(
            lake.snapshot_write(kind, model._default_manager.values(*names).iterator())
        )
    return written
