"""Loading files end to end: reject reports, idempotence, period replacement, the lake, exit codes."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_id, make_uscc
from wenjiuye.core.models import Event
from wenjiuye.intake.lake import lake_files
from wenjiuye.intake.models import ImportBatch, LabourCase
from wenjiuye.intake.services import ingest_file, store_snapshots_write
from wenjiuye.registry.models import Enterprise


@pytest.fixture
def home(settings, tmp_path):
    settings.WENJIUYE_HOME = tmp_path
    return tmp_path


def write_gbk(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buf = StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def test_gbk_chinese_headers_good_rows_load_bad_rows_reported(home, regions):
    good1, good2 = make_uscc("410421", 11), make_uscc("410422", 12)
    bad_check = good1[:-1] + ("0" if good1[-1] != "0" else "1")
    path = write_gbk(
        home / "企业名录.csv",
        ["统一社会信用代码", "单位名称", "行政区划代码", "职工总数"],
        [
            [good1, "宝丰甲公司", "410421", "120"],
            [bad_check, "校验码错的公司", "410421", "10"],
            [good2, "叶县乙公司", "410499", "30"],
            [good2, "叶县乙公司", "410422", "-5"],
            [good2, "叶县乙公司", "410422", "30"],
        ],
    )
    result = ingest_file(path=path)
    assert (result.kind, result.rows, result.accepted, result.rejected) == ("enterprises", 5, 2, 3)
    assert set(Enterprise.objects.values_list("uscc", flat=True)) == {good1, good2}
    with open(result.report, encoding="utf-8-sig", newline="") as fh:
        report = list(csv.DictReader(fh))
    assert [(r["file"], r["line"], r["column"]) for r in report] == [
        ("企业名录.csv", "3", "uscc"),
        ("企业名录.csv", "4", "region_code"),
        ("企业名录.csv", "5", "employees"),
    ]
    assert report[1]["reason"] == "未知区划代码" and report[1]["value"] == "410499"

    events = Event.objects.count()
    again = ingest_file(path=path)
    assert again.duplicate and again.batch_id == result.batch_id
    assert Enterprise.objects.count() == 2 and ImportBatch.objects.count() == 1
    assert Event.objects.count() == events
    archived = Path(ImportBatch.objects.get().archived_path)
    assert archived.read_bytes() == path.read_bytes()


def contributions(path: Path, period: str, people: list[str], uscc: str) -> Path:
    lines = ["period,uscc,person_id,base,status"] + [
        f"{period},{uscc},{p},3000,paid" for p in people
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_lake_kinds_go_to_parquet_and_a_corrected_period_replaces_it(home, regions):
    uscc = make_uscc("410421", 21)
    people = [make_id("410421", "19850101", i) for i in range(1, 6)]
    first = ingest_file(path=contributions(home / "c1.csv", "2022-01", people, uscc))
    assert first.periods == ["202201"]
    files = lake_files("si_contributions", "202201")
    assert [f.name for f in files] == [f"batch-{first.batch_id}.parquet"]
    table = pq.read_table(files[0])
    assert table.num_rows == 5 and "period" not in table.column_names  # it is the folder's name

    corrected = ingest_file(
        path=contributions(home / "c1-corrected.csv", "202201", people[:3], uscc)
    )
    assert corrected.replaced == [first.batch_id]
    files = lake_files("si_contributions", "202201")
    assert [f.name for f in files] == [f"batch-{corrected.batch_id}.parquet"]
    assert pq.read_table(files[0]).num_rows == 3
    assert ImportBatch.objects.get(pk=first.batch_id).status == "replaced"
    assert list(ImportBatch.objects.get(pk=corrected.batch_id).replaces.all()) == [
        ImportBatch.objects.get(pk=first.batch_id)
    ]
    assert Event.objects.filter(action="import", note__contains="replaces").count() == 1


def test_store_kinds_update_by_key(home, regions):
    uscc = make_uscc("410421", 31)
    path = home / "cases.csv"
    path.write_text(
        f"case_id,uscc,kind,people,filed_on\nC-1,{uscc},欠薪,12,2022/05/01\n", encoding="utf-8"
    )
    ingest_file(path=path)
    path2 = home / "cases-v2.csv"
    path2.write_text(
        f"case_id,uscc,kind,people,filed_on,closed_on\nC-1,{uscc},wage_arrears,15,20220501,2022-06-01\n",
        encoding="utf-8",
    )
    ingest_file(path=path2)
    case = LabourCase.objects.get()
    assert (case.people, str(case.closed_on), case.kind) == (15, "2022-06-01", "wage_arrears")


def test_command_json_output(home, regions):
    uscc = make_uscc("410421", 41)
    path = contributions(home / "c.csv", "202203", [make_id("410421", "19900101", 1)], uscc)
    out = StringIO()
    call_command("ingest", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["files"][0] | {"report": None} == data["files"][0]
    assert {k: data["files"][0][k] for k in ("kind", "rows", "accepted", "rejected")} == {
        "kind": "si_contributions",
        "rows": 1,
        "accepted": 1,
        "rejected": 0,
    }


def test_an_unreadable_file_exits_2_and_changes_nothing(home, regions):
    good = contributions(
        home / "good.csv", "202201", [make_id("410421", "19900101", 2)], make_uscc("410421", 51)
    )
    bad = home / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    before = (ImportBatch.objects.count(), Event.objects.count())
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest", str(good), str(bad))
    assert excinfo.value.returncode == 2 and "无法从表头识别文件类型" in str(excinfo.value)
    assert (ImportBatch.objects.count(), Event.objects.count()) == before
    assert not (home / "lake").exists()


def test_store_snapshots_for_the_engines(home, regions):
    uscc = make_uscc("410421", 61)
    (home / "e.csv").write_text(
        f"uscc,name,region_code,employees,export_oriented\n{uscc},甲,410421,50,1\n",
        encoding="utf-8",
    )
    ingest_file(path=home / "e.csv")
    written = store_snapshots_write()
    assert set(written) == {
        "enterprises",
        "unemployment_registrations",
        "job_postings",
        "labour_cases",
        "enterprise_events",
        "monitoring_point_reports",
    }
    table = pq.read_table(written["enterprises"])
    assert table.to_pylist() == [
        {
            "uscc": uscc,
            "name": "甲",
            "region_code": "410421",
            "industry": "",
            "employees": 50,
            "export_oriented": 1,
        }
    ]
    assert pq.read_table(written["labour_cases"]).num_rows == 0
