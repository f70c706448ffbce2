"""Base class for the ``wenjiuye`` commands that a script may call.

Every such command accepts ``--json``: it then prints exactly one JSON document on
stdout (UTF-8, not ASCII-escaped) and nothing else there; progress goes to stderr.
Domain errors become a message on stderr and exit status 2 (``CommandError``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def to_jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def add_json_switch(parser: argparse.ArgumentParser) -> None:
    """Accept ``--json`` on a subcommand's parser too (``wenjiuye reference load --json``).

    ``SUPPRESS`` keeps the main parser's value when the switch is given before the subcommand.
    """
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout",
    )


def parse_day(text: str) -> date:
    """An argparse ``type`` for a day given as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD:{text}") from exc


class JsonCommand(BaseCommand):
    """A management command with a ``--json`` switch.

    Subclasses implement :meth:`run` returning a JSON-able result and :meth:`render`
    printing it for a person (Chinese), used when ``--json`` is not given.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        result = self.run(**options)
        if options["json"]:
            self.stdout.write(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
        else:
            self.render(result, **options)

    run: Callable[..., Any]  # each command defines run(**options) -> a JSON-able result

    def render(self, result: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
