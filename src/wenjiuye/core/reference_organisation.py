"""Loading a city's organisation (O1) from ``organisation.json``: the responsible units, the
work group with its working groups and members, the plan's clauses with their units, and a
work group for every county-level division (O2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.models import (
    Clause,
    ClauseUnit,
    Member,
    Region,
    Unit,
    User,
    WorkGroup,
    WorkingGroup,
)
from wenjiuye.core.reference_files import ReferenceDataError, read_json
from wenjiuye.core.reference_organisation_check import OrganisationChecker
from wenjiuye.core.reference_upsert import Counts, check_actor, new_counts, upsert
from wenjiuye.core.roles import Cap


def _unit_note(note: str, source: str) -> str:
    parts = [p for p in (note, _("出处:%(source)s") % {"source": source} if source else "") if p]
    return ";".join(parts)[:200]


def organisation_load(*, path: Path | str, actor: User | None = None) -> Counts:
    """Upsert the organisation of a city (O1) and its county-level work groups (O2).

    Regions must be loaded first. Members are matched by their place in the file (work group,
    working group, order); members marked ``placeholder`` get their name and title only when
    created, so that a name the bureau fills in later is not overwritten by a reload.
    """
    path = Path(path)
    check_actor(actor, Cap.EDIT_REFERENCE)
    checker = OrganisationChecker(read_json(path))
    city_code = checker.region(checker.doc.get("region"), "region") if checker.doc else None
    units = checker.check_units()
    work_group = checker.check_work_group()
    county = checker.check_county_template()
    clauses = checker.check_clauses()
    if checker.problems:
        raise ReferenceDataError(path, checker.problems)
    assert city_code is not None

    counts = new_counts("units", "work_groups", "working_groups", "members", "clauses")
    note = _("加载组织机构:%(file)s") % {"file": path.name}
    with transaction.atomic():
        by_name: dict[str, Unit] = {}
        for u in units:
            by_name[u["name"]] = upsert(
                Unit,
                lookup={"name": u["name"]},
                values={
                    "kind": u["kind"],
                    "region_id": u["region"],
                    "note": _unit_note(u["note"], u["source"]),
                },
                actor=actor,
                counts=counts["units"],
                note=note,
                region_code=lambda obj: obj.region_id,
            )

        def unit_id(name: str | None) -> int | None:
            if name is None:
                return None
            if name not in by_name:
                by_name[name] = Unit.objects.get(name=name)
            return by_name[name].pk

        city_group = _load_work_group(
            region_code=city_code,
            name=work_group["name"],
            office_location=unit_id(work_group["office_location"]),
            office_units=[unit_id(n) for n in work_group["office_units"]],
            duty_24h=work_group["duty_24h"],
            source=work_group["source"],
            actor=actor,
            counts=counts,
            note=note,
        )
        _load_members(city_group, None, work_group["members"], unit_id, actor, counts, note, fmt={})
        for g in work_group["working_groups"]:
            working_group = upsert(
                WorkingGroup,
                lookup={"work_group_id": city_group.pk, "code": g["code"]},
                values={
                    "name": g["name"],
                    "lead_unit_id": unit_id(g["lead_unit"]),
                    "duties": g["duties"],
                    "source": g["source"],
                    "sort_order": g["sort_order"],
                },
                actor=actor,
                counts=counts["working_groups"],
                note=note,
                region_code=lambda obj: city_code,
                related=_m2m_names("units"),
                set_related=_m2m_setter("units", [unit_id(n) for n in g["units"]]),
            )
            _load_members(
                city_group, working_group, g["members"], unit_id, actor, counts, note, fmt={}
            )

        if county is not None:
            _load_county_work_groups(county, city_code, actor, counts, note)

        for c in clauses:
            ordered = [unit_id(n) for n in c["units"]]
            upsert(
                Clause,
                lookup={"code": c["code"]},
                values={
                    "document": c["document"],
                    "title": c["title"],
                    "requirement_ids": c["requirement_ids"],
                    "sort_order": c["sort_order"],
                },
                actor=actor,
                counts=counts["clauses"],
                note=note,
                related=_clause_units,
                set_related=_clause_units_setter(ordered),
            )
    return counts


def _m2m_names(field: str) -> Callable[[Any], dict[str, Any]]:
    def read(obj: Any) -> dict[str, Any]:
        return {field: sorted(getattr(obj, field).values_list("name", flat=True))}

    return read


def _m2m_setter(field: str, ids: list[int | None]) -> Callable[[Any], None]:
    def write(obj: Any) -> None:
        wanted = {i for i in ids if i is not None}
        current = set(getattr(obj, field).values_list("pk", flat=True))
        if wanted != current:
            getattr(obj, field).set(wanted)

    return write


def _clause_units(clause: Clause) -> dict[str, Any]:
    rows = ClauseUnit.objects.filter(clause=clause).select_related("unit").order_by("order")
    return {"units": [row.unit.name for row in rows]}


def _clause_units_setter(ordered: list[int | None]) -> Callable[[Clause], None]:
    def write(clause: Clause) -> None:
        wanted = {uid: order for order, uid in enumerate(ordered, start=1) if uid is not None}
        existing = {row.unit_id: row for row in ClauseUnit.objects.filter(clause=clause)}
        stale = [uid for uid in existing if uid not in wanted]
        if stale:
            ClauseUnit.objects.filter(clause=clause, unit_id__in=stale).delete()
        for uid, order in wanted.items():
            row = existing.get(uid)
            if row is None:
                ClauseUnit.objects.create(clause=clause, unit_id=uid, order=order)
            elif row.order != order:
                row.order = order
                row.save(update_fields=["order"])

    return write


def _load_work_group(
    *,
    region_code: str,
    name: str,
    office_location: int | None,
    office_units: list[int | None],
    duty_24h: bool,
    source: str,
    actor: User | None,
    counts: Counts,
    note: str,
) -> WorkGroup:
    return upsert(
        WorkGroup,
        lookup={"region_id": region_code},
        values={
            "name": name,
            "office_location_id": office_location,
            "duty_24h": duty_24h,
            "source": source,
        },
        actor=actor,
        counts=counts["work_groups"],
        note=note,
        region_code=lambda obj: obj.region_id,
        related=_m2m_names("office_units"),
        set_related=_m2m_setter("office_units", office_units),
    )


def _load_members(
    work_group: WorkGroup,
    working_group: WorkingGroup | None,
    members: list[dict[str, Any]],
    unit_id: Callable[[str | None], int | None],
    actor: User | None,
    counts: Counts,
    note: str,
    *,
    fmt: dict[str, str],
) -> None:
    for m in members:
        upsert(
            Member,
            lookup={
                "work_group_id": work_group.pk,
                "working_group_id": working_group.pk if working_group else None,
                "sort_order": m["sort_order"],
            },
            values={
                "name": m["name"].format(**fmt) if fmt else m["name"],
                "title": m["title"].format(**fmt) if fmt else m["title"],
                "position": m["position"],
                "unit_id": unit_id(m["unit"]),
            },
            create_only=frozenset({"name", "title"}) if m["placeholder"] else frozenset(),
            actor=actor,
            counts=counts["members"],
            note=note,
            region_code=lambda obj: work_group.region_id,
        )


def _load_county_work_groups(
    template: dict[str, Any], city_code: str, actor: User | None, counts: Counts, note: str
) -> None:
    """One bureau unit and one work group for every county-level division of the city."""
    city = Region.objects.get(code=city_code)
    counties = Region.objects.filter(
        level__in=template["levels"], code__startswith=city.scope_prefix, active=True
    ).order_by("sort_order", "code")
    source = template["source"][:300]
    for region in counties:
        bureau_name = template["bureau_names"].get(region.code) or template["bureau_name"].format(
            region_name=region.name, bureau_name=""
        )
        fmt = {"region_name": region.name, "bureau_name": bureau_name}
        bureau = upsert(
            Unit,
            lookup={"name": bureau_name},
            values={
                "kind": Unit.Kind.COUNTY_BUREAU,
                "region_id": region.code,
                "note": _unit_note("", source[:120]),
            },
            actor=actor,
            counts=counts["units"],
            note=note,
            region_code=lambda obj: obj.region_id,
        )
        group = _load_work_group(
            region_code=region.code,
            name=template["name"].format(**fmt),
            office_location=bureau.pk,
            office_units=[bureau.pk],
            duty_24h=template["duty_24h"],
            source=source,
            actor=actor,
            counts=counts,
            note=note,
        )
        _load_members(
            group, None, template["members"], lambda name: None, actor, counts, note, fmt=fmt
        )
