"""Resident identity card numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

Pure Python, no Django: batch code and the web app both import it. Built on python-stdnum
(``stdnum.cn.ric``, ``stdnum.cn.uscc``) where stdnum follows the standards; where it does not,
the standard wins:

- ``stdnum.cn.ric`` rejects a number whose address code was created after the birth year (it
  reads the code as the birthplace). GB 11643 §5.2 (地址码) defines the address code as the county of
  *permanent residence when the number is issued*, so a person born in 1970 and registered in
  通州区 (110112, created 1997) rightly carries 110112. Here that number is valid.
- ``stdnum.cn.ric`` accepts any calendar date, also one in the future or centuries ago.
- ``stdnum.cn.uscc`` requires digits in positions 1–8, but GB 32100 §4 allows capital letters in
  positions 1–2 (registration authority ``A``, ``N``, ``Y``; e.g. ``N2…`` for a village
  collective economic organisation), so those codes are accepted here.

Division history: ``data/gb2260_history.csv`` (see ``data/README.md``), read once on first use.
Edge-case decisions (each pinned by a test in ``tests/core/test_identifiers.py``):

- A code abolished *in* the birth year is valid (the child may have been registered before the
  change took effect that year); only a code abolished in a year *before* the birth year is
  rejected. A code created after the birth year is valid.
- Aggregate codes of GB/T 2260 (province ``xx0000``, prefecture ``xxxx00``, 市辖区 ``xxxx01``,
  省直辖县级行政单位 ``xx9000``) are accepted like any code of the table: numbers issued by
  city-level public security bureaus carry prefecture and 市辖区 codes, and we found no proof
  that the others were never used. ``810000``/``820000``/``830000`` (港澳台居民居住证, same
  format) are accepted too.
- The earliest accepted birth date is 1860-01-01 (:data:`MIN_BIRTH_DATE`): numbers were first
  issued in 1984 and nobody has been verified to live past 122, so nobody born before 1862
  could have received one. A tighter bound (e.g. 1890) would reject real people: a resident of
  Xinjiang whose registered birth date is 1886-06-25 was publicly reported in 2013–2021, and
  the second example number of GB 11643 itself is born 1880-01-01.
- USCC positions 3–8: real codes carry registration-authority codes that are not GB/T 2260
  codes (development zones, e.g. 110302, 320594), so any code whose province exists is accepted,
  and ``100000`` for national-level registrations.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as _stdnum_uscc

from wenjiuye.core.errors import DomainError

__all__ = [
    "MIN_BIRTH_DATE",
    "IdCheck",
    "UsccCheck",
    "check_resident_id",
    "check_uscc",
    "division_exists",
    "division_name",
    "is_valid_resident_id",
    "is_valid_uscc",
    "looks_like_resident_id",
    "mask_id",
    "mask_personal",
    "mask_phone",
    "mask_text",
    "normalise_resident_id",
    "resident_id_check_char",
    "uscc_check_char",
    "validate_phone",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "gb2260_history.csv"

#: China has had one time zone without daylight saving since 1991; "today" is a date there.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

#: Earliest birth date accepted on a resident identity card number (see the module docstring).
MIN_BIRTH_DATE = date(1860, 1, 1)

_OPEN = 9999  # last_year of a code still in force

# Reason codes and the messages shown to users.
REASONS: dict[str, str] = {
    "ok": "有效",
    "format": "长度或格式错误",
    "checksum": "校验码错误",
    "birth_date_invalid": "出生日期无效",
    "birth_date_future": "出生日期晚于今天",
    "birth_date_too_early": "出生日期早于1860年",
    "region_unknown": "地址码不存在",
    "region_abolished": "地址码在出生年份之前已撤销",
    "charset": "含有不允许的字母（I、O、Z、S、V）",
    "authority_unknown": "登记管理部门代码无效",
    "org_type_unknown": "机构类别代码无效",
    "registration_region_unknown": "登记管理机关行政区划码无效",
}

# ---------------------------------------------------------------------------------------------
# GB/T 2260 division history
# ---------------------------------------------------------------------------------------------

# Each code maps to its (name, first_year, last_year) periods, sorted by first_year.
_Periods = tuple[tuple[str, int, int], ...]
_history: dict[str, _Periods] | None = None
_last_year: dict[str, int] | None = None


def _load() -> tuple[dict[str, _Periods], dict[str, int]]:
    global _history, _last_year
    if _history is None or _last_year is None:
        periods: dict[str, list[tuple[str, int, int]]] = {}
        with DATA_FILE.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                last = int(row["last_year"]) if row["last_year"] else _OPEN
                periods.setdefault(row["code"], []).append(
                    (row["name"], int(row["first_year"]), last)
                )
        history = {
            code: tuple(sorted(p, key=lambda e: (e[1], e[2]))) for code, p in periods.items()
        }
        _last_year = {code: max(e[2] for e in p) for code, p in history.items()}
        _history = history
    return _history, _last_year


def division_exists(code: str, year: int | None = None) -> bool:
    """Whether ``code`` is a GB/T 2260 code (in force during ``year``, if given)."""
    history, _ = _load()
    periods = history.get(str(code).strip())
    if not periods:
        return False
    if year is None:
        return True
    return any(first <= year <= last for _, first, last in periods)


def _name_at(code: str, year: int) -> str | None:
    """The name a code had in ``year``, else the first name it had after, else its last name."""
    periods = _load()[0].get(code)
    if not periods:
        return None
    for name, first, last in periods:
        if first <= year <= last:
            return name
    for name, first, _ in periods:
        if first > year:
            return name
    return periods[-1][0]


# Headings of GB/T 2260 that group counties without being a place of their own.
_GROUPING_NAMES = frozenset({"市辖区", "县"})


def _is_grouping(name: str) -> bool:
    return name in _GROUPING_NAMES or "直辖" in name


@lru_cache(maxsize=65536)
def division_name(code: str, year: int | None = None) -> str | None:
    """Full name of a division, e.g. ``410402`` -> ``河南省平顶山市新华区``, as of ``year``
    (default: the latest name). ``None`` for an unknown code."""
    code = str(code).strip()
    year = _OPEN if year is None else year
    own = _name_at(code, year)
    if own is None:
        return None
    province_code, prefecture_code = code[:2] + "0000", code[:4] + "00"
    if code == province_code:
        return own
    parts = [_name_at(province_code, year) or ""]
    if code != prefecture_code:
        prefecture = _name_at(prefecture_code, year)
        if prefecture and not _is_grouping(prefecture):
            parts.append(prefecture)
    parts.append(own)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Resident identity card number, GB 11643-1999
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdCheck:
    """The result of :func:`check_resident_id`. Derived fields are ``None`` unless ``valid``."""

    value: str
    valid: bool
    reason_code: str
    reason: str
    birth_date: date | None = None
    age: int | None = None
    gender: str | None = None  # "M" or "F"
    region_code: str | None = None
    region_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "valid": self.valid,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "age": self.age,
            "gender": self.gender,
            "region_code": self.region_code,
            "region_name": self.region_name,
        }


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # full-width digits typed with a Chinese IME
    return text.strip().upper()


def normalise_resident_id(value: str) -> str:
    """Strip surrounding whitespace and upper-case a trailing ``x``; no validation."""
    return _clean(value)


def resident_id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (GB 11643 §5.5, 校验码) for the first 17 digits.

    Same computation as ``stdnum.cn.ric.calc_check_digit``: the weights 2^(17-i) mod 11 are
    obtained by reading the digits in base 13 (13 ≡ 2 mod 11).
    """
    if len(first17) != 17 or not first17.isdigit() or not first17.isascii():
        raise ValueError("first17 must be 17 ASCII digits")
    check = (1 - 2 * int(first17, 13)) % 11
    return "X" if check == 10 else str(check)


def _today() -> date:
    return datetime.now(CHINA_TZ).date()


def _id_failure(value: str, reason_code: str) -> IdCheck:
    return IdCheck(value, False, reason_code, REASONS[reason_code])


def check_resident_id(value: str, *, today: date | None = None) -> IdCheck:
    """Check an 18-character resident identity card number (GB 11643-1999)."""
    number = _clean(value)
    body = number[:17]
    if len(number) != 18 or not body.isdigit() or not body.isascii():
        return _id_failure(number, "format")
    last = number[17]
    if last not in "0123456789X":
        return _id_failure(number, "format")
    check = (1 - 2 * int(body, 13)) % 11
    if last != ("X" if check == 10 else str(check)):
        return _id_failure(number, "checksum")
    year = int(number[6:10])
    try:
        born = date(year, int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _id_failure(number, "birth_date_invalid")
    if today is None:
        today = _today()
    if born > today:
        return _id_failure(number, "birth_date_future")
    if born < MIN_BIRTH_DATE:
        return _id_failure(number, "birth_date_too_early")
    region = number[:6]
    last_year = _load()[1].get(region)
    if last_year is None:
        return _id_failure(number, "region_unknown")
    if last_year < year:
        return _id_failure(number, "region_abolished")
    age = today.year - year - ((today.month, today.day) < (born.month, born.day))
    return IdCheck(
        number,
        True,
        "ok",
        "有效",
        born,
        age,
        "M" if int(number[16]) % 2 else "F",
        region,
        division_name(region, year),
    )


def is_valid_resident_id(value: str, *, today: date | None = None) -> bool:
    return check_resident_id(value, today=today).valid


# ---------------------------------------------------------------------------------------------
# Unified social credit code, GB 32100-2015
# ---------------------------------------------------------------------------------------------

#: Registration authority (1st character) -> (name, {organisation type (2nd character): name}).
#: GB 32100-2015 表1/附录A, plus ``A`` and ``N``, which the national USCC authority added later
#: and which are on real codes. ``9`` reads 工商 in the standard; the function is now with 市场监管.
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

_USCC_ALPHABET = _stdnum_uscc._alphabet  # "0123456789ABCDEFGHJKLMNPQRTUWXY": no I, O, Z, S, V
_USCC_CHARS = frozenset(_USCC_ALPHABET)
_USCC_NATIONAL = "100000"  # registrations by a national-level authority


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """The result of :func:`check_uscc`. Derived fields are ``None`` unless ``valid``."""

    value: str
    valid: bool
    reason_code: str
    reason: str
    authority: str | None = None
    org_type: str | None = None
    region_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "valid": self.valid,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "authority": self.authority,
            "org_type": self.org_type,
            "region_code": self.region_code,
        }


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character (GB/T 17710 MOD 31-3) for the first 17 characters."""
    if len(first17) != 17 or any(c not in _USCC_CHARS for c in first17):
        raise ValueError("first17 must be 17 characters of 0-9 and A-Z without I, O, Z, S, V")
    return _stdnum_uscc.calc_check_digit(first17)


def _registration_region_ok(region: str) -> bool:
    """GB 32100 positions 3–8: the registration authority's division code.

    Real codes carry codes outside GB/T 2260 for authorities set up in development zones (e.g.
    ``110302`` 北京经济技术开发区, ``320594`` 苏州工业园区), so any code whose province
    exists is accepted, besides ``100000`` for national-level registrations.
    """
    if region == _USCC_NATIONAL:
        return True
    history = _load()[0]
    return region in history or region[:2] + "0000" in history


def _uscc_failure(value: str, reason_code: str) -> UsccCheck:
    return UsccCheck(value, False, reason_code, REASONS[reason_code])


def check_uscc(value: str) -> UsccCheck:
    """Check an 18-character unified social credit code (GB 32100-2015)."""
    code = _clean(value).replace(" ", "").replace("-", "")
    if len(code) != 18 or not code.isascii() or not code.isalnum() or not code[2:8].isdigit():
        return _uscc_failure(code, "format")
    if any(c not in _USCC_CHARS for c in code):
        return _uscc_failure(code, "charset")
    if code[17] != _stdnum_uscc.calc_check_digit(code[:17]):
        return _uscc_failure(code, "checksum")
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        return _uscc_failure(code, "authority_unknown")
    org_type = authority[1].get(code[1])
    if org_type is None:
        return _uscc_failure(code, "org_type_unknown")
    region = code[2:8]
    if not _registration_region_ok(region):
        return _uscc_failure(code, "registration_region_unknown")
    return UsccCheck(code, True, "ok", "有效", authority[0], org_type, region)


def is_valid_uscc(value: str) -> bool:
    return check_uscc(value).valid


# ---------------------------------------------------------------------------------------------
# Phone numbers (the one rule for every phone a file or a form carries)
# ---------------------------------------------------------------------------------------------

#: A mainland mobile number (11 digits, 1[3-9]…), optionally with the country code 86 / +86.
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})", re.ASCII)
#: A landline with its area code (0 + 2 or 3 digits; in brackets, or followed by a hyphen or
#: nothing), 7 or 8 digits, and optionally an extension of 1–6 digits after -, 转, #, x or ext.
_LANDLINE = re.compile(
    r"(?:\((0\d{2,3})\)-?|(0\d{2,3})(-)?)(\d{7,8})(?:(?:-?(?:转|#|ext\.?|x)-?|-)(\d{1,6}))?",
    re.ASCII | re.IGNORECASE,
)
_PHONE_SPACES = re.compile(r"\s+")
PHONE_REASON = (
    "电话号码格式不正确:应为手机号(1 开头 11 位,可带 +86)"
    "或带区号的固定电话(如 0375-1234567,可带分机号)"
)


def validate_phone(value: object) -> str:
    """The phone number in a normal form, or :class:`ValueError` with the reason (in Chinese).

    Accepted: a mobile ``1[3-9]`` + 9 digits, optionally after ``86`` or ``+86``, returned as its
    11 digits; a landline ``0AA(A)`` + 7–8 digits with an optional extension, returned as
    ``0375-1234567`` or ``0375-1234567-801`` (area code and number written together are returned
    together, where they split being ambiguous). Spaces and hyphens between the parts are
    tolerated, full-width digits read as digits. Anything else (letters, a formula such as
    ``=1+2``, a local number without its area code, two numbers in one value) is refused.
    """
    text = "" if value is None else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # full-width digits, hyphens and spaces
    text = _PHONE_SPACES.sub("-", text.strip())
    if not text or len(text) > 32:
        raise DomainError(PHONE_REASON)
    mobile = _MOBILE.fullmatch(text.replace("-", ""))
    if mobile:
        return mobile.group(1)
    landline = _LANDLINE.fullmatch(text)
    if landline is None:
        raise DomainError(PHONE_REASON)
    bracketed, area, hyphen, number, extension = landline.groups()
    normal = f"{bracketed}-{number}" if bracketed else f"{area}{hyphen or ''}{number}"
    return normal + (f"-{extension}" if extension else "")


# ---------------------------------------------------------------------------------------------
# Masking for display and logs
# ---------------------------------------------------------------------------------------------


def _mask(text: str, head: int, tail: int) -> str:
    return text[:head] + "*" * (len(text) - head - tail) + (text[-tail:] if tail else "")


#: How many leading and trailing characters :func:`mask_id` shows of an ID number.
ID_MASK_HEAD, ID_MASK_TAIL = 4, 1


def mask_id(value: str) -> str:
    """``410402199001011234`` -> ``4104*************4``: the first 4 (the city) and the last 1
    (the check character) shown, the rest starred, length kept. Shorter input shows less (1 + 1
    below 12 characters, none below 3); ``None`` gives ``""``.

    Why so little: a masked number is shown beside the person's name, sex, region (county) and
    age or birth year, so what the mask hides must not be recoverable from what stands beside
    it. The number is 6 address digits + 8 birth-date digits + 3 sequence digits (the last one
    odd for men) + 1 check character computed from the other 17 (GB 11643). Shown beside a mask
    of 4 + 4 characters, the full birth date left only 2 address digits unknown, and the check
    character cut the county codes of the city to at most 2 candidates (hardening finding 2).
    Now, with the county, the birth year and the sex known, the unknowns are the day of the year
    (365 or 366) and two free sequence digits plus one of parity (500): 182,500 numbers, of
    which the shown check character keeps 1 in 11, about 16,600 candidates per person
    (``tests/core/test_masking.py`` counts them). Each candidate can be confirmed only by an
    exact-ID search, which is audited and limited per user (``registry.id_lookup.id_lookup``). Keeping
    the check character (rather than nothing) keeps masked rows of the same name and county
    distinguishable at a glance; keeping a sequence digit too would divide the candidates by 5
    and reveal nothing a user needs.
    """
    text = "" if value is None else str(value).strip()
    n = len(text)
    if n >= 12:
        return _mask(text, ID_MASK_HEAD, ID_MASK_TAIL)
    if n >= 3:
        return _mask(text, 1, 1)
    return "*" * n


def mask_phone(value: str) -> str:
    """``13812345678`` -> ``138****5678``: first 3 and last 4 shown for 11 or more characters,
    first 2 and last 2 for 7–10, first and last for 3–6, none below; ``None`` gives ``""``."""
    text = "" if value is None else str(value).strip()
    n = len(text)
    if n >= 11:
        return _mask(text, 3, 4)
    if n >= 7:
        return _mask(text, 2, 2)
    if n >= 3:
        return _mask(text, 1, 1)
    return "*" * n


def looks_like_resident_id(value: str) -> bool:
    """Whether ``value`` (already stripped and upper-cased) has the shape of an 18-character ID
    number — the only shape an exact search by ID number can match (``Person.id_number`` is
    ``[0-9]{17}[0-9X]``). No checksum test: a search for any such string is a lookup."""
    return len(value) == 18 and value[:17].isdigit() and value.isascii() and value[17] in _ID_LAST


_ID_LAST = frozenset("0123456789X")

# Personal identifiers inside free text (audit notes, JSON diffs). Digit boundaries only, so that
# a mobile number inside an ID number or a USCC (an 18-character run) is never matched alone.
_DATE_PART = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_IN_TEXT = re.compile(rf"(?<!\d)[1-9]\d{{5}}(?:18|19|20)\d{{2}}{_DATE_PART}\d{{3}}[0-9Xx](?!\d)")
_OLD_ID_IN_TEXT = re.compile(rf"(?<!\d)[1-9]\d{{7}}{_DATE_PART}\d{{3}}(?!\d)")  # 15 digits, YYMMDD
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:(?:\+|00)86[- ]?)?1[3-9]\d{9}(?!\d)")

#: Keys (or ``_``-separated parts of keys) whose values are personal identifiers whatever they
#: look like: an ID number, a phone (also a landline, e.g. a duty phone ``0375-1234567``), a birth
#: date or a date derived from it (the legal retirement date), shown as the year only.
_ID_KEYS = frozenset({"id_number", "id_no", "idcard", "id_card", "公民身份号码", "身份证号"})
_PHONE_PARTS = frozenset({"phone", "mobile", "tel", "telephone", "手机号", "电话", "联系电话"})
_BIRTH_PARTS = frozenset({"birth", "birthday", "born", "dob", "retirement", "出生日期"})


def mask_text(value: str) -> str:
    """``value`` with every ID number (18 or 15 digits with a plausible birth date) and every
    mainland mobile number in it masked (:func:`mask_id`, :func:`mask_phone`)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group()), value)
    text = _OLD_ID_IN_TEXT.sub(lambda m: mask_id(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def _key_kind(key: str) -> str:
    name = key.strip().lower()
    parts = set(name.split("_"))
    if name in _ID_KEYS or name.endswith("id_number"):
        return "id"
    if parts & _PHONE_PARTS or any(p in name for p in ("手机", "电话")):
        return "phone"
    if parts & _BIRTH_PARTS or "出生" in name:
        return "birth"
    return ""


def _year_only(value: str) -> str:
    """``1990-05-17`` -> ``1990-**-**`` (any ``YYYY…`` date keeps its year and nothing else)."""
    text = value.strip()
    if len(text) >= 8 and text[:4].isdigit():
        return text[:4] + "".join("*" if c.isdigit() else c for c in text[4:])
    return mask_text(value)


def mask_personal(value: Any, key: str = "") -> Any:
    """A JSON-able ``value`` (e.g. an audit event's ``{field: [old, new]}``) with personal data
    masked, for display: values under ID-number and phone keys (:data:`_ID_KEYS`,
    :data:`_PHONE_PARTS`) masked whatever their form, birth dates and retirement dates cut to the
    year, and ID numbers and mobile numbers masked in every other string and in keys. Lists take
    the key of the field they belong to (``{"phone": [old, new]}``); the input is not changed."""
    if isinstance(value, dict):
        return {
            (mask_text(k) if isinstance(k, str) else k): mask_personal(v, str(k))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_personal(v, key) for v in value]
    kind = _key_kind(key) if key else ""
    if isinstance(value, int) and not isinstance(value, bool):
        # a number read from a spreadsheet cell can be a phone or an ID number too
        text = str(value)
        if kind in ("id", "phone"):
            value = text
        elif mask_text(text) != text:
            return mask_text(text)
    if not isinstance(value, str):
        return value
    if kind == "id":
        return mask_id(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "birth":
        return _year_only(value)
    return mask_text(value)
