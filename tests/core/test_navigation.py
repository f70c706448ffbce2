"""Every page of the navigation bar answers every role without a server error."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav_links(html: str) -> list[str]:
    nav = html[html.index("<nav>") : html.index("</nav>")]
    return re.findall(r'href="([^"]+)"', nav)


def test_every_nav_link_answers_every_role(users, policy):
    client = Client()
    client.force_login(users["city_office"])
    links = _nav_links(client.get(reverse("home")).content.decode())
    assert len(links) >= 18, links
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for link in links:
            response = client.get(link)
            assert response.status_code in (200, 403), (role, link, response.status_code)


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
