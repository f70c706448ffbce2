"""The seeded lake of ``monitor.py``: one city-month (or months) of contributions and the side tables.

Up to 1 M rows a size is one city-month of N insured plus the previous month; above, about 1 M
insured × round(N / 1 M) months. Plus enterprises, separation filings, registrations and benefit
payments, with layoffs, SI breaks, arrears and job moves so every rule and cross-match has work.
Written by the lake's own writer (``wenjiuye.intake.lake.write_lake``).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MONTH_ROWS = 1_000_000  # insured per month above 1 M rows
FIRST_PIDX = 2023 * 12  # 202301


def layout(rows: int) -> tuple[int, int]:
    """(insured per month, months) for a size."""
    if rows <= MONTH_ROWS:
        return rows, 2
    months = max(2, round(rows / MONTH_ROWS))
    return rows // months, months


def label(pidx: int) -> str:
    return f"{pidx // 12:04d}{pidx % 12 + 1:02d}"


def month_start(pidx: int) -> date:
    return date(pidx // 12, pidx % 12 + 1, 1)


def month_end(pidx: int) -> date:
    return month_start(pidx + 1) - timedelta(days=1)


def resident_ids(n: int) -> pa.Array:
    """``n`` distinct valid GB 11643 numbers of 410421 (宝丰县), born 1960 on, 1000 per day."""
    idx = np.arange(n, dtype=np.int64)
    born = np.datetime64("1960-01-01") + (idx // 1000).astype("timedelta64[D]")
    months = born.astype("datetime64[M]")
    ymd = (
        (born.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
        + (months.astype(np.int64) % 12 + 1) * 100
        + (born - months).astype(np.int64)
        + 1
    )
    body = 410421 * 10**11 + ymd * 1000 + idx % 1000
    total = np.zeros(n, dtype=np.int64)
    rest = body.copy()
    for position in range(16, -1, -1):  # digit i (0-based from the left) weighs 2^(17-i) mod 11
        total += (rest % 10) * pow(2, 17 - position, 11)
        rest //= 10
    check = np.array(list("10X98765432"))[total % 11]
    return pc.binary_join_element_wise(pc.cast(pa.array(body), pa.string()), pa.array(check), "")


def usccs(n: int) -> pa.Array:
    from wenjiuye.core.identifiers import uscc_check_char  # noqa: PLC0415

    firsts = [f"91410421MA{i:07d}" for i in range(n)]
    return pa.array([f + uscc_check_char(f) for f in firsts])


def make_lake(root: Path, rows: int) -> dict[str, Any]:
    """Generate the lake under ``root``; returns what was written and the write time."""
    from wenjiuye.intake.lake import write_lake  # noqa: PLC0415

    persons, months = layout(rows)
    rng = np.random.default_rng(7)
    firms = max(persons // 50, 10)
    extra = persons // 30  # monthly churn: ~3.3 % leave, as many join
    pool = persons + months * extra
    ids = resident_ids(pool)
    firm_ids = usccs(firms)
    base_firm = rng.integers(0, firms, pool)
    alt_firm = rng.integers(0, firms, pool)
    move_month = rng.integers(0, 10 * months, pool)  # job change after that month (~10 %/month)
    person_u = rng.random(pool)
    firm_index = np.arange(firms)
    layoff_month = np.where(firm_index % 50 == 0, rng.integers(1, months + 1, firms), 10**6)
    break_month = np.where(firm_index % 173 == 1, rng.integers(1, months + 1, firms), 10**6)
    status_dict = pa.array(["paid", "arrears"])
    t_write = 0.0
    n_rows = 0
    for m in range(months):
        pidx = FIRST_PIDX + m
        idx = np.arange(m * extra, m * extra + persons)
        emp = np.where(m >= move_month[idx], alt_firm[idx], base_firm[idx])
        keep = ~((m >= layoff_month[emp]) & (person_u[idx] < 0.3))  # 30 % laid off for good
        idx, emp = idx[keep], emp[keep]
        arrears = (rng.random(idx.size) < 0.02) | (m >= break_month[emp])
        n = idx.size
        table = pa.table(
            {
                "period": pa.array(np.full(n, label(pidx))),
                "uscc": firm_ids.take(pa.array(emp)),
                "person_id": ids.take(pa.array(idx)),
                "base": pa.array(np.round(3000 + 4000 * person_u[idx], 2)),
                "status": pa.DictionaryArray.from_arrays(
                    pa.array(arrears.astype(np.int8)), status_dict
                ).cast(pa.string()),
            }
        )
        t0 = time.perf_counter()
        write_lake({"si_contributions": table}, root)
        t_write += time.perf_counter() - t0
        n_rows += n
    # side tables: enterprises, filings, registrations, benefit payments
    first, last = FIRST_PIDX, FIRST_PIDX + months - 1
    regions = np.array(["410421", "410422", "410423", "410402"])[firm_index % 4]
    enterprises = pa.table(
        {
            "uscc": firm_ids,
            "name": pc.binary_join_element_wise("企业", pc.cast(firm_ids, pa.string()), ""),
            "region_code": pa.array(regions),
            "industry": pa.array(np.full(firms, "C")),
            "employees": pa.array(np.full(firms, 50, dtype=np.int64)),
            "export_oriented": pa.array((firm_index % 7 == 0).astype(np.int64)),
        }
    )
    # separation filings for some of each month's leavers (dated in their last month)
    sep_idx, sep_dates = [], []
    for m in range(1, months):
        leaving = np.arange((m - 1) * extra, m * extra)
        chosen = rng.choice(leaving, size=max(1, leaving.size // 10), replace=False)
        sep_idx.append(chosen)
        sep_dates.append(np.full(chosen.size, month_end(first + m - 1), dtype="datetime64[D]"))
    s_idx = np.concatenate(sep_idx)
    filings = pa.table(
        {
            "person_id": ids.take(pa.array(s_idx)),
            "uscc": firm_ids.take(pa.array(base_firm[s_idx])),
            "kind": pa.array(np.full(s_idx.size, "separation")),
            "date": pa.array(np.concatenate(sep_dates)),
            "reason": pa.array(np.where(rng.random(s_idx.size) < 0.05, "退休", "合同到期")),
        }
    )
    # registrations: 3 % of the pool (many still insured: the cross-matches have work)
    n_reg = max(10, pool * 3 // 100)
    r_idx = rng.choice(pool, size=n_reg, replace=False)
    span = (month_end(last) - month_start(first)).days
    reg_on = np.datetime64(month_start(first)) + rng.integers(-60, span, n_reg).astype(
        "timedelta64[D]"
    )
    ended = reg_on + rng.integers(30, 300, n_reg).astype("timedelta64[D]")
    open_ = rng.random(n_reg) < 0.5
    registrations = pa.table(
        {
            "person_id": ids.take(pa.array(r_idx)),
            "name": pa.array(np.full(n_reg, "某某")),
            "region_code": pa.array(np.array(["410421", "410422"])[r_idx % 2]),
            "registered_on": pa.array(reg_on),
            "ended_on": pa.array(ended, mask=open_),
            "end_reason": pa.array(np.where(open_, "", "就业")),
        }
    )
    # benefit payments: each month, a third of the registered persons are paid
    b_person, b_period = [], []
    for m in range(months):
        chosen = r_idx[rng.random(n_reg) < 1 / 3]
        b_person.append(chosen)
        b_period.append(np.full(chosen.size, label(first + m)))
    b_idx = np.concatenate(b_person)
    payments = pa.table(
        {
            "person_id": ids.take(pa.array(b_idx)),
            "period": pa.array(np.concatenate(b_period)),
            "kind": pa.array(np.where(rng.random(b_idx.size) < 0.9, "ui_benefit", "subsidy")),
            "amount": pa.array(np.full(b_idx.size, 1650.0)),
        }
    )
    t0 = time.perf_counter()
    write_lake(
        {
            "enterprises": enterprises,
            "employment_filings": filings,
            "unemployment_registrations": registrations,
            "benefit_payments": payments,
        },
        root,
    )
    t_write += time.perf_counter() - t0
    return {
        "seconds": t_write,
        "contribution_rows": n_rows,
        "persons": persons,
        "months": months,
        "firms": firms,
        "filings": filings.num_rows,
        "registrations": n_reg,
        "payments": payments.num_rows,
        "period": label(last),
    }
