"""The JSON API: one NinjaAPI at /api/, one router per app.

Authentication is the Django session (the same login as the pages; unsafe methods need the
CSRF token); the interactive docs and the OpenAPI schema need the login too. Services raise
PermissionDenied, Http404 and ValidationError; they are answered here as 403, 404 and 400 with a
reason, never 500; a policy parameter not in force is a 409. Input that does not match the
schema is a 422 (django-ninja's validation).

Input is constrained here for every operation of every app (:func:`constrain_inputs`), so that
no value reaches a service or the database that it cannot store, count to or compute with: the
paging parameters (``limit``, ``top``, ``offset``) to what a page may hold, identifiers in the
path to 64 bits, every other integer to what an integer column holds (32 bits), texts to no NUL
character, dates and datetimes to 1900–2199. A value outside is a 422 with the reason. Every
operation's schema declares the error answers (:data:`ERROR_RESPONSES`); any other path under
/api/ is a JSON 404.
"""

from __future__ import annotations

import types
import typing
from datetime import date, datetime
from typing import Annotated, Any, Union

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, ResolverMatch, URLPattern, URLResolver, re_path, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.params.models import ParamModel
from ninja.security import django_auth
from pydantic import AfterValidator, BaseModel, Field

from wenjiuye.assistance.api import router as assistance_router
from wenjiuye.core.duty_api import router as duty_router
from wenjiuye.core.errors import STATUS, error_detail, status_of
from wenjiuye.deadlines.api import router as deadlines_router
from wenjiuye.incidents.api import router as incidents_router
from wenjiuye.matching.api import router as matching_router
from wenjiuye.notify.api import router as notify_router
from wenjiuye.opinion.api import incident_router as opinion_incident_router
from wenjiuye.opinion.api import router as opinion_router
from wenjiuye.programmes.api import router as programmes_router
from wenjiuye.response.api import router as response_router

#: rows one request may ask for (``limit``, ``top``), and the furthest it may skip (``offset``)
MAX_LIMIT = 500
MAX_OFFSET = 10**9
PAGING_BOUNDS = {"limit": (1, MAX_LIMIT), "top": (1, MAX_LIMIT), "offset": (0, MAX_OFFSET)}
#: identifiers in the path are big-integer primary keys; every other integer fits an integer column
PATH_BOUNDS = (0, 2**63 - 1)
INTEGER_BOUNDS = (-(2**31), 2**31 - 1)
#: the days a date or datetime may name (date arithmetic near year 1 or 9999 overflows)
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class ErrorOut(Schema):
    """Every error answer: ``detail`` is the reason (a text, a list of texts, a mapping of field
    to texts, or django-ninja's list of schema errors for a 422)."""

    detail: Any


#: the error answers every operation may give (422 only where it takes parameters or a body)
ERROR_RESPONSES = {
    400: "Invalid request: the reason is in detail",
    401: "Not signed in",
    403: "Not allowed (role, scope of a change, or the CSRF token is missing)",
    404: "Not found, or not in the user's scope",
    409: "A policy parameter the answer needs has no version in force",
    422: "The request does not match the schema",
}


def _check_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("文本不能包含空字符(\\x00)"))
    return value


def _check_day(value: date) -> date:
    if not EARLIEST_DAY <= (value.date() if isinstance(value, datetime) else value) <= LATEST_DAY:
        raise ValueError(
            _("日期应在 %(first)s 至 %(last)s 之间")
            % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
        )
    return value


#: what every text takes: no NUL character (PostgreSQL cannot store one; forms refuse it too)
CHECKED_TEXT = Annotated[str, Field(pattern=r"^[^\x00]*$"), AfterValidator(_check_text)]
CHECKED_DATE = Annotated[date, AfterValidator(_check_day)]
CHECKED_DATETIME = Annotated[datetime, AfterValidator(_check_day)]


def _constrained(annotation: Any, bounds: tuple[int, int], cache: dict[type, type]) -> Any:
    """``annotation`` with every ``int`` in it (also inside ``X | None``, ``list[X]`` and nested
    schemas) limited to ``bounds``, every ``str`` free of NUL and every date or datetime between
    :data:`EARLIEST_DAY` and :data:`LATEST_DAY`; the same object when nothing in it changes."""
    if annotation is int:
        return Annotated[int, Field(ge=bounds[0], le=bounds[1])]
    if annotation is str:
        return CHECKED_TEXT
    if annotation is datetime:
        return CHECKED_DATETIME
    if annotation is date:
        return CHECKED_DATE
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _constrained_model(annotation, lambda _name: bounds, cache)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is None or not args or origin is Annotated:
        return annotation
    new_args = tuple(_constrained(a, bounds, cache) for a in args)
    if all(n is a for n, a in zip(new_args, args, strict=True)):
        return annotation
    if origin in (Union, types.UnionType):
        return Union[new_args]  # noqa: UP007 (a union built at run time)
    if origin in (list, set, frozenset):
        return origin[new_args[0]]
    return annotation


#: the schema (component) names given so far, and whose they are: two apps' input schemas of the
#: same name (``StatusIn``, ``CompleteIn``) would share one component of the OpenAPI document
_SCHEMA_NAMES: dict[str, type[BaseModel]] = {}


def _schema_name(model: type[BaseModel]) -> str:
    """``model``'s name, or, when another app's schema has it, the name prefixed with the app's
    (``programmes.api.CompleteIn`` → ``ProgrammesCompleteIn``)."""
    if issubclass(model, ParamModel):  # django-ninja's per-operation wrapper: not a component
        return model.__name__
    name = model.__name__
    if _SCHEMA_NAMES.setdefault(name, model) is not model:
        name = model.__module__.split(".")[1].title() + name
        _SCHEMA_NAMES.setdefault(name, model)
    return name


def _constrained_model(
    model: type[BaseModel],
    bounds_of: typing.Callable[[str], tuple[int, int]],
    cache: dict[type, type],
) -> type[BaseModel]:
    """A subclass of ``model`` whose fields are constrained (``model`` itself when nothing
    changes and its name is its own in the OpenAPI document)."""
    if model in cache:
        return cache[model]
    cache[model] = model  # a self-referencing schema stops here
    annotations: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        new = _constrained(field.annotation, bounds_of(name), cache)
        if new is not field.annotation:
            annotations[name] = new
    schema_name = _schema_name(model)
    if not annotations and schema_name == model.__name__:
        return model
    attrs: dict[str, Any] = {
        "__annotations__": annotations,
        "__module__": model.__module__,
        "__qualname__": schema_name,
        "__doc__": model.__doc__,
        **{name: model.model_fields[name] for name in annotations},  # defaults, aliases
    }
    constrained = type(schema_name, (model,), attrs)
    cache[model] = constrained
    return constrained


def constrain_inputs(router: Router) -> None:
    """Constrain every parameter and body field of ``router``'s operations (see the module
    docstring); django-ninja then answers 422 for a value outside, and the schema shows the
    integer bounds (``minimum``/``maximum``) and the text pattern. Call before the router is
    added to the API."""
    cache: dict[type, type] = {}
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            models = []
            for model in operation.models:
                source = model.__ninja_param_source__

                def bounds_of(name: str, source: str | None = source) -> tuple[int, int]:
                    if name in PAGING_BOUNDS and source == "query":
                        return PAGING_BOUNDS[name]
                    return PATH_BOUNDS if source == "path" else INTEGER_BOUNDS

                models.append(_constrained_model(model, bounds_of, cache))
            operation.models = models


class WenjiuyeAPI(NinjaAPI):
    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """The API's URLs and, last, one for any other path under /api/: a JSON 404 (not the
        site's HTML page); a GET without its trailing slash is still redirected to it."""
        patterns, app_name, namespace = super().urls
        unknown = re_path(r"^[\s\S]*$", csrf_exempt(self._unknown_path), name="unknown")
        return [*patterns, unknown], app_name, namespace

    def _unknown_path(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.method in ("GET", "HEAD") and not path.endswith("/"):
            match = _resolve(path + "/")
            if match is not None and match.view_name != f"{self.urls_namespace}:unknown":
                return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        return _detail(request, 404, "not found")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema()
        for methods in schema["paths"].values():
            for operation in methods.values():
                takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
                for status, description in ERROR_RESPONSES.items():
                    if status == 422 and not takes_input:
                        continue
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ErrorOut"}
                                }
                            },
                        },
                    )
        return schema


api = WenjiuyeAPI(
    title="wenjiuye",
    version="1",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=login_required,
)

for _prefix, _router, _tag in [
    ("/deadlines/", deadlines_router, "deadlines"),
    ("/notifications/", notify_router, "notifications"),
    ("/response/", response_router, "response"),
    ("/incidents/", incidents_router, "incidents"),
    ("/incidents/", opinion_incident_router, "incidents"),  # an incident's opinion (I6)
    ("/opinion/", opinion_router, "opinion"),
    ("/assistance/", assistance_router, "assistance"),
    ("/matching/", matching_router, "matching"),
    ("/programmes/", programmes_router, "programmes"),
    ("/duty/", duty_router, "duty"),
]:
    constrain_inputs(_router)
    api.add_router(_prefix, _router, tags=[_tag])


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


def _detail(request: HttpRequest, status: int, detail: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


def _refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Every refusal of ``core.errors.STATUS`` with its status and reason (a plain ``ValueError``
    is a bug and stays a 500)."""
    detail = error_detail(exc)
    if isinstance(exc, PermissionDenied | Http404) and not detail:
        detail = "forbidden" if isinstance(exc, PermissionDenied) else "not found"
    return _detail(request, status_of(exc) or 500, detail)


for _kind, _status in STATUS:
    api.add_exception_handler(_kind, _refused)  # type: ignore[arg-type, type-var]
