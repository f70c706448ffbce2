"""Fixtures and small builders for the monitoring engine's tests (no Django, no database).

``Data`` collects rows of the contract kinds; ``run_duckdb`` executes every output on an in-memory
DuckDB and returns pandas frames. The Spark session is session-scoped and only started by the
tests marked ``slow``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import ibis
import pandas as pd
import pytest

from tests.conftest import make_id, make_uscc
from wenjiuye.core.reference import reference_load_default
from wenjiuye.intake.lake import connect_duckdb
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring.engines import run_tables
from wenjiuye.monitoring.params import RuleParams
from wenjiuye.monitoring.schema import INPUT_SCHEMAS

COUNTY = "410421"  # 宝丰县
OTHER_COUNTY = "410422"  # 叶县
CITY = "410400"


def month_end(period: str) -> date:
    y, m = int(period[:4]), int(period[4:])
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return nxt - timedelta(days=1)


def month_start(period: str) -> date:
    return date(int(period[:4]), int(period[4:]), 1)


def periods(first: str, count: int) -> list[str]:
    y, m = int(first[:4]), int(first[4:])
    out = []
    for _ in range(count):
        out.append(f"{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class Data:
    """Rows of the contract kinds, built up by the tests."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    # enterprises and their insured persons ----------------------------------------------------
    def enterprise(self, uscc: str, region: str = COUNTY, employees: int | None = None) -> Data:
        self.rows["enterprises"].append(
            {
                "uscc": uscc,
                "name": f"{uscc}有限公司",
                "region_code": region,
                "industry": "C",
                "employees": employees,
                "export_oriented": 0,
            }
        )
        return self

    def staff(
        self,
        uscc: str,
        counts: dict[str, int] | Iterable[tuple[str, int]],
        *,
        arrears: dict[str, int] | None = None,
        prefix: str | None = None,
        region: str = COUNTY,
        register: bool = True,
    ) -> Data:
        """``counts[period]`` persons ``<prefix>0000 …`` insured at ``uscc``; the first
        ``arrears[period]`` of them in arrears."""
        if register and not any(e["uscc"] == uscc for e in self.rows["enterprises"]):
            self.enterprise(uscc, region)
        prefix = prefix or uscc
        items = counts.items() if isinstance(counts, dict) else counts
        for period, n in items:
            owing = (arrears or {}).get(period, 0)
            for i in range(n):
                self.contribution(
                    period, uscc, f"{prefix}{i:05d}", "arrears" if i < owing else "paid"
                )
        return self

    def contribution(self, period: str, uscc: str, person: str, status: str = "paid") -> Data:
        self.rows["si_contributions"].append(
            {"period": period, "uscc": uscc, "person_id": person, "base": 4000.0, "status": status}
        )
        return self

    # other kinds ----------------------------------------------------------------------------
    def filing(
        self, person: str, uscc: str, kind: str, on: date, reason: str | None = None
    ) -> Data:
        self.rows["employment_filings"].append(
            {"person_id": person, "uscc": uscc, "kind": kind, "date": on, "reason": reason}
        )
        return self

    def registration(
        self, person: str, on: date, ended: date | None = None, region: str = COUNTY
    ) -> Data:
        self.rows["unemployment_registrations"].append(
            {
                "person_id": person,
                "name": "测试",
                "region_code": region,
                "registered_on": on,
                "ended_on": ended,
                "end_reason": "就业" if ended else None,
            }
        )
        return self

    def benefit(
        self, person: str, period: str, kind: str = "ui_benefit", amount: float = 1500.0
    ) -> Data:
        self.rows["benefit_payments"].append(
            {"person_id": person, "period": period, "kind": kind, "amount": amount}
        )
        return self

    def posting(
        self,
        posting_id: str,
        openings: int,
        posted: date,
        closes: date | None = None,
        region: str | None = COUNTY,
        city: str | None = None,
    ) -> Data:
        self.rows["job_postings"].append(
            {
                "posting_id": posting_id,
                "employer_name": "招聘单位",
                "title": "普工",
                "region_code": region,
                "city": city,
                "openings": openings,
                "posted_on": posted,
                "closes_on": closes,
            }
        )
        return self

    def case(
        self,
        case_id: str,
        uscc: str,
        kind: str,
        people: int,
        filed: date,
        closed: date | None = None,
    ) -> Data:
        self.rows["labour_cases"].append(
            {
                "case_id": case_id,
                "uscc": uscc,
                "kind": kind,
                "people": people,
                "filed_on": filed,
                "closed_on": closed,
            }
        )
        return self

    def event(self, uscc: str, on: date, kind: str) -> Data:
        self.rows["enterprise_events"].append({"uscc": uscc, "date": on, "kind": kind})
        return self

    def operations(
        self, uscc: str, period: str, output: float | None = None, export: float | None = None
    ) -> Data:
        self.rows["enterprise_operations"].append(
            {"period": period, "uscc": uscc, "output_value": output, "export_value": export}
        )
        return self

    def point(self, point_id: str, region: str, period: str, returned_unemployed: int) -> Data:
        self.rows["monitoring_point_reports"].append(
            {
                "point_id": point_id,
                "region_code": region,
                "period": period,
                "outbound": 500,
                "returned": 50,
                "returned_unemployed": returned_unemployed,
            }
        )
        return self

    # output -----------------------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        out: dict[str, pd.DataFrame] = {}
        for kind, rows in self.rows.items():
            if not rows:
                continue
            df = pd.DataFrame(rows)
            for col, typ in INPUT_SCHEMAS[kind].items():
                if col in df and typ == "date":
                    df[col] = pd.Series(list(df[col]), dtype="object")
            out[kind] = df
        return out

    def tables(self) -> dict[str, ibis.Table]:
        return {kind: _memtable(kind, df) for kind, df in self.frames().items()}


def _memtable(kind: str, df: pd.DataFrame) -> ibis.Table:
    schema = {c: t for c, t in INPUT_SCHEMAS[kind].items() if c in df.columns}
    extra = [c for c in df.columns if c not in schema]
    return ibis.memtable(
        df[list(schema) + extra], schema={**schema, **dict.fromkeys(extra, "string")}
    )


def run_duckdb(
    data: Data, params: RuleParams | None = None, period: str | None = None
) -> dict[str, pd.DataFrame]:
    """Every output on an in-memory DuckDB, the way ``run_monitoring`` executes them."""
    result = run_tables(connect_duckdb(), data.tables(), params, period, as_pandas=True)
    return {name: df for name, df in result.items() if isinstance(df, pd.DataFrame)}


def flags(
    result: dict[str, pd.DataFrame], code: str, key: str = "enterprise_flags"
) -> pd.DataFrame:
    df = result[key]
    return df[df["code"] == code].reset_index(drop=True)


def evidence(row: pd.Series) -> dict[str, Any]:
    return json.loads(row["evidence"])


@pytest.fixture
def data() -> Data:
    return Data()


@pytest.fixture(scope="session")
def spark_session():
    from pyspark.sql import SparkSession  # noqa: PLC0415 (only the slow tests start Spark)

    session = (
        SparkSession.builder.master("local[2]")
        .appName("wenjiuye-monitoring-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_con(spark_session):
    return ibis.pyspark.connect(spark_session)


# ---------------------------------------------------------------------------------------------
# A synthetic city with a positive and a negative case of every rule (engines' equality test)
# ---------------------------------------------------------------------------------------------
ZONE = "410423"  # a third county for the new-employment scenario
FOURTH = "410425"


def add_rates(
    data: Data, uscc: str, region: str, rates: list[float | None], months: list[str], total: int
) -> None:
    """A county whose registered unemployment rate is ``rates[i]`` % in month i (insured +
    registered = ``total``); ``None`` = the month is absent from the contribution data."""
    data.enterprise(uscc, region)
    for i, (period, rate) in enumerate(zip(months, rates, strict=True)):
        stock = round((rate if rate is not None else 4.0) * total / 100)
        if rate is not None:
            data.staff(uscc, {period: total - stock}, prefix=f"{uscc}p", register=False)
        nxt = (
            month_start(months[i + 1]) if i + 1 < len(months) else month_end(period) + timedelta(1)
        )
        for j in range(stock):
            data.registration(f"{uscc}u{period}{j:04d}", month_start(period), nxt, region=region)


def synthetic_city() -> Data:
    """18 months (202301..202406); 202302 has no contribution data at all (a missing month)."""
    data = Data()
    months = periods("202301", 18)
    present = [m for m in months if m != "202302"]
    rate_months = months[:1] + months[2:]
    # region rules: unemployment rate rising (410421) and not (410425)
    add_rates(data, "RATE", COUNTY, [4.0] * 13 + [4.5] * 4, rate_months, 1000)
    add_rates(data, "RATE2", FOURTH, [4.0] * 13 + [4.4] * 4, rate_months, 1000)
    # new employment falling (410423), flat elsewhere
    grow, total = {}, 40
    for i, period in enumerate(present):
        total += max(12 - max(i - 8, 0), 1) if i else 0
        grow[period] = total
    data.staff("GROW", grow, region=ZONE)
    # enterprise rules, in 410422: stable until 202401, events in 202402..202403
    q = "410422"
    base = months[:1] + months[2:12]  # 202301, 202303..202312
    feb, mar = "202402", "202403"
    later = months[15:]  # 202404..202406: as in 202403

    def firm(uscc: str, before: int, after: dict[str, int], **kw: Any) -> None:
        counts = {**dict.fromkeys(base, before), "202401": before, **after}
        if mar in after:
            counts.update(dict.fromkeys(later, after[mar]))
        data.staff(uscc, counts, region=q, **kw)

    firm("A19", 300, {feb: 281, mar: 281})
    firm("A20", 300, {feb: 280, mar: 280})
    firm("B100", 100, {feb: 90, mar: 90})
    firm("S4", 40, {feb: 36, mar: 36})
    firm("S5", 40, {feb: 35, mar: 35})
    firm("L200", 1000, {feb: 800, mar: 800})
    data.staff(
        "R", {"202312": 100, "202401": 96, feb: 92, **dict.fromkeys([mar, *later], 88)}, region=q
    )
    firm("AR15", 15, {feb: 15, mar: 15}, arrears={feb: 3})
    firm("AR10", 10, {feb: 10, mar: 10}, arrears={feb: 2})
    firm("AR2M", 100, {feb: 100, mar: 100}, arrears={"202401": 1, feb: 1})
    firm("SB10", 10, {})
    firm("SB9", 9, {})
    end = month_end(mar)
    data.case("W90", "W90F", "wage_arrears", 120, end - timedelta(days=90))
    data.case("W91", "W91F", "wage_arrears", 10, end - timedelta(days=91))
    for i, kind in enumerate(("dispute", "complaint", "petition")):
        data.case(f"D3-{i}", "D3F", kind, 2, date(2024, 3, 1))
    data.case("D2-0", "D2F", "dispute", 1, date(2024, 3, 1)).case(
        "D2-1", "D2F", "petition", 1, date(2024, 3, 2)
    )
    data.event("ST", date(2024, 1, 10), "stoppage").event("ST", date(2024, 2, 5), "resumed")
    data.event("ST2", date(2024, 1, 10), "stoppage")
    data.event("BK", date(2024, 2, 15), "bankruptcy")
    data.enterprise("BK", q, employees=260)
    data.operations("EX30", "202303", export=100.0).operations("EX30", "202403", export=70.0)
    data.operations("EX29", "202303", export=100.0).operations("EX29", "202403", export=71.0)
    data.operations("OUT", "202303", output=1000.0).operations("OUT", "202403", output=600.0)
    # monitoring points: rising (VP1), not rising (VP2), a gap (VP3)
    for i, period in enumerate(months[12:16]):
        data.point("VP1", COUNTY + "101", period, i + 1).point(
            "VP2", COUNTY + "102", period, (1, 2, 2, 3)[i]
        )
    for period, v in (("202401", 1), ("202402", 2), ("202404", 3), ("202405", 4)):
        data.point("VP3", q + "101", period, v)
    # cross-matches
    d = date(2024, 1, 10)
    for person, days in (("X59", 59), ("X60", 60), ("X61", 61)):
        data.contribution("202401", "SEP", person).filing(
            person, "SEP", "separation", d, "协商解除"
        )
        data.registration(person, d + timedelta(days=days), region=q)
    data.enterprise("SEP", q)
    for period in ("202401", "202402"):
        data.contribution(period, "SEP", "XGONE")
    data.contribution("202401", "SEP", "XRET").filing("XRET", "SEP", "separation", d, "退休")
    data.registration("RBC_PAID", date(2023, 12, 1), region=q).contribution(
        "202401", "SEP", "RBC_PAID"
    )
    data.registration("RBC_ARR", date(2023, 12, 1), region=q)
    data.contribution("202401", "SEP", "RBC_ARR", "arrears")
    data.benefit("BWC1", "202402").contribution("202402", "SEP", "BWC1")
    data.benefit("BWC2", "202402").contribution("202402", "SEP", "BWC2", "arrears")
    data.registration("BWC1", date(2024, 1, 20), region=q)
    data.posting("P1", 20, date(2024, 1, 5), date(2024, 3, 31), region=q)
    data.posting("P2", 5, date(2024, 2, 5), region=COUNTY + "101")
    return data


# --- A small city in the store, for the Django side of monitoring (monitor, ledgers, exports) ---


def write_contributions(path, period: str, uscc: str, people: list[str]):
    rows = [f"{period},{uscc},{p},3000,paid" for p in people]
    path.write_text(
        "period,uscc,person_id,base,status\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def layoff(settings, tmp_path, regions):
    """A firm of 40 in 宝丰县 that loses 20 insured in March 2022."""
    settings.WENJIUYE_HOME = tmp_path
    reference_load_default()
    uscc = make_uscc("410421", 77)
    people = [make_id("410421", "19800101", i) for i in range(1, 41)]
    (tmp_path / "e.csv").write_text(
        f"uscc,name,region_code\n{uscc},宝丰丙公司,410421\n", encoding="utf-8"
    )
    ingest_file(path=tmp_path / "e.csv")
    for period, staff in (("202201", people), ("202202", people), ("202203", people[:20])):
        path = tmp_path / f"c{period}.csv"
        rows = [f"{period},{uscc},{p},3000,paid" for p in staff]
        path.write_text(
            "period,uscc,person_id,base,status\n" + "\n".join(rows) + "\n", encoding="utf-8"
        )
        ingest_file(path=path)
    return uscc
