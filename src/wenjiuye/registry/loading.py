"""Loading the registry from the bureau's files: enterprises, and persons from registrations.

Rows that break the contract are rejected with line, column and reason; the others load.
Loading the same file again changes nothing (upserts by USCC / ID number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wenjiuye.core.models import Region, User
from wenjiuye.intake.readers import open_file, read_rows
from wenjiuye.intake.validation import Reject, RowValidator
from wenjiuye.registry.services import enterprise_upsert, person_upsert

REGISTRY_KINDS = ("enterprises", "unemployment_registrations")


@dataclass
class LoadResult:
    path: str
    kind: str
    rows: int = 0
    accepted: int = 0
    rejects: list[Reject] = field(default_factory=list)


def registry_load_file(
    *, path: Path, kind: str | None = None, actor: User | None = None
) -> LoadResult:
    opened = open_file(path, kind)
    if opened.kind not in REGISTRY_KINDS:
        raise ValueError(f"{path.name}: {opened.kind} 不是登记库数据")
    regions = set(
        Region.objects.filter(level__in=["county", "zone"]).values_list("code", flat=True)
    )
    validator = RowValidator(opened.kind, regions=regions)
    known = set(Region.objects.values_list("code", flat=True))
    result = LoadResult(path=str(path), kind=opened.kind)
    for line, raw in read_rows(opened):
        result.rows += 1
        row, rejects = validator.validate(line, raw)
        if row is None:
            result.rejects.extend(rejects)
            continue
        region_id = row["region_code"] if row["region_code"] in known else row["region_code"][:6]
        if opened.kind == "enterprises":
            enterprise_upsert(
                actor=actor,
                uscc=row["uscc"],
                name=row["name"],
                region_id=region_id,
                industry=row["industry"] or "",
                employees=row["employees"],
                export_oriented=bool(row["export_oriented"]),
            )
        else:
            person_upsert(
                actor=actor,
                id_number=row["person_id"],
                name=row["name"],
                region_id=region_id,
                phone=row["phone"] or "",
            )
        result.accepted += 1
    return result
