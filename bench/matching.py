"""Benchmark of job matching (精准推送): quality on the demo city, time at 100,000 × 50,000.

    .venv/bin/python bench/matching.py [--scale small|city] [--seed 7] [--demo DIR]
                                       [--persons 100000] [--vacancies 50000] [--json]

Two parts, each measured in the same run against two named baselines that apply the same
hard filters (area, education, age, posting open):

* **quality** — the demo city (``wenjiuye demo generate``; generated into a temporary folder,
  or reused from ``--demo DIR`` when its manifest has the same seed and scale) plants true
  hires: a registered unemployed person later hired on a posting of the hiring employer
  (``ground_truth.json`` → ``true_hires``). For each, the postings open the day before the
  registration ended are ranked for that person; recall@k = share of true postings in the
  top k. Baselines: ``recent`` (most recent postings first) and ``random`` (seeded).
* **scale** — a synthetic table of ``--persons`` persons and ``--vacancies`` postings (all open
  on the day) built from the city profile's Chinese job vocabulary (58 jobs: titles, trades,
  duties, skills; title variants; welfare and requirement clauses; 10 counties and the 6
  partner cities), ranked top k per person by the matcher and by both baselines; also the
  other direction (top k candidates per posting) and the reasons of 1,000 persons' matches.

A benchmark reports: nothing is asserted. ``--json`` prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wenjiuye.matching.engine import match  # noqa: E402
from wenjiuye.matching.evaluation import POLICY_DIR, evaluate  # noqa: E402
from wenjiuye.matching.params import params_from_policy_files  # noqa: E402

CITY_DIR = ROOT / "src" / "wenjiuye" / "reference" / "pingdingshan"
SCALE_DAY = date(2022, 11, 15)  # partner cities (K4) in force
VARIANTS = ("急招{}", "熟练{}", "{}(长白班)", "{}学徒", "招聘{}若干名", "{}", "{}", "{}")
WELFARE = (
    "缴纳五险",
    "五险一金",
    "包吃住",
    "提供宿舍",
    "工作餐",
    "节日福利",
    "带薪年假",
    "定期体检",
)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Quality on the demo city
# ---------------------------------------------------------------------------------------------
def demo_folder(args: argparse.Namespace) -> tuple[Path, bool, float | None]:
    """(folder, reused, generation seconds)."""
    if args.demo:
        folder = Path(args.demo)
        manifest = folder / "manifest.json"
        if manifest.is_file():
            m = json.loads(manifest.read_text(encoding="utf-8"))
            truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
            if (
                m.get("seed") == args.seed
                and m.get("scale") == args.scale
                and "true_hires" in truth
            ):
                return folder, True, None
    else:
        folder = Path(tempfile.mkdtemp(prefix="wjy-match-")) / "demo"
    from wenjiuye.demo import demo_generate  # noqa: PLC0415

    log(f"generating the demo city ({args.scale}, seed {args.seed}) into {folder}…")
    t0 = time.perf_counter()
    demo_generate(out=folder, city_dir=CITY_DIR, scale=args.scale, seed=args.seed)
    return folder, False, time.perf_counter() - t0


def quality(args: argparse.Namespace) -> dict[str, Any]:
    folder, reused, gen_seconds = demo_folder(args)
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))["true_hires"]
    log(f"evaluating recall@{args.k} on {truth['count']} planted true hires…")
    t0 = time.perf_counter()
    results = evaluate(folder, k=args.k, seed=args.seed)
    seconds = time.perf_counter() - t0
    wording: dict[str, dict[str, int]] = {}
    for item in truth["items"]:
        w = wording.setdefault(item["wording"], {"items": 0, "text": 0, "recent": 0, "random": 0})
        w["items"] += 1
        for method, r in results.items():
            w[method] += r.ranks.get(item["person_id"]) is not None
    out = {
        "demo": str(folder),
        "scale": args.scale,
        "seed": args.seed,
        "reused": reused,
        "generate_seconds": gen_seconds,
        "evaluate_seconds": seconds,
        "true_hires": truth["count"],
        "k": args.k,
        "recall": {m: r.recall for m, r in results.items()},
        "hits": {m: r.hits for m, r in results.items()},
        "rank1": {m: sum(1 for x in r.ranks.values() if x == 1) for m, r in results.items()},
        "by_wording": wording,
        "ratio": {
            "text / recent": _ratio(results["text"].recall, results["recent"].recall),
            "text / random": _ratio(results["text"].recall, results["random"].recall),
        },
    }
    if not args.demo and not args.keep:
        shutil.rmtree(folder.parent, ignore_errors=True)
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


# ---------------------------------------------------------------------------------------------
# Scale: synthetic persons × vacancies
# ---------------------------------------------------------------------------------------------
def synthetic(n_persons: int, n_vacancies: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    profile = json.loads((CITY_DIR / "demo_profile.json").read_text(encoding="utf-8"))
    jobs = sorted(profile["jobs"].values(), key=lambda j: j["title"])
    skills = profile["skills"]
    counties = sorted(profile["counties"])
    names = {code: c.get("name", code) for code, c in profile["counties"].items()}
    partners = [p["name"] for p in profile["partner_cities"]]
    levels = ["初中", "高中", "中专", "大专", "本科", "研究生", ""]
    rng = random.Random(seed)
    persons = pd.DataFrame(
        {
            "person_id": [f"P{i:06d}" for i in range(n_persons)],
            "region_code": [rng.choice(counties) for _ in range(n_persons)],
            "education": [rng.choice(levels) for _ in range(n_persons)],
            "age": [rng.randint(18, 60) for _ in range(n_persons)],
            "desired_job": [rng.choice(jobs)["title"] for _ in range(n_persons)],
            "skills": [
                "、".join(dict.fromkeys([rng.choice(jobs)["skill"], rng.choice(skills)]))
                for _ in range(n_persons)
            ],
            "accepts_migration": [rng.random() < 0.3 for _ in range(n_persons)],
        }
    )
    rows = []
    for i in range(n_vacancies):
        job = rng.choice(jobs)
        partner = rng.random() < 0.25
        county = rng.choice(counties)
        age_max = rng.choice((None, 35, 40, 45, 50, 55))
        need = f"{age_max}周岁以下," if age_max else ""
        edu = "学历不限" if job["education"] == "不限" else f"{job['education']}及以上学历"
        where = rng.choice(partners) if partner else names[county]
        rows.append(
            {
                "posting_id": f"V{i:06d}",
                "region_code": None if partner else county,
                "city": rng.choice(partners) if partner else None,
                "education_min": job["education"],
                "age_max": age_max,
                "posted_on": SCALE_DAY - timedelta(days=rng.randrange(60)),
                "closes_on": SCALE_DAY + timedelta(days=rng.randrange(0, 60)),
                "title": rng.choice(VARIANTS).format(job["title"]),
                "occupation": job["occupation"],
                "description": f"{job['duty']}。要求:{need}{edu}。待遇:"
                f"{'、'.join(rng.sample(WELFARE, 3))}。工作地点:{where}。",
                "openings": rng.randint(1, 20),
            }
        )
    return persons, pd.DataFrame(rows)


def scale(args: argparse.Namespace) -> dict[str, Any]:
    log(f"generating {args.persons:,} persons × {args.vacancies:,} postings…")
    t0 = time.perf_counter()
    persons, vacancies = synthetic(args.persons, args.vacancies, args.seed)
    out: dict[str, Any] = {
        "persons": args.persons,
        "vacancies": args.vacancies,
        "k": args.k,
        "chunk": args.chunk,
        "generate_seconds": time.perf_counter() - t0,
        "phases": {},
    }
    params = params_from_policy_files(sorted(POLICY_DIR.glob("*.json")), on=SCALE_DAY)
    phases = out["phases"]
    runs = [
        ("matcher (text), per person", "text", "person"),
        ("baseline recent, per person", "recent", "person"),
        ("baseline random, per person", "random", "person"),
        ("matcher (text), per posting", "text", "vacancy"),
    ]
    result = None
    for name, method, direction in runs:
        log(f"{name}…")
        t0 = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int, _name: str = name, _last: list[float] = last) -> None:
            now = time.perf_counter()
            if now - _last[0] > 10 or done == total:
                _last[0] = now
                log(f"  {_name}: {done:,}/{total:,}")

        r = match(
            persons,
            vacancies,
            params=params,
            on=SCALE_DAY,
            top=args.k,
            method=method,
            direction=direction,
            seed=args.seed,
            chunk=args.chunk,
            progress=progress,
        )
        seconds = time.perf_counter() - t0
        phases[name] = {
            "seconds": seconds,
            "rows": len(r.indices),
            "filled": float((r.indices >= 0).all(axis=1).mean()),
            "peak_mib": peak_mib(),
        }
        if method == "text" and direction == "person":
            result = r
    if result is not None:
        n = min(1000, args.persons)
        t0 = time.perf_counter()
        count = sum(len(result.matches(i)) for i in range(n))
        phases[f"reasons of {n:,} persons' matches"] = {
            "seconds": time.perf_counter() - t0,
            "rows": count,
            "peak_mib": peak_mib(),
        }
    text = phases["matcher (text), per person"]["seconds"]
    out["ratio"] = {
        "text / recent": _ratio(text, phases["baseline recent, per person"]["seconds"]),
        "text / random": _ratio(text, phases["baseline random, per person"]["seconds"]),
    }
    out["peak_mib"] = peak_mib()
    return out


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def print_quality(q: dict[str, Any]) -> None:
    print(
        f"== quality: demo city {q['scale']} seed {q['seed']} "
        f"({'reused' if q['reused'] else 'generated'}), {q['true_hires']} planted true hires =="
    )
    print(f"{'method':<10} {'recall@' + str(q['k']):>10} {'hits':>6} {'rank 1':>7}")
    for m in ("text", "recent", "random"):
        print(f"{m:<10} {q['recall'][m]:>10.3f} {q['hits'][m]:>6} {q['rank1'][m]:>7}")
    for name, r in q["ratio"].items():
        print(f"  recall ratio {name} = {r:.2f}×" if r else f"  recall ratio {name}: n/a")
    print("  by wording of the planted posting (hits of text / recent / random):")
    for w, c in q["by_wording"].items():
        print(f"    {w:<10} {c['items']:>5} items: {c['text']} / {c['recent']} / {c['random']}")
    print(f"  evaluation {q['evaluate_seconds']:.1f} s")


def print_scale(s: dict[str, Any]) -> None:
    print()
    print(
        f"== scale: {s['persons']:,} persons × {s['vacancies']:,} postings, top {s['k']} "
        f"(chunk {s['chunk']}) =="
    )
    print(f"{'phase':<40} {'seconds':>9} {'peak MiB':>9}")
    for name, p in s["phases"].items():
        print(f"{name:<40} {p['seconds']:>9.1f} {p['peak_mib']:>9,.0f}")
    for name, r in s["ratio"].items():
        print(f"  time ratio {name} = {r:.2f}×" if r else f"  time ratio {name}: n/a")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", default="small", choices=["small", "city"])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--demo", help="demo folder to reuse (generated there if absent)")
    parser.add_argument("--keep", action="store_true", help="keep the generated demo folder")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=1024)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpus": os.cpu_count(),
        "memory_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
    }
    if not args.skip_quality:
        report["quality"] = quality(args)
        if not args.json:
            print_quality(report["quality"])
            sys.stdout.flush()
    if not args.skip_scale:
        report["scale"] = scale(args)
        if not args.json:
            print_scale(report["scale"])
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
