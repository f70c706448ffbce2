"""The specification the code cites is in the repository (docs/spec/), and every requirement ID the
code, the templates and the docs cite is one of it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec"
#: A requirement ID as cited: a prefix letter and a clause number, not part of a longer word or path
CITED = re.compile(r"(?<![/\w.-])([MESOULIK])(\d{1,2})(?![\w/.-])")


def _defined() -> set[str]:
    text = (SPEC / "requirements.md").read_text(encoding="utf-8")
    return set(re.findall(r"^- ([MESOULIK]\d{1,2}) ", text, re.M))


def _cited(paths: list[Path]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in paths:
        for prefix, number in CITED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(prefix + number, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_specification_is_in_the_repository() -> None:
    for name in ("requirements.md", "data-contract.md", "README.md"):
        assert (SPEC / name).is_file(), name
    assert (SPEC / "seed" / "pingdingshan-1plus4-plan-2022.txt").is_file()
    defined = _defined()
    assert {"M1", "E4", "S1", "O2", "U8", "L1", "I10", "K8"} <= defined
    glossary = (SPEC / "README.md").read_text(encoding="utf-8")
    assert all(f"| {rid} |" in glossary for rid in defined)


def test_every_cited_requirement_id_is_defined() -> None:
    sources = [
        p
        for p in (ROOT / "src").rglob("*")
        if p.suffix in {".py", ".html", ".json", ".md"} and "migrations" not in p.parts
    ]
    docs = [p for p in (ROOT / "docs").glob("*.md")] + [ROOT / "README.md"]
    unknown = {rid: sorted(where)[:3] for rid, where in _cited(sources + docs).items()}
    defined = _defined()
    assert {rid: where for rid, where in unknown.items() if rid not in defined} == {}
