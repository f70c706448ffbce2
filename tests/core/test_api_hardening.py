"""The JSON API refuses what it cannot handle with a 4xx and a JSON reason, never a 500: integers
out of range (paging, identifiers, body fields), dates beyond what date arithmetic can reach,
texts with a NUL character, unknown paths; the docs and the schema need a login; every operation
declares its error answers."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from wenjiuye.api import ERROR_RESPONSES, MAX_LIMIT, MAX_OFFSET, api
from wenjiuye.core.roles import Role

BIG = 2**63  # one more than the largest 64-bit integer: SQLite's "datatype mismatch", a 500


@pytest.fixture
def office(client, users) -> Client:
    client.force_login(users[Role.CITY_OFFICE])
    return client


def _reason(response) -> object:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        f"offset={BIG}",  # the reported 500
        "offset=-1",
        f"offset={MAX_OFFSET + 1}",
        "limit=0",
        "limit=-5",
        f"limit={MAX_LIMIT + 1}",
        "limit=99999999999999999999",
        f"limit={BIG}&offset={BIG}",
    ],
)
def test_out_of_range_paging_is_422_with_a_reason(office, query):
    response = office.get(f"/api/assistance/cases/?{query}")
    assert response.status_code == 422
    assert _reason(response)


def test_paging_at_its_bounds_is_answered(office):
    ok = office.get(f"/api/assistance/cases/?limit={MAX_LIMIT}&offset={MAX_OFFSET}")
    assert ok.status_code == 200 and ok.json() == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/deadlines/?limit=100000",
        "/api/notifications/?limit=-1",  # notify/ is not changed: bounded centrally
        f"/api/matching/pushes/?limit={MAX_LIMIT + 1}",
        f"/api/matching/pushes/?person={BIG}",
        "/api/matching/person/1/?top=0",
        f"/api/matching/person/1/?top={BIG}",
        f"/api/assistance/cases/{BIG}/",
        f"/api/deadlines/{BIG * 10}",  # the int path converter takes any digits
        "/api/assistance/fund/?year=2147483648",
    ],
)
def test_out_of_range_integers_anywhere_are_422(office, url):
    response = office.get(url)
    assert response.status_code == 422, response.content[:300]
    assert _reason(response)


def test_out_of_range_integer_in_a_body_is_422(office):
    body = {
        "region_code": "410421",
        "occurred_at": "2022-11-15T09:00:00+08:00",
        "place": "县政府门口",
        "cause": "pay",
        "people": 2**31,  # beyond an integer column
    }
    response = office.post("/api/incidents/", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert "people" in json.dumps(_reason(response))


@pytest.mark.parametrize(
    "url",
    [
        # a datetime at year 1 with a positive offset is before year 1 in UTC: OverflowError
        "/api/duty/shifts?start=0001-01-01T00:00:00%2B14:00",
        "/api/duty/shifts?end=9999-12-31T23:59:59-12:00",
        # the severance rules count years and months up to the end day: OverflowError
        "/api/response/severance?start=0001-01-01&end=9999-12-31"
        "&monthly_wage=5000&local_average_wage=6000",
        "/api/assistance/one-week-overdue/?on=9999-12-31",
    ],
)
def test_dates_beyond_1900_to_2199_are_422(office, url):
    response = office.get(url)
    assert response.status_code == 422
    assert "1900-01-01" in json.dumps(_reason(response), ensure_ascii=False)


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("put", "/api/assistance/fund/", {"county": "4104\x0021", "year": 2022, "amount": 1}),
        (
            "post",
            "/api/response/visits/",
            {"enterprise_uscc": "\x00", "visited_on": "2022-11-15", "visitors": "走访组"},
        ),
    ],
)
def test_nul_in_a_text_is_422(office, method, url, body):
    """PostgreSQL cannot store or even compare a text with NUL (psycopg's DataError, a 500)."""
    response = getattr(office, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert _reason(response)


def test_unknown_api_path_is_a_json_404(office):
    for method in ("get", "post"):
        response = getattr(office, method)("/api/deadlines/-5")
        assert response.status_code == 404 and _reason(response)
    # a path with a newline: Django's own 404 page (HTML) before
    response = office.get("/api/programmes/fairs/a%0Ab/vacancies/")
    assert response.status_code == 404 and _reason(response)
    anonymous = Client(enforce_csrf_checks=True).post("/api/nowhere")
    assert anonymous.status_code == 404 and _reason(anonymous)


def test_get_without_the_trailing_slash_still_redirects(office):
    response = office.get("/api/deadlines?limit=3")
    assert response.status_code == 301 and response.url == "/api/deadlines/?limit=3"


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_docs_and_schema_need_a_login(client, users, url):
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/login/")
    client.force_login(users[Role.LEADER])
    assert client.get(url).status_code == 200


def test_every_operation_declares_its_error_answers(office):
    schema = office.get("/api/openapi.json").json()
    operations = [op for methods in schema["paths"].values() for op in methods.values()]
    assert len(operations) > 50
    for op in operations:
        declared = {int(code) for code in op["responses"]}
        expected = set(ERROR_RESPONSES) - (
            set() if op.get("parameters") or op.get("requestBody") else {422}
        )
        assert expected <= declared, op["operationId"]
        assert any(200 <= code < 300 for code in declared), op["operationId"]
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_schema_shows_the_bounds(office):
    schema = api.get_openapi_schema(path_prefix="/api/")
    params = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/assistance/cases/"]["get"]["parameters"]
    }
    assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, MAX_LIMIT)
    assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, MAX_OFFSET)
    incident = schema["components"]["schemas"]["IncidentIn"]["properties"]
    assert incident["people"]["maximum"] == 2**31 - 1
    assert incident["place"]["pattern"] == r"^[^\x00]*$"


def test_two_apps_schemas_of_one_name_keep_their_own_components():
    """``CompleteIn`` and ``StatusIn`` exist in two apps each: one component used to document both
    (the deadline's completion showed the programme's required ``on``)."""
    schema = api.get_openapi_schema(path_prefix="/api/")

    def body(path: str) -> dict:
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        return schema["components"]["schemas"][name]

    assert set(body("/api/deadlines/{pk}/complete")["properties"]) == {"note"}
    assert body("/api/programmes/enrolments/{pk}/complete/")["required"] == ["on"]
    assert set(body("/api/incidents/{pk}/status")["properties"]) == {"status"}
    assert {"status", "on", "employer"} <= set(
        body("/api/assistance/cases/{pk}/status/")["properties"]
    )
