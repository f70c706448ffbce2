from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, can_city


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"perms_audit": False, "may_import": False}
    return {
        "perms_audit": can(user, Cap.READ_AUDIT),
        # bureau files cover the whole city: offered only to those who may load them
        "may_import": can_city(user, Cap.WRITE),
    }
