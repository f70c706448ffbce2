"""The response rules (``wenjiuye.response.rules`` and the checks built on them) on every threshold,
checked against the texts, not against our own examples.

Sources: 《劳动合同法》 arts. 41, 42, 47, 97; 《劳动合同法实施条例》 art. 27; 《民法典》 art. 202 (month
periods end on the corresponding day, or on the month's last day when there is none); the plan
(规模裁员应对预案 二、三(一), 总体预案 三(三), 三(六); 突发事件处置预案 三(一)(三)(八)). In Chinese
legal usage "以上" includes the number, "超过" and "不足" exclude it, "满" includes it. Where a
library disagrees with the law, the law wins and a test below says so.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.factories import HEADER, OWN_COUNTY, TZ, make_id, make_report, roster_csv
from wenjiuye.core.errors import DomainError
from wenjiuye.core.models import Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for, deadlines_overdue
from wenjiuye.opinion.evaluation import VERIFY_KIND
from wenjiuye.response import obligations, roster, services
from wenjiuye.response.models import LayoffReport, LayoffWorker
from wenjiuye.response.rules import (
    layoff_check,
    monthly_wage_average,
    service_length,
    severance,
)

DAY = date(2022, 11, 1)


def kinds(result) -> set[str]:
    return {o["kind"] for o in result["obligations"]}


def clauses(result) -> list[str]:
    return [o["clause"] for o in result["obligations"]]


# --- Art. 41: 20 persons, or fewer but 10 % or more -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("employees", "layoffs", "applies"),
    [
        (10000, 19, False),  # 19 persons and 0.19 %: neither
        (10000, 20, True),  # "二十人以上" includes 20
        (1000, 19, False),
        (1000, 20, True),
        (100, 10, True),  # exactly 10 %: "百分之十以上" includes it
        (100, 9, False),
        (150, 15, True),
        (150, 14, False),
        (95, 10, True),  # 10 % of 95 is 9.5: 10 persons reach it, 9 do not
        (95, 9, False),
        (40, 4, True),
        (41, 4, False),
        (10, 1, True),
        (11, 1, False),
        (190, 19, True),
        (191, 19, False),  # 9.947 %
        (30, 3, True),  # 0.1 * 30 is 3.0000000000000004 in binary floats
        (70, 7, True),
    ],
)
def test_art41_people_and_ratio_boundaries(policy, employees, layoffs, applies):
    assert layoff_check(employees=employees, layoffs=layoffs, on=DAY)["art41_applies"] is applies


@pytest.mark.django_db
def test_art41_ratio_is_exact_integer_arithmetic(policy):
    """layoffs * 10 >= employees, for every size below 20 persons (no float rounding)."""
    for employees in range(1, 401):
        for layoffs in range(min(employees, 19) + 1):
            got = layoff_check(employees=employees, layoffs=layoffs, on=DAY)["art41_applies"]
            assert got is (layoffs * 10 >= employees), (employees, layoffs)


@pytest.mark.django_db
def test_the_reason_never_shows_a_share_that_reaches_10_percent_when_it_does_not(policy):
    # round(19/191, 4) = 0.0995 used to print as "10.0%" while the rule said no.
    r = layoff_check(employees=191, layoffs=19, on=DAY)
    assert r["art41_applies"] is False
    assert "9.94%" in r["reason"] and "10.0%" not in r["reason"]


@pytest.mark.django_db
@pytest.mark.parametrize("employees", [5000, 100000])
@pytest.mark.parametrize(
    ("layoffs", "early", "city", "province"),
    [
        (49, False, False, False),
        (50, True, False, False),  # "50人以上": includes 50
        (199, True, False, False),
        (200, True, False, True),  # "200人以上" (province, L2) includes 200 ...
        (201, True, True, True),  # ... "超过200人" (city, E4) does not
    ],
)
def test_plan_thresholds_49_50_199_200_201(policy, employees, layoffs, early, city, province):
    r = layoff_check(employees=employees, layoffs=layoffs, on=DAY)
    assert ("layoff.early_intervention" in kinds(r)) is early
    assert ("layoff.report_party_government" in kinds(r)) is early
    assert ("layoff.report_city" in kinds(r)) is city
    assert ("layoff.report_province" in kinds(r)) is province
    assert ("E3,L2" in clauses(r)) is early
    assert ("E4" in clauses(r)) is city
    assert ("L2" in clauses(r)) is province


@pytest.mark.django_db
def test_an_influential_enterprise_gets_early_intervention_below_50(policy):
    r = layoff_check(employees=5000, layoffs=30, influential=True, on=DAY)
    assert "E3,L2" in clauses(r)


@pytest.mark.django_db
def test_the_art41_obligations_carry_their_parameters(policy):
    r = layoff_check(employees=100, layoffs=20, on=DAY)
    notice = next(o for o in r["obligations"] if "说明情况" in o["what"])
    assert "30" in notice["what"] and notice["parameters"] == ["layoff.art41.notice_days"]


# --- Art. 41: 30 days' notice -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "ok"), [(29, False), (30, True)])
def test_notice_29_or_30_days_and_its_deadline_in_shanghai_time(world, officer, days, ok):
    impl = timezone.localdate() + timedelta(days=60)
    report = make_report(
        officer, world["own"], planned_implementation_on=impl, explained_on=impl - timedelta(days)
    )
    notice = next(c for c in obligations.report_checks(report) if c["key"] == "notice")
    assert notice["ok"] is ok
    report = services.layoff_submit(actor=officer, report=report)
    explain = deadlines_for(report).get(kind="layoff.explain")
    # due at the end of the 30th day before implementation, Beijing time
    assert explain.due_at == datetime.combine(impl - timedelta(days=29), datetime.min.time(), TZ)


# --- Art. 47 and 实施条例 art. 27: severance ---------------------------------------------------


def sev(start, end, wage, average=Decimal(6000), **kw):
    return severance(
        start=start, end=end, monthly_wage=Decimal(wage), local_average_wage=average, **kw
    )


@pytest.mark.django_db
def test_above_the_cap_15_years_pay_12_times_the_capped_wage(policy):
    r = sev(date(2007, 3, 1), date(2022, 2, 28), 30000)
    assert (r["months"], r["wage_base"], r["capped"], r["amount"]) == (
        12.0,
        18000.0,
        True,
        216000.0,
    )
    assert {c["key"] for c in r["policy"]} >= {
        "severance.art47.wage_cap_multiple",
        "severance.art47.capped_max_years",
    }


@pytest.mark.django_db
def test_acceptance_capped_15_years_pays_12_capped_months(policy):
    r = sev(date(2008, 1, 1), date(2022, 12, 31), 30000)  # 15 full years, all after 2008
    assert (r["months"], r["wage_base"], r["capped"], r["amount"]) == (
        12.0,
        18000.0,
        True,
        216000.0,
    )
    assert r["art97_before_2008"] is False


@pytest.mark.django_db
def test_below_the_cap_15_years_pay_15_months(policy):
    r = sev(date(2007, 3, 1), date(2022, 2, 28), 8000)
    assert (r["months"], r["capped"], r["amount"]) == (15.0, False, 120000.0)


@pytest.mark.django_db
def test_acceptance_below_cap_15_years_pays_15_months_and_5_months_pay_half(policy):
    r = sev(date(2008, 1, 1), date(2022, 12, 31), 8000)
    assert (r["months"], r["capped"], r["amount"]) == (15.0, False, 120000.0)
    r = sev(date(2022, 1, 1), date(2022, 5, 31), 8000)  # 5 full months
    assert (r["months"], r["amount"]) == (0.5, 4000.0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("end", "months"),
    [
        (date(2022, 6, 14), 0.5),  # 5 months: half a month
        (date(2022, 7, 13), 0.5),  # 5 months 29 days: still "不满六个月"
        (date(2022, 7, 14), 1.0),  # 6 full months: "六个月以上" includes 6 → one year
        (date(2023, 1, 14), 1.0),  # a full year, nothing left over
        (date(2023, 1, 15), 1.5),  # a year and a day
        (date(2023, 7, 14), 2.0),  # one year and six months
    ],
)
def test_remainder_six_months_boundary(policy, end, months):
    r = sev(date(2022, 1, 15), end, 5000)
    assert r["months"] == months and r["amount"] == months * 5000


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "wage", "capped", "months"),
    [
        # exactly 3×: "高于" excludes it, no cap on the years either
        (date(2007, 3, 1), date(2022, 2, 28), 18000, False, 15.0),  # 15 years
        (date(2008, 1, 1), date(2027, 12, 31), 18000, False, 20.0),  # 20 years
        (date(2008, 1, 1), date(2027, 12, 31), Decimal("18000.01"), True, 12.0),
    ],
)
def test_cap_and_12_years_only_when_the_wage_is_above_3_times(
    policy, start, end, wage, capped, months
):
    r = sev(start, end, wage)
    assert (r["capped"], r["months"]) == (capped, months)


@pytest.mark.django_db
def test_capped_with_fewer_than_12_years_pays_the_years_worked(policy):
    r = sev(date(2012, 1, 1), date(2021, 12, 31), 30000)  # 10 years
    assert (r["capped"], r["months"], r["amount"]) == (True, 10.0, 180000.0)


@pytest.mark.django_db
def test_a_wage_below_the_minimum_wage_is_raised_to_it(policy):
    """实施条例 art. 27: an average below the local minimum wage counts as the minimum wage."""
    r = sev(date(2020, 1, 1), date(2021, 12, 31), 1500, minimum_wage=Decimal(1900))
    assert (r["wage_base"], r["amount"]) == (1900.0, 3800.0)
    assert "最低工资" in r["explanation"]
    assert sev(date(2020, 1, 1), date(2021, 12, 31), 1500)["wage_base"] == 1500.0


@pytest.mark.django_db
def test_service_before_2008_is_flagged_for_art_97(policy):
    r = sev(date(2007, 3, 1), date(2022, 2, 28), 8000)
    assert r["art97_before_2008"] is True and "第九十七条" in r["explanation"]


def test_monthly_wage_is_the_average_of_the_last_12_months_or_of_the_months_worked():
    assert monthly_wage_average([Decimal(100)] * 3 + [Decimal(1200)] * 12) == Decimal(1200)
    assert monthly_wage_average([Decimal(3000), Decimal(4000), Decimal(5000)]) == Decimal(4000)
    assert monthly_wage_average([Decimal(1000), Decimal(1001)]) == Decimal("1000.50")
    with pytest.raises(ValueError):
        monthly_wage_average([])


# --- Service length: whole months at month ends -----------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2007, 3, 1), date(2022, 2, 28), (15, 0, 0)),  # both days included
        (date(2007, 3, 1), date(2022, 6, 30), (15, 4, 0)),
        (date(2022, 1, 15), date(2022, 6, 14), (0, 5, 0)),
        (date(2020, 1, 10), date(2020, 2, 10), (0, 1, 1)),
        (date(2020, 1, 31), date(2020, 2, 29), (0, 1, 0)),  # was (0, 1, -1): negative days
        (date(2021, 1, 30), date(2021, 2, 28), (0, 1, 0)),  # was (0, 1, -1)
        (date(2020, 1, 31), date(2020, 2, 28), (0, 0, 29)),
        (date(2020, 3, 1), date(2020, 3, 31), (0, 1, 0)),
        (date(2020, 2, 29), date(2021, 2, 28), (1, 0, 0)),  # hired on a leap day
        (date(2020, 2, 29), date(2021, 2, 27), (0, 11, 30)),
        (date(2019, 8, 31), date(2020, 2, 29), (0, 6, 0)),
        (date(2022, 5, 5), date(2022, 5, 5), (0, 0, 1)),
    ],
)
def test_service_length(start, end, expected):
    assert service_length(start, end) == expected


def test_service_length_never_negative_and_grows_with_every_day():
    for offset in range(0, 800, 5):
        start = date(2018, 1, 1) + timedelta(days=offset)
        previous = None
        for extra in range(0, 500):
            years, months, days = service_length(start, start + timedelta(days=extra))
            assert days >= 0 and 0 <= months < 12
            now = (years * 12 + months, days)
            assert previous is None or now > previous
            previous = now


@pytest.mark.django_db
def test_law_wins_over_relativedelta_at_a_leap_month_end(policy):
    """Hired 2019-08-31, last day 2020-02-28: the six months end on 2020-02-29 (no 31st in
    February → the month's last day, 《民法典》 art. 202), so this is 5 months 29 days and pays half
    a month. dateutil clamps 08-31 + 6 months to 02-29 and counts six full months."""
    start, end = date(2019, 8, 31), date(2020, 2, 28)
    assert relativedelta(end + timedelta(days=1), start).months == 6  # the library's answer
    assert service_length(start, end) == (0, 5, 29)  # the law's
    assert sev(start, end, 5000)["months"] == 0.5


# --- Art. 42: who may not be laid off under art. 41 -------------------------------------------

ART42_HEADER = [
    *HEADER,
    "未进行离岗前职业健康检查或疑似职业病",
    "职业病或因工负伤丧失劳动能力",
    "医疗期内",
    "孕期、产期、哺乳期",
    "距法定退休年龄不足五年",
    "法定退休日期",
]


def art42_row(serial: int, *, hired="2010-03-01", flags=("否",) * 5, retire=""):
    # serial's last digit decides the gender in the ID number (odd = male, even = female)
    number = make_id(OWN_COUNTY, "19700101", serial)
    return [f"职工{serial}", number, "", "固定期限", hired, "5000", "否", "否", *flags, retire]


@pytest.mark.django_db
def test_roster_art42_columns_are_validated(world, officer):
    impl = timezone.localdate() + timedelta(days=60)
    report = make_report(officer, world["own"], planned_implementation_on=impl)
    rows = [
        art42_row(2, flags=("否", "否", "否", "是", "否")),  # a woman on maternity: accepted
        art42_row(3, flags=("否", "否", "否", "是", "否")),  # a man "on maternity": rejected
        art42_row(4, flags=("否", "否", "也许", "否", "否")),  # not yes/no: rejected
        art42_row(6, retire="2009-01-01"),  # retirement before hire: rejected
        art42_row(8, retire="明年"),  # not a date: rejected
    ]
    result = services.roster_import(
        actor=officer,
        report=report,
        content=roster_csv(rows, header=ART42_HEADER),
        filename="r.csv",
    )
    assert result.created == 1
    assert {(p["line"], p["column"]) for p in result.rejected} == {
        (3, "孕期、产期、哺乳期"),
        (4, "医疗期内"),
        (5, "法定退休日期"),
        (6, "法定退休日期"),
    }
    worker = LayoffWorker.objects.get(report=report)
    assert worker.protections == ["maternity"] and worker.art42_reasons == ["maternity"]
    art42 = next(c for c in obligations.report_checks(report) if c["key"] == "art42")
    assert art42["ok"] is False and "孕期" in art42["detail"]


def near_retirement(world, officer, *, hired: date, retire: date, impl: date) -> list[str]:
    report = make_report(officer, world["own"], planned_implementation_on=impl)
    services.roster_import(
        actor=officer,
        report=report,
        content=roster_csv(
            [art42_row(1, hired=hired.isoformat(), retire=retire.isoformat())],
            header=ART42_HEADER,
        ),
        filename="r.csv",
    )
    return LayoffWorker.objects.get(report=report).art42_reasons


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hired_delta_days", "retire_delta_days", "protected"),
    [
        (0, -1, True),  # 15 full years, retirement 5 years less a day away
        (0, 0, False),  # exactly 5 years away: "不足五年" excludes it
        (1, -1, False),  # 15 years less a day: "满十五年" not reached
    ],
)
def test_art42_item5_boundaries(world, officer, hired_delta_days, retire_delta_days, protected):
    impl = date(2030, 6, 30)
    hired = date(2015, 7, 1) + timedelta(days=hired_delta_days)  # to 2030-06-30: 15 full years
    retire = date(2035, 6, 30) + timedelta(days=retire_delta_days)
    reasons = near_retirement(world, officer, hired=hired, retire=retire, impl=impl)
    assert (reasons == ["near_retirement"]) is protected


@pytest.mark.django_db
def test_a_protected_worker_blocks_the_art41_layoff(world, officer, reviewer):
    impl = timezone.localdate() + timedelta(days=60)
    report = make_report(officer, world["own"], planned_implementation_on=impl)
    services.roster_import(
        actor=officer,
        report=report,
        content=roster_csv(
            [art42_row(1, flags=("否", "否", "是", "否", "否"))], header=ART42_HEADER
        ),
        filename="r.csv",
    )
    report = services.layoff_review(
        actor=reviewer, report=services.layoff_submit(actor=officer, report=report)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.layoff_implement(actor=officer, report=report)
    assert "第四十二条" in str(excinfo.value) and "医疗期" in str(excinfo.value)
    report.refresh_from_db()
    assert report.status == LayoffReport.Status.REVIEWED


def test_roster_without_art42_columns_still_parses():
    values, problems = roster.parse_row(
        2,
        {
            "name": "甲",
            "id_number": make_id(OWN_COUNTY, "19800101", 1),
            "contract_type": "固定期限",
            "hire_date": "2015-01-01",
            "monthly_wage": "5000",
        },
        region_codes=set(),
        latest_hire=None,
    )
    assert problems == [] and values is not None
    assert values["protections"] == [] and values["retirement_on"] is None


# --- E5: the 48-hour verify-and-report deadline -----------------------------------------------


@pytest.mark.django_db
def test_48_hours_are_exact_across_midnight_and_time_zones(world):
    from wenjiuye.opinion import services as opinion  # noqa: PLC0415

    received = datetime(2022, 11, 1, 15, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Shanghai
    item, _ = opinion.opinion_create(
        actor=world["users"][Role.CITY_OFFICE],
        title="网传某企业裁员",
        source="province",
        region=Region.objects.get(pk=OWN_COUNTY),
        at=received,
    )
    deadline = deadlines_for(item).get(kind=VERIFY_KIND)
    assert deadline.due_at == datetime(2022, 11, 3, 23, 30, tzinfo=TZ)
    officer = world["users"][Role.COUNTY_OFFICER]
    minute = timedelta(minutes=1)
    assert not deadline.is_overdue(at=deadline.due_at - minute)
    assert not deadline.is_overdue(at=deadline.due_at)
    assert deadline.is_overdue(at=deadline.due_at + minute)
    assert not deadlines_overdue(user=officer, at=deadline.due_at - minute).exists()
    assert list(deadlines_overdue(user=officer, at=deadline.due_at + minute)) == [deadline]


# --- E3: an influential enterprise reports before implementing, whatever the number ----------


@pytest.mark.django_db
def test_influential_enterprise_below_art41_must_still_report_first(world, officer, reviewer):
    r = layoff_check(employees=1000, layoffs=10, influential=True, on=DAY)
    assert r["art41_applies"] is False
    assert "layoff.report_bureau" in kinds(r) and "layoff.explain" not in kinds(r)
    assert "layoff.report_bureau" not in kinds(
        layoff_check(employees=1000, layoffs=10, influential=False, on=DAY)
    )
    impl = timezone.localdate() + timedelta(days=40)
    report = make_report(
        officer,
        world["own"],
        planned_layoffs=10,
        influential=True,
        planned_implementation_on=impl,
        explained_on=None,
        reported_on=impl + timedelta(days=1),
    )
    reported = next(c for c in obligations.report_checks(report) if c["key"] == "reported")
    assert (reported["applies"], reported["ok"]) == (True, False)
    report = services.layoff_review(
        actor=reviewer, report=services.layoff_submit(actor=officer, report=report)
    )
    assert "layoff.report_bureau" in set(deadlines_for(report).values_list("kind", flat=True))
    with pytest.raises(ValidationError):
        services.layoff_implement(actor=officer, report=report)


# --- The command line -------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_json_and_bad_input(policy):
    out = StringIO()
    call_command(
        "calc",
        "severance",
        "--start",
        "2022-01-15",
        "--end",
        "2022-06-14",
        "--monthly-wage",
        "5000",
        "--local-average-wage",
        "6000",
        "--json",
        stdout=out,
    )
    assert {
        k: json.loads(out.getvalue())[k] for k in ("months", "wage_base", "capped", "amount")
    } == {
        "months": 0.5,
        "wage_base": 5000.0,
        "capped": False,
        "amount": 2500.0,
    }
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "calc",
            "layoff-check",
            "--employees",
            "10",
            "--layoffs",
            "11",
            "--json",
            stdout=StringIO(),
        )
    assert excinfo.value.returncode == 2
    with pytest.raises(CommandError):
        call_command(
            "calc",
            "severance",
            "--start",
            "2022-06-01",
            "--end",
            "2022-01-01",
            "--monthly-wage",
            "1",
            "--local-average-wage",
            "1",
            stdout=StringIO(),
        )


def test_a_leaving_day_beyond_the_calendar_is_refused_not_a_crash():
    """date.max + 1 day overflows: the calculator refuses it with a reason (400), never a 500."""
    with pytest.raises(DomainError, match="离职日期超出范围"):
        service_length(date(2015, 1, 1), date.max)
