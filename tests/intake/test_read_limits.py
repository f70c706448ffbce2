"""The shared reader's limits one at a time, the encoding test behind mixed-file detection, the
phone rule, and the bounds of numbers (the corpus in test_bad_input_corpus.py runs whole files
through every way in)."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.factories import make_id, make_uscc
from tests.intake.test_bad_input_corpus import (
    ENTERPRISE_HEADER,
    USCC,
    enterprises,
    rebuilt_xlsx,
    shared_string_bomb,
    written_sheet,
)
from wenjiuye.core.identifiers import validate_phone
from wenjiuye.core.roles import Role
from wenjiuye.intake.bounds import Deadline, Limits, UnreadableFile
from wenjiuye.intake.encoding import _surely_utf8, csv_encoding
from wenjiuye.intake.readers import open_file, read_rows
from wenjiuye.intake.validation import (
    AMOUNT_MAX,
    COUNT_MAX,
    BadValue,
    RowValidator,
    parse_amount,
    parse_count,
)
from wenjiuye.intake.xlsx import _TextRuns, xlsx_check
from wenjiuye.registry.models import Enterprise

COUNTIES = {"410421", "410422"}


def limits(**overrides) -> Limits:
    base = {
        "max_bytes": 512 << 20,
        "max_uncompressed": 1 << 30,
        "max_shared_strings": 256 << 20,
        "max_ratio": 100,
        "max_cell_chars": 32_767,
        "max_rows": 10_000_000,
        "max_seconds": 60,
    }
    return Limits(**(base | overrides))


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # typed with a Chinese IME
        ("0375-1234567", "0375-1234567"),
        ("0375 12345678", "0375-12345678"),
        ("(0375)1234567", "0375-1234567"),
        ("010-12345678-801", "010-12345678-801"),
        ("0375-1234567转12", "0375-1234567-12"),
        ("037512345678", "037512345678"),  # area code and number run together: kept as given
    ],
)
def test_phones_accepted_in_their_normal_form(raw, normal):
    assert validate_phone(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "=1+2",
        '=HYPERLINK("http://x")',
        "12",
        "1234567",  # a local number without its area code
        "12812345678",  # 12x is no mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "0375-123456",  # 6 digits after the area code
        "+1 415 555 0100",
        "13812345678/13912345678",
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to Python's \d, not to a phone
        "",
    ],
)
def test_other_phones_refused_with_the_reason(raw):
    with pytest.raises(ValueError, match="电话号码格式不正确"):
        validate_phone(raw)


def test_the_intake_validator_uses_the_phone_rule():
    v = RowValidator("unemployment_registrations", regions=COUNTIES)
    base = {"person_id": make_id("410421", "19900101", 1), "name": "张三"}
    base |= {"region_code": "410421", "registered_on": "2022-01-05"}
    row, _ = v.validate(2, {**base, "phone": "+86 138 1234 5678"})
    assert row is not None and row["phone"] == "13812345678"
    row, rejects = v.validate(2, {**base, "phone": "=1+2"})
    assert row is None and rejects[0].column == "phone" and rejects[0].value == "=1+2"


# --- numbers and texts ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", [str(10**30), "1e100000000", "1E+999999999", str(COUNT_MAX + 1)])
def test_counts_beyond_the_bound_are_refused_quickly(raw):
    with pytest.raises(BadValue, match="超出范围"):
        parse_count(raw)


@pytest.mark.parametrize("raw", ["1e30", "10000000000", "9999999999.995", "1e999999999"])
def test_amounts_beyond_the_bound_are_refused(raw):
    with pytest.raises(BadValue, match="超出范围"):
        parse_amount(raw)


def test_the_bounds_themselves_are_accepted():
    assert parse_count(str(COUNT_MAX)) == COUNT_MAX and parse_amount(str(AMOUNT_MAX)) == AMOUNT_MAX
    for raw in ("NaN", "Infinity", "-Infinity", "sNaN"):
        with pytest.raises(BadValue):
            parse_count(raw)
        with pytest.raises(BadValue):
            parse_amount(raw)


def test_a_long_cell_is_rejected_cut_and_never_remembered():
    v = RowValidator("enterprises", regions=COUNTIES, max_cell_chars=100, max_lengths={"name": 10})
    raw = {"uscc": "X" * 500, "name": "名" * 50, "region_code": "410421"}
    row, rejects = v.validate(2, raw)
    assert row is None
    by = {r.column: r for r in rejects}
    assert "内容过长" in by["uscc"].reason and len(by["uscc"].value) == 201
    assert by["uscc"].value.endswith("…")
    assert "最多 10 个字符" in by["name"].reason
    for serial in range(50):  # codes too long to be codes are checked, not remembered
        v.validate(3, {**raw, "uscc": f"{serial:099d}"})
    assert not v._parsers["uscc"].seen  # type: ignore[attr-defined]


# --- CSV encodings --------------------------------------------------------------------------


def gb2312_chars() -> list[str]:
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def test_gbk_text_is_never_taken_for_utf8_and_utf8_text_almost_always_is():
    """The measured basis of ``_surely_utf8`` (see its docstring), on random names."""
    chars, rnd = gb2312_chars(), random.Random(1)
    utf8_hits = gbk_hits = 0
    for _ in range(20_000):
        text = "".join(rnd.choice(chars) for _ in range(rnd.choice((2, 3, 4))))
        raw = f"1,{text},410421".encode("gbk")
        with contextlib.suppress(UnicodeDecodeError):  # most GBK lines are not UTF-8 at all
            gbk_hits += _surely_utf8(raw, raw.decode("utf-8"))
        raw = f"1,{text},410421".encode()
        utf8_hits += _surely_utf8(raw, raw.decode("utf-8"))
    assert gbk_hits == 0 and utf8_hits > 0.98 * 20_000


def encoding_of(content: bytes) -> str:
    return csv_encoding(io.BytesIO(content), limits(), Deadline(60))


def test_the_finding_mixed_file_is_refused_naming_the_lines():
    header = ",".join(ENTERPRISE_HEADER)
    content = (
        (header + "\n").encode("gbk")
        + f"{USCC},宝丰甲公司,410421,10\n".encode("gbk")
        + f"{make_uscc('410421', 8)},叶县精油有限公司,410421,20\n".encode()
    )
    with pytest.raises(UnreadableFile, match=r"第 3 行是 UTF-8 编码,第 1、2 行是 GBK"):
        encoding_of(content)


def test_pure_files_keep_their_encodings():
    assert encoding_of(enterprises()) == "utf-8"
    assert encoding_of(b"\xef\xbb\xbf" + enterprises()) == "utf-8-sig"
    assert encoding_of(enterprises(encoding="gbk")) == "gb18030"
    assert encoding_of(enterprises(name="䶮", encoding="gb18030")) == "gb18030"
    assert encoding_of(b"") == "utf-8"


def test_a_line_longer_than_a_record_may_be_is_refused_before_it_is_held():
    content = b"a,b\n" + b"x" * (5 << 20) + b"\n"
    with pytest.raises(UnreadableFile, match="第 2 行超过"):
        encoding_of(content)


def test_rows_over_the_limit_refuse_the_file_while_reading(tmp_path, settings):
    settings.WENJIUYE_UPLOAD_MAX_ROWS = 2
    path = tmp_path / "e.csv"
    lines = [",".join(ENTERPRISE_HEADER)] + [
        f"{make_uscc('410421', i)},甲,410421,1" for i in range(3)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opened = open_file(path)
    with pytest.raises(UnreadableFile, match="e.csv: 数据超过 2 行的上限"):
        list(read_rows(opened))


# --- XLSX archives --------------------------------------------------------------------------


def check(content: bytes, **overrides) -> None:
    xlsx_check(io.BytesIO(content), limits(**overrides), Deadline(60))


def test_each_layer_refuses_the_shared_string_bomb_on_its_own():
    """Ratio, then the shared-strings size, then (both lifted) the text too long for a cell,
    found after expanding one chunk: each limit would stop the bomb alone."""
    bomb = shared_string_bomb()
    with pytest.raises(UnreadableFile, match="压缩比"):
        check(bomb)
    with pytest.raises(UnreadableFile, match="共享字符串超过 16 MB"):
        check(bomb, max_ratio=10**6, max_shared_strings=16 << 20)
    with pytest.raises(UnreadableFile, match="单元格内容"):
        check(bomb, max_ratio=10**6, max_shared_strings=1 << 30)
    with pytest.raises(UnreadableFile, match="解压后超过 100 MB"):
        check(bomb, max_ratio=10**6, max_shared_strings=1 << 30, max_uncompressed=100 << 20)


def test_text_runs_are_found_across_and_inside_chunks():
    """A run is what lies between two "<" (a text and the rest of its tag)."""
    runs = _TextRuns(100)
    runs.feed(b"<" + b"x" * 60)
    with pytest.raises(UnreadableFile):
        runs.feed(b"x" * 41 + b"<")
    _TextRuns(100).feed(b"<b/>" * 50 + b"<" + b"y" * 100 + b"<" + b"<b/>" * 50)  # at the limit
    with pytest.raises(UnreadableFile):
        _TextRuns(100).feed(b"<b/>" * 50 + b"<" + b"y" * 101 + b"<" + b"<b/>" * 50)
    with pytest.raises(UnreadableFile):
        _TextRuns(100).feed(b"<b/>" * 50 + b"<" + b"y" * 500)  # up to the chunk's end


def test_a_workbook_with_many_parts_is_refused_before_its_directory_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i in range(10_001):
            archive.writestr(f"p{i}", b"")
    with pytest.raises(UnreadableFile, match="10,001 个部件"):
        check(out.getvalue())


def test_an_entity_in_the_content_types_is_refused():
    def types(archive: zipfile.ZipFile, name: str) -> None:
        archive.writestr(
            name,
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&a;</Types>',
        )

    with pytest.raises(UnreadableFile, match=r"\[Content_Types\].xml 无效"):
        check(rebuilt_xlsx({"[Content_Types].xml": types}))


def test_an_xlsx_over_the_time_limit_is_stopped_inside_openpyxl(tmp_path, settings):
    """A sheet openpyxl takes long to parse is cut short by the reads it makes, not only between
    rows: here the deadline passes while the workbook opens."""
    rows = {1: ENTERPRISE_HEADER} | {n: [USCC, "甲", "410421", n] for n in range(2, 2_002)}
    path = tmp_path / "slow.xlsx"
    path.write_bytes(written_sheet(rows))
    opened = open_file(path)
    opened.deadline = Deadline(0)
    with pytest.raises(UnreadableFile, match="处理时间超过 0 秒"):
        list(read_rows(opened))


def test_a_good_workbook_reads_as_before(tmp_path):
    path = tmp_path / "e.xlsx"
    path.write_bytes(written_sheet({1: ENTERPRISE_HEADER, 2: [USCC, "宝丰", "410421", 5]}))
    opened = open_file(path)
    assert opened.kind == "enterprises"
    assert list(read_rows(opened)) == [
        (2, {"uscc": USCC, "name": "宝丰", "region_code": "410421", "employees": "5"})
    ]


@pytest.mark.django_db
def test_the_size_limit_is_for_uploads_the_command_reads_any_size(
    client, settings, tmp_path, users
):
    settings.WENJIUYE_HOME = tmp_path
    settings.WENJIUYE_UPLOAD_MAX_BYTES = 100
    client.force_login(users[Role.CITY_OFFICE])
    page = client.post("/intake/", {"file": SimpleUploadedFile("e.csv", enterprises())})
    assert page.status_code == 400 and "文件过大" in page.content.decode()
    path = tmp_path / "e.csv"
    path.write_bytes(enterprises())
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Enterprise.objects.filter(uscc=USCC).exists()
