"""Loading a city's reference data from files: regions, organisation, policy parameters.

Everything city- or province-specific lives in data files, never in code:

- ``reference/<city>/regions.csv`` — the divisions (columns ``code,name,level,parent_code[,sort_order]``);
- ``reference/<city>/organisation.json`` — the work group, its working groups and members, the
  responsible units and the plan's clauses with their units (O1), and a template for the
  county-level work groups (O2);
- ``reference/policy/*.json`` — policy parameters with effective dates (national law, the
  province's or city's amounts, product defaults); a city picks the files that apply to it.

Each loader validates the whole file first and changes nothing when any record is bad
(:class:`ReferenceDataError` lists every problem with its line number or JSON path); then it
upserts inside one ``transaction.atomic`` and writes an audit event for every record it creates
or changes. Loading the same file twice changes nothing the second time. Each loader returns
``{kind: {"created": n, "updated": n, "unchanged": n}}``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import (
    Clause,
    ClauseUnit,
    Event,
    Member,
    PolicyParameter,
    Region,
    RegionLevel,
    Unit,
    User,
    WorkGroup,
    WorkingGroup,
)
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
PACKAGED_CITY_DIR = REFERENCE_DIR / "pingdingshan"
PACKAGED_POLICY_DIR = REFERENCE_DIR / "policy"
REGIONS_FILE = "regions.csv"
ORGANISATION_FILE = "organisation.json"

KIND_LABELS = {
    "regions": "区划",
    "units": "责任单位",
    "work_groups": "工作专班",
    "working_groups": "工作组",
    "members": "专班成员",
    "clauses": "预案条款",
    "policy_parameters": "政策参数",
}

M = TypeVar("M", bound=models.Model)
Counts = dict[str, dict[str, int]]


class ReferenceDataError(DomainError):
    """A reference file is unreadable or has bad records; nothing was changed."""

    def __init__(self, path: Path | str, problems: Iterable[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            _("参考数据文件 %(path)s 有 %(n)d 处错误,未做任何修改:\n%(lines)s")
            % {"path": self.path, "n": len(self.problems), "lines": lines}
        )


def packaged_policy_files() -> list[Path]:
    """All policy parameter files shipped with the product, in name order."""
    return sorted(PACKAGED_POLICY_DIR.glob("*.json"))


# --- Upsert with audit ------------------------------------------------------------------


def _new_counts(*kinds: str) -> Counts:
    return {kind: {"created": 0, "updated": 0, "unchanged": 0} for kind in kinds}


def _upsert(
    model: type[M],
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    actor: User | None,
    counts: dict[str, int],
    note: str,
    region_code: Callable[[M], str] = lambda obj: "",
    create_only: frozenset[str] = frozenset(),
    related: Callable[[M], dict[str, Any]] | None = None,
    set_related: Callable[[M], None] | None = None,
) -> M:
    """Create or update one row found by ``lookup``; audit what changed.

    ``values`` are concrete fields (foreign keys by ``attname``); fields in ``create_only`` are
    written only when the row is new. ``related``/``set_related`` read and write many-to-many
    state, which is part of the audited snapshot.
    """
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
        before: dict[str, Any] = {}
    else:
        before = {**snapshot(obj), **(related(obj) if related else {})}
    for name, value in values.items():
        if created or name not in create_only:
            setattr(obj, name, value)
    fields_now = snapshot(obj)
    if created or any(before.get(k) != v for k, v in fields_now.items()):
        obj.full_clean()
        obj.save()
    if set_related is not None:
        set_related(obj)
    after = {**snapshot(obj), **(related(obj) if related else {})}
    changes = diff(before, after)
    if created:
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=obj,
            changes=changes,
            region_code=region_code(obj),
            note=note,
        )
        counts["created"] += 1
    elif changes:
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=obj,
            changes=changes,
            region_code=region_code(obj),
            note=note,
        )
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return obj


def _check_actor(actor: User | None, cap: Cap) -> None:
    if actor is not None:
        require(actor, cap)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ReferenceDataError(path, [_("文件不存在")]) from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, [_("文件不是 UTF-8 编码")]) from exc
    except OSError as exc:
        raise ReferenceDataError(path, [_("无法读取文件:%(err)s") % {"err": exc}]) from exc


def _read_json(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            path,
            [_("第 %(line)d 行:不是合法的 JSON(%(msg)s)") % {"line": exc.lineno, "msg": exc.msg}],
        ) from exc


# --- Regions ------------------------------------------------------------------------------

LEVEL_RANK: dict[str, int] = {
    RegionLevel.PROVINCE: 0,
    RegionLevel.CITY: 1,
    RegionLevel.COUNTY: 2,
    RegionLevel.ZONE: 2,
    RegionLevel.TOWNSHIP: 3,
    RegionLevel.VILLAGE: 4,
}
CODE_LENGTH: dict[str, int] = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 6,
    RegionLevel.ZONE: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
CODE_RE = re.compile(r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$")
REGION_COLUMNS = ("code", "name", "level", "parent_code")


def _code_fits_level(code: str, level: str) -> bool:
    if len(code) != CODE_LENGTH[level]:
        return False
    if level == RegionLevel.PROVINCE:
        return code[2:] == "0000"
    if level == RegionLevel.CITY:
        return code[4:] == "00" and code[2:4] != "00"
    if level in (RegionLevel.COUNTY, RegionLevel.ZONE):
        return code[4:] != "00"
    return True


def _parse_regions(path: Path) -> list[dict[str, Any]]:
    """The rows of a regions CSV, validated against the file itself and the database."""
    reader = csv.DictReader(_read_text(path).splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REGION_COLUMNS if c not in header]
    if missing:
        raise ReferenceDataError(
            path, [_("第 1 行:缺少列 %(cols)s") % {"cols": ", ".join(missing)}]
        )
    reader.fieldnames = header
    levels = set(RegionLevel.values)
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        get = lambda name, record=record: (record.get(name) or "").strip()  # noqa: E731
        code, name, level, parent = get("code"), get("name"), get("level"), get("parent_code")
        if not any((code, name, level, parent)):
            continue
        row_problems = []
        if not CODE_RE.match(code):
            row_problems.append(
                _("区划代码“%(code)s”格式错误(应为 6、9 或 12 位数字)") % {"code": code}
            )
        if not name:
            row_problems.append(_("名称为空"))
        elif len(name) > 64:
            row_problems.append(_("名称超过 64 个字"))
        if level not in levels:
            row_problems.append(
                _("层级“%(level)s”无效(应为 %(levels)s 之一)")
                % {"level": level, "levels": ", ".join(RegionLevel.values)}
            )
        elif CODE_RE.match(code) and not _code_fits_level(code, level):
            row_problems.append(
                _("区划代码“%(code)s”与层级“%(level)s”不符") % {"code": code, "level": level}
            )
        if level and level != RegionLevel.PROVINCE and not parent:
            row_problems.append(_("缺少上级区划代码"))
        sort_raw = get("sort_order")
        sort_order = 0
        if sort_raw:
            if sort_raw.isdigit():
                sort_order = int(sort_raw)
            else:
                row_problems.append(_("排序“%(value)s”不是非负整数") % {"value": sort_raw})
        if code in seen:
            row_problems.append(
                _("区划代码“%(code)s”与第 %(line)d 行重复") % {"code": code, "line": seen[code]}
            )
        else:
            seen[code] = line
        problems += [
            _("第 %(line)d 行:%(problem)s") % {"line": line, "problem": p} for p in row_problems
        ]
        rows.append(
            {
                "line": line,
                "code": code,
                "name": name,
                "level": level,
                "parent": parent or None,
                "sort_order": sort_order,
                "ok": not row_problems,
            }
        )
    if not rows and not problems:
        problems.append(_("文件中没有区划"))
    # Parents: in the file or already in the database, of a higher level, and a code prefix.
    in_file = {r["code"]: r for r in rows}
    parent_codes = {r["parent"] for r in rows if r["parent"] and r["parent"] not in in_file}
    in_db = {r.code: r.level for r in Region.objects.filter(code__in=parent_codes)}
    for r in rows:
        if not r["ok"] or not r["parent"]:
            continue
        parent = r["parent"]
        parent_level = in_file[parent]["level"] if parent in in_file else in_db.get(parent)
        if parent_level is None:
            problems.append(
                _("第 %(line)d 行:上级区划“%(parent)s”既不在文件中也不在数据库中")
                % {"line": r["line"], "parent": parent}
            )
        elif parent_level in LEVEL_RANK and LEVEL_RANK[parent_level] >= LEVEL_RANK[r["level"]]:
            problems.append(
                _("第 %(line)d 行:上级区划“%(parent)s”(%(plevel)s)不高于本级(%(level)s)")
                % {"line": r["line"], "parent": parent, "plevel": parent_level, "level": r["level"]}
            )
        elif parent_level in LEVEL_RANK and not r["code"].startswith(
            Region(code=parent, level=parent_level).scope_prefix
        ):
            problems.append(
                _("第 %(line)d 行:区划代码“%(code)s”不在上级区划“%(parent)s”之内")
                % {"line": r["line"], "code": r["code"], "parent": parent}
            )
    if problems:
        raise ReferenceDataError(path, sorted(problems, key=_line_of))
    return rows


def _line_of(problem: str) -> int:
    found = re.search(r"[0-9]+", problem)
    return int(found.group()) if found else 0


def regions_load(*, path: Path | str, actor: User | None = None) -> Counts:
    """Upsert the regions of a CSV file (code,name,level,parent_code[,sort_order]).

    Parents may be in the same file (in any order) or already in the database, so townships
    and villages can come later in a file of their own.
    """
    path = Path(path)
    _check_actor(actor, Cap.EDIT_REFERENCE)
    rows = _parse_regions(path)
    counts = _new_counts("regions")
    note = _("加载区划:%(file)s") % {"file": path.name}
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: LEVEL_RANK[r["level"]]):
            _upsert(
                Region,
                lookup={"code": row["code"]},
                values={
                    "name": row["name"],
                    "level": row["level"],
                    "parent_id": row["parent"],
                    "sort_order": row["sort_order"],
                },
                actor=actor,
                counts=counts["regions"],
                note=note,
                region_code=lambda obj: obj.code,
            )
    return counts


# --- Organisation -------------------------------------------------------------------------

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[0-9]+)+$")
REQUIREMENT_IDS_RE = re.compile(r"^([A-Z][0-9]+)(,[A-Z][0-9]+)*$")


class _OrgChecker:
    """Validates an organisation document and resolves unit names (with aliases)."""

    def __init__(self, doc: Any) -> None:
        self.problems: list[str] = []
        self.doc = doc if isinstance(doc, dict) else {}
        if not isinstance(doc, dict):
            self.problems.append(_("顶层应为 JSON 对象"))
        self.alias: dict[str, str] = {}
        self.db_units = set(Unit.objects.values_list("name", flat=True))

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(
        self, obj: dict[str, Any], key: str, where: str, *, max_length: int, required: bool = True
    ) -> str:
        value = obj.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", _("应为文字"))
            return ""
        if required and not value.strip():
            self.fail(f"{where}.{key}", _("不能为空"))
        if len(value) > max_length:
            self.fail(f"{where}.{key}", _("超过 %(n)d 个字") % {"n": max_length})
        return value.strip()

    def items(self, obj: dict[str, Any], key: str, where: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{where}.{key}", _("应为列表"))
            return []
        return value

    def resolve(self, name: Any, where: str) -> str | None:
        if name is None:
            return None
        if not isinstance(name, str) or not name.strip():
            self.fail(where, _("单位名称为空"))
            return None
        canonical = self.alias.get(name.strip())
        if canonical is None and name.strip() in self.db_units:
            canonical = name.strip()
        if canonical is None:
            self.fail(where, _("未知单位“%(name)s”(不在 units 中,也不是其别名)") % {"name": name})
        return canonical

    def region(self, code: Any, where: str) -> str | None:
        if not isinstance(code, str) or not Region.objects.filter(code=code).exists():
            self.fail(where, _("区划“%(code)s”不存在,请先加载 regions.csv") % {"code": code})
            return None
        return code

    def check_units(self) -> list[dict[str, Any]]:
        out = []
        kinds = set(Unit.Kind.values)
        city = self.doc.get("region")
        for i, raw in enumerate(self.items(self.doc, "units", "$")):
            where = f"units[{i}]"
            if not isinstance(raw, dict):
                self.fail(where, _("应为 JSON 对象"))
                continue
            name = self.text(raw, "name", where, max_length=100)
            if raw.get("kind") not in kinds:
                self.fail(f"{where}.kind", _("类型“%(kind)s”无效") % {"kind": raw.get("kind")})
            note = self.text(raw, "note", where, max_length=200, required=False)
            source = self.text(raw, "source", where, max_length=300, required=False)
            region = raw.get("region", city)
            if region != city:
                self.region(region, f"{where}.region")
            aliases = self.items(raw, "aliases", where)
            if not all(isinstance(a, str) and a.strip() for a in aliases):
                self.fail(f"{where}.aliases", _("别名应为非空文字"))
                aliases = []
            for alias in [name, *aliases]:
                if alias in self.alias:
                    self.fail(where, _("名称或别名“%(name)s”重复") % {"name": alias})
                self.alias[alias] = name
            out.append(
                {
                    "name": name,
                    "kind": raw.get("kind"),
                    "region": region,
                    "note": note,
                    "source": source,
                }
            )
        return out

    def check_members(
        self, raw_members: list[Any], where: str, *, template: bool = False
    ) -> list[dict[str, Any]]:
        positions = set(Member.Position.values)
        out = []
        for j, raw in enumerate(raw_members):
            w = f"{where}.members[{j}]"
            if not isinstance(raw, dict):
                self.fail(w, _("应为 JSON 对象"))
                continue
            if raw.get("position") not in positions:
                self.fail(f"{w}.position", _("职务“%(p)s”无效") % {"p": raw.get("position")})
            name = self.text(raw, "name", w, max_length=50)
            title = self.text(
                raw, "title", w, max_length=200 - (40 if template else 0), required=False
            )
            unit = self.resolve(raw.get("unit"), f"{w}.unit")
            out.append(
                {
                    "position": raw.get("position"),
                    "name": name,
                    "title": title,
                    "unit": unit,
                    "placeholder": bool(raw.get("placeholder")),
                    "sort_order": j + 1,
                }
            )
        return out

    def check_work_group(self) -> dict[str, Any]:
        raw = self.doc.get("work_group")
        if not isinstance(raw, dict):
            self.fail("work_group", _("缺少工作专班"))
            return {}
        groups: list[dict[str, Any]] = []
        out: dict[str, Any] = {
            "name": self.text(raw, "name", "work_group", max_length=200),
            "office_location": self.resolve(
                raw.get("office_location"), "work_group.office_location"
            ),
            "office_units": [
                self.resolve(u, f"work_group.office_units[{i}]")
                for i, u in enumerate(self.items(raw, "office_units", "work_group"))
            ],
            "duty_24h": bool(raw.get("duty_24h", True)),
            "source": self.text(raw, "source", "work_group", max_length=300, required=False),
            "members": self.check_members(self.items(raw, "members", "work_group"), "work_group"),
            "working_groups": groups,
        }
        codes: set[str] = set()
        for i, g in enumerate(self.items(raw, "working_groups", "work_group")):
            where = f"work_group.working_groups[{i}]"
            if not isinstance(g, dict):
                self.fail(where, _("应为 JSON 对象"))
                continue
            code = g.get("code")
            if not isinstance(code, str) or not SLUG_RE.match(code) or len(code) > 40:
                self.fail(
                    f"{where}.code",
                    _("代码“%(code)s”无效(小写英文、数字、下划线)") % {"code": code},
                )
            elif code in codes:
                self.fail(f"{where}.code", _("代码“%(code)s”重复") % {"code": code})
            codes.add(str(code))
            units = [
                self.resolve(u, f"{where}.units[{k}]")
                for k, u in enumerate(self.items(g, "units", where))
            ]
            if len(set(units)) != len(units):
                self.fail(f"{where}.units", _("单位重复"))
            groups.append(
                {
                    "code": code,
                    "name": self.text(g, "name", where, max_length=100),
                    "lead_unit": self.resolve(g.get("lead_unit"), f"{where}.lead_unit"),
                    "units": units,
                    "duties": self.text(g, "duties", where, max_length=10_000, required=False),
                    "source": self.text(g, "source", where, max_length=300, required=False),
                    "sort_order": i + 1,
                    "members": self.check_members(self.items(g, "members", where), where),
                }
            )
        return out

    def check_county_template(self) -> dict[str, Any] | None:
        raw = self.doc.get("county_work_groups")
        if raw is None:
            return None
        where = "county_work_groups"
        if not isinstance(raw, dict):
            self.fail(where, _("应为 JSON 对象"))
            return None
        levels = self.items(raw, "levels", where)
        bad = [
            lv
            for lv in levels
            if lv not in (RegionLevel.COUNTY, RegionLevel.ZONE, RegionLevel.TOWNSHIP)
        ]
        if bad or not levels:
            self.fail(f"{where}.levels", _("层级无效:%(levels)s") % {"levels": levels})
        out = {
            "levels": levels,
            "bureau_name": self.text(raw, "bureau_name", where, max_length=80),
            "bureau_names": raw.get("bureau_names", {}),
            "name": self.text(raw, "name", where, max_length=100),
            "duty_24h": bool(raw.get("duty_24h", True)),
            "source": self.text(raw, "source", where, max_length=300, required=False),
            "members": self.check_members(self.items(raw, "members", where), where, template=True),
        }
        if not isinstance(out["bureau_names"], dict):
            self.fail(f"{where}.bureau_names", _("应为 {区划代码: 名称}"))
            out["bureau_names"] = {}
        for field in ("bureau_name", "name"):
            try:
                out[field].format(region_name="", bureau_name="")
            except (KeyError, IndexError, ValueError):
                self.fail(f"{where}.{field}", _("模板只能使用 {region_name} 和 {bureau_name}"))
        return out

    def check_clauses(self) -> list[dict[str, Any]]:
        out = []
        codes: set[str] = set()
        for i, raw in enumerate(self.items(self.doc, "clauses", "$")):
            where = f"clauses[{i}]"
            if not isinstance(raw, dict):
                self.fail(where, _("应为 JSON 对象"))
                continue
            code = self.text(raw, "code", where, max_length=40)
            if code and not CLAUSE_CODE_RE.match(code):
                self.fail(
                    f"{where}.code", _("条款代码“%(code)s”格式应如 general.2.1") % {"code": code}
                )
            if code in codes:
                self.fail(f"{where}.code", _("条款代码“%(code)s”重复") % {"code": code})
            codes.add(code)
            req = self.text(raw, "requirement_ids", where, max_length=100, required=False)
            if req and not REQUIREMENT_IDS_RE.match(req):
                self.fail(f"{where}.requirement_ids", _("需求编号应如 M1,M2"))
            units = [
                self.resolve(u, f"{where}.units[{k}]")
                for k, u in enumerate(self.items(raw, "units", where))
            ]
            if not units:
                self.fail(f"{where}.units", _("至少要有一个责任单位"))
            if len(set(units)) != len(units):
                self.fail(f"{where}.units", _("单位重复(别名指向同一单位)"))
            out.append(
                {
                    "code": code,
                    "document": self.text(raw, "document", where, max_length=100),
                    "title": self.text(raw, "title", where, max_length=200),
                    "requirement_ids": req,
                    "units": units,
                    "sort_order": i + 1,
                }
            )
        return out


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
    _check_actor(actor, Cap.EDIT_REFERENCE)
    checker = _OrgChecker(_read_json(path))
    city_code = checker.region(checker.doc.get("region"), "region") if checker.doc else None
    units = checker.check_units()
    work_group = checker.check_work_group()
    county = checker.check_county_template()
    clauses = checker.check_clauses()
    if checker.problems:
        raise ReferenceDataError(path, checker.problems)
    assert city_code is not None

    counts = _new_counts("units", "work_groups", "working_groups", "members", "clauses")
    note = _("加载组织机构:%(file)s") % {"file": path.name}
    with transaction.atomic():
        by_name: dict[str, Unit] = {}
        for u in units:
            by_name[u["name"]] = _upsert(
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
            working_group = _upsert(
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
            _upsert(
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
    return _upsert(
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
        _upsert(
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
        bureau = _upsert(
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


# --- Policy parameters --------------------------------------------------------------------

POLICY_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
CLAUSE_RE = re.compile(r"^[A-Z][0-9]+(,[A-Z][0-9]+)*$")
POLICY_FIELDS = (
    "label",
    "value",
    "unit",
    "effective_to",
    "clause",
    "source",
    "source_text",
    "note",
)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parse_policy(path: Path) -> list[dict[str, Any]]:
    doc = _read_json(path)
    raw_list = doc.get("parameters") if isinstance(doc, dict) else doc
    if not isinstance(raw_list, list) or not raw_list:
        raise ReferenceDataError(path, [_("应有 parameters 列表")])
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, date]] = set()
    for i, raw in enumerate(raw_list):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"parameters[{i}]" + (f"({key})" if isinstance(key, str) else "")
        if not isinstance(raw, dict):
            problems.append(f"{where}: " + _("应为 JSON 对象"))
            continue
        bad: list[str] = []
        if not isinstance(key, str) or not POLICY_KEY_RE.match(key) or len(key) > 100:
            bad.append(_("参数键应为小写英文加点,如 layoff.art41.min_people"))
        for field, limit in (("label", 200), ("unit", 32), ("clause", 64), ("source", 300)):
            value = raw.get(field)
            if (
                not isinstance(value, str)
                or len(value) > limit
                or (field != "unit" and not value.strip())
            ):
                bad.append(_("%(field)s 应为不超过 %(n)d 字的文字") % {"field": field, "n": limit})
        for field in ("source_text", "note"):
            value = raw.get(field, "")
            if not isinstance(value, str) or (field == "source_text" and not value.strip()):
                bad.append(_("%(field)s 应为文字") % {"field": field})
        if isinstance(raw.get("clause"), str) and not CLAUSE_RE.match(raw["clause"]):
            bad.append(_("clause 应为需求编号,如 L1 或 E3,L2"))
        if "value" not in raw or raw["value"] is None or isinstance(raw["value"], str | bool):
            bad.append(_("value 应为数字或列表"))
        start = _parse_date(raw.get("effective_from"))
        end = _parse_date(raw.get("effective_to")) if raw.get("effective_to") is not None else None
        if start is None:
            bad.append(_("effective_from 应为日期 YYYY-MM-DD"))
        if raw.get("effective_to") is not None and end is None:
            bad.append(_("effective_to 应为日期 YYYY-MM-DD 或 null"))
        if start and end and end < start:
            bad.append(_("effective_to 早于 effective_from"))
        if start and isinstance(key, str):
            if (key, start) in seen:
                bad.append(_("同一参数同一生效日期重复"))
            seen.add((key, start))
        problems += [f"{where}: {b}" for b in bad]
        if not bad:
            out.append(
                {
                    "key": key,
                    "effective_from": start,
                    "label": raw["label"].strip(),
                    "value": raw["value"],
                    "unit": raw["unit"].strip(),
                    "effective_to": end,
                    "clause": raw["clause"],
                    "source": raw["source"].strip(),
                    "source_text": raw["source_text"].strip(),
                    "note": raw.get("note", "").strip(),
                }
            )
    if problems:
        raise ReferenceDataError(path, problems)
    return out


def _overlaps(keys: Iterable[str]) -> list[str]:
    problems = []
    for key in sorted(set(keys)):
        versions = list(PolicyParameter.objects.filter(key=key).order_by("effective_from"))
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                problems.append(
                    _("%(key)s: 自 %(a)s 起的版本与自 %(b)s 起的版本有效期重叠")
                    % {
                        "key": key,
                        "a": earlier.effective_from.isoformat(),
                        "b": later.effective_from.isoformat(),
                    }
                )
    return problems


def policy_load(*, path: Path | str, actor: User | None = None) -> Counts:
    """Upsert policy parameter versions by (key, effective_from).

    A changed field in the file updates the version. A version that ``policy_set`` has closed
    early because a successor followed it keeps its earlier end date, so a reload never
    reopens it over its successor; any other overlap of versions is refused.
    """
    path = Path(path)
    _check_actor(actor, Cap.EDIT_POLICY)
    params = _parse_policy(path)
    counts = _new_counts("policy_parameters")
    note = _("加载政策参数:%(file)s") % {"file": path.name}
    with transaction.atomic():
        for p in params:
            values = {f: p[f] for f in POLICY_FIELDS}
            existing = PolicyParameter.objects.filter(
                key=p["key"], effective_from=p["effective_from"]
            ).first()
            if (
                existing is not None
                and existing.effective_to is not None
                and (p["effective_to"] is None or p["effective_to"] > existing.effective_to)
                and PolicyParameter.objects.filter(
                    key=p["key"], effective_from=existing.effective_to + timedelta(days=1)
                ).exists()
            ):
                # Closed by policy_set in favour of a successor: keep the earlier end date.
                values["effective_to"] = existing.effective_to
            try:
                _upsert(
                    PolicyParameter,
                    lookup={"key": p["key"], "effective_from": p["effective_from"]},
                    values=values,
                    actor=actor,
                    counts=counts["policy_parameters"],
                    note=note,
                )
            except ValidationError as exc:
                raise ReferenceDataError(path, [f"{p['key']}: {m}" for m in exc.messages]) from exc
        problems = _overlaps(p["key"] for p in params)
        if problems:
            raise ReferenceDataError(path, problems)
    return counts


# --- Everything ---------------------------------------------------------------------------


def _add(total: Counts, part: Counts) -> None:
    for kind, numbers in part.items():
        bucket = total.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        for k, v in numbers.items():
            bucket[k] += v


def reference_load(
    *,
    city_dir: Path | str = PACKAGED_CITY_DIR,
    policy_files: Iterable[Path | str] | None = None,
    actor: User | None = None,
) -> Counts:
    """Load a city's regions and organisation and the chosen policy files, all or nothing.

    ``policy_files`` defaults to every packaged policy file.
    """
    city_dir = Path(city_dir)
    files = [Path(f) for f in (packaged_policy_files() if policy_files is None else policy_files)]
    if not city_dir.is_dir():
        raise ReferenceDataError(city_dir, [_("城市参考数据目录不存在")])
    total: Counts = {}
    with transaction.atomic():
        _add(total, regions_load(path=city_dir / REGIONS_FILE, actor=actor))
        _add(total, organisation_load(path=city_dir / ORGANISATION_FILE, actor=actor))
        total.setdefault("policy_parameters", {"created": 0, "updated": 0, "unchanged": 0})
        for f in files:
            _add(total, policy_load(path=f, actor=actor))
    return total


def reference_load_default(*, actor: User | None = None) -> Counts:
    """The packaged city (Pingdingshan) and every packaged policy file."""
    return reference_load(
        city_dir=PACKAGED_CITY_DIR, policy_files=packaged_policy_files(), actor=actor
    )
