"""Row checks of the data contract: each raw text value parsed to its type, or a reason in Chinese.

Values a row is rejected for are kept cut to 200 characters (:func:`clip`): the reject report and
the upload page echo them. Numbers are bounded to what the store can hold and a person could mean
(a headcount of 10**30 is not one), texts to their column's length in the store (``max_lengths``)
and every cell to ``max_cell_chars``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.core.identifiers import (
    check_resident_id,
    check_uscc,
    resident_id_check_char,
    validate_phone,
)
from wenjiuye.intake.contract import KINDS, Column

#: a rejected value as the report and the page show it
CLIP_CHARS = 200
#: counts (people, openings, ages) and amounts (yuan, 10k yuan, kWh): beyond these no value of
#: the data contract is plausible, and the store's columns hold them (32-bit integers, decimals of
#: 12 digits with 2 decimal places)
COUNT_MAX = 100_000_000
AMOUNT_MAX = Decimal("9999999999")


def clip(value: str, length: int = CLIP_CHARS) -> str:
    """``value``, cut to ``length`` characters followed by "…" when longer."""
    return value if len(value) <= length else value[:length] + "…"


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    value: str
    reason: str


class BadValue(DomainError):
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
        raise BadValue(_("期间格式应为 YYYYMM 或 YYYY-MM"))
    return m.group(1) + m.group(2)


def parse_date(raw: str) -> date:
    m = _DATE.match(raw) if _DATE_FORMS.match(raw) else None
    if not m:
        raise BadValue(_("日期格式应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD"))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise BadValue(_("日期不存在")) from exc


def parse_count(raw: str) -> int:
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:
        raise BadValue(_("应为整数")) from exc
    if not number.is_finite():
        raise BadValue(_("应为整数"))
    if number.adjusted() >= 9:  # before int(): 1e100000000 would be a 100-million-digit integer
        raise BadValue(_("人数/数量超出范围(上限 {limit:,})").format(limit=COUNT_MAX))
    value = int(number)
    if number != value:
        raise BadValue(_("应为整数"))
    if value < 0:
        raise BadValue(_("人数/数量不能为负数"))
    if value > COUNT_MAX:
        raise BadValue(_("人数/数量超出范围(上限 {limit:,})").format(limit=COUNT_MAX))
    return value


def parse_amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation as exc:
        raise BadValue(_("应为数字")) from exc
    if not value.is_finite():
        raise BadValue(_("应为数字"))
    if value < 0:
        raise BadValue(_("金额/数值不能为负数"))
    if value > AMOUNT_MAX:
        raise BadValue(_("金额/数值超出范围(上限 {limit:,})").format(limit=AMOUNT_MAX))
    return value


def parse_phone(raw: str) -> str:
    try:
        return validate_phone(raw)
    except ValueError as exc:
        raise BadValue(str(exc)) from exc


def parse_flag(raw: str) -> bool:
    try:
        return _FLAGS[raw.lower()]
    except KeyError as exc:
        raise BadValue(_("应为 0 或 1")) from exc


# Column types whose checks are pure functions of the text and whose values repeat in an export
# (employers, periods, statuses, regions, dates, amounts): each distinct text is checked once.
MEMO_TYPES = frozenset({"uscc", "period", "enum", "region", "date", "count", "amount", "flag"})
MEMO_MAX = 200_000  # distinct texts remembered per column (then the memo starts again)
MEMO_TEXT_MAX = 64  # longer texts are checked each time (they are not codes, and would fill it)
_ID_DIGITS = frozenset("0123456789")


class _Memo:
    """A parser remembered per distinct text: the parsed value, or the reason it was refused."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        self.parse = parse
        self.seen: dict[str, tuple[bool, Any]] = {}

    def __call__(self, raw: str) -> Any:
        if len(raw) > MEMO_TEXT_MAX:
            return self.parse(raw)
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
    """Validates rows of one kind; ``regions`` are the known county-level codes, ``max_lengths``
    the longest text each column may hold where it is stored, ``max_cell_chars`` the longest
    value of any cell."""

    def __init__(
        self,
        kind: str,
        *,
        regions: Collection[str],
        today: date | None = None,
        max_lengths: dict[str, int] | None = None,
        max_cell_chars: int = 32_767,
    ) -> None:
        self.kind = KINDS[kind]
        self.regions = set(regions)
        self.today = today
        self.max_lengths = dict(max_lengths or {})
        self.max_cell_chars = max_cell_chars
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
            "phone": parse_phone,
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
            raise BadValue(_("区划代码应为6、9或12位数字"))
        if raw[:6] not in self.regions:
            raise BadValue(_("未知区划代码"))
        return raw

    @staticmethod
    def _enum(column: Column, raw: str) -> str:
        try:
            return column.choices[raw.strip().lower() if raw.isascii() else raw.strip()]
        except KeyError as exc:
            allowed = "、".join(sorted(set(column.choices)))
            raise BadValue(_("取值应为 %(allowed)s 之一") % {"allowed": allowed}) from exc

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
            if len(text) > self.max_cell_chars:
                reason = _("内容过长(超过 {limit:,} 个字符)").format(limit=self.max_cell_chars)
                rejects.append(Reject(line, column.name, clip(text), reason))
                continue
            try:
                value = self._parsers[column.name](text)
            except BadValue as exc:
                rejects.append(Reject(line, column.name, clip(text), str(exc)))
                continue
            limit = self.max_lengths.get(column.name)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                reason = _("内容过长(该项最多 {limit} 个字符)").format(limit=limit)
                rejects.append(Reject(line, column.name, clip(text), reason))
                continue
            out[column.name] = value
        if self.kind.one_of and not any(out.get(c) not in (None, "") for c in self.kind.one_of):
            rejects.append(Reject(line, "/".join(self.kind.one_of), "", "至少需要填写其中一项"))
        return (None, rejects) if rejects else (out, [])
