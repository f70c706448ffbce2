"""Benefit recipients put on the ledger from the payments in the lake (``assistance.sync``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from tests.factories import OWN_GRID
from wenjiuye.assistance import sync
from wenjiuye.assistance.models import Case
from wenjiuye.intake.lake import write_lake
from wenjiuye.intake.models import ImportBatch, UnemploymentRegistration


def test_a_benefit_recipient_is_registered_on_the_day_of_the_registration_paid_on(
    policy, regions, make_person, settings, tmp_path
):
    """The payments follow an ended registration (2022-03-10, not synced as one: 注销): the case
    opened from the payments keeps that day, not the first day of the first month paid; an
    earlier registration (2020) and none at all are the other cases."""
    settings.WENJIUYE_LAKE = str(tmp_path)
    person, other = make_person(83), make_person(84)
    batch = ImportBatch.objects.create(
        kind="unemployment_registrations",
        file_name="u.csv",
        sha256="2" * 64,
        archived_path="x",
        format="csv",
    )
    for day, ended in ((date(2020, 1, 5), date(2020, 6, 1)), (date(2022, 3, 10), date(2022, 9, 1))):
        UnemploymentRegistration.objects.create(
            batch=batch,
            line=2,
            person_id=person.id_number,
            name=person.name,
            region_code=OWN_GRID,
            registered_on=day,
            ended_on=ended,
        )
    frame = pd.DataFrame(
        [
            {"person_id": p.id_number, "period": "202204", "kind": "ui_benefit", "amount": 1530.0}
            for p in (person, other)
        ]
    )
    write_lake({"benefit_payments": frame}, tmp_path)
    assert sync.case_sync_benefit_payments()["opened"] == 2
    assert Case.objects.get(person=person).registered_on == date(2022, 3, 10)
    assert Case.objects.get(person=other).registered_on == date(2022, 4, 1)
