"""The ``wenjiuye`` command: Django's management commands under one name.

``wenjiuye validate id 410402199001011234 --json`` is ``manage.py validate id … --json``.

A refusal (``core.errors.STATUS``: a policy not in force, a limit, no permission, not found, an
invalid value) that a command lets through is answered here, once: its reason on stderr (with
``--json``, also one JSON document ``{"error": reason}`` on stdout) and exit status 2, the status
of the commands' own refusals (``CommandError``, which Django prints itself); no traceback unless
``--traceback`` is given. Any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import os
import sys

from wenjiuye.home import prepare_home

#: the exit status of a refusal (as the commands' own ``CommandError(returncode=2)``)
REFUSED = 2


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenjiuye.settings")
    prepare_home()
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (settings first)

    from wenjiuye.core.errors import error_messages, status_of  # noqa: PLC0415

    args = sys.argv[1:] if argv is None else argv
    try:
        execute_from_command_line(["wenjiuye", *args])
    except Exception as exc:
        if status_of(exc) is None or "--traceback" in args:
            raise
        reason = "; ".join(error_messages(exc)) or type(exc).__name__
        if "--json" in args:
            sys.stdout.write(json.dumps({"error": reason}, ensure_ascii=False, indent=2) + "\n")
        sys.stderr.write(reason + "\n")
        sys.exit(REFUSED)


if __name__ == "__main__":
    main()
