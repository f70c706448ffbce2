"""What the visible text of a page must not contain: codes a user cannot read — snake_case
identifiers ("layoff_suspected", "view_unmasked"), dotted names ("response.layoffreport",
"duty.shift.max_hours"), Python reprs of structures ("{'tier': …}", "None"). Shared by the page
tests of deadlines, notify, core and the inspection."""

from __future__ import annotations

import re
from html.parser import HTMLParser

SNAKE = re.compile(r"(?<![\w./?&=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/(-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?![\w/(-])")
REPR = re.compile(r"\{'|\['|'\}|'\]|\bNone\b|\bTrue\b|\bFalse\b")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:  # what a user reads in a control
            if name in ("placeholder", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees (tags, attributes and scripts removed)."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_codes(html: str) -> list[str]:
    """Every code-looking piece of the visible text of ``html`` (empty when the page is clean)."""
    text = visible_text(html)
    return SNAKE.findall(text) + DOTTED.findall(text) + REPR.findall(text)
