"""A corpus of bad input, run through every way a file gets in.

The ways in: ``wenjiuye ingest`` (through ``call_command``, and as a real process for a few), the
browser upload ``/intake/`` and the one file upload of the JSON API, the layoff roster
(``POST /api/response/layoffs/{pk}/roster``). Every file is generated here (no bomb is checked
in); the bombs are the shapes of the hardening findings: a 300 KB .xlsx whose shared string
expands to 300 MB, a sheet of 400 MB of XML, a CSV field over 128 KB, GBK lines with one UTF-8
line, a phone ``=1+2``. Each case is refused as a whole (an error answer with the reason, the
CLI's exit 2, nothing in the database changed), or its rows are rejected with the reason (and
nothing they carried is loaded), or — the controls — it loads; never a 500 or a traceback, and
always within bounded memory and time.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.factories import HEADER, make_id, make_report, make_uscc, roster_csv, worker_rows
from wenjiuye.core.roles import Role
from wenjiuye.intake.models import ImportBatch, UnemploymentRegistration
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.response.models import LayoffAttachment, LayoffWorker

pytestmark = pytest.mark.django_db

MB = 1 << 20
#: what one refused or rejected file may cost (the findings: 3.8 GB and 5.5 minutes)
MEMORY_LIMIT = 200 * MB

USCC = make_uscc("410421", 7)
ENTERPRISE_HEADER = ["统一社会信用代码", "单位名称", "行政区划代码", "职工总数"]
REGISTRATION_HEADER = ["公民身份号码", "姓名", "常住地", "登记日期", "联系电话"]
PERSON_ID = make_id("410421", "19900101", 5)


# --- Files --------------------------------------------------------------------------------------


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def enterprises(name: str = "宝丰测试有限公司", employees: str = "120", **kw: str) -> bytes:
    return csv_bytes(ENTERPRISE_HEADER, [[USCC, name, "410421", employees]], **kw)


def registration(phone: str = "13812345678", registered_on: str = "2022-01-05") -> bytes:
    return csv_bytes(REGISTRATION_HEADER, [[PERSON_ID, "张三", "410421", registered_on, phone]])


def contributions(base: str) -> bytes:
    person = make_id("410421", "19900101", 6)
    return f"period,uscc,person_id,base,status\n202201,{USCC},{person},{base},paid\n".encode()


def roster(
    change: Callable[[list[str]], None] = lambda row: None, encoding: str = "utf-8"
) -> bytes:
    """A one-worker roster, the row changed by ``change`` (columns as in ``HEADER``)."""
    row = worker_rows(1)[0]
    change(row)
    return roster_csv([row], encoding=encoding)


def set_column(index: int, value: str) -> Callable[[list[str]], None]:
    def change(row: list[str]) -> None:
        row[index] = value

    return change


NAME, ID, PHONE, WAGE, HIRED = 0, 1, 2, 5, 4


def mixed(lines: list[tuple[str, str]]) -> bytes:
    """Lines, each in its own encoding."""
    return b"".join((text + "\n").encode(encoding) for text, encoding in lines)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_XLSX_ROWS: list[list[object]] = [ENTERPRISE_HEADER, [USCC, "宝丰测试有限公司", "410421", 120]]


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def rebuilt_xlsx(replace: dict[str, Callable[[zipfile.ZipFile, str], None]]) -> bytes:
    """A good workbook with parts written anew (or added) by ``replace[name](archive, name)``;
    an added ``xl/sharedStrings.xml`` is declared in the content types, as Excel does."""
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD_XLSX_ROWS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in replace:
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            if info.filename not in replace:
                archive.writestr(info.filename, data)
        for name, write in replace.items():
            write(archive, name)
    return out.getvalue()


def streamed(parts: Callable[[], Iterator[bytes]]) -> Callable[[zipfile.ZipFile, str], None]:
    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w") as member:
            for part in parts():
                member.write(part)

    return write


MAIN = b'<?xml version="1.0" encoding="UTF-8"?>'
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@cache
def shared_string_bomb() -> bytes:
    """~300 KB of .xlsx whose shared strings expand to 300 MB (one string of 300 MB)."""

    def parts() -> Iterator[bytes]:
        yield MAIN + b"<sst " + NS + b"><si><t>" + "统一社会信用代码".encode() + b"</t></si><si><t>"
        block = b"A" * MB
        for _ in range(300):
            yield block
        yield b"</t></si></sst>"

    return rebuilt_xlsx({"xl/sharedStrings.xml": streamed(parts)})


@cache
def sheet_bomb() -> bytes:
    """~1 MB of .xlsx whose sheet is 400 MB of XML (16 million one-cell rows)."""

    def parts() -> Iterator[bytes]:
        yield MAIN + b"<worksheet " + NS + b"><sheetData>"
        block = b"<row><c><v>1</v></c></row>" * (MB // 25)
        for _ in range(400):
            yield block
        yield b"</sheetData></worksheet>"

    return rebuilt_xlsx({"xl/worksheets/sheet1.xml": streamed(parts)})


def declared_as(content: bytes, part: str, size: int) -> bytes:
    """``content`` with the uncompressed size ``part`` declares (central directory and local
    header) patched to ``size``: a small file claiming to expand to gigabytes, or a large part
    claiming to be small."""
    data = bytearray(content)
    name = part.encode()
    at = -1
    while (at := data.find(b"PK\x01\x02", at + 1)) >= 0:
        (length,) = struct.unpack_from("<H", data, at + 28)
        if data[at + 46 : at + 46 + length] == name:
            struct.pack_into("<I", data, at + 24, size)
            (local,) = struct.unpack_from("<I", data, at + 42)
            struct.pack_into("<I", data, local + 22, size)
            return bytes(data)
    raise AssertionError(f"{part} not in the archive")


@cache
def understated_bomb() -> bytes:
    """A part that declares 2 KB and expands to 50 MB (ratio and declared size look harmless)."""

    def parts() -> Iterator[bytes]:
        yield MAIN + b"<sst " + NS + b"><si><t>"
        for _ in range(50):
            yield b"B" * MB
        yield b"</t></si></sst>"

    bomb = rebuilt_xlsx({"xl/sharedStrings.xml": streamed(parts)})
    return declared_as(bomb, "xl/sharedStrings.xml", 2048)


def damaged_xlsx() -> bytes:
    data = bytearray(xlsx_bytes(GOOD_XLSX_ROWS))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + info.compress_size - 5):
        data[i] ^= 0x55
    return bytes(data)


def written_sheet(rows: dict[int, list[object]]) -> bytes:
    """A workbook whose sheet is written here, not by openpyxl (which cuts a text at Excel's
    32,767 characters): ``rows`` by row number, texts inline."""

    def cell(value: object) -> str:
        if isinstance(value, str):
            return f'<c t="inlineStr"><is><t>{value}</t></is></c>'
        return f"<c><v>{value}</v></c>"

    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(
            f'<row r="{n}">' + "".join(cell(v) for v in values) + "</row>"
            for n, values in rows.items()
        )
        + "</sheetData></worksheet>"
    )
    return rebuilt_xlsx({"xl/worksheets/sheet1.xml": streamed(lambda: iter([xml.encode()]))})


def sparse_sheet(header: list[str]) -> bytes:
    """A few hundred bytes: the header, and a cell in row 5,000,000. The reader fills in the
    rows between (empty), millions of them."""
    return written_sheet({1: list(header), 5_000_000: [1]})


def csv_text(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def binary_garbage() -> bytes:
    return random.Random(20220601).randbytes(64 * 1024)


def high_bytes() -> bytes:
    return bytes(range(0x80, 0x100)) * 64  # no NUL, and 0x80/0xFF begin no GBK character


# --- The corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    intake: Callable[[], bytes]
    outcome: str  # refused | rejected | loaded
    reason: str  # in the answer of every channel
    roster: Callable[[], bytes] | None = None  # None: the intake file; skip: no roster variant
    roster_reason: str | None = None
    suffix: str = ".csv"
    settings: dict[str, int] = field(default_factory=dict)
    skip_roster: bool = False

    def roster_file(self) -> bytes:
        return (self.roster or self.intake)()


LONG_FIELD = "x" * 200_000  # over the CSV parser's 128 KB (131,072 characters)
LONG_CELL = "长" * 50_000  # under it, over the 32,767 characters of a cell

CASES = [
    # refused as a whole
    Case("empty", lambda: b"", "refused", "文件为空"),
    Case("binary_garbage", binary_garbage, "refused", "编码"),
    Case("binary_without_nul", high_bytes, "refused", "既不是 UTF-8 也不是 GBK"),
    Case("legacy_xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "refused", ".xls"),
    Case(
        "truncated_xlsx",
        lambda: xlsx_bytes(GOOD_XLSX_ROWS)[:1500],
        "refused",
        "不是有效的 XLSX",
        suffix=".xlsx",
    ),
    Case("damaged_xlsx", damaged_xlsx, "refused", "已损坏", suffix=".xlsx"),
    Case("xlsx_shared_string_bomb", shared_string_bomb, "refused", "压缩炸弹", suffix=".xlsx"),
    Case("xlsx_sheet_bomb", sheet_bomb, "refused", "压缩炸弹", suffix=".xlsx"),
    Case(
        "xlsx_declares_3_gb",
        lambda: declared_as(xlsx_bytes(GOOD_XLSX_ROWS), "xl/worksheets/sheet1.xml", 3 * 10**9),
        "refused",
        "解压后超过",
        suffix=".xlsx",
    ),
    Case("xlsx_understates_its_size", understated_bomb, "refused", "已损坏", suffix=".xlsx"),
    Case(
        "xlsx_row_5_million",
        lambda: sparse_sheet(ENTERPRISE_HEADER),
        "refused",
        "行的上限",
        roster=lambda: sparse_sheet(HEADER),
        suffix=".xlsx",
    ),
    Case(
        "xlsx_cell_of_100k_characters",
        lambda: written_sheet({1: ENTERPRISE_HEADER, 2: [USCC, "表" * 100_000, "410421", 1]}),
        "refused",
        "单元格内容",
        roster=lambda: written_sheet({1: HEADER, 2: ["表" * 100_000, *worker_rows(1)[0][1:]]}),
        suffix=".xlsx",
    ),
    Case(
        "xlsx_header_cell_of_30k_characters",
        lambda: xlsx_bytes([["表头" * 15_000, "其他"], ["a", "b"]]),
        "refused",
        "无法从表头识别文件类型",
        roster_reason="名单缺少必需的列",
        suffix=".xlsx",
    ),
    Case(
        "field_over_128k",
        lambda: enterprises(name=LONG_FIELD),
        "refused",
        "超过 131072 个字符的字段",
        roster=lambda: roster(set_column(NAME, LONG_FIELD)),
    ),
    Case(
        "quote_never_closed",
        lambda: csv_text(
            [",".join(ENTERPRISE_HEADER), f'{USCC},"宝丰,410421,1'] + ["x,y,z"] * 99_999
        ),
        "refused",
        "引号未闭合",
        roster=lambda: csv_text(
            [",".join(HEADER), '"' + ",".join(worker_rows(1)[0])] + ["x,y,z"] * 99_999
        ),
    ),
    Case(
        "mixed_gbk_with_one_utf8_line",
        lambda: mixed(
            [
                (",".join(ENTERPRISE_HEADER), "gbk"),
                (f"{make_uscc('410421', 8)},宝丰甲公司,410421,10", "gbk"),
                (f"{USCC},叶县精油有限公司,410421,20", "utf-8"),
                (f"{make_uscc('410421', 9)},宝丰乙公司,410421,30", "gbk"),
            ]
        ),
        "refused",
        "编码前后不一致",
        roster=lambda: mixed(
            [
                (",".join(HEADER), "gbk"),
                (",".join(worker_rows(1)[0]), "gbk"),
                (",".join(worker_rows(1, start=2)[0]), "utf-8"),
            ]
        ),
    ),
    Case(
        "mixed_utf8_with_one_gbk_line",
        lambda: mixed(
            [
                (",".join(ENTERPRISE_HEADER), "utf-8"),
                (f"{USCC},叶县精油有限公司,410421,20", "gbk"),
                (f"{make_uscc('410421', 9)},宝丰乙公司,410421,30", "utf-8"),
            ]
        ),
        "refused",
        "编码前后不一致",
        roster=lambda: mixed(
            [
                (",".join(HEADER), "utf-8"),
                (",".join(worker_rows(1)[0]), "gbk"),
            ]
        ),
    ),
    Case(
        "utf8_bom_with_a_gbk_line",
        lambda: (
            b"\xef\xbb\xbf"
            + mixed([(",".join(ENTERPRISE_HEADER), "utf-8")])
            + mixed([(f"{USCC},叶县精油有限公司,410421,20", "gbk")])
        ),
        "refused",
        "编码前后不一致",
        roster=lambda: (
            b"\xef\xbb\xbf"
            + mixed([(",".join(HEADER), "utf-8"), (",".join(worker_rows(1)[0]), "gbk")])
        ),
    ),
    Case(
        "too_many_rows",
        lambda: csv_bytes(
            ENTERPRISE_HEADER,
            [[make_uscc("410421", 20 + i), "甲", "410421", "1"] for i in range(5)],
        ),
        "refused",
        "行的上限",
        roster=lambda: roster_csv(worker_rows(5)),
        settings={"WENJIUYE_UPLOAD_MAX_ROWS": 3, "WENJIUYE_ROSTER_MAX_ROWS": 3},
    ),
    Case(
        "over_the_time_limit",
        enterprises,
        "refused",
        "处理时间超过",
        roster=lambda: roster(),
        settings={"WENJIUYE_UPLOAD_MAX_SECONDS": 0},
    ),
    # rows rejected with the reason
    Case(
        "cell_of_50k_characters",
        lambda: enterprises(name=LONG_CELL),
        "rejected",
        "内容过长",
        roster=lambda: roster(set_column(NAME, LONG_CELL)),
        roster_reason="姓名不能为空且不超过50字",
    ),
    Case(
        "name_longer_than_the_store_holds",
        lambda: enterprises(name="宝" * 201),
        "rejected",
        "最多 200 个字符",
        roster=lambda: roster(set_column(NAME, "宝" * 51)),
        roster_reason="不超过50字",
    ),
    Case(
        "formula_as_phone",
        lambda: registration(phone="=1+2"),
        "rejected",
        "电话号码格式不正确",
        roster=lambda: roster(set_column(PHONE, "=1+2")),
    ),
    Case(
        "headcount_10_to_the_30",
        lambda: enterprises(employees=str(10**30)),
        "rejected",
        "超出范围",
        roster=lambda: roster(set_column(WAGE, str(10**30))),
        roster_reason="月平均工资应为不小于零的金额",
    ),
    Case(
        "headcount_of_a_hundred_million_digits",
        lambda: enterprises(employees="1e100000000"),
        "rejected",
        "超出范围",
        roster=lambda: roster(set_column(WAGE, "1e100000000")),
        roster_reason="月平均工资应为不小于零的金额",
    ),
    Case(
        "negative_amount",
        lambda: contributions("-100"),
        "rejected",
        "不能为负数",
        roster=lambda: roster(set_column(WAGE, "-100")),
        roster_reason="月平均工资应为不小于零的金额",
    ),
    Case(
        "amount_10_to_the_30",
        lambda: contributions("1e30"),
        "rejected",
        "超出范围",
        skip_roster=True,
    ),
    Case(
        "year_99999",
        lambda: registration(registered_on="99999-01-01"),
        "rejected",
        "日期格式",
        roster=lambda: roster(set_column(HIRED, "99999-01-01")),
        roster_reason="入职日期应为",
    ),
    # controls: what must keep loading
    Case("utf8", enterprises, "loaded", "", roster=lambda: roster()),
    Case(
        "utf8_bom",
        lambda: b"\xef\xbb\xbf" + enterprises(),
        "loaded",
        "",
        roster=lambda: roster(encoding="utf-8-sig"),
    ),
    Case(
        "gbk",
        lambda: enterprises(encoding="gbk"),
        "loaded",
        "",
        roster=lambda: roster(encoding="gbk"),
    ),
    Case(
        "gb18030_four_byte_character",
        lambda: enterprises(name="䶮光有限公司", encoding="gb18030"),
        "loaded",
        "",
        roster=lambda: roster(set_column(NAME, "刘䶮"), encoding="gb18030"),
    ),
    Case(
        # GBK text whose bytes are valid UTF-8 too (洹版阿 reads 䡰氢 as UTF-8): still GBK
        "gbk_that_is_valid_utf8",
        lambda: enterprises(name="洹版阿", encoding="gbk"),
        "loaded",
        "",
        roster=lambda: roster(set_column(NAME, "洹版阿"), encoding="gbk"),
    ),
    Case(
        "good_xlsx",
        lambda: xlsx_bytes(GOOD_XLSX_ROWS),
        "loaded",
        "",
        roster=lambda: xlsx_bytes([HEADER, worker_rows(1)[0]]),
        suffix=".xlsx",
    ),
]

ROSTER_CASES = [c for c in CASES if not c.skip_roster]


def ids(case: Case) -> str:
    return case.name


@contextmanager
def bounded() -> Iterator[None]:
    """The block's peak of Python memory within the limit. Time is bounded by the reader's own
    deadline (``WENJIUYE_UPLOAD_MAX_SECONDS``, tested in test_read_limits.py), not by a
    wall-clock assertion here (speed belongs in bench/)."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak / MB:.0f} MB"


def data_counts() -> tuple[int, ...]:
    return (
        Enterprise.objects.count(),
        UnemploymentRegistration.objects.count(),
        Person.objects.count(),
        LayoffWorker.objects.count(),
    )


def all_counts() -> tuple[int, ...]:
    return (*data_counts(), ImportBatch.objects.count(), LayoffAttachment.objects.count())


@pytest.fixture
def home(settings, tmp_path):
    settings.WENJIUYE_HOME = tmp_path
    return tmp_path


def apply(case: Case, settings) -> None:
    for name, value in case.settings.items():
        setattr(settings, name, value)


# --- (a) wenjiuye ingest ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_cli(case, home, regions, settings):
    path = home / f"in{case.suffix}"
    path.write_bytes(case.intake())
    apply(case, settings)
    before, out = all_counts(), io.StringIO()
    with bounded():
        if case.outcome == "refused":
            with pytest.raises(CommandError) as excinfo:
                call_command("ingest", str(path), "--json", stdout=out, stderr=io.StringIO())
        else:
            call_command("ingest", str(path), "--json", stdout=out, stderr=io.StringIO())
    if case.outcome == "refused":
        assert excinfo.value.returncode == 2
        assert case.reason in str(excinfo.value) and len(str(excinfo.value)) < 2000
        assert all_counts() == before and not (home / "lake").exists()
        return
    (result,) = json.loads(out.getvalue())["files"]
    if case.outcome == "loaded":
        assert (result["accepted"], result["rejected"]) == (1, 0)
        return
    assert (result["accepted"], result["rejected"]) == (0, 1)
    assert data_counts() == before[:4]
    with open(result["report"], encoding="utf-8-sig", newline="") as fh:
        report = list(csv.DictReader(fh))
    assert any(case.reason in r["reason"] for r in report), report
    assert all(len(r["value"]) <= 202 for r in report)  # cut to 200 (+ "…", + a formula guard)


def run_cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # never a shared database
    env["WENJIUYE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "wenjiuye.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    """A migrated home for the command run as a process (its own SQLite database)."""
    home = tmp_path_factory.mktemp("cli-home")
    done = run_cli(["migrate", "-v0"], home)
    assert done.returncode == 0, done.stderr
    return home


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.name in ("field_over_128k", "xlsx_shared_string_bomb", "empty")],
    ids=ids,
)
def test_cli_process_exits_2_without_a_traceback(case, cli_home):
    path = cli_home / f"{case.name}{case.suffix}"
    path.write_bytes(case.intake())
    done = run_cli(["ingest", str(path)], cli_home)
    assert done.returncode == 2, done.stderr
    assert case.reason in done.stderr and "Traceback" not in done.stderr


def test_cli_checks_every_csv_through_before_loading_any(home, regions):
    good, bad = home / "good.csv", home / "bad.csv"
    good.write_bytes(enterprises())
    bad.write_bytes(enterprises(name=LONG_FIELD))
    before = all_counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest", str(good), str(bad), stderr=io.StringIO())
    assert excinfo.value.returncode == 2 and "bad.csv" in str(excinfo.value)
    assert all_counts() == before


# --- (b) the upload page ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_upload_page(case, client, home, users, settings):
    client.force_login(users[Role.CITY_OFFICE])
    apply(case, settings)
    upload = SimpleUploadedFile(f"文件{case.suffix}", case.intake())
    before = all_counts()
    with bounded():
        page = client.post("/intake/", {"file": upload})
    html = page.content.decode()
    assert len(page.content) < 500_000  # never the file echoed back
    if case.outcome == "refused":
        assert page.status_code == 400 and case.reason in html
        assert all_counts() == before
    elif case.outcome == "rejected":
        assert page.status_code == 200 and "接收 0 行,拒绝 1 行" in html and case.reason in html
        assert data_counts() == before[:4]
    else:
        assert page.status_code == 200 and "接收 1 行,拒绝 0 行" in html


# --- (c) the upload API: the layoff roster --------------------------------------------------------


@pytest.mark.parametrize("case", ROSTER_CASES, ids=ids)
def test_roster_api(case, world, officer, settings):
    report = make_report(officer, world["own"])
    client = Client()
    client.force_login(officer)
    apply(case, settings)
    upload = SimpleUploadedFile(f"名单{case.suffix}", case.roster_file())
    before = all_counts()
    with bounded():
        answer = client.post(f"/api/response/layoffs/{report.pk}/roster", {"file": upload})
    reason = case.roster_reason or case.reason
    assert len(answer.content) < 500_000
    if case.outcome == "refused":
        assert answer.status_code == 400, answer.content
        assert reason in json.dumps(answer.json()["detail"], ensure_ascii=False)
        assert all_counts() == before
        return
    assert answer.status_code == 200, answer.content
    body = answer.json()
    if case.outcome == "loaded":
        assert body["created"] == 1 and not body["rejected"]
        return
    assert body["created"] == 0 and any(reason in p["reason"] for p in body["rejected"])
    assert all(len(p["value"]) <= 201 for p in body["rejected"])
    assert data_counts() == before[:4]


def test_roster_api_refuses_an_upload_over_its_size_before_reading_it(world, officer, settings):
    report = make_report(officer, world["own"])
    settings.WENJIUYE_ROSTER_MAX_BYTES = 1000
    client = Client()
    client.force_login(officer)
    upload = SimpleUploadedFile("名单.csv", roster_csv(worker_rows(20)))
    answer = client.post(f"/api/response/layoffs/{report.pk}/roster", {"file": upload})
    assert answer.status_code == 400 and "文件过大" in str(answer.json()["detail"])
    assert report.workers.count() == 0
