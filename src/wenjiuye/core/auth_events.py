"""Audit of logins, failed logins and logouts (Django's auth hooks, not business flow)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, User


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    record_event(actor=user, action=Event.Action.LOGIN, obj=user, ip=_ip(request))


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        record_event(actor=user, action=Event.Action.LOGOUT, obj=user, ip=_ip(request))


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_event(
        actor=None,
        action=Event.Action.LOGIN_FAILED,
        object_type="core.user",
        object_id=str(credentials.get("username", ""))[:64],
        ip=_ip(request),
    )
