"""Builders of the data a benefit decision is read from: contributions, employment filings and
benefit payments in a test lake, unemployment registrations in the store (the benefits tests)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from tests.factories import OWN_COUNTY, make_id, make_uscc
from wenjiuye.core.periods import period_add
from wenjiuye.intake.lake import write_lake
from wenjiuye.intake.models import ImportBatch, UnemploymentRegistration

EMPLOYER = make_uscc(OWN_COUNTY, 7)


def months(first: str, last: str) -> list[str]:
    """The periods ``first``..``last`` (YYYYMM, inclusive)."""
    out = [first]
    while out[-1] < last:
        out.append(period_add(out[-1], 1))
    return out


def contributions(lake: Path, *rows: tuple[str, list[str], str]) -> None:
    """``rows``: (person ID, periods, status ``paid`` | ``arrears``). One write per kind: a later
    write of a period replaces that period in the lake."""
    write_lake(
        {
            "si_contributions": pd.DataFrame(
                [
                    {"period": p, "uscc": EMPLOYER, "person_id": pid, "base": 4000.0, "status": st}
                    for pid, periods, st in rows
                    for p in periods
                ]
            )
        },
        lake,
    )


def filings(lake: Path, *rows: tuple[str, str, date, str]) -> None:
    """``rows``: (person ID, kind ``separation`` | ``hire``, day, reason)."""
    write_lake(
        {
            "employment_filings": pd.DataFrame(
                [
                    {"person_id": pid, "uscc": EMPLOYER, "kind": kind, "date": day, "reason": why}
                    for pid, kind, day, why in rows
                ]
            )
        },
        lake,
    )


def payments(lake: Path, *rows: tuple[str, list[str], str, float]) -> None:
    """``rows``: (person ID, periods, benefit kind, monthly amount)."""
    write_lake(
        {
            "benefit_payments": pd.DataFrame(
                [
                    {"person_id": pid, "period": p, "kind": kind, "amount": amount}
                    for pid, periods, kind, amount in rows
                    for p in periods
                ]
            )
        },
        lake,
    )


def registration(
    person_id: str,
    on: date,
    reason: str = "",
    *,
    region: str,
    ended_on: date | None = None,
    end_reason: str = "",
) -> UnemploymentRegistration:
    batch, _ = ImportBatch.objects.get_or_create(
        kind="unemployment_registrations",
        sha256="b" * 64,
        defaults={"file_name": "u.csv", "archived_path": "x", "format": "csv"},
    )
    return UnemploymentRegistration.objects.create(
        batch=batch,
        line=2,
        person_id=person_id,
        name="测试",
        region_code=region,
        registered_on=on,
        reason=reason,
        ended_on=ended_on,
        end_reason=end_reason,
    )


#: someone else insured since 2010 and paid in 2021-01 (and 2023-06), so that the lake's data
#: begins before the persons' own records (and its payments run to 2023-06)
EARLY = make_id(OWN_COUNTY, "19700101", 990)


def ui_recipient(lake: Path, person) -> None:
    """A UI benefit recipient in the lake: contributions 2019-03..2022-02 (36 months), separated
    2022-02-28 (合同到期), registered 2022-03-10, paid 1530 元 a month for 2022-04..2022-11; the
    lake's payments run 2021-01..2023-06."""
    pid = person.id_number
    contributions(lake, (pid, months("201903", "202202"), "paid"), (EARLY, ["201001"], "paid"))
    filings(lake, (pid, "separation", date(2022, 2, 28), "合同到期"))
    payments(
        lake,
        (pid, months("202204", "202211"), "ui_benefit", 1530.0),
        (EARLY, ["202101", "202306"], "ui_benefit", 1530.0),
    )
    registration(pid, date(2022, 3, 10), "合同到期", region=person.region_id)
