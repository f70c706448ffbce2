"""``wenjiuye validate id|uscc VALUE... [--json]``: check identity numbers and credit codes.

A report: the exit status is 0 even when some values are invalid; usage errors exit with 2.
``--json`` prints a list with one object per value (see ``IdCheck.as_dict`` and
``UsccCheck.as_dict`` in :mod:`wenjiuye.core.identifiers`).
"""

from __future__ import annotations

import argparse
import unicodedata
from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import check_resident_id, check_uscc
from wenjiuye.core.management.base import JsonCommand, add_json_switch

GENDERS = {"M": "男", "F": "女"}


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期应为 YYYY-MM-DD 格式：%(text)s") % {"text": repr(text)}
        ) from None


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


class Command(JsonCommand):
    help = "校验居民身份证号码（GB 11643）或统一社会信用代码（GB 32100），逐个报告是否有效及原因。"
    requires_system_checks: list[str] = []  # pure computation: no database, no app checks

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="what", required=True, metavar="{id,uscc}", help="要校验的号码类型"
        )
        id_parser = subparsers.add_parser("id", help="居民身份证号码（18位）")
        id_parser.add_argument("values", nargs="+", metavar="VALUE", help="身份证号码")
        id_parser.add_argument(
            "--today",
            type=parse_day,
            default=None,
            help="按此日期计算年龄、判断出生日期（YYYY-MM-DD，默认今天）",
        )
        uscc_parser = subparsers.add_parser("uscc", help="统一社会信用代码（18位）")
        uscc_parser.add_argument("values", nargs="+", metavar="VALUE", help="统一社会信用代码")
        for sub in (id_parser, uscc_parser):
            add_json_switch(sub)

    def run(self, **options: Any) -> list[dict[str, Any]]:
        what = options["what"]
        values = options["values"]
        if what == "id":
            today = options.get("today")
            return [check_resident_id(v, today=today).as_dict() for v in values]
        return [check_uscc(v).as_dict() for v in values]

    def render(self, result: list[dict[str, Any]], **options: Any) -> None:
        if options["what"] == "id":
            headers = ["号码", "结果", "原因", "出生日期", "年龄", "性别", "地区"]
            rows = [
                [
                    r["value"],
                    "有效" if r["valid"] else "无效",
                    r["reason"],
                    r["birth_date"] or "",
                    "" if r["age"] is None else str(r["age"]),
                    GENDERS.get(r["gender"] or "", ""),
                    " ".join(x for x in (r["region_code"], r["region_name"]) if x),
                ]
                for r in result
            ]
        else:
            headers = ["代码", "结果", "原因", "登记管理部门", "机构类别", "登记机关区划码"]
            rows = [
                [
                    r["value"],
                    "有效" if r["valid"] else "无效",
                    r["reason"],
                    r["authority"] or "",
                    r["org_type"] or "",
                    r["region_code"] or "",
                ]
                for r in result
            ]
        widths = [
            max(display_width(row[i]) for row in [headers, *rows]) for i in range(len(headers))
        ]
        for row in [headers, *rows]:
            self.stdout.write(
                "  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        valid = sum(1 for r in result if r["valid"])
        self.stdout.write(f"共 {len(result)} 个，有效 {valid} 个，无效 {len(result) - valid} 个。")
