"""Security headers Django's own middleware does not set; a clear answer when policy is missing
or a limit is reached."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wenjiuye.core.errors import error_messages, status_of

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
    """Refusals raised anywhere below a page answer with their own page and status, never a 500
    (the statuses are ``core.errors.STATUS``): a policy parameter with no version in force (409,
    with the key and the date, so that an administrator knows what to load or set), a per-user
    limit (429 with the reason) and a refused value (400 with the reason). Permission and
    not-found keep Django's own 403/404 handlers. The API and the CLI map the same table."""

    #: status → template of the page that explains it
    PAGES: dict[int, str] = {
        409: "core/policy_missing.html",
        429: "core/rate_limited.html",
        400: "400.html",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        status = status_of(exception)
        template = self.PAGES.get(status or 0)
        if template is None or status is None:
            return None
        message = "; ".join(error_messages(exception))
        return render(request, template, {"message": message}, status=status)
