"""The published list of subsidy items (扶持项目清单, U5): target, conditions, standard, process.

The item texts are a data file (``data/subsidy_items.json``); the numbers in the standard are
placeholders ``{policy.key}`` filled with the parameter value in force on the day shown, or, for an
item whose rule has lapsed, its latest version (shown with its dates, marked not in force). An item
whose rule has no version at all (a rule the city has not loaded) is still listed, marked not in
force, a number without a version shown as "—" (product rule: the published list names every
item). A number missing beside a loaded rule is a missing parameter (``PolicyNotInForce``).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.policy import policy_value

ITEMS_FILE = Path(__file__).resolve().parent / "data" / "subsidy_items.json"
PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


def _fill(text: str, day: date, *, loaded: bool) -> str:
    """``text`` with its placeholders filled with the values in force on ``day``; ``loaded``:
    the item's rule has a version (else a number without one is "—", see the module)."""

    def value(match: re.Match[str]) -> str:
        try:
            return str(policy_value(match.group(1), on=day))
        except PolicyNotInForce:
            if loaded:
                raise
            return "—"

    return PLACEHOLDER.sub(value, text)


def subsidy_items(on: date) -> list[dict[str, Any]]:
    items = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))["items"]
    out = []
    for item in items:
        versions = list(
            PolicyParameter.objects.filter(key=item["anchor"]).order_by("effective_from")
        )
        current = next(
            (
                v
                for v in versions
                if v.effective_from <= on and (v.effective_to is None or v.effective_to >= on)
            ),
            None,
        )
        shown = current or (versions[-1] if versions else None)
        day = on if current else (shown.effective_from if shown else on)
        out.append(
            {
                "code": item["code"],
                "name": item["name"],
                "target": item["target"],
                "conditions": _fill(item["conditions"], day, loaded=shown is not None),
                "standard": _fill(item["standard"], day, loaded=shown is not None),
                "process": item["process"],
                "in_force": current is not None,
                "effective_from": shown.effective_from if shown else None,
                "effective_to": shown.effective_to if shown else None,
                "source": shown.source if shown else "",
            }
        )
    return out
