"""Reading an XLSX workbook safely: the archive checked before any XML is parsed
(:func:`xlsx_check`: its directory, declared and real sizes, expansion ratios, shared strings,
the longest text), then the first worksheet's rows streamed (:func:`xlsx_rows`) within the rows
and the time allowed. A small file that expands to gigabytes (a "zip bomb") or a sheet of
millions of empty rows costs seconds and megabytes, never the server.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

import openpyxl
from defusedxml.ElementTree import fromstring as xml_fromstring
from django.utils.translation import gettext as _

from wenjiuye.intake.bounds import (
    CHUNK,
    Deadline,
    Limits,
    UnreadableFile,
    megabytes,
    too_many_rows,
)
from wenjiuye.intake.validation import clip

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
                        limit=megabytes(limits.max_uncompressed)
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
                        limit=megabytes(limits.max_shared_strings)
                    )
                )
            if kind == "xml" and info.file_size > XLSX_MAX_XML_PART:
                raise UnreadableFile(
                    _("XLSX 文件的部件 {part} 超过 {limit} 的上限,未读取").format(
                        part=clip(info.filename, 80), limit=megabytes(XLSX_MAX_XML_PART)
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
            while chunk := member.read(CHUNK):
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
                raise too_many_rows(limits)
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
