"""Refusals and missing pages answer in Chinese on the product's own page, never Django's English."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_a_refused_action_is_a_chinese_403_page(users):
    r = _client(users[Role.LEADER]).get("/response/layoffs/new/")
    html = r.content.decode()
    assert r.status_code == 403
    assert 'data-testid="error-403"' in html and "没有权限" in html
    assert "Forbidden" not in html


@override_settings(DEBUG=False)
def test_a_missing_page_is_a_chinese_404_page(users):
    r = _client(users[Role.COUNTY_OFFICER]).get("/response/layoffs/999999/")
    html = r.content.decode()
    assert r.status_code == 404
    assert 'data-testid="error-404"' in html and "不在您的管辖范围内" in html
    assert "Not Found" not in html


@override_settings(DEBUG=False)
def test_a_server_error_is_a_chinese_500_page(users, settings):
    from django.template.loader import render_to_string  # noqa: PLC0415

    html = render_to_string("500.html")
    assert "系统错误" in html and "Server Error" not in html


def test_a_failed_csrf_check_is_a_chinese_page_with_the_menu(users):
    """The English "Forbidden (403) CSRF verification failed" the report saw: a form opened before
    signing in (or in an old tab) posted after the token changed."""
    c = Client(enforce_csrf_checks=True)
    c.force_login(users[Role.COUNTY_OFFICER])
    r = c.post("/logout/")
    html = r.content.decode()
    assert r.status_code == 403
    assert 'data-testid="error-403-csrf"' in html and "页面已过期" in html
    assert 'data-testid="nav"' in html  # the product's own page, signed in
    for english in ("Forbidden", "CSRF", "verification"):
        assert english not in html


def test_a_failed_csrf_check_on_a_public_form_is_chinese_too(regions):
    r = Client(enforce_csrf_checks=True).post("/public/register/", {"name": "王五"})
    html = r.content.decode()
    assert r.status_code == 403 and "页面已过期" in html and "Forbidden" not in html


def test_a_failed_csrf_check_on_the_api_stays_json(users):
    c = Client(enforce_csrf_checks=True)
    c.force_login(users[Role.COUNTY_OFFICER])
    r = c.post("/api/assistance/cases/1/contacts/", {}, content_type="application/json")
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/json")


def test_a_post_only_address_opened_in_the_address_bar_is_a_chinese_405_page(users, policy):
    r = _client(users[Role.COUNTY_OFFICER]).get("/logout/")
    html = r.content.decode()
    assert r.status_code == 405 and "POST" in r["Allow"]
    assert 'data-testid="error-405"' in html and "无法直接打开此地址" in html


def test_the_api_keeps_its_own_405(users):
    r = _client(users[Role.COUNTY_OFFICER]).delete("/api/assistance/cases/")
    assert r.status_code == 405
    assert 'data-testid="error-405"' not in r.content.decode()
