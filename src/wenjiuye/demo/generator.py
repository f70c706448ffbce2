"""``wenjiuye demo generate``: a deterministic demo city in the data-contract formats.

The generator simulates a city's insured labour market month by month
(:mod:`wenjiuye.demo.simulation`):

- enterprises (county, GB/T 4754 industry and size from the city's ``demo_profile.json``) with a
  planned insured headcount that moves by at most 3 % (and 6 persons) a month
  (:mod:`~wenjiuye.demo.enterprises`);
- people with valid resident ID numbers (:mod:`~wenjiuye.demo.people`), who are hired, change
  jobs, register as unemployed, receive benefits, find work again or retire
  (:mod:`~wenjiuye.demo.separations`, :mod:`~wenjiuye.demo.registrations`,
  :mod:`~wenjiuye.demo.benefits`), each step leaving the records the bureau's systems would
  export (contributions, employment filings, registrations, benefit payments);
- the market side (job postings, labour cases, enterprise events, operating figures, village
  monitoring points) in :mod:`wenjiuye.demo.market` (the job postings in :mod:`wenjiuye.demo.postings`).

Each county's registered unemployed stock is held at a target rate, so regions stay quiet
unless a scenario moves them. Ten risk scenarios and a quiet control group are planted and
written, with the identifiers and periods involved and the flags a correct rule engine raises,
to ``ground_truth.json`` (:mod:`~wenjiuye.demo.ground_truth`); ``manifest.json`` lists every
file with its kind, rows and sha256. This module checks the options, prepares the folder, runs
the simulation and writes those two files.

The same seed and options give byte-identical files: one ``random.Random`` per concern,
seeded from the seed; Faker seeded the same way; fixed ordering; no timestamps in files.
Contributions are streamed to one CSV per period (:mod:`~wenjiuye.demo.contributions`), so
memory stays bounded at city scale.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wenjiuye.core.i18n import gettext as _
from wenjiuye.demo.ground_truth import build_ground_truth
from wenjiuye.demo.model import GENERATOR, KINDS, SCALES
from wenjiuye.demo.profile import DemoError, load_city
from wenjiuye.demo.simulation import Simulation
from wenjiuye.demo.timeline import Timeline
from wenjiuye.demo.writers import WrittenFile, sha256_file

#: The last month when none is given: a fixed window, so that tests calling the library get the
#: same files on any day (``wenjiuye demo generate`` and ``quickstart`` end the window before
#: today instead: :func:`wenjiuye.demo.timeline.end_before`).
FIXED_END = "202212"
MIN_MONTHS = 18
MAX_MONTHS = 60
MANIFEST = "manifest.json"
GROUND_TRUTH = "ground_truth.json"


@dataclass(frozen=True)
class DemoResult:
    out: Path
    files: list[WrittenFile]
    ground_truth: Path
    manifest: Path
    seed: int
    scale: str
    periods: list[str]


def _clear_previous(out: Path) -> None:
    """Create ``out``, or empty it of an earlier (maybe interrupted) demo run's files; refuse a
    folder holding anything else."""
    if not out.exists():
        out.mkdir(parents=True)
        return
    if not out.is_dir():
        raise DemoError(_("%(out)s 不是文件夹") % {"out": out})
    ours = re.compile(
        rf"^(si_contributions_\d{{6}}\.csv|({'|'.join(KINDS)})\.(csv|xlsx)|{re.escape(GROUND_TRUTH)}|{re.escape(MANIFEST)})$"
    )
    names = sorted(p.name for p in out.iterdir())
    foreign = [n for n in names if not ours.match(n)]
    if foreign:
        raise DemoError(
            _("%(out)s 不是空文件夹,也不是演示数据文件夹(含 %(value)s)")
            % {"out": out, "value": ", ".join(foreign[:5])}
        )
    for name in names:
        (out / name).unlink()


def demo_generate(
    *,
    out: Path,
    city_dir: Path,
    scale: str = "small",
    seed: int = 1,
    end: str = FIXED_END,
    months: int = 24,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Generate the demo city into ``out`` (created; an earlier demo run there is replaced)."""
    if scale not in SCALES:
        raise DemoError(
            _("规模应为 %(value)s:%(scale)s") % {"value": " / ".join(SCALES), "scale": repr(scale)}
        )
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise DemoError(
            _("月数应在 %(MIN_MONTHS)s–%(MAX_MONTHS)s 之间:%(months)s")
            % {"MIN_MONTHS": MIN_MONTHS, "MAX_MONTHS": MAX_MONTHS, "months": months}
        )
    profile = load_city(city_dir)
    timeline = Timeline(end, months)
    out = Path(out)
    _clear_previous(out)
    sim = Simulation(
        profile=profile,
        scale=SCALES[scale],
        seed=seed,
        timeline=timeline,
        out=out,
        progress=progress,
    )
    files, market_facts = sim.run()
    truth = build_ground_truth(sim, market_facts)
    truth_path = out / GROUND_TRUTH
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    manifest = {
        "generator": GENERATOR,
        "seed": seed,
        "scale": scale,
        "city": profile.city_name,
        "periods": {"first": timeline.periods[0], "last": timeline.periods[-1], "count": months},
        "files": [
            {
                "path": f.path.name,
                "kind": f.kind,
                "format": f.format,
                "rows": f.rows,
                "sha256": sha256_file(f.path),
            }
            for f in files
        ],
        "ground_truth": {"path": GROUND_TRUTH, "sha256": sha256_file(truth_path)},
    }
    manifest_path = out / MANIFEST
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return DemoResult(out, files, truth_path, manifest_path, seed, scale, timeline.periods)
