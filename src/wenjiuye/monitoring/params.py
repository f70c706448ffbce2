"""Thresholds of the monitoring rules and of the warning-level mapping, as one frozen value.

Every number the rules in :mod:`wenjiuye.monitoring.expressions` compare against lives here, never
in the expressions. Each field names the policy parameter (``metadata["policy_key"]``) the lead maps
it from; keys that already exist in ``src/wenjiuye/reference/policy/*.json`` are reused, the others
are suggestions (``monitoring.*``) for new product defaults. ``RuleParams.from_mapping`` accepts
either the field names or the policy keys, so a dict of effective policy values can be passed as is.

Warning levels: 1 = Ⅰ级 红色 (most severe), 2 = Ⅱ级 橙色, 3 = Ⅲ级 黄色, 4 = Ⅳ级 蓝色.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from wenjiuye.core.errors import DomainError

LEVEL_NAMES: dict[int, tuple[str, str, str]] = {
    1: ("Ⅰ级", "红色", "red"),
    2: ("Ⅱ级", "橙色", "orange"),
    3: ("Ⅲ级", "黄色", "yellow"),
    4: ("Ⅳ级", "蓝色", "blue"),
}


class InvalidRuleParams(DomainError):
    """A threshold is out of its range or of the wrong type."""


def _p(default: Any, key: str) -> Any:
    return field(default=default, metadata={"policy_key": key})


@dataclass(frozen=True)
class RuleParams:
    # --- layoff_suspected (疑似规模裁员), L1 / M7 -------------------------------------------
    layoff_min_people: int = _p(20, "layoff.art41.min_people")
    """Net decrease of insured persons in one month (or over the rolling window) at or above which
    an employer is a suspected large-scale layoff (Labour Contract Law art. 41, "二十人以上").
    Policy key: ``layoff.art41.min_people``."""

    layoff_min_share: float = _p(0.10, "layoff.art41.min_ratio")
    """Share of the base headcount (previous month, or the month ``layoff_rolling_months`` before)
    at or above which a smaller decrease is still suspected ("不足二十人但占职工总数百分之十以上").
    Policy key: ``layoff.art41.min_ratio``."""

    layoff_small_firm_min_people: int = _p(5, "monitoring.layoff_suspected.min_people_small_firm")
    """Minimum decrease for the share test, so a firm of 15 losing 2 is not flagged.
    Policy key: ``monitoring.layoff_suspected.min_people_small_firm``."""

    layoff_rolling_months: int = _p(3, "monitoring.layoff_suspected.rolling_months")
    """Length of the rolling window: the decrease from the headcount this many months before is
    tested too (a layoff spread over several months). Policy key:
    ``monitoring.layoff_suspected.rolling_months`` (suggested)."""

    # --- si_arrears (欠保) -----------------------------------------------------------------
    arrears_min_share: float = _p(0.20, "monitoring.si_arrears.min_ratio")
    """Share of the month's insured persons in arrears at or above which the employer is flagged.
    Policy key: ``monitoring.si_arrears.min_ratio`` (suggested)."""

    arrears_min_people: int = _p(3, "monitoring.si_arrears.min_people")
    """Minimum number of persons in arrears for the share test. Policy key:
    ``monitoring.si_arrears.min_people`` (suggested)."""

    arrears_consecutive_months: int = _p(2, "monitoring.si_arrears.consecutive_months")
    """Number of consecutive months with any person in arrears that flags the employer whatever
    the share. Policy key: ``monitoring.si_arrears.consecutive_months`` (suggested)."""

    # --- si_break (断保) -------------------------------------------------------------------
    si_break_min_insured: int = _p(10, "monitoring.si_break.min_insured_last_month")
    """Insured persons last month at or above which an employer with no paid contribution this
    month is flagged. Policy key: ``monitoring.si_break.min_insured_last_month``."""

    # --- labour cases ------------------------------------------------------------------------
    case_lookback_days: int = _p(90, "monitoring.wage_arrears.lookback_days")
    """A wage-arrears case filed at most this many days before the month end (and not after it)
    flags the employer. Policy key: ``monitoring.wage_arrears.lookback_days``."""

    frequent_disputes_min_cases: int = _p(3, "monitoring.frequent_disputes.min_cases")
    """Labour cases of any kind within ``frequent_disputes_window_days`` at or above which disputes
    are frequent. Policy key: ``monitoring.frequent_disputes.min_cases``."""

    frequent_disputes_window_days: int = _p(90, "monitoring.frequent_disputes.window_days")
    """Window for ``frequent_disputes`` (days before the month end, inclusive). Policy key:
    ``monitoring.frequent_disputes.window_days``."""

    # --- enterprise events and operations -----------------------------------------------------
    bankruptcy_lookback_days: int = _p(90, "monitoring.bankruptcy.lookback_days")
    """A bankruptcy event at most this many days before the month end flags the employer for that
    month. Policy key: ``monitoring.bankruptcy.lookback_days`` (suggested)."""

    operations_drop_share: float = _p(0.30, "monitoring.output_drop.min_ratio")
    """Fall of output value against the same month a year before at or above which
    ``output_drop`` fires (and ``export_drop`` unless ``export_drop_share`` is set).
    Policy key: ``monitoring.output_drop.min_ratio``."""

    export_drop_share: float | None = _p(None, "monitoring.export_drop.min_ratio")
    """Fall of export value for ``export_drop``; ``None`` means ``operations_drop_share``.
    Policy key: ``monitoring.export_drop.min_ratio``."""

    # --- job postings ------------------------------------------------------------------------
    posting_default_open_days: int = _p(30, "monitoring.job_postings.default_open_days")
    """A posting without ``closes_on`` counts as open for this many days after ``posted_on``.
    Policy key: ``monitoring.job_postings.default_open_days`` (suggested)."""

    # --- region rules (M9, M5) -------------------------------------------------------------------
    new_employment_avg_months: int = _p(3, "monitoring.region_new_employment.avg_months")
    """Length of the moving average of new employment. Policy key:
    ``monitoring.region_new_employment.avg_months`` (suggested)."""

    new_employment_falling_months: int = _p(3, "monitoring.region_new_employment.falling_months")
    """Consecutive monthly falls of that moving average that flag a region. Policy key:
    ``monitoring.region_new_employment.falling_months`` (suggested)."""

    new_employment_min_drop_share: float = _p(
        0.2, "monitoring.region_new_employment.min_drop_ratio"
    )
    """The falls must add up to at least this share of the moving average before them, so that
    wobbles of a few persons are not "falling continuously" (持续下滑). Policy key:
    ``monitoring.region_new_employment.min_drop_ratio`` (suggested)."""

    new_employment_min_base: int = _p(10, "monitoring.region_new_employment.min_base")
    """The moving average before the falls must be at least this many persons a month; below it
    the series is too small to tell a trend from chance. Policy key:
    ``monitoring.region_new_employment.min_base`` (suggested)."""

    unemployment_rise_points: float = _p(0.5, "monitoring.region_unemployment_rise.min_points")
    """Percentage points by which the moving average of the registered unemployment rate must
    exceed its lowest moving average of the lookback (Sahm-rule form). Policy key:
    ``monitoring.region_unemployment_rise.min_points``."""

    unemployment_avg_months: int = _p(3, "monitoring.region_unemployment_rise.avg_months")
    """Length of the moving average of the unemployment rate. Policy key:
    ``monitoring.region_unemployment_rise.avg_months``."""

    unemployment_lookback_months: int = _p(
        12, "monitoring.region_unemployment_rise.lookback_months"
    )
    """Months before the current one searched for the lowest moving average. Policy key:
    ``monitoring.region_unemployment_rise.lookback_months``."""

    layoff_enterprises_min: int = _p(2, "monitoring.region_layoff_enterprises.min_enterprises")
    """Minimum number of ``layoff_suspected`` employers in the region this month. Policy key:
    ``monitoring.region_layoff_enterprises.min_enterprises`` (suggested)."""

    layoff_enterprises_baseline_months: int = _p(
        3, "monitoring.region_layoff_enterprises.baseline_months"
    )
    """This month's count must exceed the mean over this many previous months. Policy key:
    ``monitoring.region_layoff_enterprises.baseline_months`` (suggested)."""

    returned_rising_months: int = _p(3, "monitoring.returned_unemployed_rising.months")
    """Consecutive monthly rises of ``returned_unemployed`` (a monitoring point's or a county's)
    that raise the flag. Policy key: ``monitoring.returned_unemployed_rising.months`` (suggested)."""

    # --- cross-matches (M4, U1) ----------------------------------------------------------------
    unregistered_window_days: int = _p(60, "monitoring.unregistered_separation.window_days")
    """Days after a separation within which a new contribution or an unemployment registration
    (registered on day ``window`` still counts) clears it. Policy key:
    ``monitoring.unregistered_separation.window_days``."""

    unregistered_excluded_reasons: tuple[str, ...] = _p(
        ("退休", "死亡"), "monitoring.unregistered_separation.excluded_reasons"
    )
    """Separation filings whose ``reason`` contains one of these words are not followed up
    (retirement, death). Policy key: ``monitoring.unregistered_separation.excluded_reasons``
    (suggested)."""

    # --- warning levels (M11) ----------------------------------------------------------------
    level_layoff_red_min_people: int = _p(200, "layoff.report_province.min_people")
    """Layoff decrease (persons) at or above which ``layoff_suspected`` is Ⅰ级 — the plan's
    "一次性裁员或关闭破产涉及200人以上 … 向省人社厅报告". Policy key:
    ``layoff.report_province.min_people``."""

    level_layoff_orange_min_people: int = _p(50, "layoff.early_intervention.min_people")
    """Layoff decrease at or above which ``layoff_suspected`` is Ⅱ级 — the plan's early
    intervention threshold ("涉及50人以上的,要提前介入"). At or above ``layoff_min_people`` it is
    Ⅲ级; fired only by the small-firm share test it is Ⅳ级. Policy key:
    ``layoff.early_intervention.min_people``."""

    level_wage_arrears_red_min_people: int = _p(100, "incident.report_province.min_people")
    """People in the largest wage-arrears case at or above which ``wage_arrears`` is Ⅰ级 — the
    plan's mass-incident threshold ("100人以上的群体事件要同步向省人社厅报告"). Policy key:
    ``incident.report_province.min_people``."""

    level_wage_arrears_orange_min_people: int = _p(50, "incident.report_city.min_people")
    """… Ⅱ级 at or above this ("50人以上群体性事件要同步向市人社局报告"); otherwise Ⅲ级.
    Policy key: ``incident.report_city.min_people``."""

    level_headcount_red_min_people: int = _p(200, "layoff.report_province.min_people")
    """Insured headcount at or above which ``si_break``, ``stoppage`` and ``bankruptcy`` are Ⅰ级
    ("关闭破产涉及200人以上"). Policy key: ``layoff.report_province.min_people``."""

    level_headcount_orange_min_people: int = _p(50, "layoff.early_intervention.min_people")
    """… Ⅱ级 at or above this ("关闭破产涉及50人以上"); otherwise Ⅲ级. Policy key:
    ``layoff.early_intervention.min_people``."""

    level_si_arrears: int = _p(3, "monitoring.warning_level.si_arrears")
    """Level of ``si_arrears``. Policy key: ``monitoring.warning_level.si_arrears`` (suggested)."""

    level_frequent_disputes: int = _p(3, "monitoring.warning_level.frequent_disputes")
    """Level of ``frequent_disputes``. Policy key: ``monitoring.warning_level.frequent_disputes``."""

    level_operations_drop: int = _p(4, "monitoring.warning_level.operations_drop")
    """Level of ``output_drop`` and ``export_drop``. Policy key:
    ``monitoring.warning_level.operations_drop`` (suggested)."""

    level_unemployment_rising: int = _p(2, "monitoring.warning_level.unemployment_rising")
    """Level of the region flag ``unemployment_rising``. Policy key:
    ``monitoring.warning_level.unemployment_rising`` (suggested)."""

    level_layoff_enterprises_rising: int = _p(
        2, "monitoring.warning_level.layoff_enterprises_rising"
    )
    """Level of the region flag ``layoff_enterprises_rising``. Policy key:
    ``monitoring.warning_level.layoff_enterprises_rising`` (suggested)."""

    level_new_employment_falling: int = _p(3, "monitoring.warning_level.new_employment_falling")
    """Level of the region flag ``new_employment_falling``. Policy key:
    ``monitoring.warning_level.new_employment_falling`` (suggested)."""

    level_returned_unemployed_rising: int = _p(
        3, "monitoring.warning_level.returned_unemployed_rising"
    )
    """Level of the region flag ``returned_unemployed_rising``. Policy key:
    ``monitoring.warning_level.returned_unemployed_rising`` (suggested)."""

    level_crossmatch: int = _p(4, "monitoring.warning_level.crossmatch")
    """Level of every person-level cross-match (M4, U1). Policy key:
    ``monitoring.warning_level.crossmatch`` (suggested)."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "unregistered_excluded_reasons":
                if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                    raise InvalidRuleParams(f"{f.name} must be a sequence of words")
                object.__setattr__(self, f.name, tuple(value))
                continue
            if value is None and f.name == "export_drop_share":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidRuleParams(f"{f.name} must be a number, got {value!r}")
            if f.name.endswith("_share"):
                if not 0 < value <= 1:
                    raise InvalidRuleParams(f"{f.name} is a ratio in (0, 1], got {value!r}")
            elif f.name.startswith("level_") and not f.name.endswith("_people"):
                if value not in LEVEL_NAMES:
                    raise InvalidRuleParams(f"{f.name} must be a level 1..4, got {value!r}")
            elif f.name == "unemployment_rise_points":
                if value < 0:
                    raise InvalidRuleParams(f"{f.name} must not be negative")
            else:
                if value != int(value) or value < 0:
                    raise InvalidRuleParams(f"{f.name} must be a whole number >= 0, got {value!r}")
                object.__setattr__(self, f.name, int(value))
        for name in (
            "layoff_rolling_months",
            "arrears_consecutive_months",
            "new_employment_avg_months",
            "new_employment_falling_months",
            "unemployment_avg_months",
            "unemployment_lookback_months",
            "layoff_enterprises_baseline_months",
            "returned_rising_months",
        ):
            if getattr(self, name) < 1:
                raise InvalidRuleParams(f"{name} must be at least 1")

    # ------------------------------------------------------------------------------------
    @property
    def effective_export_drop_share(self) -> float:
        return (
            self.operations_drop_share if self.export_drop_share is None else self.export_drop_share
        )

    @classmethod
    def policy_keys(cls) -> dict[str, str]:
        """Field name -> policy key."""
        return {f.name: f.metadata["policy_key"] for f in fields(cls)}

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, strict: bool = False) -> RuleParams:
        """Build from field names and/or policy keys; values may be numbers or numeric strings.

        A policy key shared by several fields (e.g. ``layoff.report_province.min_people``) sets
        all of them; a field name wins over a policy key. Keys that are neither are ignored
        unless ``strict`` (then they raise :class:`InvalidRuleParams`).
        """
        by_key: dict[str, list[str]] = {}
        for name, key in cls.policy_keys().items():
            by_key.setdefault(key, []).append(name)
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            for name in by_key.get(key, []):
                kwargs.setdefault(name, value)
            if key not in by_key and key not in cls.policy_keys() and strict:
                raise InvalidRuleParams(f"unknown monitoring parameter {key!r}")
        for key, value in values.items():
            if key in cls.policy_keys():
                kwargs[key] = value
        types = {f.name: f.type for f in fields(cls)}
        return cls(**{name: _coerce(types[name], value) for name, value in kwargs.items()})

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["unregistered_excluded_reasons"] = list(self.unregistered_excluded_reasons)
        return out

    def to_json(self, names: Iterable[str] | None = None) -> str:
        """The parameters (all, or ``names``) as a JSON object string with sorted keys."""
        data = self.as_dict()
        if names is not None:
            data = {n: data[n] for n in names}
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _coerce(type_name: Any, value: Any) -> Any:
    text = str(type_name)
    if value is None:
        return None
    if text.startswith("tuple"):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.replace(",", ",").split(",") if v.strip())
        return tuple(value)
    if isinstance(value, str):
        value = value.strip()
        number = float(value)
        return int(number) if text == "int" and number == int(number) else number
    if text == "int" and isinstance(value, float) and value == int(value):
        return int(value)
    return value
