"""The published list of subsidy items (扶持项目清单, U5): target, conditions, standard, process.

The item texts are a data file (``data/subsidy_items.json``); the numbers in the standard are
placeholders ``{policy.key}`` filled with the parameter value in force on the day shown, or, for an
item whose rule has lapsed, its latest version (shown with its dates, marked not in force). An item
whose rule has no version at all (a rule the city has not loaded) is still listed, marked not in
force, a number without a version shown as "—" (product rule: the published list names every
item).

The page never passes a figure off as current: each item carries a plain ``notice`` when its
standard is a lapsed dated rule (the 2022 subsidy amounts: "该标准为 2022 年度标准(依据:…),…
现行标准尚未录入本系统"), not yet in force, missing, or when a number has no version on the day (shown "—" rather than
a 409). Its ``basis`` is the source without the product-default marker: a product default
(``产品默认值``) is no legal basis, and the item says the amount is a default to be confirmed.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from wenjiuye.core import labels
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.policy import policy_value

ITEMS_FILE = Path(__file__).resolve().parent / "data" / "subsidy_items.json"
PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
PRODUCT_DEFAULT = "产品默认值"  # how the policy files mark a value the plan does not give
SOURCE_PARTS = re.compile(r"[;;]")


def _fill(text: str, day: date, missing: list[str]) -> str:
    """``text`` with its placeholders filled with the values in force on ``day``; a number with
    no version on ``day`` is "—" and its key is added to ``missing``."""

    def value(match: re.Match[str]) -> str:
        try:
            return str(policy_value(match.group(1), on=day))
        except PolicyNotInForce:
            if match.group(1) not in missing:
                missing.append(match.group(1))
            return "—"

    return PLACEHOLDER.sub(value, text)


def split_source(source: str) -> tuple[str, bool]:
    """(the legal or plan basis named in ``source``, whether it also marks the value a product
    default): "失业人员帮扶预案 三(三);产品默认值(可调整)" → ("失业人员帮扶预案 三(三)", True)."""
    parts = [p.strip() for p in SOURCE_PARTS.split(source or "") if p.strip()]
    basis = [p for p in parts if not p.startswith(PRODUCT_DEFAULT)]
    return ";".join(basis), len(basis) < len(parts)


def _notice(
    shown: PolicyParameter | None, in_force: bool, on: date, basis: str, product_default: bool
) -> str:
    """The plain sentence an item needs, or ""."""
    if shown is None:
        return _("本市尚未录入该项目的标准,请以失业保险经办机构公布的标准为准。")
    if not in_force and shown.effective_from > on:
        return _("该标准自 %(from)s 起实施,尚未生效。") % {"from": shown.effective_from.isoformat()}
    if not in_force:
        return _(
            "该标准为 %(year)s 年度标准%(basis)s,实施期 %(from)s 至 %(to)s,现已不在实施期;"
            "现行标准尚未录入本系统,请以失业保险经办机构公布的标准为准。"
        ) % {
            "year": shown.effective_from.year,
            "basis": _("(依据:%(basis)s)") % {"basis": basis} if basis else "",
            "from": shown.effective_from.isoformat(),
            "to": shown.effective_to.isoformat() if shown.effective_to else "",
        }
    if product_default:
        return _(
            "本金额为系统默认值,尚待失业保险经办机构按省定标准确认,不作为政策依据;"
            "请以经办机构公布的标准为准。"
        )
    return ""


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
        missing: list[str] = []
        conditions = _fill(item["conditions"], day, missing)
        standard = _fill(item["standard"], day, missing)
        basis, product_default = split_source(shown.source if shown else "")
        notice = _notice(shown, current is not None, on, basis, product_default)
        if missing and shown is not None:
            notice = " ".join(
                n
                for n in (
                    notice,
                    _("%(names)s在 %(day)s 没有有效的标准,以“—”表示。")
                    % {
                        "names": "、".join(f"“{labels.label('policy', k)}”" for k in missing),
                        "day": day.isoformat(),
                    },
                )
                if n
            )
        out.append(
            {
                "code": item["code"],
                "name": item["name"],
                "target": item["target"],
                "conditions": conditions,
                "standard": standard,
                "process": item["process"],
                "in_force": current is not None,
                "effective_from": shown.effective_from if shown else None,
                "effective_to": shown.effective_to if shown else None,
                "source": shown.source if shown else "",
                "basis": basis,
                "product_default": product_default,
                "notice": notice,
                "to_maintain": current is None or bool(missing) or product_default,
            }
        )
    return out
