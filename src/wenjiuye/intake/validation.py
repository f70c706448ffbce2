"""Row checks of the data contract: each raw text value parsed to its type, or a reason in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from wenjiuye.core.identifiers import check_resident_id, check_uscc, resident_id_check_char
from wenjiuye.intake.contract import KINDS, Column


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    value: str
    reason: str


class BadValue(ValueError):
    pass


_PERIOD = re.compile(r"^(\d{4})-?(\d{2})$")
_DATE = re.compile(r"^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$")
_DATE_FORMS = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{8})$")
_FLAGS = {
    "1": True,
    "0": False,
    "是": True,
    "否": False,
    "true": True,
    "false": False,
    "y": True,
    "n": False,
}


def parse_period(raw: str) -> str:
    m = _PERIOD.match(raw)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise BadValue("期间格式应为 YYYYMM 或 YYYY-MM")
    return m.group(1) + m.group(2)


def parse_date(raw: str) -> date:
    m = _DATE.match(raw) if _DATE_FORMS.match(raw) else None
    if not m:
        raise BadValue("日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD")
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise BadValue("日期不存在") from exc


def parse_count(raw: str) -> int:
    try:
        value = int(Decimal(raw))
    except (InvalidOperation, ValueError) as exc:
        raise BadValue("应为整数") from exc
    if Decimal(raw) != value:
        raise BadValue("应为整数")
    if value < 0:
        raise BadValue("人数/数量不能为负数")
    return value


def parse_amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation as exc:
        raise BadValue("应为数字") from exc
    if not value.is_finite():
        raise BadValue("应为数字")
    if value < 0:
        raise BadValue("金额/数值不能为负数")
    return value


def parse_flag(raw: str) -> bool:
    try:
        return _FLAGS[raw.lower()]
    except KeyError as exc:
        raise BadValue("应为 0 或 1") from exc


# Column types whose checks are pure functions of the text and whose values repeat in an export
# (employers, periods, statuses, regions, dates, amounts): each distinct text is checked once.
MEMO_TYPES = frozenset({"uscc", "period", "enum", "region", "date", "count", "amount", "flag"})
MEMO_MAX = 200_000  # distinct texts remembered per column (then the memo starts again)
_ID_DIGITS = frozenset("0123456789")


class _Memo:
    """A parser remembered per distinct text: the parsed value, or the reason it was refused."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        self.parse = parse
        self.seen: dict[str, tuple[bool, Any]] = {}

    def __call__(self, raw: str) -> Any:
        hit = self.seen.get(raw)
        if hit is None:
            try:
                hit = (True, self.parse(raw))
            except BadValue as exc:
                hit = (False, str(exc))
            if len(self.seen) >= MEMO_MAX:
                self.seen.clear()
            self.seen[raw] = hit
        if hit[0]:
            return hit[1]
        raise BadValue(hit[1])


class RowValidator:
    """Validates rows of one kind; ``regions`` are the known county-level codes."""

    def __init__(self, kind: str, *, regions: Collection[str], today: date | None = None) -> None:
        self.kind = KINDS[kind]
        self.regions = set(regions)
        self.today = today
        self._parsers: dict[str, Callable[[str], Any]] = {
            c.name: (_Memo(self._parser(c)) if c.type in MEMO_TYPES else self._parser(c))
            for c in self.kind.columns
        }
        # verdicts of check_resident_id for numbers with a correct check digit, by their first 14
        # characters (address code + birth date): the remaining checks depend on nothing else
        self._id_verdicts: dict[str, str | None] = {}

    def _parser(self, column: Column) -> Callable[[str], Any]:
        if column.type == "uscc":
            return self._uscc
        if column.type == "person_id":
            return self._person_id
        if column.type == "region":
            return self._region
        if column.type == "enum":
            return lambda raw: self._enum(column, raw)
        return {
            "str": lambda raw: raw,
            "period": parse_period,
            "date": parse_date,
            "count": parse_count,
            "amount": parse_amount,
            "flag": parse_flag,
        }[column.type]

    @staticmethod
    def _uscc(raw: str) -> str:
        check = check_uscc(raw)
        if not check.valid:
            raise BadValue(check.reason)
        return check.value

    def _person_id(self, raw: str) -> str:
        # Fast path (same verdicts as check_resident_id): an ASCII number of 17 digits and a
        # correct check character is valid exactly when its address code and birth date are.
        number = raw.strip().upper() if raw.isascii() else ""
        if (
            len(number) == 18
            and _ID_DIGITS.issuperset(number[:17])
            and resident_id_check_char(number[:17]) == number[17]
        ):
            key = number[:14]
            if key not in self._id_verdicts:
                if len(self._id_verdicts) >= MEMO_MAX:
                    self._id_verdicts.clear()
                slow = check_resident_id(number, today=self.today)
                self._id_verdicts[key] = None if slow.valid else slow.reason
            reason = self._id_verdicts[key]
            if reason is None:
                return number
            raise BadValue(reason)
        check = check_resident_id(raw, today=self.today)
        if not check.valid:
            raise BadValue(check.reason)
        return check.value

    def _region(self, raw: str) -> str:
        if not re.fullmatch(r"\d{6}(\d{3}(\d{3})?)?", raw):
            raise BadValue("区划代码应为6、9或12位数字")
        if raw[:6] not in self.regions:
            raise BadValue("未知区划代码")
        return raw

    @staticmethod
    def _enum(column: Column, raw: str) -> str:
        try:
            return column.choices[raw.strip().lower() if raw.isascii() else raw.strip()]
        except KeyError as exc:
            allowed = "、".join(sorted(set(column.choices)))
            raise BadValue(f"取值应为 {allowed} 之一") from exc

    def validate(
        self, line: int, raw: dict[str, str]
    ) -> tuple[dict[str, Any] | None, list[Reject]]:
        """The parsed row, or ``None`` and every reason the row is rejected."""
        out: dict[str, Any] = {}
        rejects: list[Reject] = []
        for column in self.kind.columns:
            text = raw.get(column.name, "").strip()
            if not text:
                if column.required:
                    rejects.append(Reject(line, column.name, "", "缺少必填值"))
                else:
                    out[column.name] = None
                continue
            try:
                out[column.name] = self._parsers[column.name](text)
            except BadValue as exc:
                rejects.append(Reject(line, column.name, text, str(exc)))
        if self.kind.one_of and not any(out.get(c) not in (None, "") for c in self.kind.one_of):
            rejects.append(Reject(line, "/".join(self.kind.one_of), "", "至少需要填写其中一项"))
        return (None, rejects) if rejects else (out, [])
