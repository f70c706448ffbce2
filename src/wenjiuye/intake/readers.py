"""Reading the bureau's export files: CSV (UTF-8 with/without BOM, GBK/GB18030) and XLSX.

``read_rows`` yields ``(line_number, {canonical_column: raw_text})`` for every data row, with
line numbers as a person sees them in the file (header = line 1). Unknown columns are
ignored. A file that cannot be read at all raises :class:`UnreadableFile` before any row.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from wenjiuye.intake.contract import KINDS, detect_kind, normalise_header


class UnreadableFile(ValueError):
    """The file is not a CSV/XLSX file we can read, or lacks the required header."""


@dataclass
class OpenedFile:
    path: Path
    format: str  # csv, xlsx
    encoding: str | None
    kind: str
    headers: list[str]
    columns: list[str | None]  # canonical column per header position (None = ignored)


def _sniff_format(path: Path) -> str:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04":
        return "xlsx"
    if magic == b"PAR1":
        raise UnreadableFile(f"{path.name}: Parquet 文件请使用数据导入命令(ingest)")
    return "csv"


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030 (a superset of GBK).

    Streams the file through incremental decoders, so a large export is never held in memory.
    """
    with path.open("rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile(f"{path.name}: 既不是 UTF-8 也不是 GBK/GB18030 编码的文本文件")


def _resolve(path: Path, headers: list[str], kind: str | None) -> tuple[str, list[str | None]]:
    kind = kind or detect_kind(headers)
    if kind is None:
        raise UnreadableFile(f"{path.name}: 无法从表头识别文件类型(表头:{', '.join(headers[:12])})")
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


def open_file(path: Path, kind: str | None = None) -> OpenedFile:
    if not path.is_file():
        raise UnreadableFile(f"{path}: 文件不存在")
    fmt = _sniff_format(path)
    if fmt == "xlsx":
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise UnreadableFile(
                f"{path.name}: 无法读取 XLSX 文件({exc.__class__.__name__})"
            ) from exc
        try:
            first = next(wb.worksheets[0].iter_rows(max_row=1, values_only=True), None)
        finally:
            wb.close()
        headers = ["" if v is None else str(v) for v in (first or ())]
        resolved_kind, columns = _resolve(path, headers, kind)
        return OpenedFile(path, fmt, None, resolved_kind, headers, columns)
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        headers = next(csv.reader(fh), [])
    if not headers:
        raise UnreadableFile(f"{path.name}: 文件为空")
    resolved_kind, columns = _resolve(path, headers, kind)
    return OpenedFile(path, fmt, encoding, resolved_kind, headers, columns)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[union-attr]
    return str(value).strip()


def read_rows(opened: OpenedFile) -> Iterator[tuple[int, dict[str, str]]]:
    cols = opened.columns
    if opened.format == "xlsx":
        wb = openpyxl.load_workbook(opened.path, read_only=True, data_only=True)
        try:
            rows = wb.worksheets[0].iter_rows(min_row=2, values_only=True)
            for line, values in enumerate(rows, start=2):
                if all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield line, {c: _cell(v) for c, v in zip(cols, values, strict=False) if c}
        finally:
            wb.close()
        return
    with opened.path.open(encoding=opened.encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            yield line, {c: v.strip() for c, v in zip(cols, values, strict=False) if c}
