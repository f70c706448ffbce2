"""The reject report repeats uploaded values: those a spreadsheet would run come out as text."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.factories import make_uscc
from tests.intake.test_ingest import home, write_gbk  # noqa: F401 (fixture)
from wenjiuye.intake.services import ingest_file


def test_formula_values_in_rejected_rows_are_written_as_text(home, regions):  # noqa: F811
    good = make_uscc("410421", 21)
    path = write_gbk(
        home / "企业名录.csv",
        ["统一社会信用代码", "单位名称", "行政区划代码", "职工总数"],
        [
            [good, "宝丰甲公司", "410421", "120"],
            ['=HYPERLINK("http://evil.example","x")', "甲", "410421", "1"],
            [good, "乙", "=1+2", "1"],
            [good, "丙", "410421", "-5"],
            ["@SUM(1+1)*cmd|' /C calc'!A0", "丁", "410421", "1"],
        ],
    )
    result = ingest_file(path=path)
    assert (result.accepted, result.rejected) == (1, 4)
    report = Path(result.report)
    with report.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["column"], r["value"]) for r in rows] == [
        ("3", "uscc", '\'=HYPERLINK("http://evil.example","x")'),
        ("4", "region_code", "'=1+2"),
        ("5", "employees", "'-5"),  # text from the upload, not a number
        ("6", "uscc", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ]
    assert [p.name for p in report.parent.iterdir()] == [report.name]  # no temporary file
