"""The working folder ``WENJIUYE_HOME``: where it is, and making it ready.

Importing the settings only *resolves* the folder (:func:`resolve_home`) and writes nothing; the
entry points — the ``wenjiuye`` command, ``manage.py`` and the WSGI application — make it ready
(:func:`prepare_home`) before Django starts. Where it is:

- ``$WENJIUYE_HOME`` when set (required when ``WENJIUYE_ENV=production``);
- otherwise, in development, ``var/`` of the source checkout the code runs from (the same folder
  whichever directory a command is started in), or ``~/.local/share/wenjiuye`` for an installed
  package.

This module imports nothing of Django, so that it can run before the settings.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

#: The source checkout this package runs from, when it is one (``src/wenjiuye`` → the root).
CHECKOUT = Path(__file__).resolve().parents[2]
#: The development key, written once by :func:`prepare_home` (production: ``SECRET_KEY``).
SECRET_KEY_FILE = "secret_key"


class HomeNotSet(RuntimeError):
    """Production without ``WENJIUYE_HOME``."""


def resolve_home(environ: Mapping[str, str] = os.environ) -> Path:
    """The working folder, resolved to an absolute path; nothing is created."""
    raw = environ.get("WENJIUYE_HOME", "").strip()
    if raw:
        return Path(raw).expanduser().resolve()
    if environ.get("WENJIUYE_ENV", "development") == "production":
        raise HomeNotSet(
            "WENJIUYE_HOME is required when WENJIUYE_ENV=production: the folder that holds the "
            "SQLite database (if used), the Parquet lake, uploaded files and the worker's queue"
        )
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "src" / "wenjiuye").is_dir():
        return CHECKOUT / "var"
    return Path.home() / ".local" / "share" / "wenjiuye"


def prepare_home(environ: Mapping[str, str] = os.environ) -> Path:
    """Create the working folder and its static/media folders, and in development a random
    secret key (kept in the folder so that sessions survive a restart). Idempotent."""
    home = resolve_home(environ)
    for folder in (home, home / "static", home / "media"):
        folder.mkdir(parents=True, exist_ok=True)
    key_file = home / SECRET_KEY_FILE
    development = "SECRET_KEY" not in environ and environ.get("WENJIUYE_ENV") != "production"
    if development and not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return home
