"""Loading a city's reference data from files: regions, organisation, policy parameters.

Everything city- or province-specific lives in data files, never in code:

- ``reference/<city>/regions.csv`` — the divisions (columns ``code,name,level,parent_code[,sort_order]``);
- ``reference/<city>/townships.csv`` — optional: the townships (乡镇、街道), same columns, loaded
  after ``regions.csv`` (their parents are its counties);
- ``reference/<city>/organisation.json`` — the work group, its working groups and members, the
  responsible units and the plan's clauses with their units (O1), and a template for the
  county-level work groups (O2);
- ``reference/policy/*.json`` — policy parameters with effective dates (national law, the
  province's or city's amounts, product defaults); a city picks the files that apply to it.

Each loader validates the whole file first and changes nothing when any record is bad
(:class:`~wenjiuye.core.reference_files.ReferenceDataError` lists every problem with its line
number or JSON path); then it upserts inside one ``transaction.atomic`` and writes an audit
event for every record it creates or changes. Loading the same file twice changes nothing the
second time. Each loader returns ``{kind: {"created": n, "updated": n, "unchanged": n}}``.

This module knows where the packaged files are and loads all of a city at once. Each kind has
its own loader: :mod:`~wenjiuye.core.reference_regions`,
:mod:`~wenjiuye.core.reference_organisation` (checked by
:mod:`~wenjiuye.core.reference_organisation_check`), :mod:`~wenjiuye.core.reference_policy`;
they share :mod:`~wenjiuye.core.reference_files` (reading, errors) and
:mod:`~wenjiuye.core.reference_upsert` (audited upserts).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.models import User
from wenjiuye.core.reference_files import ReferenceDataError
from wenjiuye.core.reference_organisation import organisation_load
from wenjiuye.core.reference_policy import policy_load
from wenjiuye.core.reference_regions import regions_load
from wenjiuye.core.reference_upsert import Counts

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
PACKAGED_CITY_DIR = REFERENCE_DIR / "pingdingshan"
PACKAGED_POLICY_DIR = REFERENCE_DIR / "policy"
REGIONS_FILE = "regions.csv"
TOWNSHIPS_FILE = "townships.csv"  # optional, loaded after REGIONS_FILE
ORGANISATION_FILE = "organisation.json"

KIND_LABELS = {
    "regions": "区划",
    "units": "责任单位",
    "work_groups": "工作专班",
    "working_groups": "工作组",
    "members": "专班成员",
    "clauses": "预案条款",
    "policy_parameters": "政策参数",
}


def packaged_policy_files() -> list[Path]:
    """All policy parameter files shipped with the product, in name order."""
    return sorted(PACKAGED_POLICY_DIR.glob("*.json"))


def _add(total: Counts, part: Counts) -> None:
    for kind, numbers in part.items():
        bucket = total.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        for k, v in numbers.items():
            bucket[k] += v


def reference_load(
    *,
    city_dir: Path | str = PACKAGED_CITY_DIR,
    policy_files: Iterable[Path | str] | None = None,
    actor: User | None = None,
) -> Counts:
    """Load a city's regions (and its townships, when the folder has them), organisation and
    the chosen policy files, all or nothing.

    ``policy_files`` defaults to every packaged policy file.
    """
    city_dir = Path(city_dir)
    files = [Path(f) for f in (packaged_policy_files() if policy_files is None else policy_files)]
    if not city_dir.is_dir():
        raise ReferenceDataError(city_dir, [_("城市参考数据目录不存在")])
    total: Counts = {}
    with transaction.atomic():
        _add(total, regions_load(path=city_dir / REGIONS_FILE, actor=actor))
        if (city_dir / TOWNSHIPS_FILE).is_file():
            _add(total, regions_load(path=city_dir / TOWNSHIPS_FILE, actor=actor))
        _add(total, organisation_load(path=city_dir / ORGANISATION_FILE, actor=actor))
        total.setdefault("policy_parameters", {"created": 0, "updated": 0, "unchanged": 0})
        for f in files:
            _add(total, policy_load(path=f, actor=actor))
    return total


def reference_load_default(*, actor: User | None = None) -> Counts:
    """The packaged city (Pingdingshan) and every packaged policy file."""
    return reference_load(
        city_dir=PACKAGED_CITY_DIR, policy_files=packaged_policy_files(), actor=actor
    )
