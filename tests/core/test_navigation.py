"""The navigation bar offers each role only the pages it may use (core.context_processors, the
capability check the services make), and every page it offers answers that role."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from wenjiuye.core.context_processors import case_work_only, menu_for
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    start = html.index('data-testid="nav"')
    return html[start : html.index("</nav>", start)]


def _nav_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', _nav(html))


def _keys(user) -> set[str]:
    keys = set()
    for entry in menu_for(user):
        keys.update(link["key"] for link in entry.get("links", [entry]))
    return keys


def _page(user, path: str = "/policy/") -> str:
    client = Client()
    client.force_login(user)
    return client.get(path).content.decode()


def test_every_link_a_role_is_offered_answers_that_role(users, policy):
    """No menu entry leads to a refusal (the report saw 数据导入 offered to county and grid users)."""
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        links = _nav_links(_page(user))
        assert len(links) >= 6, (role, links)
        for link in links:
            response = client.get(link)
            assert response.status_code == 200, (role, link, response.status_code)


def test_the_full_menu_has_every_page_for_the_city_office(users, policy):
    links = _nav_links(_page(users[Role.CITY_OFFICE]))
    assert len(links) >= 20, links


# Expected menus written by hand: role → entries offered (a subset check) and entries never offered.
EXPECTED = {
    Role.CITY_OFFICE: ({"home", "today", "import", "ledger-risk", "layoffs", "cases"}, {"audit"}),
    Role.GROUP_MEMBER: ({"home", "today", "import", "cases"}, {"audit"}),
    Role.COUNTY_OFFICER: (
        {"home", "today", "ledger-risk", "layoffs", "cases"},
        {"import", "audit"},
    ),
    Role.GRID_WORKER: (
        {"today", "cases", "one-week", "pending"},
        {"home", "import", "ledger-risk", "layoffs", "visits", "duty", "payments", "audit"},
    ),
    Role.LEADER: ({"home", "ledger-risk", "layoffs", "cases"}, {"today", "import", "audit"}),
    Role.AUDITOR: ({"home", "audit", "ledger-risk"}, {"today", "import"}),
    Role.ADMIN: ({"home", "today", "import", "audit"}, set()),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_is_offered_what_it_may_use_and_nothing_it_may_not(users, role):
    offered, refused = EXPECTED[role]
    keys = _keys(users[role])
    assert offered <= keys, offered - keys
    assert not (refused & keys), refused & keys


def test_the_grid_workers_menu_is_short_and_centred_on_the_days_work(users):
    grid = users[Role.GRID_WORKER]
    assert case_work_only(grid)
    assert not any(case_work_only(u) for r, u in users.items() if r != Role.GRID_WORKER)
    top = [e["key"] for e in menu_for(grid)]
    assert top[:2] == ["today", "cases"]
    assert len(_keys(grid)) <= 9


def test_the_page_a_user_is_on_is_marked(users, policy):
    html = _nav(_page(users[Role.COUNTY_OFFICER], reverse("assistance-today")))
    current = re.findall(r'data-testid="nav-([\w-]+)" aria-current="page"', html)
    assert current == ["today"]  # not the ledger at /assistance/, a prefix of its address


def test_the_grid_workers_home_is_todays_work(users, policy):
    client = Client()
    client.force_login(users[Role.GRID_WORKER])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("assistance-today")
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(reverse("home")).status_code == 200


def test_the_user_is_shown_by_name_never_by_login(users, policy):
    html = _page(users[Role.GRID_WORKER])
    who = html[html.index('data-testid="whoami"') :][:300]
    assert "网格员" in who and ">grid<" not in who


def test_a_page_needing_policy_not_in_force_says_so_with_409(users):
    client = Client()
    client.force_login(users["city_office"])
    response = client.get(reverse("assistance-cases"))
    assert response.status_code == 409
    assert "没有生效的版本" in response.content.decode()
    # the calculators answer the same 409 as every other read of a policy not in force
    api = client.get("/api/response/layoff-check", {"employees": 100, "layoffs": 30})
    assert api.status_code == 409
    assert "没有生效的版本" in api.json()["detail"]


@pytest.mark.parametrize("path", ["/public/register/", "/public/subsidies/"])
def test_public_pages_need_no_login(regions, policy, path):
    assert Client().get(path).status_code == 200
