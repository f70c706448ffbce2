"""``wenjiuye demo generate``: the files obey the data contract, the same seed gives the same
bytes, and every planted scenario in ``ground_truth.json`` is really in the data (recomputed
here from the generated files, independently of the generator's own bookkeeping), while
nothing unplanted reaches a planted threshold.

The small scale is generated once per module (about a second).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from wenjiuye.core.identifiers import check_resident_id, check_uscc
from wenjiuye.demo import DemoError, demo_generate
from wenjiuye.demo.identity import org_code_check_char

CITY_DIR = Path(__file__).resolve().parents[2] / "src" / "wenjiuye" / "reference" / "pingdingshan"
DEMO_SRC = Path(__file__).resolve().parents[2] / "src" / "wenjiuye" / "demo"
SEED = 7
KINDS = (
    "enterprises",
    "si_contributions",
    "employment_filings",
    "unemployment_registrations",
    "benefit_payments",
    "job_postings",
    "labour_cases",
    "enterprise_events",
    "enterprise_operations",
    "monitoring_point_reports",
)
# Required columns of docs/spec/data-contract.md: (English name, Chinese name or None).
REQUIRED: dict[str, list[tuple[str, str | None]]] = {
    "enterprises": [
        ("uscc", "统一社会信用代码"),
        ("name", "单位名称"),
        ("region_code", "行政区划代码"),
    ],
    "si_contributions": [
        ("period", "费款所属期"),
        ("uscc", "统一社会信用代码"),
        ("person_id", "公民身份号码"),
        ("base", "缴费基数"),
        ("status", "缴费状态"),
    ],
    "employment_filings": [
        ("person_id", "公民身份号码"),
        ("uscc", "统一社会信用代码"),
        ("kind", None),
        ("date", None),
    ],
    "unemployment_registrations": [
        ("person_id", "公民身份号码"),
        ("name", "姓名"),
        ("region_code", "常住地"),
        ("registered_on", "登记日期"),
    ],
    "benefit_payments": [
        ("person_id", "公民身份号码"),
        ("period", None),
        ("kind", None),
        ("amount", None),
    ],
    "job_postings": [
        ("posting_id", None),
        ("employer_name", None),
        ("title", "岗位名称"),
        ("openings", "招聘人数"),
        ("posted_on", None),
    ],
    "labour_cases": [
        ("case_id", None),
        ("uscc", "统一社会信用代码"),
        ("kind", None),
        ("people", "涉及人数"),
        ("filed_on", None),
    ],
    "enterprise_events": [("uscc", "统一社会信用代码"), ("date", None), ("kind", None)],
    "enterprise_operations": [("period", None), ("uscc", "统一社会信用代码")],
    "monitoring_point_reports": [
        ("point_id", None),
        ("region_code", "行政区划代码"),
        ("period", None),
        ("outbound", "外出务工人数"),
        ("returned", "返乡人数"),
        ("returned_unemployed", "返乡未就业人数"),
    ],
}
ZH_TO_EN = {
    "统一社会信用代码": "uscc",
    "单位名称": "name",
    "行政区划代码": "region_code",
    "行业代码": "industry",
    "职工总数": "employees",
    "外贸企业": "export_oriented",
    "公民身份号码": "person_id",
    "姓名": "name",
    "常住地": "region_code",
    "登记日期": "registered_on",
    "注销日期": "ended_on",
    "注销原因": "end_reason",
    "失业原因": "reason",
    "学历": "education",
}
PERIOD_FORMATS = {
    "YYYYMM": re.compile(r"^\d{4}(0[1-9]|1[0-2])$"),
    "YYYY-MM": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
}
DATE_FORMATS = {
    "YYYY-MM-DD": (re.compile(r"^\d{4}-\d{2}-\d{2}$"), "%Y-%m-%d"),
    "YYYY/MM/DD": (re.compile(r"^\d{4}/\d{2}/\d{2}$"), "%Y/%m/%d"),
    "YYYYMMDD": (re.compile(r"^\d{8}$"), "%Y%m%d"),
}


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    for pattern, fmt in DATE_FORMATS.values():
        if pattern.match(value):
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date)
    raise AssertionError(f"not a contract date: {value!r}")


def period_key(value: str) -> str:
    assert any(p.match(value) for p in PERIOD_FORMATS.values()), value
    return value.replace("-", "")


def read_table(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and rows (English column names) of a CSV (any contract encoding) or XLSX file."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        header = [str(h) for h in rows[0]]
        body = [list(r) for r in rows[1:]]
    else:
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            text = raw.decode("utf-8-sig")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gbk")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader)
        body = list(reader)
    names = [ZH_TO_EN.get(h, h) for h in header]
    return header, [dict(zip(names, r, strict=True)) for r in body]


@dataclass
class Demo:
    out: Path
    command_json: dict[str, Any]
    manifest: dict[str, Any]
    truth: dict[str, Any]
    periods: list[str]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    headcount: dict[str, list[int]] = field(default_factory=dict)
    arrears: dict[str, list[int]] = field(default_factory=dict)
    paid: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    insured: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def scenario(self, kind: str) -> dict[str, Any]:
        return next(s for s in self.truth["scenarios"] if s["type"] == kind)

    def first_day(self, period: str) -> date:
        return date(int(period[:4]), int(period[4:]), 1)

    def last_day(self, period: str) -> date:
        nxt = self.first_day(period) + timedelta(days=31)
        return nxt.replace(day=1) - timedelta(days=1)

    @property
    def window_end(self) -> date:
        return self.last_day(self.periods[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    out = tmp_path_factory.mktemp("demo") / "small"
    stdout = io.StringIO()
    call_command(
        "demo",
        "generate",
        "--scale",
        "small",
        "--seed",
        str(SEED),
        "--end",
        "202212",  # a fixed window: the command's default ends before today
        "--out",
        str(out),
        "--json",
        stdout=stdout,
    )
    command_json = json.loads(stdout.getvalue())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    first, count = truth["periods"]["first"], truth["periods"]["count"]
    y, m = int(first[:4]), int(first[4:])
    periods = [f"{y + (m - 1 + i) // 12}{(m - 1 + i) % 12 + 1:02d}" for i in range(count)]
    d = Demo(out, command_json, manifest, truth, periods)
    for f in manifest["files"]:
        header, rows = read_table(out / f["path"])
        d.headers.setdefault(f["kind"], header)
        d.tables.setdefault(f["kind"], []).extend(rows)
    index = {p: i for i, p in enumerate(periods)}
    for r in d.tables["si_contributions"]:
        p = period_key(r["period"])
        counts = d.headcount.setdefault(r["uscc"], [0] * count)
        counts[index[p]] += 1
        arrears = d.arrears.setdefault(r["uscc"], [0] * count)
        d.insured[r["person_id"]].add(p)
        if r["status"] == "arrears":
            arrears[index[p]] += 1
        else:
            d.paid[r["person_id"]].add(p)
    for e in d.tables["enterprises"]:
        d.headcount.setdefault(e["uscc"], [0] * count)
        d.arrears.setdefault(e["uscc"], [0] * count)
    return d


def planted_usccs(demo: Demo) -> set[str]:
    return {
        s["uscc"]
        for s in demo.truth["scenarios"]
        if "uscc" in s and s["type"] != "unregistered_separation"
    }


# ---------------------------------------------------------------------------- files


def test_command_prints_one_json_document_listing_every_file(demo: Demo) -> None:
    result = demo.command_json
    assert {"out", "files", "ground_truth", "seed", "scale"} <= set(result)
    assert result["seed"] == SEED and result["scale"] == "small"
    assert Path(result["ground_truth"]) == (demo.out / "ground_truth.json").resolve()
    assert {f["kind"] for f in result["files"]} == set(KINDS)
    for f in result["files"]:
        assert Path(f["path"]).is_file() and {"path", "kind", "format", "rows"} <= set(f)
    contributions = sorted(
        Path(f["path"]).name for f in result["files"] if f["kind"] == "si_contributions"
    )
    assert contributions == [f"si_contributions_{p}.csv" for p in demo.periods]
    assert demo.periods[0] == "202101" and demo.periods[-1] == "202212"


def test_manifest_has_rows_and_sha256_of_each_file(demo: Demo) -> None:
    names = {p.name for p in demo.out.iterdir()}
    assert names == {f["path"] for f in demo.manifest["files"]} | {
        "manifest.json",
        "ground_truth.json",
    }
    for f in demo.manifest["files"]:
        path = demo.out / f["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"]
        assert len(read_table(path)[1]) == f["rows"] > 0
    truth = demo.out / "ground_truth.json"
    assert hashlib.sha256(truth.read_bytes()).hexdigest() == demo.manifest["ground_truth"]["sha256"]


def test_same_seed_same_bytes_other_seed_other_files(demo: Demo, tmp_path: Path) -> None:
    again = demo_generate(out=tmp_path / "again", city_dir=CITY_DIR, scale="small", seed=SEED)
    for f in demo.manifest["files"] + [{"path": "ground_truth.json"}, {"path": "manifest.json"}]:
        assert (again.out / f["path"]).read_bytes() == (demo.out / f["path"]).read_bytes(), f[
            "path"
        ]
    # An earlier (even interrupted) demo run in the folder is replaced; another seed changes every file.
    stale = tmp_path / "again" / "si_contributions_201901.csv"
    stale.write_text("period,uscc,person_id,base,status\n", encoding="utf-8")
    other = demo_generate(out=tmp_path / "again", city_dir=CITY_DIR, scale="small", seed=SEED + 1)
    assert not stale.exists()
    for f in demo.manifest["files"]:
        assert (other.out / f["path"]).read_bytes() != (demo.out / f["path"]).read_bytes(), f[
            "path"
        ]


def test_every_kind_has_its_required_columns(demo: Demo) -> None:
    for kind in KINDS:
        header = demo.headers[kind]
        for english, chinese in REQUIRED[kind]:
            assert english in header or (chinese and chinese in header), (kind, english)
    assert {"region_code", "city"} & set(demo.headers["job_postings"])
    assert {"output_value", "export_value", "orders_index", "electricity"} <= set(
        demo.headers["enterprise_operations"]
    )
    # Two kinds come with Chinese headers, as Excel in China writes them.
    assert "统一社会信用代码" in demo.headers["enterprises"]
    assert "公民身份号码" in demo.headers["unemployment_registrations"]


def test_headers_are_detected_by_the_loader(demo: Demo) -> None:
    contract = pytest.importorskip("wenjiuye.intake.contract")
    for kind in KINDS:
        assert contract.detect_kind(demo.headers[kind]) == kind


def test_every_row_passes_the_loaders_validation(demo: Demo) -> None:
    readers = pytest.importorskip("wenjiuye.intake.readers")
    validation = pytest.importorskip("wenjiuye.intake.validation")
    regions = {
        line.split(",")[0]
        for line in (CITY_DIR / "regions.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    for f in demo.manifest["files"]:
        opened = readers.open_file(demo.out / f["path"])
        assert opened.kind == f["kind"]
        validator = validation.RowValidator(f["kind"], regions=regions, today=demo.window_end)
        rejects = [
            r for line, raw in readers.read_rows(opened) for r in validator.validate(line, raw)[1]
        ]
        assert rejects == [], (f["path"], rejects[:3])


def test_encodings_and_workbooks(demo: Demo) -> None:
    formats = {f["path"]: f["format"] for f in demo.manifest["files"]}
    assert set(formats.values()) == {"csv-utf-8", "csv-utf-8-bom", "csv-gbk", "xlsx"}
    for name, fmt in formats.items():
        raw = (demo.out / name).read_bytes()
        if fmt == "csv-gbk":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            assert "," in raw.decode("gbk")
        elif fmt == "csv-utf-8-bom":
            assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig")
        elif fmt == "csv-utf-8":
            assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8")
        else:
            wb = openpyxl.load_workbook(demo.out / name)
            first = [c.value for c in wb.worksheets[0][1]]
            assert first[0] in ("posting_id", "case_id") and None not in first
    assert formats["enterprises.csv"] == formats["unemployment_registrations.csv"] == "csv-gbk"
    assert formats["labour_cases.xlsx"] == formats["job_postings.xlsx"] == "xlsx"


def test_periods_and_dates_use_the_contracts_formats(demo: Demo) -> None:
    period_columns = {"si_contributions": "period", "benefit_payments": "period",
                      "enterprise_operations": "period", "monitoring_point_reports": "period"}  # fmt: skip
    date_columns = {"employment_filings": ["date"], "unemployment_registrations": ["registered_on", "ended_on"],
                    "job_postings": ["posted_on", "closes_on"], "labour_cases": ["filed_on", "closed_on"],
                    "enterprise_events": ["date"]}  # fmt: skip
    seen_periods, seen_dates = set(), set()
    for kind, column in period_columns.items():
        for r in demo.tables[kind]:
            fmt = next(name for name, p in PERIOD_FORMATS.items() if p.match(r[column]))
            seen_periods.add(fmt)
            assert period_key(r[column]) in demo.periods
    for kind, columns in date_columns.items():
        for r in demo.tables[kind]:
            for column in columns:
                value = r[column]
                if value in ("", None):
                    assert column in ("ended_on", "closed_on")
                    continue
                if isinstance(value, datetime):
                    seen_dates.add("xlsx-date")
                else:
                    seen_dates.add(next(n for n, (p, _) in DATE_FORMATS.items() if p.match(value)))
                parse_date(value)
    assert seen_periods == set(PERIOD_FORMATS)
    assert set(DATE_FORMATS) <= seen_dates


def test_person_ids_are_valid_and_ages_plausible(demo: Demo) -> None:
    ids = set(demo.insured)
    for kind in ("employment_filings", "unemployment_registrations", "benefit_payments"):
        ids |= {r["person_id"] for r in demo.tables[kind]}
    assert len(ids) > 4000
    local = 0
    for pid in ids:
        check = check_resident_id(pid, today=demo.window_end)
        assert check.valid, (pid, check.reason)
        local += pid.startswith("4104")
        if pid in demo.insured:
            periods = sorted(demo.insured[pid])
            for day in (demo.first_day(periods[0]), demo.last_day(periods[-1])):
                age = check_resident_id(pid, today=day).age
                assert age is not None and 16 <= age <= 65, (pid, day)
    assert 0.8 < local / len(ids) < 0.97  # most live here, some came from elsewhere
    names = {r["person_id"]: r["name"] for r in demo.tables["si_contributions"]}
    assert all(2 <= len(n) <= 4 for n in names.values())


def test_credit_codes_are_valid_and_match_the_region(demo: Demo) -> None:
    counties = {line.split(",")[0] for line in (CITY_DIR / "regions.csv").read_text(encoding="utf-8").splitlines()[1:]
                if line.split(",")[2] in ("county", "zone")}  # fmt: skip
    assert (
        len({e["uscc"] for e in demo.tables["enterprises"]})
        == len(demo.tables["enterprises"])
        >= 100
    )
    assert len({e["name"] for e in demo.tables["enterprises"]}) == len(demo.tables["enterprises"])
    for e in demo.tables["enterprises"]:
        code = e["uscc"]
        assert check_uscc(code).valid, code
        assert code[0] == "9" and code[1] in "123"
        assert code[16] == org_code_check_char(code[8:16])  # GB 11714 organisation code
        assert e["region_code"] in counties and code[2:8] == e["region_code"]
        assert re.fullmatch(r"\d{4}", e["industry"]) and int(e["employees"]) >= 0
        assert e["export_oriented"] in ("0", "1")
    known = {e["uscc"] for e in demo.tables["enterprises"]}
    for kind in (
        "si_contributions",
        "employment_filings",
        "labour_cases",
        "enterprise_events",
        "enterprise_operations",
    ):
        assert {r["uscc"] for r in demo.tables[kind]} <= known, kind
    assert (
        org_code_check_char("60003734") == "1"
    )  # 91110000600037341L, the example of python-stdnum


def test_region_codes_and_counts(demo: Demo) -> None:
    counties = {line.split(",")[0] for line in (CITY_DIR / "regions.csv").read_text(encoding="utf-8").splitlines()[1:]
                if line.split(",")[2] in ("county", "zone")}  # fmt: skip
    assert {r["region_code"] for r in demo.tables["unemployment_registrations"]} <= counties
    for r in demo.tables["monitoring_point_reports"]:
        assert len(r["region_code"]) == 12 and r["region_code"][:6] in counties
        assert min(int(r["outbound"]), int(r["returned"]), int(r["returned_unemployed"])) >= 0
        assert int(r["returned_unemployed"]) <= int(r["returned"])
    assert len({r["point_id"] for r in demo.tables["monitoring_point_reports"]}) == 8
    postings = demo.tables["job_postings"]
    assert 250 <= len(postings) <= 350
    assert len({p["posting_id"] for p in postings}) == len(postings)
    for p in postings:
        assert bool(p["region_code"]) != bool(p["city"])
        assert p["region_code"] is None or p["region_code"] in counties
        assert p["openings"] >= 1 and p["salary_min"] <= p["salary_max"]
        assert p["title"] and p["occupation"] and p["description"]
    assert {p["city"] for p in postings if p["city"]} == {
        "绍兴市",
        "东莞市",
        "台州市",
        "嘉兴市",
        "威海市",
        "黄石市",
    }
    assert all(int(c["people"]) >= 1 for c in demo.tables["labour_cases"])
    for b in demo.tables["benefit_payments"]:
        assert b["kind"] in ("ui_benefit", "subsidy", "temp_allowance") and float(b["amount"]) > 0
        if b["kind"] != "ui_benefit":
            assert b["period"].startswith("2022")  # the 2022 policy's effective year
    for r in demo.tables["si_contributions"]:
        assert 2000 <= float(r["base"]) <= 12000 and r["status"] in ("paid", "arrears")
    assert 400 <= len(demo.tables["unemployment_registrations"]) <= 800
    assert 3800 <= sum(h[0] for h in demo.headcount.values()) <= 4300


def test_no_python_module_of_the_generator_holds_city_data() -> None:
    for path in DEMO_SRC.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "平顶山" not in text and "舞钢" not in text and "绍兴" not in text, path.name
        assert not re.search(r"\b41\d{4}\b", text), path.name


# ---------------------------------------------------------------------------- enterprise scenarios


def test_layoff_cuts_thirty_percent_over_two_months(demo: Demo) -> None:
    s = demo.scenario("layoff_30pct_2m")
    assert s["expected_flags"] == ["layoff_suspected"]
    h = demo.headcount[s["uscc"]]
    i = demo.periods.index(s["periods"][0])
    assert h[i - 1] >= 100
    assert h[i] <= 0.9 * h[i - 1] and h[i + 1] <= 0.9 * h[i]
    assert 0.27 <= (h[i - 1] - h[i + 1]) / h[i - 1] <= 0.33
    assert h[i + 1 :] == [h[i + 1]] * (len(h) - i - 1)
    cut = {f["person_id"] for f in demo.tables["employment_filings"]
           if f["uscc"] == s["uscc"] and f["reason"] == "经济性裁员"}  # fmt: skip
    assert cut == set(s["person_ids"]) and len(cut) == h[i - 1] - h[i + 1]
    last = {r["person_id"] for r in demo.tables["si_contributions"]
            if r["uscc"] == s["uscc"] and period_key(r["period"]) == demo.periods[-1]}  # fmt: skip
    assert last == set(s["remaining_person_ids"]) and s["remaining_expected_flags"] == [
        "at_risk_worker"
    ]


def test_contributions_stop_after_a_stoppage(demo: Demo) -> None:
    s = demo.scenario("contributions_stop")
    h = demo.headcount[s["uscc"]]
    i = demo.periods.index(s["periods"][0])
    assert h[i - 1] >= 10 and all(x == 0 for x in h[i:])
    events = [
        (e["kind"], parse_date(e["date"]))
        for e in demo.tables["enterprise_events"]
        if e["uscc"] == s["uscc"]
    ]
    assert [k for k, _ in events] == ["stoppage"]
    assert demo.first_day(demo.periods[i - 1]) <= events[0][1] <= demo.last_day(demo.periods[i - 1])
    # The workers were insured elsewhere the very month (no unregistered separation).
    for pid in s["person_ids"]:
        assert demo.periods[i] in demo.paid[pid]


def test_arrears_for_consecutive_months(demo: Demo) -> None:
    s = demo.scenario("arrears")
    i = [demo.periods.index(p) for p in s["periods"]]
    assert len(i) >= 2 and i == list(range(i[0], i[0] + len(i)))
    for k in i:
        share = demo.arrears[s["uscc"]][k] / demo.headcount[s["uscc"]][k]
        assert 0.3 <= share < 1  # material, but not the whole firm (that would be a break)
    assert sum(demo.arrears[s["uscc"]]) == sum(demo.arrears[s["uscc"]][k] for k in i)


def test_wage_arrears_cluster(demo: Demo) -> None:
    s = demo.scenario("wage_arrears_cluster")
    cases = sorted((parse_date(c["filed_on"]), c["kind"], int(c["people"]))
                   for c in demo.tables["labour_cases"] if c["uscc"] == s["uscc"])  # fmt: skip
    assert len(cases) >= 3 and (cases[2][0] - cases[0][0]).days <= 90
    assert any(kind == "wage_arrears" and people >= 30 for _, kind, people in cases)
    assert set(s["expected_flags"]) == {"wage_arrears", "frequent_disputes"}


def test_export_drop_and_no_other_drop(demo: Demo) -> None:
    s = demo.scenario("export_drop")
    values: dict[str, dict[str, tuple[float, float | None]]] = defaultdict(dict)
    for r in demo.tables["enterprise_operations"]:
        values[r["uscc"]][period_key(r["period"])] = (
            float(r["output_value"]),
            float(r["export_value"]) if r["export_value"] else None,
        )
    exporters = {e["uscc"] for e in demo.tables["enterprises"] if e["export_oriented"] == "1"}
    assert s["uscc"] in exporters and len(values) >= 10  # output of every reporting firm is checked
    for uscc, by_period in values.items():
        for i, p in enumerate(demo.periods[12:], start=12):
            year_before = by_period.get(demo.periods[i - 12])
            if p not in by_period or not year_before:
                continue
            output, export = by_period[p]
            assert output / year_before[0] > 0.7, (uscc, p)  # no output drop of 30 %
            if export is not None and year_before[1]:
                dropped = export / year_before[1] < 0.7
                assert dropped == (uscc == s["uscc"] and p in s["periods"]), (uscc, p)


def test_controls_stay_quiet(demo: Demo) -> None:
    controls = demo.truth["controls"]["enterprises"]
    assert len(controls) >= 20 and demo.truth["controls"]["expected_flags"] == []
    cases = {c["uscc"] for c in demo.tables["labour_cases"]}
    events = {e["uscc"] for e in demo.tables["enterprise_events"]}
    for c in controls:
        h = demo.headcount[c["uscc"]]
        assert min(h) == c["headcount_min"] and max(h) == c["headcount_max"] and min(h) >= 20
        for a, b in zip(h, h[1:], strict=False):
            assert abs(b - a) < 5 and abs(b - a) < 0.05 * a
        assert sum(demo.arrears[c["uscc"]]) == 0
        assert c["uscc"] not in cases and c["uscc"] not in events
    assert not {c["uscc"] for c in controls} & planted_usccs(demo)


def test_no_unplanted_enterprise_reaches_a_planted_threshold(demo: Demo) -> None:
    planted = planted_usccs(demo)
    stop = demo.scenario("contributions_stop")["uscc"]
    layoff = demo.scenario("layoff_30pct_2m")["uscc"]
    arrears = demo.scenario("arrears")["uscc"]
    for uscc, h in demo.headcount.items():
        a = demo.arrears[uscc]
        for i in range(1, len(h)):
            drop = h[i - 1] - h[i]
            two_months = h[i - 2] - h[i] if i >= 2 else 0
            layoff_like = drop >= 20 or (drop >= 5 and drop >= 0.1 * h[i - 1])
            layoff_like |= two_months >= 20 or (two_months >= 5 and two_months >= 0.1 * h[i - 2])
            if uscc not in (stop, layoff):
                assert not layoff_like, (uscc, i, h)
                assert h[i] > 0 or h[i - 1] == 0, (uscc, i)
                if h[i - 1] >= 10:
                    assert a[i] < h[i], (uscc, i)  # no whole-firm break either
            if uscc != arrears:
                assert not (a[i - 1] and a[i]), (uscc, i)  # never two arrears months in a row
                assert not a[i] or h[i - 1] < 10
    by_firm: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for c in demo.tables["labour_cases"]:
        by_firm[c["uscc"]].append((parse_date(c["filed_on"]), c["kind"]))
    wage = demo.scenario("wage_arrears_cluster")["uscc"]
    for uscc, cases in by_firm.items():
        if uscc == wage:
            continue
        cases.sort()
        assert all(kind in ("dispute", "complaint") for _, kind in cases), uscc
        assert all((cases[i + 2][0] - cases[i][0]).days > 90 for i in range(len(cases) - 2)), uscc
    resumed = {e["uscc"] for e in demo.tables["enterprise_events"] if e["kind"] == "resumed"}
    stopped = {e["uscc"] for e in demo.tables["enterprise_events"] if e["kind"] == "stoppage"}
    assert stopped - resumed == {stop}
    assert not planted - set(demo.headcount)


# ---------------------------------------------------------------------------- people and regions


def registrations(demo: Demo) -> list[tuple[str, str, date, date | None]]:
    return [
        (
            r["person_id"],
            r["region_code"],
            parse_date(r["registered_on"]),
            parse_date(r["ended_on"]) if r["ended_on"] else None,
        )
        for r in demo.tables["unemployment_registrations"]
    ]


def test_county_unemployment_climb_and_quiet_counties(demo: Demo) -> None:
    s = demo.scenario("county_unemployment_climb")
    region = {e["uscc"]: e["region_code"] for e in demo.tables["enterprises"]}
    employed: dict[str, list[set[str]]] = defaultdict(lambda: [set() for _ in demo.periods])
    index = {p: i for i, p in enumerate(demo.periods)}
    for r in demo.tables["si_contributions"]:
        employed[region[r["uscc"]]][index[period_key(r["period"])]].add(r["person_id"])
    stock: dict[str, list[int]] = defaultdict(lambda: [0] * len(demo.periods))
    for _, county, on, ended in registrations(demo):
        for i, p in enumerate(demo.periods):
            end = demo.last_day(p)
            if on <= end and (ended is None or ended > end):
                stock[county][i] += 1
    rises = {}
    for county, people in employed.items():
        rates = [
            stock[county][i] / (len(people[i]) + stock[county][i]) for i in range(len(demo.periods))
        ]
        avg = [
            sum(rates[i - 2 : i + 1]) / 3 for i in range(2, len(rates))
        ]  # avg[k] ends at month k + 2
        sahm = max(avg[k] - min(avg[max(0, k - 12) : k]) for k in range(1, len(avg)))
        strict = max(avg[k] - min(rates[max(0, k + 2 - 12) : k + 2]) for k in range(1, len(avg)))
        rises[county] = (sahm * 100, strict * 100)
        if county == s["region_code"]:
            for i, p in enumerate(demo.periods):
                assert s["series"][p]["employed"] == len(people[i])
                assert s["series"][p]["registered_stock"] == stock[county][i]
    climb = s["region_code"]
    assert rises[climb][0] >= 0.5, rises[climb]
    for county, (_, strict) in rises.items():
        if county != climb:
            assert strict < 0.5, (county, strict)
    inflow = [v["inflow"] for v in s["series"].values()]
    climb_stock = [v["registered_stock"] for v in s["series"].values()]
    climb_from = demo.periods.index(s["periods"][0])
    before = sum(inflow[climb_from - 12 : climb_from]) / 12
    assert sum(inflow[-4:]) / 4 > 1.5 * before
    assert climb_stock[-1] == max(climb_stock) > 2 * climb_stock[climb_from - 1]


def test_benefit_while_contributing(demo: Demo) -> None:
    s = demo.scenario("benefit_while_contributing")
    overlap: dict[str, set[str]] = defaultdict(set)
    for b in demo.tables["benefit_payments"]:
        p = period_key(b["period"])
        if b["kind"] == "ui_benefit" and p in demo.paid[b["person_id"]]:
            overlap[b["person_id"]].add(p)
    assert len(overlap) >= 5 and set(overlap) == set(s["person_ids"])
    for person in s["persons"]:
        assert overlap[person["person_id"]] == set(person["periods"])


def test_registered_but_contributing(demo: Demo) -> None:
    planted = demo.scenario("registered_but_contributing")
    with_benefit = demo.scenario("benefit_while_contributing")
    found: set[str] = set()
    for pid, _, on, ended in registrations(demo):
        for p in demo.paid[pid]:
            if on <= demo.last_day(p) and (ended is None or ended >= demo.first_day(p)):
                found.add(pid)
    assert len(planted["person_ids"]) >= 5
    assert found == set(planted["person_ids"]) | set(with_benefit["person_ids"])
    assert "registered_but_contributing" in with_benefit["expected_flags"]
    benefits = {b["person_id"] for b in demo.tables["benefit_payments"]}
    assert not benefits & set(planted["person_ids"])


def test_unregistered_separations_and_the_60_day_boundary(demo: Demo) -> None:
    s = demo.scenario("unregistered_separation")
    regs: dict[str, list[date]] = defaultdict(list)
    for pid, _, on, _ in registrations(demo):
        regs[pid].append(on)
    flagged = set()
    for f in demo.tables["employment_filings"]:
        if f["kind"] != "separation" or f["reason"] == "退休":
            continue
        sep = parse_date(f["date"])
        if sep + timedelta(days=60) > demo.window_end:
            continue  # not yet 60 days observed
        insured_again = any(
            demo.first_day(p) > sep and demo.first_day(p) <= sep + timedelta(days=60)
            for p in demo.insured[f["person_id"]]
        )
        registered = any(sep < on <= sep + timedelta(days=60) for on in regs[f["person_id"]])
        if not insured_again and not registered:
            flagged.add(f["person_id"])
    assert len(s["persons"]) >= 10
    assert flagged == set(s["person_ids"])
    days = sorted(b["days"] for b in s["boundary_controls"])
    assert days[0] == 59 and days[-1] == 61 and set(days) == {59, 61}
    for b in s["boundary_controls"]:
        gap = (date.fromisoformat(b["registered_on"]) - date.fromisoformat(b["separated_on"])).days
        assert gap == b["days"] and date.fromisoformat(b["registered_on"]) in regs[b["person_id"]]
        assert (b["person_id"] in flagged) == (b["days"] == 61) == bool(b["expected_flags"])
    # Retirements are separations without follow-up too, but at the statutory age.
    retired = demo.truth["background"]["retirements"]["person_ids"]
    for f in demo.tables["employment_filings"]:
        if f["reason"] == "退休":
            assert f["person_id"] in retired
            check = check_resident_id(f["person_id"], today=parse_date(f["date"]))
            assert check.age == (60 if check.gender == "M" else 50)


def longest_rise(values: list[int]) -> int:
    run = longest = 0
    for a, b in zip(values, values[1:], strict=False):
        run = run + 1 if b > a else 0
        longest = max(longest, run)
    return longest


def test_returned_unemployed_rise_at_one_point_only(demo: Demo) -> None:
    s = demo.scenario("returned_unemployed_rise")
    reports = sorted(
        demo.tables["monitoring_point_reports"], key=lambda r: (r["point_id"], r["period"])
    )
    by_point: dict[str, list[int]] = defaultdict(list)
    by_county: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in reports:
        by_point[r["point_id"]].append(int(r["returned_unemployed"]))
        by_county[r["region_code"][:6]][r["period"]] += int(r["returned_unemployed"])
    for point, values in by_point.items():
        assert (longest_rise(values) >= 3) == (point == s["point_id"]), point
    for county, sums in by_county.items():  # a rule may also watch a county's points together
        values = [sums[p] for p in sorted(sums)]
        assert (longest_rise(values) >= 3) == (county == s["county_region_code"]), county
    tail = by_point[s["point_id"]][-len(s["periods"]) :]
    assert tail == [s["returned_unemployed"][p] for p in s["periods"]]


def test_ground_truth_lists_every_scenario_with_identifiers_and_flags(demo: Demo) -> None:
    types = [s["type"] for s in demo.truth["scenarios"]]
    assert types == [
        "layoff_30pct_2m",
        "contributions_stop",
        "arrears",
        "wage_arrears_cluster",
        "county_unemployment_climb",
        "benefit_while_contributing",
        "registered_but_contributing",
        "unregistered_separation",
        "export_drop",
        "returned_unemployed_rise",
    ]
    for s in demo.truth["scenarios"]:
        assert s["expected_flags"] and s["periods"]
        assert {"uscc", "region_code", "person_ids", "point_id"} & set(s)
        assert all(p in demo.periods for p in s["periods"])
    assert "rate_definition" in demo.scenario("county_unemployment_climb")


# ---------------------------------------------------------------------------- refusals


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DemoError):
        demo_generate(out=tmp_path / "a", city_dir=CITY_DIR, months=12)
    with pytest.raises(DemoError):
        demo_generate(out=tmp_path / "a", city_dir=CITY_DIR, scale="huge")
    with pytest.raises(CommandError, match="YYYYMM"):
        call_command(
            "demo",
            "generate",
            "--end",
            "2022-12",
            "--out",
            str(tmp_path / "b"),
            stdout=io.StringIO(),
        )
    foreign = tmp_path / "c"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DemoError, match="不是空文件夹"):
        demo_generate(out=foreign, city_dir=CITY_DIR)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
