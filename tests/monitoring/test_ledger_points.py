"""M5: village monitoring points' returned migrants without work feed the key-group list."""

from __future__ import annotations

import pytest

from wenjiuye.core.audit import events_for
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring.ledger import GROUP_RETURNED_MIGRANTS, ledger_sync_point_reports
from wenjiuye.monitoring.models import LedgerEntry

pytestmark = pytest.mark.django_db


def _reports(tmp_path, name, rows):
    path = tmp_path / name
    lines = ["point_id,region_code,period,outbound,returned,returned_unemployed"]
    lines += [",".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(path=path)
    assert result.rejected == 0, result
    return result


def _entries():
    return LedgerEntry.objects.filter(ledger="key_group", group=GROUP_RETURNED_MIGRANTS)


def test_points_with_returned_unemployed_open_one_entry_each(regions, tmp_path):
    _reports(
        tmp_path,
        "p1.csv",
        [
            ("P01", "410421100", "202303", 120, 15, 6),
            ("P02", "410422", "202303", 80, 3, 0),  # returned but all working: no entry
        ],
    )
    assert ledger_sync_point_reports(period="202303") == 1
    (entry,) = _entries()
    assert (entry.subject_type, entry.subject_id, entry.region_code) == (
        "point",
        "P01",
        "410421100",
    )
    assert entry.evidence["returned_unemployed"]["returned_unemployed"] == 6
    assert entry.first_flagged == entry.last_confirmed == "202303"
    assert events_for(entry).count() == 1


def test_a_later_report_confirms_the_open_entry_and_rerunning_changes_nothing(regions, tmp_path):
    _reports(tmp_path, "a.csv", [("P01", "410421100", "202303", 120, 15, 6)])
    _reports(tmp_path, "b.csv", [("P01", "410421100", "202304", 118, 17, 9)])
    ledger_sync_point_reports(period="202303")
    assert ledger_sync_point_reports(period="202304") == 0
    assert ledger_sync_point_reports(period="202304") == 0
    (entry,) = _entries()
    assert entry.last_confirmed == "202304"
    assert entry.evidence["returned_unemployed"]["returned_unemployed"] == 9
    assert events_for(entry).count() == 2
