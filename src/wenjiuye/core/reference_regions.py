"""Loading regions from a CSV file (``code,name,level,parent_code[,sort_order]``): GB/T 2260
codes checked against their level and their parent, which may be in the file or the database."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.models import Region, RegionLevel, User
from wenjiuye.core.reference_files import ReferenceDataError, read_text
from wenjiuye.core.reference_upsert import Counts, check_actor, new_counts, upsert
from wenjiuye.core.roles import Cap

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
    reader = csv.DictReader(read_text(path).splitlines())
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
    check_actor(actor, Cap.EDIT_REFERENCE)
    rows = _parse_regions(path)
    counts = new_counts("regions")
    note = _("加载区划:%(file)s") % {"file": path.name}
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: LEVEL_RANK[r["level"]]):
            upsert(
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
