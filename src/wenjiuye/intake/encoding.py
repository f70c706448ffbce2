"""The encoding of a CSV file: UTF-8 (with or without BOM) or GBK/GB18030, every line read as a
stream; a file whose lines are not all in one encoding is refused (:func:`csv_encoding`): read as
either encoding, the other lines would load as mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from wenjiuye.intake.bounds import CHUNK, Deadline, Limits, UnreadableFile

#: characters of Chinese text besides ASCII: the middle dot of transcribed names (·), general
#: punctuation (“”—…), CJK symbols (、。《》), CJK ideographs (extension A and the basic block)
#: and full-width forms (,:()0-9)
_NOT_CHINESE_TEXT = re.compile(
    "[^\x00-\x7f\u00b7\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
)


def _surely_utf8(raw: bytes, text: str) -> bool:
    """Whether a line that decodes as UTF-8, in a file that does not, is UTF-8 text and not GBK
    text whose bytes happen to be valid UTF-8.

    GB18030 decodes almost any byte sequence, so "it decodes" says nothing about GBK; but UTF-8
    is strict, and GBK text that is valid UTF-8 by chance decodes to noise. The line is taken as
    UTF-8 when (1) read as UTF-8 it is Chinese text (ASCII, CJK ideographs and punctuation,
    full-width forms: GBK pairs that pass as UTF-8 mostly give Latin, Greek, Cyrillic… letters)
    and (2) read as GBK it is not plain GB2312 text (UTF-8 continuation bytes 0x80–0xA0 in a
    GBK position make rare characters, the 鍙跺幙 of mojibake; the bureau's GBK exports are
    GB2312 text but for a rare name). Measured on random text: GBK lines of 1–8 GB2312
    characters never pass both tests; UTF-8 lines of 2 such characters pass 97 % of the time,
    of 3 or more 99.9 % or more, and the file needs only one such line to be refused.
    """
    if _NOT_CHINESE_TEXT.search(text):
        return False
    try:
        as_gbk = raw.decode("gb18030")
    except UnicodeDecodeError:
        return True
    try:
        as_gbk.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


class _LineSet:
    """How many lines fell in a class, and the first few of them (for the message)."""

    def __init__(self) -> None:
        self.count = 0
        self.first: list[int] = []

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.first) < 5:
            self.first.append(line)

    def __bool__(self) -> bool:
        return self.count > 0

    def __str__(self) -> str:
        shown = "、".join(str(n) for n in self.first)
        return shown + (_(" 等 {count} 行").format(count=self.count) if self.count > 5 else "")


def _line_blocks(
    fh: BinaryIO, start: int, limits: Limits, deadline: Deadline
) -> Iterator[tuple[int, bytes]]:
    """``(number of its first line, bytes)`` of blocks of whole lines, read 1 MiB at a time.

    Refuses NUL bytes (a binary file or UTF-16) and lines longer than a record may be, so that
    no line is ever held whole beyond that. Splitting at b"\\n" is safe in both encodings: no
    byte of a multi-byte UTF-8 or GB18030 character is 0x0A.
    """
    max_line = 4 * limits.max_record_chars
    fh.seek(start)
    carry, line = b"", 1
    while chunk := fh.read(CHUNK):
        deadline.check()
        if b"\0" in chunk:
            raise UnreadableFile(
                _("文件含有 NUL 字节:是二进制文件,或是 UTF-16 等不支持的编码,不是 CSV 文本文件")
            )
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"\n") + 1
        body, carry = buf[:cut], buf[cut:]
        if body:
            if len(body) > max_line:
                _check_line_lengths(body, line, max_line)
            yield line, body
            line += body.count(b"\n")
        if len(carry) > max_line:
            _check_line_lengths(carry, line, max_line)
    if carry:
        yield line, carry


def _check_line_lengths(block: bytes, line: int, max_line: int) -> None:
    start = 0
    while start < len(block):
        end = block.find(b"\n", start)
        end = len(block) if end < 0 else end
        if end - start > max_line:
            raise UnreadableFile(
                _("第 {line} 行超过 {limit} 字节,无法读取").format(line=line, limit=max_line)
            )
        start, line = end + 1, line + 1


def csv_encoding(fh: BinaryIO, limits: Limits, deadline: Deadline) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` (a superset of GBK) for a CSV file, streaming it.

    UTF-8 when every line decodes as UTF-8; GB18030 when the lines that do not decode as UTF-8
    decode as GB18030 and no line is surely UTF-8 (:func:`_surely_utf8`). A file with both
    UTF-8 and GBK lines (or a UTF-8 BOM and GBK lines) is refused, naming the lines of each.
    """
    fh.seek(0)
    bom = fh.read(3) == codecs.BOM_UTF8
    start = 3 if bom else 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for _first, block in _line_blocks(fh, start, limits, deadline):
            decoder.decode(block)
        decoder.decode(b"", final=True)
        return "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        pass
    # Not all UTF-8: classify every line (a GBK file, or a mixed one).
    utf8, gbk, neither = _LineSet(), _LineSet(), _LineSet()
    for first, block in _line_blocks(fh, start, limits, deadline):
        for offset, raw in enumerate(block.split(b"\n")):
            if raw.isascii():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    raw.decode("gb18030")
                except UnicodeDecodeError:
                    neither.add(first + offset)
                else:
                    gbk.add(first + offset)
                continue
            if bom or _surely_utf8(raw, text):
                utf8.add(first + offset)
    if neither:
        raise UnreadableFile(
            _("既不是 UTF-8 也不是 GBK/GB18030 编码的文本文件(第 {lines} 行)").format(lines=neither)
        )
    if utf8 or bom:
        utf8_lines = str(utf8) if utf8 else "1"
        if bom:
            utf8_lines = _("{lines}(文件开头有 UTF-8 的 BOM)").format(lines=utf8_lines)
        raise UnreadableFile(
            _(
                "文件的编码前后不一致:第 {utf8} 行是 UTF-8 编码,第 {gbk} 行是 GBK/GB18030 编码;"
                "按其中任何一种读取,另一部分都会成为乱码,整个文件未导入。"
                "请用同一种编码(建议 UTF-8)重新导出或另存后再导入"
            ).format(utf8=utf8_lines, gbk=gbk)
        )
    return "gb18030"
