"""Security headers Django's own middleware does not set; a clear answer when policy is missing
or a limit is reached."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenjiuye.core.audit import IdLookupLimited
from wenjiuye.core.policy import PolicyNotInForce

# Front-end files are vendored and served from our own origin; no inline scripts.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# The Django admin has its own policy, as strict: Django 5.2's admin has no inline script, style
# or event handler (its page constants travel in data- attributes of <script src> elements and its
# scripts change styles through the CSSOM, which a policy does not restrict); it loads nothing but
# its own static files and its own JSON (autocomplete), and uses no data: images or frames.
ADMIN_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/")
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with personal data must not be kept by shared browsers or proxies.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ErrorPageMiddleware:
    """Domain refusals raised anywhere below a page answer with their own page and status, never a
    500: a policy parameter with no version in force (409, with the key and the date, so that an
    administrator knows what to load or set) and a per-user limit (``audit.IdLookupLimited``, 429
    with the reason). The API answers the same exceptions in ``wenjiuye.api``."""

    #: exception class → (template, status)
    PAGES: tuple[tuple[type[Exception], str, int], ...] = (
        (PolicyNotInForce, "core/policy_missing.html", 409),
        (IdLookupLimited, "core/rate_limited.html", 429),
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        for kind, template, status in self.PAGES:
            if isinstance(exception, kind):
                return render(request, template, {"message": str(exception)}, status=status)
        return None
