"""The error pages Django would otherwise answer in English or with an empty body: a failed CSRF
check (``CSRF_FAILURE_VIEW``: a form opened before signing in or in an older tab) and a request
method a page does not take (405: a POST-only address opened in the address bar). Both render the
product's own Chinese page with the menu; the API keeps its JSON answers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``settings.CSRF_FAILURE_VIEW``: the form's security token is missing or out of date. The
    reason stays in the server's log (Django logs it), not on the page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("安全校验失败,请刷新页面后重试。")}, status=403)
    return render(request, "403_csrf.html", status=403)


class MethodNotAllowedPage:
    """A 405 with no body (``require_POST`` and friends) becomes the Chinese 405 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or request.path.startswith("/api/"):
            return response
        if getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
