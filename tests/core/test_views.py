"""The web shell: home page with role and scope, policy page, forms answering 4xx with a reason."""

from __future__ import annotations

import pytest

from wenjiuye.core.reference import reference_load_default
from wenjiuye.core.roles import Role


@pytest.fixture
def reference(users):
    reference_load_default()


@pytest.mark.parametrize(
    ("role", "role_label", "scope"),
    [
        (Role.COUNTY_OFFICER, "县(市、区)人社局工作人员", "宝丰县"),
        (Role.LEADER, "领导(只读)", "平顶山市"),
        (Role.AUDITOR, "审计员", "全部"),
    ],
)
def test_home_shows_role_and_scope(client, users, role, role_label, scope):
    client.force_login(users[role])
    html = client.get("/").content.decode()
    assert role_label in html and scope in html


def test_county_home_lists_only_its_own_county(client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    html = client.get("/").content.decode()
    assert "宝丰县" in html and "叶县" not in html


def test_policy_page_lists_parameters_in_force_on_a_day(client, users, reference):
    client.force_login(users[Role.LEADER])
    in_2022 = client.get("/policy/?on=2022-06-01").content.decode()
    assert "unemployment_subsidy.monthly.high" in in_2022 and "360" in in_2022
    in_2023 = client.get("/policy/?on=2023-06-01").content.decode()
    assert "unemployment_subsidy.monthly.high" not in in_2023
    assert "layoff.art41.min_people" in in_2023


def test_policy_page_rejects_a_bad_date_with_a_reason(client, users):
    client.force_login(users[Role.LEADER])
    response = client.get("/policy/?on=2022-13-01")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()


def test_enterprise_form_rejects_bad_input_with_400(client, users):
    from tests.factories import make_uscc  # noqa: PLC0415
    from wenjiuye.registry.models import Enterprise  # noqa: PLC0415

    e = Enterprise.objects.create(uscc=make_uscc("410421", 9), name="甲", region_id="410421")
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.post(
        f"/enterprises/{e.uscc}/", {"name": "", "region": "410422", "employees": "-3"}
    )
    assert response.status_code == 400
    e.refresh_from_db()
    assert e.name == "甲"


def test_admin_is_for_administrators_only(client, users):
    client.force_login(users[Role.CITY_OFFICE])
    assert client.get("/admin/").status_code == 302
    client.force_login(users[Role.ADMIN])
    assert client.get("/admin/core/region/").status_code == 200
