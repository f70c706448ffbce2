"""Builders shared by test modules (imported, unlike conftest fixtures, by name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.test import override_settings

T = TypeVar("T")

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def rolled_back_world(
    django_db_blocker: Any, build: Callable[[], T], *, media: Path | None = None
) -> Iterator[T]:
    """Build a module's records once, in a transaction rolled back at the end; each test runs in
    a savepoint inside it, so its writes vanish too. Use from a module-scoped fixture::

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            yield from rolled_back_world(django_db_blocker, build_world)
    """
    overrides: dict[str, Any] = {"PASSWORD_HASHERS": FAST_HASHER}
    if media is not None:
        overrides["MEDIA_ROOT"] = media
    with django_db_blocker.unblock(), override_settings(**overrides):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
