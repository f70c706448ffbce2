"""Reading and checking a layoff roster file (被裁减人员名单): CSV (UTF-8, UTF-8 with BOM, GBK) or XLSX.

:func:`read_roster` yields ``(line, {field: text})`` with line numbers as a person sees them
(header = line 1); :func:`parse_row` turns one row into clean values or a list of problems
``(column, value, reason)``. Nothing here touches the database except the region lookup.

The file is read with the intake's shared readers (``wenjiuye.intake.readers``) within their limits
and the roster's own (``WENJIUYE_ROSTER_MAX_BYTES``, ``WENJIUYE_ROSTER_MAX_ROWS``): an upload
beyond them, an XLSX that expands too far, a CSV whose lines mix encodings or whose field never
ends is refused as a whole with the reason, before any row. Values echoed in problems are cut to
200 characters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wenjiuye.core.identifiers import check_resident_id, validate_phone
from wenjiuye.intake.bounds import Deadline, Limits, UnreadableFile, check_size
from wenjiuye.intake.csvfile import csv_records
from wenjiuye.intake.encoding import csv_encoding
from wenjiuye.intake.readers import sniff_format
from wenjiuye.intake.validation import clip
from wenjiuye.intake.xlsx import xlsx_check, xlsx_rows

# field -> accepted headers (Chinese as the bureau's forms print them, and the field name)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码"),
    "phone": ("手机号", "手机号码", "联系电话"),
    "contract_type": ("劳动合同类型", "合同类型"),
    "hire_date": ("入职日期",),
    "monthly_wage": ("月平均工资", "前十二个月平均工资", "月工资"),
    "sole_earner": ("家庭无其他就业人员", "家庭唯一就业人员"),
    "has_dependants": ("有需要扶养的老人或者未成年人", "有需扶养的老人或未成年人"),
    "region_code": ("常住地区划代码", "常住地"),
    # Optional: the cases of 《劳动合同法》 art. 42 in which a worker may not be laid off under art. 41
    "occupational_check": (
        "未进行离岗前职业健康检查或疑似职业病",
        "疑似职业病病人在诊断或者医学观察期间",
        "离岗前职业健康检查未做或疑似职业病",
    ),
    "occupational_injury": (
        "职业病或因工负伤丧失劳动能力",
        "在本单位患职业病或者因工负伤并被确认丧失或者部分丧失劳动能力",
    ),
    "medical_period": (
        "医疗期内",
        "患病或者非因工负伤在规定的医疗期内",
        "患病或非因工负伤在医疗期内",
    ),
    "maternity": ("孕期、产期、哺乳期", "孕期产期哺乳期", "女职工在孕期、产期、哺乳期"),
    "near_retirement_age": ("距法定退休年龄不足五年",),
    "retirement_on": ("法定退休日期", "达到法定退休年龄日期"),
}
REQUIRED = ("name", "id_number", "contract_type", "hire_date", "monthly_wage")
COLUMN_ZH = {field: names[0] for field, names in HEADERS.items()}

CONTRACTS = {
    "固定期限": "fixed",
    "固定期限劳动合同": "fixed",
    "fixed": "fixed",
    "较长期限的固定期限": "long_fixed",
    "较长期限固定期限": "long_fixed",
    "较长期限的固定期限劳动合同": "long_fixed",
    "long_fixed": "long_fixed",
    "无固定期限": "open_ended",
    "无固定期限劳动合同": "open_ended",
    "open_ended": "open_ended",
}
TRUE = {"是", "有", "y", "yes", "true", "1", "√"}
FALSE = {"否", "无", "n", "no", "false", "0", ""}
#: art. 42 items (1)–(4) and the worker's own statement for item (5), as flags from yes/no columns
PROTECTION_FLAGS = (
    "occupational_check",
    "occupational_injury",
    "medical_period",
    "maternity",
    "near_retirement_age",
)


@dataclass
class Problem:
    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


def _lookup() -> dict[str, str]:
    out = {}
    for field, names in HEADERS.items():
        out[field] = field
        for name in names:
            out[name] = field
    return out


def _columns(headers: list[str]) -> list[str | None]:
    lookup = _lookup()
    columns = [lookup.get(re.sub(r"\s+", "", h or "").lower()) for h in headers]
    missing = [COLUMN_ZH[f] for f in REQUIRED if f not in columns]
    if missing:
        raise ValidationError(_("名单缺少必需的列:") + "、".join(missing))
    return columns


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def roster_limits() -> Limits:
    return Limits.from_settings(
        max_bytes=settings.WENJIUYE_ROSTER_MAX_BYTES, max_rows=settings.WENJIUYE_ROSTER_MAX_ROWS
    )


def read_upload(upload: Any) -> bytes:
    """An uploaded roster's content, refused (``ValidationError``) beyond the roster size limit
    before it is read into memory."""
    limits = roster_limits()
    try:
        if upload.size is not None:
            check_size(upload.size, limits)
        content: bytes = upload.read(limits.max_bytes + 1)
        check_size(len(content), limits)
    except UnreadableFile as exc:
        raise ValidationError(_("名单文件无法读取:{reason}").format(reason=exc)) from exc
    return content


def read_roster(content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a roster file; raises ``ValidationError`` before any row when it cannot be read."""
    try:
        yield from _read(content, roster_limits())
    except UnreadableFile as exc:
        raise ValidationError(_("名单文件无法读取:{reason}").format(reason=exc)) from exc


def _read(content: bytes, limits: Limits) -> Iterator[tuple[int, dict[str, str]]]:
    check_size(len(content), limits)
    deadline = Deadline(limits.max_seconds)
    fh = io.BytesIO(content)
    if sniff_format(content[:8]) == "xlsx":
        xlsx_check(fh, limits, deadline)
        rows = xlsx_rows(fh, limits, deadline)
        header = next(rows, None)
        if header is None:
            raise ValidationError(_("名单文件为空"))
        columns = _columns([_cell(v) for v in header[1]])
        for line, values in rows:
            cells = [_cell(v) for v in values]
            if any(cells):
                yield line, {c: v for c, v in zip(columns, cells, strict=False) if c}
        return
    encoding = csv_encoding(fh, limits, deadline)
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    records = csv_records(text, limits, deadline)
    first = next(records, None)
    if first is None or not first[1]:
        raise ValidationError(_("名单文件为空"))
    columns = _columns(first[1])
    for line, fields in records:
        if any(v.strip() for v in fields):
            yield line, {c: v.strip() for c, v in zip(columns, fields, strict=False) if c}


def _date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


def parse_row(
    line: int, row: dict[str, str], *, region_codes: set[str], latest_hire: date | None
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Clean values of one roster row, or ``None`` and the problems found."""
    problems: list[Problem] = []

    def bad(field: str, reason: str) -> None:
        problems.append(Problem(line, COLUMN_ZH[field], clip(row.get(field, "")), reason))

    out: dict[str, Any] = {}
    name = row.get("name", "")
    if not name or len(name) > 50:
        bad("name", "姓名不能为空且不超过50字")
    out["name"] = name
    check = check_resident_id(row.get("id_number", ""))
    if not check.valid:
        bad("id_number", f"公民身份号码{check.reason}")
    out["id_number"] = check.value
    phone = row.get("phone", "")
    if phone:
        try:
            phone = validate_phone(phone)
        except ValueError as exc:
            bad("phone", str(exc))
    out["phone"] = phone
    contract = CONTRACTS.get(row.get("contract_type", "").replace(" ", "").lower())
    if contract is None:
        bad("contract_type", "劳动合同类型应为 固定期限、较长期限的固定期限 或 无固定期限")
    out["contract_type"] = contract
    hired = _date(row.get("hire_date", ""))
    if hired is None:
        bad("hire_date", "入职日期应为 YYYY-MM-DD")
    elif latest_hire is not None and hired > latest_hire:
        bad("hire_date", "入职日期晚于计划实施日期")
    out["hire_date"] = hired
    try:
        wage = Decimal(row.get("monthly_wage", "").replace(",", ""))
        if not wage.is_finite() or wage < 0 or wage >= Decimal("1e8"):
            raise InvalidOperation
        out["monthly_wage"] = wage.quantize(Decimal("0.01"))
    except InvalidOperation:
        bad("monthly_wage", "月平均工资应为不小于零的金额")
    flags: dict[str, bool] = {}
    for field in ("sole_earner", "has_dependants", *PROTECTION_FLAGS):
        text = row.get(field, "").strip().lower()
        if text in TRUE:
            flags[field] = True
        elif text in FALSE:
            flags[field] = False
        else:
            bad(field, "应填 是 或 否")
    out["sole_earner"] = flags.get("sole_earner", False)
    out["has_dependants"] = flags.get("has_dependants", False)
    out["protections"] = [f for f in PROTECTION_FLAGS if flags.get(f)]
    if flags.get("maternity") and check.valid and check.gender == "M":
        bad("maternity", "公民身份号码为男性,不适用女职工孕期、产期、哺乳期")
    retirement = row.get("retirement_on", "")
    out["retirement_on"] = _date(retirement) if retirement else None
    if retirement and out["retirement_on"] is None:
        bad("retirement_on", "法定退休日期应为 YYYY-MM-DD")
    elif out["retirement_on"] is not None and hired is not None and out["retirement_on"] <= hired:
        bad("retirement_on", "法定退休日期应晚于入职日期")
    code = row.get("region_code", "")
    if code and code not in region_codes:
        bad("region_code", "区划代码不存在")
    out["region_code"] = code or None
    return (None, problems) if problems else (out, [])
