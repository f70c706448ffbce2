"""Checking an organisation document (``organisation.json``) before anything is loaded: the
units and their aliases, the work group and its working groups, members, the county-level
template and the plan's clauses."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.models import Member, Region, RegionLevel, Unit

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[0-9]+)+$")
REQUIREMENT_IDS_RE = re.compile(r"^([A-Z][0-9]+)(,[A-Z][0-9]+)*$")


class OrganisationChecker:
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
