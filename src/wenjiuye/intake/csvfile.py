"""The records of a CSV text stream, each line and record within the limits (a field that never
ends, a quote never closed, millions of rows are refused, never held)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

from wenjiuye.intake.bounds import Deadline, Limits, UnreadableFile, too_many_rows
from wenjiuye.intake.validation import clip


class _BoundedLines:
    """Physical lines of a text file for :mod:`csv`, none longer than ``limit`` characters and
    no record (``chars`` since the caller last reset it) longer either."""

    def __init__(self, fh: IO[str], limit: int, deadline: Deadline) -> None:
        self.fh, self.limit, self.deadline = fh, limit, deadline
        self.count = 0  # physical lines read
        self.chars = 0  # characters of the record being read

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        try:
            line = self.fh.readline(self.limit + 1)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("第 {line} 行的编码与文件其余部分不一致").format(line=self.count + 1)
            ) from exc
        if not line:
            raise StopIteration
        self.count += 1
        self.chars += len(line)
        if len(line) > self.limit or self.chars > self.limit:
            raise UnreadableFile(
                _("第 {line} 行的记录超过 {limit} 个字符,无法读取(常见原因:引号未闭合)").format(
                    line=self.count, limit=self.limit
                )
            )
        if not self.count & 0x3FF:
            self.deadline.check()
        return line


def csv_records(fh: IO[str], limits: Limits, deadline: Deadline) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` of every record of a CSV text stream (opened with ``newline=""``), the
    line being the record's last physical line; the header is the first record. A field beyond
    the parser's limit, a record beyond :attr:`Limits.max_record_chars` or more rows than
    :attr:`Limits.max_rows` refuse the file."""
    lines = _BoundedLines(fh, limits.max_record_chars, deadline)
    reader = csv.reader(lines)
    last = limits.max_rows + 1
    while True:
        lines.chars = 0
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field limit" in str(exc):
                reason = _(
                    "第 {line} 行有超过 {limit} 个字符的字段,无法读取(常见原因:引号未闭合)"
                ).format(line=lines.count, limit=csv.field_size_limit())
            else:
                reason = _("第 {line} 行不是有效的 CSV({error})").format(
                    line=lines.count, error=clip(str(exc), 80)
                )
            raise UnreadableFile(reason) from exc
        if reader.line_num > last:
            raise too_many_rows(limits)
        yield reader.line_num, values
