"""Reading a reference data file, and the error that lists every problem found in one."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core.errors import DomainError


class ReferenceDataError(DomainError):
    """A reference file is unreadable or has bad records; nothing was changed."""

    def __init__(self, path: Path | str, problems: Iterable[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            _("参考数据文件 %(path)s 有 %(n)d 处错误,未做任何修改:\n%(lines)s")
            % {"path": self.path, "n": len(self.problems), "lines": lines}
        )


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ReferenceDataError(path, [_("文件不存在")]) from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(path, [_("文件不是 UTF-8 编码")]) from exc
    except OSError as exc:
        raise ReferenceDataError(path, [_("无法读取文件:%(err)s") % {"err": exc}]) from exc


def read_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            path,
            [_("第 %(line)d 行:不是合法的 JSON(%(msg)s)") % {"line": exc.lineno, "msg": exc.msg}],
        ) from exc
