"""``inbox_unread``: the number of unread inbox messages, for the navigation bar;
``may_manage_webhooks``: whether to show the link to the group-robot page (evaluated only when a
template uses it).

Add ``"wenjiuye.notify.context_processors.inbox"`` to ``TEMPLATES[0]["OPTIONS"]["context_processors"]``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wenjiuye.notify.selectors import unread_count
from wenjiuye.notify.webhooks import may_manage


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0, "may_manage_webhooks": False}
    return {"inbox_unread": unread_count(user), "may_manage_webhooks": lambda: may_manage(user)}
