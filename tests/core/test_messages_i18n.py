"""Every user-facing message goes through gettext (issue 14): no raw Chinese literal in a
``raise``, a ``messages.*`` call, an ``HttpResponse`` or a form/validation error.

A literal counts as marked when it is the argument of ``_``/``gettext``/``gettext_lazy``/
``ngettext``/``pgettext`` (directly, or as the left side of ``%``). An f-string with Chinese text
cannot be translated and is rejected too: write ``_("… %(name)s …") % {...}``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "wenjiuye"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
#: calls whose text arguments a user reads
MESSAGE_CALLS = {
    "HttpResponse",
    "HttpResponseBadRequest",
    "HttpResponseForbidden",
    "HttpResponseNotFound",
    "ValidationError",
    "PermissionDenied",
    "Http404",
    "HttpError",
    "CommandError",
    "add_error",
    "debug",
    "info",
    "success",
    "warning",
    "error",
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _raw_texts(node: ast.AST) -> list[ast.AST]:
    """String literals with Chinese below ``node`` that no gettext call wraps."""
    found: list[ast.AST] = []

    def visit(n: ast.AST) -> None:
        if isinstance(n, ast.Call) and _name(n.func) in GETTEXT:
            return
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value):
            found.append(n)
            return
        if isinstance(n, ast.JoinedStr):
            if any(isinstance(v, ast.Constant) and CJK.search(str(v.value)) for v in n.values):
                found.append(n)
            return
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return found


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Raise) and node.exc is not None:
            targets.append(node.exc)
        elif isinstance(node, ast.Call) and _name(node.func) in MESSAGE_CALLS:
            is_messages = isinstance(node.func, ast.Attribute) and _name(node.func) in {
                "debug",
                "info",
                "success",
                "warning",
                "error",
            }
            if is_messages and not (
                isinstance(node.func.value, ast.Name) and node.func.value.id == "messages"
            ):
                continue
            targets.extend(node.args)
            targets.extend(k.value for k in node.keywords)
        for target in targets:
            for text in _raw_texts(target):
                out.append(f"{path.relative_to(SRC.parent)}:{text.lineno}")
    return out


def test_no_raw_chinese_messages() -> None:
    files = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    found = sorted({v for p in files for v in _violations(p)})
    assert found == [], f"{len(found)} raw messages, e.g. {found[:20]}"


def test_the_check_finds_what_it_should() -> None:
    """The scanner itself: a raw literal, an f-string and a messages call are caught; gettext
    forms pass."""
    sample = (
        'raise ValidationError("坏")\n'
        'raise DomainError(f"坏 {x}")\n'
        'messages.error(request, "坏")\n'
        'raise ValidationError(_("好"))\n'
        'raise ValidationError(_("好 %(x)s") % {"x": 1})\n'
        'logger.error("not a user message, 可以")\n'
    )
    assert sorted({v.rsplit(":", 1)[1] for v in _check_text(sample)}) == ["1", "2", "3"]


def _check_text(text: str) -> list[str]:
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wenjiuye" / "sample.py"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        global SRC
        saved, SRC = SRC, path.parent
        try:
            return _violations(path)
        finally:
            SRC = saved
