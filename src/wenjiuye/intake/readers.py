"""Reading the bureau's export files: CSV (UTF-8 with/without BOM, GBK/GB18030) and XLSX.

``read_rows`` yields ``(line_number, {canonical_column: raw_text})`` for every data row, with
line numbers as a person sees them in the file (header = line 1). Unknown columns are
ignored. A file that cannot be read at all raises :class:`UnreadableFile` before any row.

Every file is read within :class:`Limits` (the ``WENJIUYE_UPLOAD_*`` settings): its size; for an
XLSX, the size of its parts uncompressed (as the archive declares them, then as they really
expand, before any XML is parsed), how much each part expands, the shared strings, the longest
text in a cell; for a CSV, the longest line and record; the rows; and the time to read and check
them (the database load that follows is not cut short). Beyond any of them the file is refused with the reason, so that
a small file that expands to gigabytes (a "zip bomb"), a CSV field that never ends or a sheet of
millions of empty rows costs seconds and megabytes, never the server. A CSV whose lines are not
all in one encoding is refused too (:func:`csv_encoding`): read as either encoding, the other
lines would load as mojibake.

The building blocks (:func:`sniff_format`, :func:`csv_encoding`, :func:`csv_records`,
:func:`xlsx_check`, :func:`xlsx_rows`) read any binary file object; the layoff roster
(``wenjiuye.response.roster``) reads its uploads with them too.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, BinaryIO

import openpyxl
from defusedxml.ElementTree import fromstring as xml_fromstring
from django.conf import settings
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError
from wenjiuye.intake.contract import KINDS, detect_kind, normalise_header
from wenjiuye.intake.validation import clip

__all__ = [
    "Deadline",
    "Limits",
    "OpenedFile",
    "UnreadableFile",
    "check_size",
    "clip",
    "csv_encoding",
    "csv_records",
    "open_file",
    "read_rows",
    "sniff_format",
    "xlsx_check",
    "xlsx_rows",
]


class UnreadableFile(DomainError):
    """The file is not a CSV/XLSX file we can read, or lacks the required header."""


# --- Limits -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one file may hold; :meth:`from_settings` reads the ``WENJIUYE_UPLOAD_*`` settings."""

    max_bytes: int
    max_uncompressed: int
    max_shared_strings: int
    max_ratio: int
    max_cell_chars: int
    max_rows: int
    max_seconds: float

    @classmethod
    def from_settings(cls, **overrides: Any) -> Limits:
        return replace(
            cls(
                max_bytes=settings.WENJIUYE_UPLOAD_MAX_BYTES,
                max_uncompressed=settings.WENJIUYE_UPLOAD_MAX_UNCOMPRESSED,
                max_shared_strings=settings.WENJIUYE_UPLOAD_MAX_SHARED_STRINGS,
                max_ratio=settings.WENJIUYE_UPLOAD_MAX_RATIO,
                max_cell_chars=settings.WENJIUYE_UPLOAD_MAX_CELL_CHARS,
                max_rows=settings.WENJIUYE_UPLOAD_MAX_ROWS,
                max_seconds=settings.WENJIUYE_UPLOAD_MAX_SECONDS,
            ),
            **overrides,
        )

    @property
    def max_record_chars(self) -> int:
        """Characters in one CSV line or record (all its fields): room for many full cells."""
        return max(1 << 20, 8 * self.max_cell_chars)

    @property
    def max_text_bytes(self) -> int:
        """Bytes of one text in an XLSX part's XML (a full cell: 3 bytes a character in UTF-8,
        more where escaped as ``&amp;`` or ``&#x4E2D;``)."""
        return 8 * self.max_cell_chars + 4096


class Deadline:
    """The time one file may take, from its opening until its last row is read and checked."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() > self.at

    def message(self) -> str:
        return _(
            "处理时间超过 {seconds} 秒的上限,已停止,未导入任何数据;请拆分文件后分别导入"
        ).format(seconds=int(self.seconds))

    def check(self) -> None:
        if self.passed:
            raise UnreadableFile(self.message())


def _megabytes(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.0f} MB"
    return f"{size / 1024:,.1f} KB" if size >= 1024 else f"{size} 字节"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise UnreadableFile(
            _("文件过大({size}),上限为 {limit}").format(
                size=_megabytes(size), limit=_megabytes(limits.max_bytes)
            )
        )


# --- Formats ------------------------------------------------------------------------------------

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected workbook


def sniff_format(head: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` from a file's first bytes; other known formats are refused."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(b"PAR1"):
        raise UnreadableFile("Parquet 文件请使用数据导入命令(ingest)")
    if head.startswith(_OLE2):
        raise UnreadableFile(
            _("旧版 Excel(.xls)文件或加密的工作簿无法读取,请另存为 .xlsx 或 CSV(UTF-8)后导入")
        )
    return "csv"


# --- CSV: encoding ------------------------------------------------------------------------------

_CHUNK = 1 << 20
#: characters of Chinese text besides ASCII: the middle dot of transcribed names (·), general
#: punctuation (“”—…), CJK symbols (、。《》), CJK ideographs (extension A and the basic block)
#: and full-width forms (,:()0-9)
_NOT_CHINESE_TEXT = re.compile(
    "[^\x00-\x7f\u00b7\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
)


def _surely_utf8(raw: bytes, text: str) -> bool:
    """Whether a line that decodes as UTF-8, in a file that does not, is UTF-8 text and not GBK
    text whose bytes happen to be valid UTF-8.

    GB18030 decodes almost any byte sequence, so "it decodes" says nothing about GBK; but UTF-8
    is strict, and GBK text that is valid UTF-8 by chance decodes to noise. The line is taken as
    UTF-8 when (1) read as UTF-8 it is Chinese text (ASCII, CJK ideographs and punctuation,
    full-width forms: GBK pairs that pass as UTF-8 mostly give Latin, Greek, Cyrillic… letters)
    and (2) read as GBK it is not plain GB2312 text (UTF-8 continuation bytes 0x80–0xA0 in a
    GBK position make rare characters, the 鍙跺幙 of mojibake; the bureau's GBK exports are
    GB2312 text but for a rare name). Measured on random text: GBK lines of 1–8 GB2312
    characters never pass both tests; UTF-8 lines of 2 such characters pass 97 % of the time,
    of 3 or more 99.9 % or more, and the file needs only one such line to be refused.
    """
    if _NOT_CHINESE_TEXT.search(text):
        return False
    try:
        as_gbk = raw.decode("gb18030")
    except UnicodeDecodeError:
        return True
    try:
        as_gbk.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


class _LineSet:
    """How many lines fell in a class, and the first few of them (for the message)."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[int] = []

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(line)

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        shown = "、".join(str(n) for n in self.first)
        return shown + (_(" 等 {count} 行").format(count=self.count) if self.count > 5 else "")


def _line_blocks(
    fh: BinaryIO, start: int, limits: Limits, deadline: Deadline
) -> Iterator[tuple[int, bytes]]:
    """``(number of its first line, bytes)`` of blocks of whole lines, read 1 MiB at a time.

    Refuses NUL bytes (a binary file or UTF-16) and lines longer than a record may be, so that
    no line is ever held whole beyond that. Splitting at b"\\n" is safe in both encodings: no
    byte of a multi-byte UTF-8 or GB18030 character is 0x0A.
    """
    max_line = 4 * limits.max_record_chars
    fh.seek(start)
    carry, line = b"", 1
    while chunk := fh.read(_CHUNK):
        deadline.check()
        if b"\0" in chunk:
            raise UnreadableFile(
                _("文件含有 NUL 字节:是二进制文件,或是 UTF-16 等不支持的编码,不是 CSV 文本文件")
            )
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"\n") + 1
        body, carry = buf[:cut], buf[cut:]
        if body:
            if len(body) > max_line:
                _check_line_lengths(body, line, max_line)
            yield line, body
            line += body.count(b"\n")
        if len(carry) > max_line:
            _check_line_lengths(carry, line, max_line)
    if carry:
        yield line, carry


def _check_line_lengths(block: bytes, line: int, max_line: int) -> None:
    start = 0
    while start < len(block):
        end = block.find(b"\n", start)
        end = len(block) if end < 0 else end
        if end - start > max_line:
            raise UnreadableFile(
                _("第 {line} 行超过 {limit} 字节,无法读取").format(line=line, limit=max_line)
            )
        start, line = end + 1, line + 1


def csv_encoding(fh: BinaryIO, limits: Limits, deadline: Deadline) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` (a superset of GBK) for a CSV file, streaming it.

    UTF-8 when every line decodes as UTF-8; GB18030 when the lines that do not decode as UTF-8
    decode as GB18030 and no line is surely UTF-8 (:func:`_surely_utf8`). A file with both
    UTF-8 and GBK lines (or a UTF-8 BOM and GBK lines) is refused, naming the lines of each.
    """
    fh.seek(0)
    bom = fh.read(3) == codecs.BOM_UTF8
    start = 3 if bom else 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for _first, block in _line_blocks(fh, start, limits, deadline):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    # Not all UTF-8: classify every line (a GBK file, or a mixed one).
    utf8, gbk, neither = _LineSet(), _LineSet(), _LineSet()
    for first, block in _line_blocks(fh, start, limits, deadline):
        for offset, raw in enumerate(block.split(b"\n")):
            if raw.isascii():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    raw.decode("gb18030")
                except UnicodeDecodeError:
                    neither.add(first + offset)
                else:
                    gbk.add(first + offset)
                continue
            if bom or _surely_utf8(raw, text):
                utf8.add(first + offset)
    if neither:
        raise UnreadableFile(
            _("既不是 UTF-8 也不是 GBK/GB18030 编码的文本文件(第 {lines} 行)").format(lines=neither)
        )
    if utf8 or bom:
        utf8_lines = str(utf8) if utf8 else "1"
        if bom:
            utf8_lines = _("{lines}(文件开头有 UTF-8 的 BOM)").format(lines=utf8_lines)
        raise UnreadableFile(
            _(
                "文件的编码前后不一致:第 {utf8} 行是 UTF-8 编码,第 {gbk} 行是 GBK/GB18030 编码;"
                "按其中任何一种读取,另一部分都会成为乱码,整个文件未导入。"
                "请用同一种编码(建议 UTF-8)重新导出或另存后再导入"
            ).format(utf8=utf8_lines, gbk=gbk)
        )
    return "gb18030"


# --- CSV: records -------------------------------------------------------------------------------


class _BoundedLines:
    """Physical lines of a text file for :mod:`csv`, none longer than ``limit`` characters and
    no record (``chars`` since the caller last reset it) longer either."""

    def __init__(self, fh: IO[str], limit: int, deadline: Deadline) -> None:
        self.fh, self.limit, self.deadline = fh, limit, deadline
        self.count = 0  # physical lines read
        self.chars = 0  # characters of the record being read

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        try:
            line = self.fh.readline(self.limit + 1)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("第 {line} 行的编码与文件其余部分不一致").format(line=self.count + 1)
            ) from exc
        if not line:
            raise StopIteration
        self.count += 1
        self.chars += len(line)
        if len(line) > self.limit or self.chars > self.limit:
            raise UnreadableFile(
                _("第 {line} 行的记录超过 {limit} 个字符,无法读取(常见原因:引号未闭合)").format(
                    line=self.count, limit=self.limit
                )
            )
        if not self.count & 0x3FF:
            self.deadline.check()
        return line


def csv_records(fh: IO[str], limits: Limits, deadline: Deadline) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of every record of a CSV text stream (opened with ``newline=""``), the
    line being the record's last physical line; the header is the first record. A field beyond
    the parser's limit, a record beyond :attr:`Limits.max_record_chars` or more rows than
    :attr:`Limits.max_rows` refuse the file."""
    lines = _BoundedLines(fh, limits.max_record_chars, deadline)
    reader = csv.reader(lines)
    last = limits.max_rows + 1
    while True:
        lines.chars = 0
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                reason = _(
                    "第 {line} 行有超过 {limit} 个字符的字段,无法读取(常见原因:引号未闭合)"
                ).format(line=lines.count, limit=csv.field_size_limit())
            else:
                reason = _("第 {line} 行不是有效的 CSV({error})").format(
                    line=lines.count, error=clip(str(exc), 80)
                )
            raise UnreadableFile(reason) from exc
        if reader.line_num > last:
            raise _too_many_rows(limits)
        yield reader.line_num, values


def _too_many_rows(limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        _("数据超过 {limit:,} 行的上限,请拆分文件后分别导入").format(limit=limits.max_rows)
    )


# --- XLSX ---------------------------------------------------------------------------------------

#: parts of a workbook (Excel writes a dozen or two, a few per sheet) and its directory's size
XLSX_MAX_PARTS = 10_000
XLSX_MAX_DIRECTORY = 4 << 20
#: an XML part that openpyxl parses into a tree (styles, workbook, relationships…) is held in
#: memory many times its size; Excel's largest style sheets are a few MB
XLSX_MAX_XML_PART = 16 << 20
#: a part this small cannot be a bomb whatever its ratio (small XML parts compress very well)
XLSX_RATIO_FROM = 1 << 20
XLSX_MAX_SHEET_ROWS = 1_048_576
_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def _not_xlsx() -> UnreadableFile:
    return UnreadableFile(_("无法读取 XLSX 文件:不是有效的 XLSX(ZIP)文件,或文件不完整"))


def _damaged(name: str) -> UnreadableFile:
    return UnreadableFile(
        _(
            "无法读取 XLSX 文件:部件 {part} 已损坏或不完整(解压结果与其声明的大小或校验值不符)"
        ).format(part=clip(name, 80))
    )


def _directory_check(fh: BinaryIO, size: int) -> None:
    """The ZIP directory's size, from its end record (and the ZIP64 record), before
    :mod:`zipfile` reads it whole into memory."""
    tail_size = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_size)
    tail = fh.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _not_xlsx()
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
        fh.seek(record_at)
        record = fh.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise _not_xlsx()
        entries, directory = struct.unpack_from("<QQ", record, 32)
    if entries > XLSX_MAX_PARTS or directory > XLSX_MAX_DIRECTORY:
        raise UnreadableFile(
            _("XLSX 文件包含 {count:,} 个部件,不是正常的工作簿").format(count=entries)
        )


def _part_kinds(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """``sheet`` (streamed by the reader), ``strings`` (held in memory), ``xml`` (parsed into a
    tree) or ``binary`` (not parsed) for every part, by its declared content type. Only a part
    declared a worksheet (and nothing else) counts as a sheet."""
    info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
    if info is None:
        raise UnreadableFile(_("无法读取 XLSX 文件:缺少 [Content_Types].xml,不是 Excel 工作簿"))
    if info.file_size > XLSX_MAX_XML_PART:
        raise UnreadableFile(_("无法读取 XLSX 文件:[Content_Types].xml 过大"))
    try:
        tree = xml_fromstring(archive.read(info))
    except Exception as exc:  # defusedxml refuses entities and DTDs; anything else is broken XML
        raise UnreadableFile(_("无法读取 XLSX 文件:[Content_Types].xml 无效")) from exc
    overrides: dict[str, set[str]] = {}
    defaults: dict[str, str] = {}
    for element in tree:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "Override":
            name = element.get("PartName", "").lstrip("/")
            overrides.setdefault(name, set()).add(element.get("ContentType", ""))
        elif tag == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
    kinds = {}
    for name in names:
        types = overrides.get(name) or {defaults.get(name.rsplit(".", 1)[-1].lower(), "")}
        if name in overrides and types == {_WORKSHEET}:
            kinds[name] = "sheet"
        elif _SHARED_STRINGS in types:
            kinds[name] = "strings"
        elif name.lower().endswith((".xml", ".rels", ".vml")) or any("xml" in t for t in types):
            kinds[name] = "xml"
        else:
            kinds[name] = "binary"
    return kinds


class _TextRuns:
    """Refuses an XML stream with a text (the bytes between two ``<``) longer than ``limit``:
    the XML parser would hold it whole in memory. Needs no parsing: a run longer than ``limit``
    contains a whole window of ``limit // 2`` bytes of a fixed grid, so a few ``find`` calls per
    chunk look for windows without a ``<`` and measure the run only around such a window."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.run = 0  # bytes since the last "<"

    def feed(self, chunk: bytes) -> None:
        first = chunk.find(b"<")
        if first < 0:
            self.run += len(chunk)
            self._check(self.run)
            return
        self._check(self.run + first)
        step = self.limit // 2
        for start in range(first, len(chunk) - step, step):
            if chunk.find(b"<", start, start + step) < 0:
                left = chunk.rfind(b"<", 0, start)
                right = chunk.find(b"<", start + step)
                self._check((len(chunk) if right < 0 else right) - left - 1)
        self.run = len(chunk) - chunk.rfind(b"<") - 1
        self._check(self.run)

    def _check(self, run: int) -> None:
        if run > self.limit:
            raise UnreadableFile(
                _("XLSX 文件中有超过 {limit:,} 字节的单元格内容,无法安全读取").format(
                    limit=self.limit
                )
            )


def xlsx_check(fh: BinaryIO, limits: Limits, deadline: Deadline) -> None:
    """The archive's structure and sizes, before any of its XML is parsed.

    First by what the archive declares (refused without expanding anything): its directory,
    every part's uncompressed size, all parts together, the shared strings, the tree-parsed
    parts, how much each large part expands, no encryption and no compression but deflate.
    Then by what it really holds: every part is expanded as a stream (1 MiB at a time, nothing
    kept) and must give exactly its declared size and checksum, and no text in the parsed parts
    may be longer than a cell can hold.
    """
    size = fh.seek(0, io.SEEK_END)
    _directory_check(fh, size)
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_xlsx() from exc
    with archive:
        infos = archive.infolist()
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise UnreadableFile(_("无法读取 XLSX 文件:部件已加密"))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnreadableFile(_("无法读取 XLSX 文件:使用了不支持的压缩方式"))
            total += info.file_size
            if total > limits.max_uncompressed:
                raise UnreadableFile(
                    _("XLSX 文件解压后超过 {limit} 的上限,未读取").format(
                        limit=_megabytes(limits.max_uncompressed)
                    )
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > XLSX_RATIO_FROM and ratio > limits.max_ratio:
                raise UnreadableFile(
                    _(
                        "XLSX 文件的部件 {part} 压缩比为 {ratio:,.0f} 倍,超过 {limit} 倍的上限"
                        "(疑似压缩炸弹),未读取"
                    ).format(part=clip(info.filename, 80), ratio=ratio, limit=limits.max_ratio)
                )
        kinds = _part_kinds(archive, {info.filename for info in infos})
        for info in infos:
            kind = kinds[info.filename]
            if kind == "strings" and info.file_size > limits.max_shared_strings:
                raise UnreadableFile(
                    _("XLSX 文件的共享字符串超过 {limit} 的上限,未读取").format(
                        limit=_megabytes(limits.max_shared_strings)
                    )
                )
            if kind == "xml" and info.file_size > XLSX_MAX_XML_PART:
                raise UnreadableFile(
                    _("XLSX 文件的部件 {part} 超过 {limit} 的上限,未读取").format(
                        part=clip(info.filename, 80), limit=_megabytes(XLSX_MAX_XML_PART)
                    )
                )
        for info in infos:
            _expand(archive, info, kinds[info.filename], limits, deadline)


def _expand(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, limits: Limits, deadline: Deadline
) -> None:
    runs = _TextRuns(limits.max_text_bytes) if kind in ("sheet", "strings") else None
    expanded = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                deadline.check()
                expanded += len(chunk)
                if expanded > info.file_size:
                    raise _damaged(info.filename)
                if runs is not None:
                    runs.feed(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise _damaged(info.filename) from exc
    if expanded != info.file_size:
        raise _damaged(info.filename)


class _Stop(Exception):  # noqa: N818 (not an error of ours: a signal through openpyxl)
    """Stops openpyxl from inside its reads; not a ``ValueError``, which openpyxl re-raises as
    its own."""


class _Timed:
    """A binary file whose reads stop once the deadline has passed: openpyxl reads its parts
    through it, so a slow parse is cut short within one read."""

    def __init__(self, fh: BinaryIO, deadline: Deadline) -> None:
        self._fh, self._deadline = fh, deadline

    def read(self, n: int = -1) -> bytes:
        if self._deadline.passed:
            raise _Stop(self._deadline.message())
        return self._fh.read(n)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def seekable(self) -> bool:
        return True


def xlsx_rows(
    fh: BinaryIO,
    limits: Limits,
    deadline: Deadline,
    *,
    min_row: int = 1,
    max_row: int | None = None,
    max_col: int | None = None,
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """``(line, cell values)`` of the first worksheet's rows (empty rows included), for a file
    that passed :func:`xlsx_check`. More rows than the limit, or than a sheet has, refuse it."""
    last = min(limits.max_rows + 1, XLSX_MAX_SHEET_ROWS)
    fh.seek(0)
    try:
        workbook = openpyxl.load_workbook(
            _Timed(fh, deadline), read_only=True, data_only=True, keep_links=False
        )
    except _Stop as exc:
        raise UnreadableFile(str(exc)) from None
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise UnreadableFile(
            _("无法读取 XLSX 文件({error})").format(error=exc.__class__.__name__)
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("XLSX 文件中没有工作表"))
        rows = workbook.worksheets[0].iter_rows(
            min_row=min_row, max_row=max_row, max_col=max_col, values_only=True
        )
        for line, values in enumerate(rows, start=min_row):
            if line > last:
                raise _too_many_rows(limits)
            yield line, values
    except _Stop as exc:
        raise UnreadableFile(str(exc)) from None
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(
            _("无法读取 XLSX 文件({error})").format(error=exc.__class__.__name__)
        ) from exc
    finally:
        workbook.close()


# --- The bureau's files -------------------------------------------------------------------------


@dataclass
class OpenedFile:
    path: Path
    format: str  # csv, xlsx
    encoding: str | None
    kind: str
    headers: list[str]
    columns: list[str | None]  # canonical column per header position (None = ignored)
    limits: Limits = field(default_factory=Limits.from_settings)
    deadline: Deadline | None = None  # from open_file: reading the rows counts against it too


def _resolve(path: Path, headers: list[str], kind: str | None) -> tuple[str, list[str | None]]:
    kind = kind or detect_kind(headers)
    if kind is None:
        shown = ", ".join(clip(h, 40) for h in headers[:12])
        raise UnreadableFile(f"{path.name}: 无法从表头识别文件类型(表头:{shown})")
    if kind not in KINDS:
        raise UnreadableFile(f"{path.name}: 未知的文件类型 {kind}")
    mapping = KINDS[kind].header_map()
    columns = [mapping.get(normalise_header(h)) for h in headers]
    missing = [c.name for c in KINDS[kind].required if c.name not in columns]
    if missing:
        zh = {c.name: c.zh for c in KINDS[kind].columns}
        raise UnreadableFile(
            f"{path.name}: 缺少必需的列 " + ", ".join(f"{m}({zh[m]})" for m in missing)
        )
    return kind, columns


def open_file(path: Path, kind: str | None = None, *, limits: Limits | None = None) -> OpenedFile:
    """The file's format, encoding, kind and columns, after every check that needs no row:
    size, format, for an XLSX the archive (:func:`xlsx_check`), for a CSV the encoding of every
    line (:func:`csv_encoding`), and the header."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: 文件不存在")
    limits = limits or Limits.from_settings()
    deadline = Deadline(limits.max_seconds)
    encoding: str | None = None
    try:
        check_size(path.stat().st_size, limits)
        with path.open("rb") as fh:
            fmt = sniff_format(fh.read(8))
            if fmt == "xlsx":
                xlsx_check(fh, limits, deadline)
                first = next(xlsx_rows(fh, limits, deadline, max_row=1), (1, ()))[1]
                headers = ["" if v is None else str(v) for v in first]
            else:
                encoding = csv_encoding(fh, limits, deadline)
        if fmt == "csv":
            with path.open(encoding=encoding, newline="") as text:
                headers = next(csv_records(text, limits, deadline), (1, []))[1]
            if not headers:
                raise UnreadableFile("文件为空")
    except UnreadableFile as exc:
        raise UnreadableFile(f"{path.name}: {exc}") from exc
    resolved_kind, columns = _resolve(path, headers, kind)
    return OpenedFile(path, fmt, encoding, resolved_kind, headers, columns, limits, deadline)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[union-attr]
    return str(value).strip()


def read_rows(opened: OpenedFile) -> Iterator[tuple[int, dict[str, str]]]:
    """The data rows; a file found unreadable only now (a record that never ends, too many
    rows, the time is up) raises :class:`UnreadableFile` while they are read."""
    cols = opened.columns
    limits = opened.limits
    deadline = opened.deadline or Deadline(limits.max_seconds)
    try:
        if opened.format == "xlsx":
            with opened.path.open("rb") as fh:
                rows = xlsx_rows(fh, limits, deadline, min_row=2, max_col=len(cols) or None)
                for line, values in rows:
                    if all(v is None or str(v).strip() == "" for v in values):
                        continue
                    yield line, {c: _cell(v) for c, v in zip(cols, values, strict=False) if c}
            return
        with opened.path.open(encoding=opened.encoding, newline="") as text:
            records = csv_records(text, limits, deadline)
            next(records, None)
            for line, fields in records:
                if not any(v.strip() for v in fields):
                    continue
                yield line, {c: v.strip() for c, v in zip(cols, fields, strict=False) if c}
    except UnreadableFile as exc:
        raise UnreadableFile(f"{opened.path.name}: {exc}") from exc
