"""Byte-reproducible CSV and XLSX files, as the bureau's systems export them."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

#: Fixed document time and zip entry time, so that the same data gives the same bytes.
FIXED_TIME = datetime(2023, 1, 1, 0, 0, 0)  # noqa: DTZ001 (openpyxl stores naive UTC)
_ZIP_TIME = (2023, 1, 1, 0, 0, 0)

ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "gbk": "gbk"}


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    kind: str
    format: str  # csv-utf-8, csv-utf-8-bom, csv-gbk, xlsx
    rows: int


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class CsvFile:
    """A CSV file written row by row (``encoding``: utf-8, utf-8-bom or gbk); CRLF as Excel writes."""

    def __init__(self, path: Path, kind: str, header: Sequence[str], encoding: str) -> None:
        self.path, self.kind, self.encoding = path, kind, encoding
        self._fh = path.open("w", encoding=ENCODINGS[encoding], newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow(header)
        self.rows = 0

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self._writer.writerows(rows)
        self.rows += len(rows)

    def close(self) -> WrittenFile:
        self._fh.close()
        return WrittenFile(self.path, self.kind, f"csv-{self.encoding}", self.rows)


def write_csv(
    path: Path, kind: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, encoding: str
) -> WrittenFile:
    out = CsvFile(path, kind, header, encoding)
    out.write(list(rows))
    return out.close()


def write_xlsx(
    path: Path, kind: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str
) -> WrittenFile:
    """One sheet, header on row 1; dates may be ``date`` objects (written as Excel dates).

    openpyxl stamps the document properties and every zip entry with the current time; both
    are pinned here so that the same rows always give the same bytes.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(header))
    count = 0
    for row in rows:
        ws.append(list(row))
        count += 1
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "wenjiuye"
    buffer = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return WrittenFile(path, kind, "xlsx", count)


def write_table(
    folder: Path,
    kind: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fmt: str,
    sheet: str | None = None,
) -> WrittenFile:
    """``folder/<kind>.csv`` (``fmt``: utf-8, utf-8-bom, gbk) or ``folder/<kind>.xlsx`` (``fmt`` xlsx)."""
    if fmt == "xlsx":
        return write_xlsx(folder / f"{kind}.xlsx", kind, header, rows, sheet=sheet or kind)
    return write_csv(folder / f"{kind}.csv", kind, header, rows, encoding=fmt)


def yuan(amount: int) -> str:
    """A whole amount of yuan as the files write it (``1850.00``)."""
    return f"{amount}.00"
