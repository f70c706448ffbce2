"""Steps the browser tests share."""

from __future__ import annotations


def login(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def password_of(live_app, username: str) -> str:
    """The demo password ``wenjiuye quickstart`` printed for ``username``."""
    return next(u for u in live_app["quickstart"]["users"] if u["username"] == username)["password"]
