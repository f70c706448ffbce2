"""The one writer of the spreadsheets the system hands out: ``.xlsx`` and ``.csv``.

Every export path (``wenjiuye export``, the page downloads, the intake reject report) writes
through :func:`write_csv`, :func:`write_xlsx` or :func:`write_workbook`, so two rules hold
everywhere:

- **No formula injection** (OWASP "CSV Injection"). Values from uploaded files reach these
  files; a spreadsheet runs a cell starting with ``=``, ``+``, ``-`` or ``@`` (also after a tab
  or carriage return) as a formula. Every *text* cell starting with one of those characters, or
  with any other control character, gets a leading apostrophe (``'=1+1``), and in ``.xlsx`` text
  is always stored as a string cell (data type ``s``), never as a formula or an error value.
  Numbers, booleans and dates are not text and stay what they are: the number ``-5`` stays the
  number ``-5``, the text ``"-5"`` (as an upload holds it) becomes ``"'-5"``. Lists and dicts are
  written as JSON text.
- **No partial file.** Given a path, the writer writes a temporary file in the target's folder
  and renames it over the target (``os.replace``) only when every row was written; when anything
  raises (a row generator, a full disk) the temporary file is removed and the target is left as
  it was. Given an open stream (an HTTP response body, ``BytesIO``), it writes to the stream.

``.xlsx`` is written in openpyxl's write-only mode, so rows stream from any iterable (100,000
rows and more) without the workbook being held in memory.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = [
    "FORMULA_TRIGGERS",
    "Sheet",
    "atomic_path",
    "cell_value",
    "neutralise",
    "write_csv",
    "write_workbook",
    "write_xlsx",
]

#: Characters that make a spreadsheet read a cell as a formula (OWASP). Any other C0 control
#: character at the start is treated the same way (a spreadsheet may skip it and see what follows).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: The most characters a cell of a .xlsx holds.
XLSX_MAX_TEXT = 32767

_NATIVE = (bool, int, float, Decimal, date, datetime, time)


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if text and (text.startswith(FORMULA_TRIGGERS) or ord(text[0]) < 0x20):
        return "'" + text
    return text


def cell_value(value: Any) -> Any:
    """What a spreadsheet cell holds for ``value``: ``None``, numbers, booleans, dates and times
    unchanged (an aware datetime as the bureau's wall-clock time: the database keeps UTC);
    lists and dicts as JSON text; anything else as text, neutralised."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # spreadsheets have no time zones
    if isinstance(value, _NATIVE):
        return value
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    return neutralise(text)


@dataclass
class Sheet:
    """One worksheet: its title, header and rows; ``formats`` maps a column index (from 0)
    to a number format, e.g. ``{3: "0.0%"}``."""

    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    formats: Mapping[int, str] = field(default_factory=dict)


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file in ``path``'s folder, renamed to ``path`` when the block succeeds and
    removed when it raises. The folder is created when missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            # Mode 0o666 less the umask, as a file opened for writing gets (mkstemp's 0o600
            # would lock out e.g. the web server serving a report the command line wrote).
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            break
        except FileExistsError:
            continue
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# --- CSV ---------------------------------------------------------------------------------------


def _csv_text(value: Any) -> str:
    value = cell_value(value)
    return "" if value is None else str(value)


def _write_csv_rows(
    fh: IO[str], headers: Sequence[Any], rows: Iterable[Sequence[Any]], width: int
) -> int:
    writer = csv.writer(fh)
    writer.writerow([_csv_text(h) for h in headers])
    count = 0
    for row in rows:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"row {count + 1} has {len(values)} values for {width} columns")
        writer.writerow([_csv_text(v) for v in values])
        count += 1
    return count


def write_csv(
    target: Path | IO[str],
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = True,
) -> int:
    """Write ``headers`` and ``rows`` as CSV (UTF-8; with a byte-order mark by default, so that
    Excel opens it as UTF-8); returns the number of rows written. ``target`` is a path (written
    atomically) or a text stream. Every row must have as many values as there are headers."""
    width = len(headers)
    if isinstance(target, (str, Path)):
        with atomic_path(Path(target)) as tmp:
            encoding = "utf-8-sig" if bom else "utf-8"
            with tmp.open("w", encoding=encoding, newline="") as fh:
                return _write_csv_rows(fh, headers, rows, width)
    if bom:
        target.write("\ufeff")
    return _write_csv_rows(target, headers, rows, width)


# --- XLSX --------------------------------------------------------------------------------------


def _string_cell(ws: WriteOnlyWorksheet, text: str) -> Any:
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # never a formula or an error value
    return cell


def _xlsx_cell(ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Any:
    """The value or cell to append for ``value``. Text is always a string cell: neutralised, it
    cannot start with ``=`` (openpyxl's formula marker), and the texts openpyxl would store as an
    error value (``#N/A``…) get an explicit string cell. Plain values are appended as they are
    (a cell object per value would make large sheets markedly slower)."""
    value = cell_value(value)
    if isinstance(value, str):
        # Characters XML cannot carry are dropped (they are control characters, so the text
        # already has its apostrophe when one led); a cell holds at most 32,767 characters.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_TEXT]
        if value in ERROR_CODES or number_format is not None:
            cell = _string_cell(ws, value)
            if number_format is not None:
                cell.number_format = number_format
            return cell
        return value
    if number_format is not None:  # an empty cell too: typed into, it shows the format
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = number_format
        return cell
    return value


def _write_sheet(ws: WriteOnlyWorksheet, sheet: Sheet) -> int:
    bold = Font(bold=True)
    header = []
    for h in sheet.headers:
        text = cell_value("" if h is None else str(h))
        cell = _string_cell(ws, ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_MAX_TEXT])
        cell.font = bold
        header.append(cell)
    ws.append(header)
    width = len(sheet.headers)
    count = 0
    for row in sheet.rows:
        values = list(row)
        if len(values) != width:
            raise ValueError(f"row {count + 1} has {len(values)} values for {width} columns")
        ws.append([_xlsx_cell(ws, v, sheet.formats.get(i)) for i, v in enumerate(values)])
        count += 1
    return count


def _discard(wb: Workbook) -> None:
    """Remove the temporary files of a write-only workbook that will not be saved (openpyxl
    otherwise keeps them until the process exits)."""
    for ws in wb.worksheets:
        rows = getattr(ws, "_rows", None)  # the sheet's row generator, open until saved
        if rows is not None:
            with suppress(Exception):
                rows.close()
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with suppress(Exception):
            writer.close()
        with suppress(Exception):
            writer.cleanup()


def write_workbook(target: Path | IO[bytes], sheets: Sequence[Sheet]) -> list[int]:
    """Write ``sheets`` as one ``.xlsx`` (bold header row, text neutralised); returns the
    number of rows written per sheet. ``target`` is a path (written atomically) or a binary
    stream."""
    if not sheets:
        raise ValueError("a workbook needs a sheet")
    wb = Workbook(write_only=True)
    try:
        counts = []
        for sheet in sheets:
            ws = wb.create_sheet(title=sheet.title[:31])
            counts.append(_write_sheet(ws, sheet))
        if isinstance(target, (str, Path)):
            with atomic_path(Path(target)) as tmp:
                wb.save(tmp)
        else:
            wb.save(target)
    except BaseException:
        _discard(wb)
        raise
    return counts


def write_xlsx(
    target: Path | IO[bytes],
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    formats: Mapping[int, str] | None = None,
) -> int:
    """Write ``headers`` and ``rows`` as a one-sheet ``.xlsx``; returns the number of rows
    written. See :func:`write_workbook`."""
    return write_workbook(target, [Sheet(sheet, headers, rows, formats or {})])[0]
