"""The ``wenjiuye`` command: Django's management commands under one name.

``wenjiuye validate id 410402199001011234 --json`` is ``manage.py validate id … --json``.
"""

from __future__ import annotations

import os
import sys

from wenjiuye.home import prepare_home


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenjiuye.settings")
    prepare_home()
    from django.core.management import execute_from_command_line  # noqa: PLC0415 (settings first)

    execute_from_command_line(["wenjiuye", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
