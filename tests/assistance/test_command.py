"""``wenjiuye assistance sync|sweep --json``."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command

from tests.conftest import OWN_COUNTY, OWN_GRID, make_id
from wenjiuye.assistance import services, sync
from wenjiuye.assistance.models import Case
from wenjiuye.intake.lake import write_lake
from wenjiuye.intake.models import ImportBatch, UnemploymentRegistration

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("assistance", *args, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_sync_then_sweep(policies, regions, make_person, settings, tmp_path):
    settings.WENJIUYE_LAKE = str(tmp_path)
    batch = ImportBatch.objects.create(
        kind="unemployment_registrations",
        file_name="u.csv",
        sha256="1" * 64,
        archived_path="x",
        format="csv",
    )
    UnemploymentRegistration.objects.create(
        batch=batch,
        line=2,
        person_id=make_id(OWN_COUNTY, "19720101", 71),
        name="孙八",
        region_code=OWN_GRID,
        registered_on=date(2022, 1, 10),
    )
    assert run("sync") == {
        "registrations": {"opened": 1, "merged": 0, "ended": 0, "invalid": 0},
        "benefit_payments": {"opened": 0, "merged": 0, "unknown": 0, "invalid": 0},
    }
    young = services.case_open(
        person=make_person(72, birth="19821015"), source="manual", registered_on=date(2022, 10, 1)
    )
    Case.objects.filter(pk=young.pk).update(tier="general", tier_reasons=[])
    result = run("sweep", "--on", "2022-10-20")
    assert result["cases"] == 2
    young.refresh_from_db()
    assert young.tier == "priority"  # 40 on 2022-10-15
    assert young.tier_on == date(2022, 10, 20)


def test_benefit_recipients_join_the_ledger(policies, make_person, settings, tmp_path):
    settings.WENJIUYE_LAKE = str(tmp_path)
    known = make_person(81)
    frame = pd.DataFrame(
        [
            {
                "person_id": known.id_number,
                "period": "202204",
                "kind": "ui_benefit",
                "amount": 1530.0,
            },
            {
                "person_id": known.id_number,
                "period": "202205",
                "kind": "ui_benefit",
                "amount": 1530.0,
            },
            {
                "person_id": make_id(OWN_COUNTY, "19900101", 82),
                "period": "202205",
                "kind": "ui_benefit",
                "amount": 1530.0,
            },
        ]
    )
    write_lake({"benefit_payments": frame}, tmp_path)
    assert sync.case_sync_benefit_payments() == {
        "opened": 1,
        "merged": 0,
        "unknown": 1,
        "invalid": 0,
    }
    assert sync.case_sync_benefit_payments()["merged"] == 1
    case = Case.objects.get(person=known)
    assert case.sources == [
        {"source": "benefit_payment", "ref": "ui_benefit:202204", "on": "2022-04-01"}
    ]
    assert case.registered_on == date(2022, 4, 1)
