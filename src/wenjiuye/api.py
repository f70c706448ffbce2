"""The JSON API: one NinjaAPI at /api/, one router per app.

Authentication is the Django session (the same login as the pages; unsafe methods need the
CSRF token). Services raise PermissionDenied, Http404 and ValidationError; they are answered
here as 403, 404 and 400 with a reason, never 500; a policy parameter not in force is a 409.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from wenjiuye.assistance.api import router as assistance_router
from wenjiuye.core.duty_api import router as duty_router
from wenjiuye.core.policy import PolicyNotInForce
from wenjiuye.deadlines.api import router as deadlines_router
from wenjiuye.incidents.api import router as incidents_router
from wenjiuye.matching.api import router as matching_router
from wenjiuye.notify.api import router as notify_router
from wenjiuye.opinion.api import router as opinion_router
from wenjiuye.programmes.api import router as programmes_router
from wenjiuye.response.api import router as response_router

api = NinjaAPI(title="wenjiuye", version="1", auth=django_auth, urls_namespace="api")

api.add_router("/deadlines/", deadlines_router, tags=["deadlines"])
api.add_router("/notifications/", notify_router, tags=["notifications"])
api.add_router("/response/", response_router, tags=["response"])
api.add_router("/incidents/", incidents_router, tags=["incidents"])
api.add_router("/opinion/", opinion_router, tags=["opinion"])
api.add_router("/assistance/", assistance_router, tags=["assistance"])
api.add_router("/matching/", matching_router, tags=["matching"])
api.add_router("/programmes/", programmes_router, tags=["programmes"])
api.add_router("/duty/", duty_router, tags=["duty"])


def _detail(request: HttpRequest, status: int, detail: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, 403, str(exc) or "forbidden")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, 404, str(exc) or "not found")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return _detail(request, 400, detail)


@api.exception_handler(PolicyNotInForce)
def _policy_missing(request: HttpRequest, exc: PolicyNotInForce) -> HttpResponse:
    return _detail(request, 409, str(exc))


@api.exception_handler(ValueError)
def _bad_value(request: HttpRequest, exc: ValueError) -> HttpResponse:
    return _detail(request, 400, str(exc))
