"""What one file may hold and take (:class:`Limits`, :class:`Deadline`), and the refusal of a
file that cannot be read within them or at all (:class:`UnreadableFile`).

The limits are the ``WENJIUYE_UPLOAD_*`` settings: the file's size; for an XLSX, the size of its
parts uncompressed, how much each part expands, the shared strings, the longest text in a cell;
for a CSV, the longest line and record; the rows; and the time to read and check them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError

#: how much of a file is read at a time
CHUNK = 1 << 20


class UnreadableFile(DomainError):
    """The file is not a CSV/XLSX file we can read, or lacks the required header."""


@dataclass(frozen=True)
class Limits:
    """What one file may hold; :meth:`from_settings` reads the ``WENJIUYE_UPLOAD_*`` settings."""

    max_bytes: int
    max_uncompressed: int
    max_shared_strings: int
    max_ratio: int
    max_cell_chars: int
    max_rows: int
    max_seconds: float

    @classmethod
    def from_settings(cls, **overrides: Any) -> Limits:
        return replace(
            cls(
                max_bytes=settings.WENJIUYE_UPLOAD_MAX_BYTES,
                max_uncompressed=settings.WENJIUYE_UPLOAD_MAX_UNCOMPRESSED,
                max_shared_strings=settings.WENJIUYE_UPLOAD_MAX_SHARED_STRINGS,
                max_ratio=settings.WENJIUYE_UPLOAD_MAX_RATIO,
                max_cell_chars=settings.WENJIUYE_UPLOAD_MAX_CELL_CHARS,
                max_rows=settings.WENJIUYE_UPLOAD_MAX_ROWS,
                max_seconds=settings.WENJIUYE_UPLOAD_MAX_SECONDS,
            ),
            **overrides,
        )

    @property
    def max_record_chars(self) -> int:
        """Characters in one CSV line or record (all its fields): room for many full cells."""
        return max(1 << 20, 8 * self.max_cell_chars)

    @property
    def max_text_bytes(self) -> int:
        """Bytes of one text in an XLSX part's XML (a full cell: 3 bytes a character in UTF-8,
        more where escaped as ``&amp;`` or ``&#x4E2D;``)."""
        return 8 * self.max_cell_chars + 4096


class Deadline:
    """The time one file may take, from its opening until its last row is read and checked."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    @property
    def passed(self) -> bool:
        return time.monotonic() > self.at

    def message(self) -> str:
        return _(
            "处理时间超过 {seconds} 秒的上限,已停止,未导入任何数据;请拆分文件后分别导入"
        ).format(seconds=int(self.seconds))

    def check(self) -> None:
        if self.passed:
            raise UnreadableFile(self.message())


def megabytes(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.0f} MB"
    return f"{size / 1024:,.1f} KB" if size >= 1024 else f"{size} 字节"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise UnreadableFile(
            _("文件过大({size}),上限为 {limit}").format(
                size=megabytes(size), limit=megabytes(limits.max_bytes)
            )
        )


def too_many_rows(limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        _("数据超过 {limit:,} 行的上限,请拆分文件后分别导入").format(limit=limits.max_rows)
    )
