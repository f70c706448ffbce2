"""The Django admin works in a real browser under its own Content-Security-Policy (no
'unsafe-inline'): no violation is reported and its scripts run (the action counter, the filter of
the user form's permission picker)."""

from __future__ import annotations

import pytest

from tests.web.pages import password_of

pytestmark = pytest.mark.browser

# Collected before any page script runs (Playwright's init scripts are not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def test_admin_runs_under_its_policy(live_app, page):
    url = live_app["url"]
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

    response = page.goto(url + "/admin/login/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", password_of(live_app, "admin"))
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.evaluate("window.__csp") == []

    page.goto(url + "/admin/core/region/")
    counter = page.locator(".action-counter")
    before = counter.inner_text()
    page.click("#action-toggle")  # actions.js: select every row, update the counter
    assert counter.inner_text() != before
    assert page.evaluate("window.__csp") == []

    page.goto(url + "/admin/core/user/")
    page.click("table#result_list tbody tr th a")
    page.wait_for_selector("#id_user_permissions_filter")  # SelectFilter2.js built the picker
    assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m], console
