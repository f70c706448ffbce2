from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"perms_audit": user is not None and can(user, Cap.READ_AUDIT)}
