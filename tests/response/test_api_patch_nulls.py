"""PATCH of a layoff report: leaving a field out keeps it; an explicit null clears only the
optional fields. A null for a required one was a 500 (found by tests/test_schemathesis.py:
``{"total_employees": null, "planned_layoffs": 3600}`` compared an int with None)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import make_report

pytestmark = pytest.mark.django_db


def _patch(user, pk: int, body: dict) -> object:
    client = Client()
    client.force_login(user)
    return client.patch(
        f"/api/response/layoffs/{pk}", json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"total_employees": None, "planned_layoffs": 3600},
        {"planned_layoffs": None},
        {"planned_implementation_on": None},
        {"situation": None},
        {"union_opinion": None},
        {"influential": None},
    ],
)
def test_null_for_a_required_field_is_400(world, officer, body):
    report = make_report(officer, world["own"])
    response = _patch(officer, report.pk, body)
    assert response.status_code == 400
    assert set(response.json()["detail"]) == {k for k, v in body.items() if v is None}
    report.refresh_from_db()
    assert (report.total_employees, report.planned_layoffs) == (1000, 201)


def test_null_clears_an_optional_field(world, officer):
    report = make_report(officer, world["own"])
    response = _patch(officer, report.pk, {"explained_on": None, "planned_layoffs": 250})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.explained_on is None and report.planned_layoffs == 250
