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
