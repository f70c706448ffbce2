"""Loading policy parameter files (``reference/policy/*.json``): versions by key and
effective date, never overlapping."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.models import PolicyParameter, User
from wenjiuye.core.reference_files import ReferenceDataError, read_json
from wenjiuye.core.reference_upsert import Counts, check_actor, new_counts, upsert
from wenjiuye.core.roles import Cap

POLICY_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
CLAUSE_RE = re.compile(r"^[A-Z][0-9]+(,[A-Z][0-9]+)*$")
POLICY_FIELDS = (
    "label",
    "value",
    "unit",
    "effective_to",
    "clause",
    "source",
    "source_text",
    "note",
)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _parse_policy(path: Path) -> list[dict[str, Any]]:
    doc = read_json(path)
    raw_list = doc.get("parameters") if isinstance(doc, dict) else doc
    if not isinstance(raw_list, list) or not raw_list:
        raise ReferenceDataError(path, [_("应有 parameters 列表")])
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, date]] = set()
    for i, raw in enumerate(raw_list):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"parameters[{i}]" + (f"({key})" if isinstance(key, str) else "")
        if not isinstance(raw, dict):
            problems.append(f"{where}: " + _("应为 JSON 对象"))
            continue
        bad: list[str] = []
        if not isinstance(key, str) or not POLICY_KEY_RE.match(key) or len(key) > 100:
            bad.append(_("参数键应为小写英文加点,如 layoff.art41.min_people"))
        for field, limit in (("label", 200), ("unit", 32), ("clause", 64), ("source", 300)):
            value = raw.get(field)
            if (
                not isinstance(value, str)
                or len(value) > limit
                or (field != "unit" and not value.strip())
            ):
                bad.append(_("%(field)s 应为不超过 %(n)d 字的文字") % {"field": field, "n": limit})
        for field in ("source_text", "note"):
            value = raw.get(field, "")
            if not isinstance(value, str) or (field == "source_text" and not value.strip()):
                bad.append(_("%(field)s 应为文字") % {"field": field})
        if isinstance(raw.get("clause"), str) and not CLAUSE_RE.match(raw["clause"]):
            bad.append(_("clause 应为需求编号,如 L1 或 E3,L2"))
        if "value" not in raw or raw["value"] is None or isinstance(raw["value"], str | bool):
            bad.append(_("value 应为数字或列表"))
        start = _parse_date(raw.get("effective_from"))
        end = _parse_date(raw.get("effective_to")) if raw.get("effective_to") is not None else None
        if start is None:
            bad.append(_("effective_from 应为日期 YYYY-MM-DD"))
        if raw.get("effective_to") is not None and end is None:
            bad.append(_("effective_to 应为日期 YYYY-MM-DD 或 null"))
        if start and end and end < start:
            bad.append(_("effective_to 早于 effective_from"))
        if start and isinstance(key, str):
            if (key, start) in seen:
                bad.append(_("同一参数同一生效日期重复"))
            seen.add((key, start))
        problems += [f"{where}: {b}" for b in bad]
        if not bad:
            out.append(
                {
                    "key": key,
                    "effective_from": start,
                    "label": raw["label"].strip(),
                    "value": raw["value"],
                    "unit": raw["unit"].strip(),
                    "effective_to": end,
                    "clause": raw["clause"],
                    "source": raw["source"].strip(),
                    "source_text": raw["source_text"].strip(),
                    "note": raw.get("note", "").strip(),
                }
            )
    if problems:
        raise ReferenceDataError(path, problems)
    return out


def _overlaps(keys: Iterable[str]) -> list[str]:
    problems = []
    for key in sorted(set(keys)):
        versions = list(PolicyParameter.objects.filter(key=key).order_by("effective_from"))
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                problems.append(
                    _("%(key)s: 自 %(a)s 起的版本与自 %(b)s 起的版本有效期重叠")
                    % {
                        "key": key,
                        "a": earlier.effective_from.isoformat(),
                        "b": later.effective_from.isoformat(),
                    }
                )
    return problems


def policy_load(*, path: Path | str, actor: User | None = None) -> Counts:
    """Upsert policy parameter versions by (key, effective_from).

    A changed field in the file updates the version. A version that ``policy_set`` has closed
    early because a successor followed it keeps its earlier end date, so a reload never
    reopens it over its successor; any other overlap of versions is refused.
    """
    path = Path(path)
    check_actor(actor, Cap.EDIT_POLICY)
    params = _parse_policy(path)
    counts = new_counts("policy_parameters")
    note = _("加载政策参数:%(file)s") % {"file": path.name}
    with transaction.atomic():
        for p in params:
            values = {f: p[f] for f in POLICY_FIELDS}
            existing = PolicyParameter.objects.filter(
                key=p["key"], effective_from=p["effective_from"]
            ).first()
            if (
                existing is not None
                and existing.effective_to is not None
                and (p["effective_to"] is None or p["effective_to"] > existing.effective_to)
                and PolicyParameter.objects.filter(
                    key=p["key"], effective_from=existing.effective_to + timedelta(days=1)
                ).exists()
            ):
                # Closed by policy_set in favour of a successor: keep the earlier end date.
                values["effective_to"] = existing.effective_to
            try:
                upsert(
                    PolicyParameter,
                    lookup={"key": p["key"], "effective_from": p["effective_from"]},
                    values=values,
                    actor=actor,
                    counts=counts["policy_parameters"],
                    note=note,
                )
            except ValidationError as exc:
                raise ReferenceDataError(path, [f"{p['key']}: {m}" for m in exc.messages]) from exc
        problems = _overlaps(p["key"] for p in params)
        if problems:
            raise ReferenceDataError(path, problems)
    return counts
