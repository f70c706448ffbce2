"""Typing helpers shared by views."""

from __future__ import annotations

from django.http import HttpRequest

from wenjiuye.core.models import User


class AuthedHttpRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real user."""

    user: User  # type: ignore[assignment]


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that authentication has passed (API routers, views)."""
    user = request.user
    assert isinstance(user, User)
    return user
