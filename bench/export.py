"""Peak memory and time of a list download (``core.listing.xlsx_response``) of N rows.

    .venv/bin/python bench/export.py                 # 100,000 rows
    .venv/bin/python bench/export.py --rows 300000 --json

A throw-away SQLite store under a temporary ``WENJIUYE_HOME`` gets N audit events (the widest
list the product downloads); then, each in its own child process so that each peak RSS
(``ru_maxrss``) is its own and includes the interpreter, Django and openpyxl:

- **product**: the download as a page serves it — ``xlsx_response`` over the filtered queryset
  (rows read from the database in chunks, openpyxl's write-only workbook), the response body read
  to the end;
- **baseline (in memory)**: the obvious way — ``list(queryset)``, an ordinary openpyxl
  ``Workbook`` with every cell, ``save`` to a buffer.

It prints both, and the ratio product ÷ baseline for time and peak memory. The target of the
issue: a 100,000-row export under 300 MiB peak.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _django(home: str) -> None:
    os.environ["WENJIUYE_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenjiuye.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def _spec():
    from wenjiuye.core.listing import Column, ListSpec

    return ListSpec(
        name="bench-events",
        title="审计日志",
        columns=[
            Column("时间", lambda e: e.at.replace(tzinfo=None)),
            Column("操作人", lambda e: e.actor_name),
            Column("动作", lambda e: e.get_action_display()),
            Column("对象类型", lambda e: e.object_type),
            Column("对象编号", lambda e: e.object_id),
            Column("对象", lambda e: e.object_repr),
            Column("所属区划", lambda e: e.region_code),
            Column("说明", lambda e: e.note),
        ],
    )


def setup(home: str, rows: int) -> None:
    _django(home)
    from django.core.management import call_command

    from wenjiuye.core.models import Event, User
    from wenjiuye.core.roles import Role

    call_command("migrate", verbosity=0)
    User.objects.create_user("bench", role=Role.AUDITOR)
    batch = []
    for i in range(rows):
        batch.append(
            Event(
                actor_name="bench",
                action=Event.Action.UPDATE,
                object_type="monitoring.ledgerentry",
                object_id=str(i),
                object_repr=f"平顶山市某某制造有限公司{i}",
                region_code="410421",
                note="状态:待处置 → 跟踪处置中;原因:欠缴社保",
            )
        )
        if len(batch) == 10_000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def product(home: str) -> dict:
    _django(home)
    from django.test import RequestFactory

    from wenjiuye.core.listing import xlsx_response
    from wenjiuye.core.models import Event, User

    request = RequestFactory().get("/audit/?format=xlsx")
    request.user = User.objects.get(username="bench")
    qs = Event.objects.filter(actor_name="bench").order_by("pk")
    start = time.perf_counter()
    response = xlsx_response(request, qs, _spec())
    size = sum(len(chunk) for chunk in response.streaming_content)
    return {"seconds": time.perf_counter() - start, "bytes": size}


def baseline(home: str) -> dict:
    _django(home)
    from openpyxl import Workbook

    from wenjiuye.core.models import Event

    spec = _spec()
    start = time.perf_counter()
    events = list(Event.objects.filter(actor_name="bench").order_by("pk"))
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in spec.columns])
    for e in events:
        ws.append([c.value(e) for c in spec.columns])
    buf = io.BytesIO()
    wb.save(buf)
    return {"seconds": time.perf_counter() - start, "bytes": buf.tell()}


def _child(phase: str, home: str, rows: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--home", home, "--rows", str(rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--phase", choices=["setup", "product", "baseline"])
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.phase:
        result = {
            "setup": lambda: setup(args.home, args.rows) or {},
            "product": lambda: product(args.home),
            "baseline": lambda: baseline(args.home),
        }[args.phase]()
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as home:
        say = (lambda m: None) if args.json else (lambda m: print(m, file=sys.stderr))
        say(f"setting up {args.rows:,} audit events …")
        _child("setup", home, args.rows)
        say("product: xlsx_response (streamed) …")
        prod = _child("product", home, args.rows)
        say("baseline: list + openpyxl Workbook in memory …")
        base = _child("baseline", home, args.rows)
    report = {
        "rows": args.rows,
        "product": prod,
        "baseline_in_memory": base,
        "time_ratio": prod["seconds"] / base["seconds"],
        "peak_ratio": prod["peak_mib"] / base["peak_mib"],
        "target_peak_mib": 300,
        "within_target": prod["peak_mib"] < 300,
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(f"rows                      {args.rows:>10,}")
    for name, r in (("product (streamed)", prod), ("baseline (in memory)", base)):
        print(
            f"{name:<26}{r['seconds']:>8.1f} s {r['peak_mib']:>8.0f} MiB peak  {r['bytes'] / 2**20:>6.1f} MiB file"
        )
    print(
        f"ratio product/baseline    time {report['time_ratio']:.2f}×  peak memory {report['peak_ratio']:.2f}×"
    )
    print(f"under 300 MiB peak        {'yes' if report['within_target'] else 'NO'}")


if __name__ == "__main__":
    main()
