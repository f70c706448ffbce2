"""The four dimensions of a county inspection (U8): from a county's figures to a verdict, with the
reasons comparing each figure with the ``inspection.*`` threshold it is judged by.

:func:`wenjiuye.assistance.inspection.county_inspection` gathers the figures and calls
:func:`ledger_dimension`, :func:`guarantee_dimension`, :func:`measures_dimension` and
:func:`results_dimension`, one per dimension of :data:`DIMENSIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wenjiuye.assistance.models import Case
from wenjiuye.core import labels
from wenjiuye.core.periods import local_day

#: the U1 facts an open case must have (Case field -> label); ``wants_training`` is filled when
#: not null (a yes or a no), the others when not blank
REQUIRED_FIELDS: dict[str, str] = {
    "education": "学历",
    "skills": "技能",
    "health": "身体状况",
    "wants_training": "培训意愿",
    "desired_job": "就业需求",
}

DIMENSIONS = (
    ("ledger", "台账"),
    ("guarantee", "保障生活"),
    ("measures", "帮扶措施"),
    ("results", "成效"),
)


FIGURE_LABELS = {
    "open_cases": "在册未就业人数",
    "complete": "信息完整人数",
    "missing": "缺项人数",
    "complete_ratio": "信息完整率",
    "required_fields": "必填信息",
    "unpaid_persons": "应发未发人数",
    "overdue_contacts": "逾期未联系件数",
    "contacted_in_time": "按频次联系人数",
    "contacted_ratio": "按频次联系比例",
    "window_days": "统计期(天)",
    "employed": "实现就业人数",
    "reemployed_ratio": "实现就业占比",
    "promises": "到期的一周内就业承诺",
    "promises_kept": "按期兑现",
    "promise_kept_ratio": "兑现率",
}


@dataclass
class Dimension:
    key: str
    label: str
    figures: dict[str, Any]
    ok: bool
    finding: str  # "" when ok, else 台账不健全 / 措施不到位 / 成效不明显
    reasons: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)  # parameter keys behind the verdict

    @property
    def shown(self) -> list[tuple[str, str]]:
        """The figures as (label, text) for pages."""
        out = []
        for key, value in self.figures.items():
            if key not in FIGURE_LABELS:
                continue
            if key.endswith("ratio"):
                text = _pct(value)
            elif isinstance(value, list):
                text = "、".join(str(x) for x in value)
            else:
                text = str(value)
            out.append((FIGURE_LABELS[key], text))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "figures": self.figures,
            "ok": self.ok,
            "finding": self.finding,
            "reasons": self.reasons,
            "cites": self.cites,
        }


def _cited(key: str) -> str:
    """How a reason cites the parameter it compares with: by its Chinese name, never its key."""
    return f"“{labels.label('policy', key)}”"


def _pct(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def _below(text: str, ratio: float, v: dict[str, Any], key: str) -> tuple[bool, str]:
    """Is ``ratio`` below the minimum ``v[key]`` (equal is fine)? With the reason: ``text`` (the
    figure as the reader sees it) and the comparison with the cited parameter."""
    minimum = float(v[key])
    low = ratio < minimum
    return low, f"{text}{'低于' if low else '不低于'}下限 {_pct(minimum)}({_cited(key)})"


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _is_complete(case: Case) -> bool:
    for name in REQUIRED_FIELDS:
        value = getattr(case, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
    return True


def ledger_dimension(open_cases: list[Case], v: dict[str, Any]) -> Dimension:
    key = "inspection.ledger.min_complete_ratio"
    complete = sum(1 for c in open_cases if _is_complete(c))
    ratio = _ratio(complete, len(open_cases))
    figures = {
        "open_cases": len(open_cases),
        "complete": complete,
        "missing": len(open_cases) - complete,
        "complete_ratio": ratio,
        "required_fields": list(REQUIRED_FIELDS.values()),
    }
    if ratio is None:
        return Dimension("ledger", "台账", figures, True, "", ["无在册未就业人员,不作评价"], [key])
    bad, why = _below(
        f"信息完整率 {_pct(ratio)}({complete}/{len(open_cases)},"
        f"{len(open_cases) - complete} 人缺项)",
        ratio,
        v,
        key,
    )
    return Dimension("ledger", "台账", figures, not bad, "台账不健全" if bad else "", [why], [key])


def guarantee_dimension(unpaid: int, v: dict[str, Any]) -> Dimension:
    key = "inspection.guarantee.max_unpaid_persons"
    bad = unpaid > int(v[key])
    why = f"应发未发 {unpaid} 人,{'超过' if bad else '未超过'}上限 {v[key]} 人({_cited(key)})"
    return Dimension(
        "guarantee",
        "保障生活",
        {"unpaid_persons": unpaid},
        not bad,
        "措施不到位" if bad else "",
        [why],
        [key],
    )


def measures_dimension(
    open_cases: list[Case],
    overdue: int,
    last_contact: dict[int, datetime],
    tier_days: dict[str, int],
    default_days: int,
    on: date,
    v: dict[str, Any],
) -> Dimension:
    k_over = "inspection.measures.max_overdue_contacts"
    k_ratio = "inspection.measures.min_contacted_ratio"
    in_time = 0
    for case in open_cases:
        days = tier_days.get(case.tier, default_days)
        last = last_contact.get(case.pk)
        ref = max(local_day(last), case.registered_on) if last else case.registered_on
        if (on - ref).days <= days:
            in_time += 1
    ratio = _ratio(in_time, len(open_cases))
    figures = {
        "overdue_contacts": overdue,
        "open_cases": len(open_cases),
        "contacted_in_time": in_time,
        "contacted_ratio": ratio,
    }
    reasons = []
    bad = False
    if overdue > int(v[k_over]):
        bad = True
        reasons.append(f"逾期未联系 {overdue} 件,超过上限 {v[k_over]} 件({_cited(k_over)})")
    else:
        reasons.append(f"逾期未联系 {overdue} 件,未超过上限 {v[k_over]} 件({_cited(k_over)})")
    if ratio is None:
        reasons.append("无在册未就业人员,联系频次不作评价")
    else:
        low, why = _below(
            f"按档次频次联系比例 {_pct(ratio)}({in_time}/{len(open_cases)})", ratio, v, k_ratio
        )
        bad = bad or low
        reasons.append(why)
    return Dimension(
        "measures",
        "帮扶措施",
        figures,
        not bad,
        "措施不到位" if bad else "",
        reasons,
        [k_over, k_ratio, "assistance.tier.packages"],
    )


def results_dimension(
    employed: int,
    open_count: int,
    promises: list[tuple[Case, date, bool]],
    window: int,
    v: dict[str, Any],
) -> Dimension:
    k_emp = "inspection.results.min_reemployed_ratio"
    k_kept = "inspection.results.min_promise_kept_ratio"
    kept = sum(1 for _, _, ok in promises if ok)
    emp_ratio = _ratio(employed, employed + open_count)
    kept_ratio = _ratio(kept, len(promises))
    figures = {
        "window_days": window,
        "employed": employed,
        "reemployed_ratio": emp_ratio,
        "promises": len(promises),
        "promises_kept": kept,
        "promise_kept_ratio": kept_ratio,
    }
    reasons = []
    bad = False
    if emp_ratio is None:
        reasons.append(f"近 {window} 天无实现就业人员且无在册未就业人员,不作评价")
    else:
        low, why = _below(
            f"近 {window} 天实现就业 {employed} 人,占比 {_pct(emp_ratio)}", emp_ratio, v, k_emp
        )
        bad = bad or low
        reasons.append(why)
    if kept_ratio is None:
        reasons.append(f"近 {window} 天无到期的一周内就业承诺,不作评价")
    else:
        low, why = _below(
            f"一周内就业承诺兑现 {kept}/{len(promises)}({_pct(kept_ratio)})", kept_ratio, v, k_kept
        )
        bad = bad or low
        reasons.append(why)
    return Dimension(
        "results",
        "成效",
        figures,
        not bad,
        "成效不明显" if bad else "",
        reasons,
        ["inspection.results.window_days", k_emp, k_kept, "key_region.employment_solved_days"],
    )
