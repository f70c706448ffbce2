"""Ledgers, not snapshots: entries open from flags, gain reasons, close with a reason, never vanish."""

from __future__ import annotations

import csv
import json
from io import StringIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tests.factories import make_id
from tests.monitoring.factories import write_contributions
from wenjiuye.core.audit import events_for
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring.exports import COLUMNS
from wenjiuye.monitoring.ledger import LedgerError, ledger_add, ledger_list, ledger_set_status
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.monitoring.services import monitor_run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def entry_of(uscc: str, ledger: str = "key_enterprise") -> LedgerEntry:
    return LedgerEntry.objects.exclude(status="closed").get(ledger=ledger, subject_id=uscc)


def test_a_run_opens_entries_with_reasons_evidence_and_dates(layoff):
    monitor_run()
    entry = entry_of(layoff)
    assert entry.reasons == ["layoff_suspected"] and entry.level == 3
    assert (entry.first_flagged, entry.last_confirmed, entry.status) == ("202203", "202203", "open")
    assert entry.evidence["layoff_suspected"]["decrease"] == 20
    assert entry.name == "宝丰丙公司" and entry.region_code == "410421"
    assert entry_of(layoff, "risk").reasons == ["layoff_suspected"]


def test_rerunning_changes_nothing(layoff):
    monitor_run()
    events = Event.objects.filter(object_type="monitoring.ledgerentry").count()
    counts = monitor_run().counts["ledgers"]
    assert counts["opened"] == counts["updated"] == 0
    assert Event.objects.filter(object_type="monitoring.ledgerentry").count() == events


def test_close_needs_a_reason_and_a_closed_entry_is_kept(layoff, users):
    monitor_run()
    entry = entry_of(layoff)
    officer = users[Role.COUNTY_OFFICER]
    with pytest.raises(LedgerError, match="原因"):
        ledger_set_status(actor=officer, entry=entry, status="closed", reason=" ")
    ledger_set_status(actor=officer, entry=entry, status="following_up")
    ledger_set_status(
        actor=officer, entry=entry, status="closed", reason="企业已恢复生产,职工已安置"
    )
    entry.refresh_from_db()
    assert entry.status == "closed" and entry.closed_reason.startswith("企业已恢复")
    with pytest.raises(LedgerError):
        ledger_set_status(actor=officer, entry=entry, status="open")
    monitor_run()  # the same March flag again is old news
    assert (
        not LedgerEntry.objects.filter(subject_id=layoff, ledger="key_enterprise")
        .exclude(status="closed")
        .exists()
    )
    actions = [e.changes.get("status") for e in events_for(entry).order_by("id")]
    assert ["open", "following_up"] in actions and ["following_up", "closed"] in actions


def test_a_new_cut_after_closing_opens_a_new_entry(layoff, settings):
    monitor_run()
    entry = entry_of(layoff)
    entry.status, entry.closed_reason = "closed", "核实无误"  # as a county officer would
    entry.save()
    people = [make_id("410421", "19800101", i) for i in range(1, 41)]
    ingest_file(
        path=write_contributions(settings.WENJIUYE_HOME / "c4.csv", "202204", layoff, people[:10])
    )
    monitor_run()
    fresh = entry_of(layoff)
    assert fresh.pk != entry.pk and fresh.first_flagged == "202204"
    assert LedgerEntry.objects.filter(subject_id=layoff, ledger="key_enterprise").count() == 2


def test_officers_add_entries_in_their_own_county_only(layoff, users):
    officer = users[Role.COUNTY_OFFICER]
    entry = ledger_add(
        actor=officer,
        ledger="key_enterprise",
        subject_type="enterprise",
        subject_id=layoff,
        region_code="410421",
        reason="走访发现订单大幅减少",
        period="202203",
        name="宝丰丙公司",
    )
    assert entry.source == "manual" and entry.contact == officer
    assert entry.reasons == ["manual:走访发现订单大幅减少"]
    with pytest.raises(PermissionDenied):
        ledger_add(
            actor=officer,
            ledger="key_region",
            subject_type="region",
            subject_id="410422",
            region_code="410422",
            reason="x",
            period="202203",
        )
    with pytest.raises(PermissionDenied):
        ledger_add(
            actor=users[Role.LEADER],
            ledger="key_region",
            subject_type="region",
            subject_id="410421",
            region_code="410421",
            reason="x",
            period="202203",
        )
    monitor_run()  # the run adds its reason to the officer's open entry
    assert entry_of(layoff).reasons == ["manual:走访发现订单大幅减少", "layoff_suspected"]


def test_lists_are_scoped(layoff, users):
    monitor_run()
    assert ledger_list(user=users[Role.COUNTY_OFFICER], ledger="key_enterprise").count() == 1
    assert ledger_list(user=users[Role.LEADER], ledger="key_enterprise").count() == 1
    from tests.factories import make_user  # noqa: PLC0415

    yexian = make_user("yexian", Role.COUNTY_OFFICER, "410422")
    assert ledger_list(user=yexian, ledger="key_enterprise").count() == 0


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_exports_read_back(layoff, tmp_path, fmt):
    monitor_run()
    out = tmp_path / f"ke.{fmt}"
    call_command(
        "export", "key-enterprises", "--format", fmt, "--out", str(out), "--json", stdout=StringIO()
    )
    if fmt == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
    elif fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        ws = openpyxl.load_workbook(out).active
        header, *values = list(ws.iter_rows(values_only=True))
        rows = [dict(zip(header, v, strict=True)) for v in values]
    if fmt != "json":  # CSV and XLSX carry the declared columns under their Chinese headers
        keys = {str(c.header): c.key for c in COLUMNS["key-enterprises"]}
        rows = [{keys[h]: v for h, v in r.items()} for r in rows]
    assert len(rows) == 1 and rows[0]["uscc"] == layoff
    reasons = rows[0]["reasons"] if fmt == "json" else json.loads(rows[0]["reasons"])
    assert reasons == ["layoff_suspected"] and int(rows[0]["level"]) == 3
    assert Event.objects.filter(action="export", object_id="key-enterprises").exists()


def test_crossmatch_export_carries_person_ids(layoff, tmp_path):
    monitor_run()
    out = StringIO()
    call_command(
        "export",
        "crossmatch",
        "--period",
        "202203",
        "--json",
        "--out",
        str(tmp_path / "c.json"),
        stdout=out,
    )
    entries = json.loads(out.getvalue())["entries"]
    assert entries and {e["reasons"][0] for e in entries} == {"at_risk_worker"}
    assert all(len(e["person_id"]) == 18 for e in entries)


def test_a_contact_is_named_for_an_entry_from_its_region(layoff, users):
    monitor_run()
    entry = entry_of(layoff)
    from tests.factories import make_user  # noqa: PLC0415
    from wenjiuye.monitoring.ledger import ledger_assign  # noqa: PLC0415

    ledger_assign(actor=users[Role.CITY_OFFICE], entry=entry, contact=users[Role.COUNTY_OFFICER])
    entry.refresh_from_db()
    assert entry.contact == users[Role.COUNTY_OFFICER]
    with pytest.raises(LedgerError):
        ledger_assign(
            actor=users[Role.CITY_OFFICE],
            entry=entry,
            contact=make_user("yx", Role.COUNTY_OFFICER, "410422"),
        )
    with pytest.raises(LedgerError):
        ledger_assign(actor=users[Role.CITY_OFFICE], entry=entry, contact=users[Role.LEADER])
    with pytest.raises(LedgerError):  # a township grid worker does not cover a county-wide entry
        ledger_assign(actor=users[Role.CITY_OFFICE], entry=entry, contact=users[Role.GRID_WORKER])
