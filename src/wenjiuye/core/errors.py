"""The product's error policy: which refusals exist and how each face answers them.

A service refuses with one of these (or Django's ``ValidationError`` / ``PermissionDenied`` /
``Http404``); it never returns an error value. Each face maps them once, from :data:`STATUS`:
pages in ``core.middleware.ErrorPageMiddleware`` (and :func:`error_messages` for a form's own
errors), the API in ``wenjiuye.api``, the command line in ``wenjiuye.cli``. A plain ``ValueError``
or ``LookupError`` is a bug and answers 500: only these classes are the user's to fix.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404


class DomainError(ValueError):
    """A refusal the user can act on, its message already in the user's language (400).

    It is a ``ValueError`` so that code which parses values may raise and catch it as one."""


class PolicyNotInForce(LookupError):
    """No version of a policy parameter is in force on the date asked (409: an administrator must
    load or set the parameter; the message names the key and the day)."""


class LimitReached(Exception):
    """A per-user limit is reached (429, with the reason and when to try again)."""


#: exception class → HTTP status, the most specific first.
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (PolicyNotInForce, 409),
    (LimitReached, 429),
    (PermissionDenied, 403),
    (Http404, 404),
    (ObjectDoesNotExist, 404),
    (ValidationError, 400),
    (DomainError, 400),
)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a refusal, or ``None`` when ``exc`` is not one (a bug: 500)."""
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return None


def error_detail(exc: BaseException) -> Any:
    """What the API answers as ``detail``: a validation error's field → messages, else the text."""
    if isinstance(exc, ValidationError):
        return exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return str(exc)


def error_messages(source: Any) -> list[str]:
    """The messages a page shows for a refused service call or an invalid form.

    ``source`` is a ``ValidationError`` (field errors flattened), any other refusal (its text) or
    a bound form (each field's errors after its label)."""
    if isinstance(source, ValidationError):
        if hasattr(source, "error_dict"):
            return [m for msgs in source.message_dict.values() for m in msgs]
        return list(source.messages)
    if isinstance(source, BaseException):
        return [str(source)]
    form = source
    return [
        f"{form.fields[f].label or f}:{'; '.join(str(m) for m in e)}"
        if f in form.fields
        else "; ".join(str(m) for m in e)
        for f, e in form.errors.items()
    ]
