"""What employers report for the insured: one contributions file per period, streamed as the
simulation goes (memory stays bounded at city scale), and the employment filings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wenjiuye.demo.model import Enterprise
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import CsvFile, WrittenFile, write_table

#: An employment filing: person ID, USCC, kind (hire / separation), date, reason.
Filing = tuple[str, str, str, date, str]


def write_contributions(
    *,
    out: Path,
    timeline: Timeline,
    m: int,
    enterprises: list[Enterprise],
    insured: list[int],
    arrears: set[int],
) -> WrittenFile:
    """``si_contributions_<period>.csv`` of month ``m``: a row per person on a roster, in
    arrears if in ``arrears`` or at the firm's late month; counts a month for each in ``insured``."""
    period = timeline.periods[m]
    year = timeline.year_index[m]
    file = CsvFile(
        out / f"si_contributions_{period}.csv",
        "si_contributions",
        ("period", "uscc", "person_id", "name", "base", "status"),
        "utf-8",
    )
    for e in enterprises:
        if not e.roster:
            continue
        uscc = e.uscc
        if e.role == "arrears" and arrears:
            rows = [
                (period, uscc, pid, name, bases[year], "arrears" if p in arrears else "paid")
                for p, pid, name, bases in e.roster
            ]
        else:
            status = "arrears" if e.late_month == m else "paid"
            rows = [
                (period, uscc, pid, name, bases[year], status) for _, pid, name, bases in e.roster
            ]
        file.write(rows)
        for r in e.roster:
            insured[r[0]] += 1
    return file.close()


def write_filings(*, out: Path, filings: list[Filing]) -> WrittenFile:
    rows = sorted(filings, key=lambda f: (f[3], f[2], f[1], f[0]))
    return write_table(
        out,
        "employment_filings",
        ("person_id", "uscc", "kind", "date", "reason"),
        [(pid, uscc, kind, on.isoformat(), reason) for pid, uscc, kind, on, reason in rows],
        fmt="utf-8-bom",
    )
