"""Reading the bureau's export files: CSV (UTF-8 with/without BOM, GBK/GB18030) and XLSX.

``read_rows`` yields ``(line_number, {canonical_column: raw_text})`` for every data row, with
line numbers as a person sees them in the file (header = line 1). Unknown columns are
ignored. A file that cannot be read at all raises :class:`~wenjiuye.intake.bounds.UnreadableFile`
before any row.

Every file is read within :class:`~wenjiuye.intake.bounds.Limits` (the ``WENJIUYE_UPLOAD_*``
settings; the database load that follows is not cut short). The building blocks read any binary
file object: :func:`sniff_format` here, ``intake.encoding.csv_encoding``,
``intake.csvfile.csv_records``, ``intake.xlsx.xlsx_check`` and ``intake.xlsx.xlsx_rows``; the
layoff roster (``wenjiuye.response.roster``) reads its uploads with them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from wenjiuye.intake.bounds import Deadline, Limits, UnreadableFile, check_size
from wenjiuye.intake.contract import KINDS, detect_kind, normalise_header
from wenjiuye.intake.csvfile import csv_records
from wenjiuye.intake.encoding import csv_encoding
from wenjiuye.intake.validation import clip
from wenjiuye.intake.xlsx import xlsx_check, xlsx_rows

_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected workbook


def sniff_format(head: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` from a file's first bytes; other known formats are refused."""
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(b"PAR1"):
        raise UnreadableFile(_("Parquet 文件请使用数据导入命令(ingest)"))
    if head.startswith(_OLE2):
        raise UnreadableFile(
            _("旧版 Excel(.xls)文件或加密的工作簿无法读取,请另存为 .xlsx 或 CSV(UTF-8)后导入")
        )
    return "csv"


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
        raise UnreadableFile(
            _("%(name)s: 无法从表头识别文件类型(表头:%(shown)s)")
            % {"name": path.name, "shown": shown}
        )
    if kind not in KINDS:
        raise UnreadableFile(
            _("%(name)s: 未知的文件类型 %(kind)s") % {"name": path.name, "kind": kind}
        )
    mapping = KINDS[kind].header_map()
    columns = [mapping.get(normalise_header(h)) for h in headers]
    missing = [c.name for c in KINDS[kind].required if c.name not in columns]
    if missing:
        zh = {c.name: c.zh for c in KINDS[kind].columns}
        raise UnreadableFile(
            (_("%(name)s: 缺少必需的列 ") % {"name": path.name})
            + ", ".join(f"{m}({zh[m]})" for m in missing)
        )
    return kind, columns


def open_file(path: Path, kind: str | None = None, *, limits: Limits | None = None) -> OpenedFile:
    """The file's format, encoding, kind and columns, after every check that needs no row:
    size, format, for an XLSX the archive (:func:`xlsx_check`), for a CSV the encoding of every
    line (:func:`csv_encoding`), and the header."""
    if not path.is_file():
        raise UnreadableFile(_("%(path)s: 文件不存在") % {"path": path})
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
                raise UnreadableFile(_("文件为空"))
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
