"""The demo city's shared vocabulary: scales, the planted scenarios' months, enterprises, registrations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from wenjiuye.demo.profile import Industry

#: The data contract's kinds of file; each is written as ``<kind>.csv`` or ``<kind>.xlsx``,
#: contributions as one ``si_contributions_YYYYMM.csv`` per period.
KINDS = (
    "enterprises",
    "si_contributions",
    "employment_filings",
    "unemployment_registrations",
    "benefit_payments",
    "job_postings",
    "labour_cases",
    "enterprise_events",
    "enterprise_operations",
    "monitoring_point_reports",
)
RETIREMENT_AGE = {True: 60, False: 50}  # statutory age of male and female workers
INVOLUNTARY = ("合同到期", "协商解除", "经济性裁员")  # separations that may open UI benefit
QUIET_MAX_STEP = 6  # largest monthly headcount change of an unplanted enterprise
#: Of the laid-off, the share who register as unemployed; the others find work at once.
LAYOFF_REGISTER_SHARE = 0.5
GENERATOR = "wenjiuye demo generate"  # the generator named in the manifest and ground truth


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    insured: int
    postings: int
    unemployment_rate: float  # registered stock / (insured employed + stock), before county factors
    controls: int
    control_size: tuple[int, int]
    layoff_size: int
    stop_size: int
    arrears_size: int
    wage_size: int
    export_size: int
    ops_min_size: int
    minor_cases: int
    short_stoppages: int
    relocations: int
    late_payments: int
    retire_rate: float  # share of the insured retiring a year
    true_hires: int = 0  # registrations whose later hire is planted on a matching posting


SCALES: dict[str, Scale] = {
    "small": Scale(
        name="small",
        enterprises=120,
        insured=4_000,
        postings=300,
        unemployment_rate=0.03,
        controls=20,
        control_size=(30, 80),
        layoff_size=180,
        stop_size=16,
        arrears_size=60,
        wage_size=80,
        export_size=120,
        ops_min_size=40,
        minor_cases=8,
        short_stoppages=2,
        relocations=1,
        late_payments=2,
        retire_rate=0.004,
        true_hires=30,
    ),
    "city": Scale(
        name="city",
        enterprises=8_000,
        insured=600_000,
        postings=10_000,
        unemployment_rate=0.0075,  # about 20,000 registrations in two years
        controls=40,
        control_size=(30, 400),
        layoff_size=1_500,
        stop_size=60,
        arrears_size=400,
        wage_size=350,
        export_size=800,
        ops_min_size=100,
        minor_cases=500,
        short_stoppages=40,
        relocations=10,
        late_payments=60,
        retire_rate=0.004,
        true_hires=1_000,
    ),
}


@dataclass(eq=False)
class Enterprise:
    uscc: str
    name: str
    county: int
    industry: Industry
    org_type: str
    export: bool
    role: str  # "" background, "control", or a scenario: layoff, stop, arrears, wage, export
    plan: list[int]  # planned insured headcount per month
    base_factor: float
    wage_growth: float
    # The insured now: (person, person_id, name, contribution base of each year of the window).
    roster: list[tuple[int, str, str, tuple[str, ...]]] = field(default_factory=list)
    headcount: list[int] = field(default_factory=list)  # actual, per month
    hires: int = 0
    late_month: int = -1  # one month of arrears (small background firms)

    @property
    def region_code(self) -> str:
        return self.uscc[2:8]


@dataclass(eq=False)
class Registration:
    serial: int
    person: int
    county: int
    registered_on: date
    month: int
    reason: str
    planned_exit: int
    insured_months: int
    last_industry: str | None
    ended_on: date | None = None
    end_reason: str = ""
    special: str = ""  # benefit_while_contributing / registered_but_contributing


@dataclass(frozen=True)
class Schedule:
    """When each planted scenario happens, as month indices of a window of ``months`` months."""

    months: int

    @property
    def layoff(self) -> int:  # first of the two layoff months
        return self.months - 5

    @property
    def stop(self) -> int:  # first month without contributions
        return self.months - 3

    @property
    def arrears(self) -> list[int]:
        return [self.months - 9, self.months - 8, self.months - 7]

    @property
    def climb(self) -> list[int]:  # the county's rising months
        return list(range(self.months - 8, self.months))

    @property
    def benefit_while_contributing(self) -> int:
        return self.months - 10

    @property
    def registered_but_contributing(self) -> int:
        return self.months - 13

    @property
    def wage_cases(self) -> int:  # month of the first case of the cluster
        return self.months - 10

    @property
    def export_drop(self) -> int:  # first month of the drop
        return self.months - 5

    @property
    def returned_rise(self) -> int:  # first month of the rise
        return self.months - 7

    @property
    def unregistered(self) -> dict[int, list[str]]:
        """Separations without follow-up ("gone") and boundary controls registering on day 59/61."""
        m = self.months
        return {
            m - 16: ["gone", "gone"],
            m - 15: ["day59"],
            m - 14: ["gone", "gone", "day61"],
            m - 12: ["gone", "gone"],
            m - 11: ["day59"],
            m - 10: ["gone", "gone", "day61"],
            m - 8: ["gone", "gone", "day59"],
            m - 7: ["day61"],
            m - 6: ["gone", "gone"],
        }

    @property
    def last_unregistered(self) -> int:
        return self.months - 6
