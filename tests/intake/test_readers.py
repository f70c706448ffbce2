"""Reading the bureau's files: encodings, Chinese headers, kind detection, row checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from tests.factories import make_id, make_uscc
from wenjiuye.intake.bounds import UnreadableFile
from wenjiuye.intake.contract import KINDS, detect_kind
from wenjiuye.intake.readers import open_file, read_rows
from wenjiuye.intake.validation import BadValue, RowValidator, parse_date, parse_period

COUNTIES = {"410421", "410422"}


def test_every_contract_kind_is_detected_from_its_english_and_chinese_required_headers():
    for kind in KINDS.values():
        english = [c.name for c in kind.required] + list(kind.one_of[:1])
        chinese = [c.zh for c in kind.required] + [
            c.zh for c in kind.columns if c.name in kind.one_of[:1]
        ]
        assert detect_kind(english) == kind.name
        assert detect_kind(chinese) == kind.name


def test_gbk_csv_with_chinese_headers(tmp_path):
    path = tmp_path / "企业.csv"
    good = make_uscc("410421", 1)
    text = f"统一社会信用代码,单位名称,行政区划代码,职工总数,外贸企业,备注\n{good},宝丰测试有限公司,410421,120,是,x\n"
    path.write_bytes(text.encode("gbk"))
    opened = open_file(path)
    assert (opened.kind, opened.encoding, opened.format) == ("enterprises", "gb18030", "csv")
    rows = list(read_rows(opened))
    assert rows == [
        (
            2,
            {
                "uscc": good,
                "name": "宝丰测试有限公司",
                "region_code": "410421",
                "employees": "120",
                "export_oriented": "是",
            },
        )
    ]


def test_utf8_bom_csv(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("\ufeffuscc,name,region_code\nA,B,C\n".encode())
    opened = open_file(path)
    assert opened.encoding == "utf-8-sig" and opened.headers[0] == "uscc"


def test_xlsx_first_sheet_header_row_one(tmp_path):
    path = tmp_path / "cases.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["案件编号", "统一社会信用代码", "案件类型", "涉及人数", "立案日期"])
    ws.append(["C1", make_uscc("410421", 2), "欠薪", 31, "2022-05-01"])
    ws.append([None, None, None, None, None])
    wb.save(path)
    opened = open_file(path)
    assert opened.kind == "labour_cases"
    rows = list(read_rows(opened))
    assert len(rows) == 1 and rows[0][0] == 2 and rows[0][1]["people"] == "31"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件为空"),
        (b"foo,bar\n1,2\n", "无法从表头识别文件类型"),
        (b"\xff\xfe\x00\x00garbage\x81\x30", "编码"),
        (b"PK\x03\x04not-a-zip", "XLSX"),
    ],
)
def test_unreadable_files_fail_before_any_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        open_file(path)


def test_missing_required_header_when_kind_is_given(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("uscc,name\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"region_code\(行政区划代码\)"):
        open_file(path, "enterprises")


@pytest.mark.parametrize(("raw", "expected"), [("202203", "202203"), ("2022-03", "202203")])
def test_periods(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["202213", "2022-3", "22-03", "2022/03"])
def test_bad_periods(raw):
    with pytest.raises(BadValue):
        parse_period(raw)


@pytest.mark.parametrize("raw", ["2022-03-05", "2022/03/05", "20220305", "2022-3-5"])
def test_dates(raw):
    assert parse_date(raw) == date(2022, 3, 5)


@pytest.mark.parametrize("raw", ["2022-02-30", "2022.03.05", "05/03/2022", "2022-0305"])
def test_bad_dates(raw):
    with pytest.raises(BadValue):
        parse_date(raw)


def test_row_validator_reports_every_bad_column_with_its_reason():
    v = RowValidator("si_contributions", regions=COUNTIES)
    good_id, good_uscc = make_id("410421", "19800101", 1), make_uscc("410421", 3)
    row, rejects = v.validate(
        2,
        {
            "period": "2022-01",
            "uscc": good_uscc,
            "person_id": good_id.lower(),
            "base": "3500.50",
            "status": "已缴",
        },
    )
    assert rejects == [] and row == {
        "period": "202201",
        "uscc": good_uscc,
        "person_id": good_id,
        "base": Decimal("3500.50"),
        "status": "paid",
        "name": None,
    }
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    row, rejects = v.validate(
        7, {"period": "202201", "uscc": "", "person_id": bad_id, "base": "-1", "status": "maybe"}
    )
    assert row is None
    assert [(r.line, r.column) for r in rejects] == [
        (7, "uscc"),
        (7, "person_id"),
        (7, "base"),
        (7, "status"),
    ]
    assert rejects[0].reason == "缺少必填值" and "负数" in rejects[2].reason


def test_region_codes_must_be_known_counties_or_below():
    v = RowValidator("monitoring_point_reports", regions=COUNTIES)
    base = {
        "point_id": "P1",
        "period": "202201",
        "outbound": "10",
        "returned": "1",
        "returned_unemployed": "0",
    }
    assert v.validate(2, {**base, "region_code": "410421100200"})[0] is not None
    assert v.validate(2, {**base, "region_code": "410499"})[1][0].reason == "未知区划代码"
    assert v.validate(2, {**base, "region_code": "4104"})[1][0].column == "region_code"


def test_job_postings_need_region_or_city():
    v = RowValidator("job_postings", regions=COUNTIES)
    base = {
        "posting_id": "J1",
        "employer_name": "E",
        "title": "T",
        "openings": "2",
        "posted_on": "2022-01-01",
    }
    assert v.validate(2, {**base, "city": "绍兴"})[0] is not None
    assert v.validate(2, base)[1][0].reason == "至少需要填写其中一项"
