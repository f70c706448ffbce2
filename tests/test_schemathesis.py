"""The JSON API fuzzed from its own OpenAPI schema (schemathesis 4), as the city office and as a
county officer of 宝丰县 (410421), on the scope-matrix world (tests/core/scope_matrix_world.py).

Every operation, for each of the two sessions, gets the schema's boundary values (the coverage
phase, valid inputs only) and MAX_EXAMPLES generated requests, valid and invalid, with a fixed
seed; each must answer without a server error, with a status code and a content type the schema
declares for that operation. The requests go in-process through the WSGI application, on the
session login with the CSRF token in the header. About a minute on SQLite, two on PostgreSQL.

What it found, each fixed at the root with its own regression test: a PATCH of a layoff report
with null for a required field (500; tests/response/test_api_patch_nulls.py); texts with a NUL
character, which PostgreSQL refuses even to compare (500 there only), and integers and dates
beyond what the database and date arithmetic take (refused centrally in ``wenjiuye.api``;
tests/core/test_api_hardening.py); unknown paths under /api/ (a negative id on an ``{int:pk}``
route, a newline in a path) answered with Django's HTML page instead of JSON; two apps' input
schemas of one name documented by one component.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.core.scope_matrix_world import build_world
from tests.factories import rolled_back_world
from wenjiuye.api import api
from wenjiuye.core.roles import Role

MAX_EXAMPLES = 15

config = schemathesis.Config()
config.projects.default.update(workers=1)
config.projects.default.generation.update(
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    with_security_parameters=False,
    database="none",
)
config.projects.default.checks.update(
    included_check_names=[
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
    ]
)
config.projects.default.phases.update(phases=["examples", "coverage", "fuzzing"])
# The coverage phase: the schema's boundary values only (its invalid combinations and unexpected
# methods would be thousands of requests; the fuzzing phase sends invalid input too).
config.projects.default.phases.coverage.unexpected_methods = set()
config.projects.default.phases.coverage.generation.update(modes=["positive"])

raw = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"), cls=DjangoJSONEncoder))
schema = schemathesis.openapi.from_dict(raw, config=config)
schema.app = get_wsgi_application()

ROLES = {"office": Role.CITY_OFFICE, "county": Role.COUNTY_OFFICER}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The scope-matrix world once per module, rolled back at the end (each operation's test runs
    in a savepoint inside it)."""
    media = tmp_path_factory.mktemp("media")
    yield from rolled_back_world(django_db_blocker, build_world, media=media)


@pytest.fixture
def in_process_connection() -> Iterator[None]:
    """The WSGI handler would close the test's database connection at each request's end (as the
    test client does, it must not: the world lives in the test's open transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def known_ids(world) -> list[int]:
    """Primary keys of the world's records (a few of each model of the project's apps)."""
    ids: set[int] = set()
    for model in apps.get_models():
        if model.__module__.startswith("wenjiuye.") and model._meta.pk.get_internal_type() in (
            "AutoField",
            "BigAutoField",
        ):
            ids.update(model.objects.order_by("pk").values_list("pk", flat=True)[:5])
    return sorted(ids)


@pytest.fixture
def session(world, db, in_process_connection, request) -> dict[str, dict[str, str]]:
    client = Client()
    client.force_login(world["users"][ROLES[request.param]])
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.parametrize("session", list(ROLES), indirect=True)
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_api(case, session, known_ids):
    # Two generated identifiers in three name a record of the world (of some kind), so that the
    # operations run on real records too, not only into "not found".
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and not isinstance(value, bool) and value % 3:
            case.path_parameters[name] = known_ids[value % len(known_ids)]
    # Each request in a savepoint rolled back after it: every example meets the same world, and
    # a statement PostgreSQL refuses cannot leave the test's transaction unusable.
    with transaction.atomic():
        case.call_and_validate(headers=session["headers"], cookies=session["cookies"])
        transaction.set_rollback(True)
