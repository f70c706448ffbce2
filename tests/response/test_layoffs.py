"""Layoff reports through their lifecycle: checks, obligations as deadlines, roster, persons."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import (
    HEADER,
    OTHER_COUNTY,
    OWN_COUNTY,
    make_id,
    make_report,
    make_user,
    roster_csv,
    worker_rows,
)
from wenjiuye.assistance.models import Case
from wenjiuye.core.models import Event
from wenjiuye.core.periods import add_months
from wenjiuye.core.roles import Role
from wenjiuye.core.scope import scoped
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete
from wenjiuye.registry.models import Person
from wenjiuye.response import obligations, services
from wenjiuye.response.models import LayoffReport, LayoffWorker
from wenjiuye.response.rules import severance

pytestmark = pytest.mark.django_db
ALL_KINDS = {
    "layoff.explain",
    "layoff.report_bureau",
    "layoff.retain_first",
    "layoff.early_intervention",
    "layoff.report_party_government",
    "layoff.job_fair",
    "layoff.report_city",
    "layoff.report_province",
}


def kinds(report) -> set[str]:
    return set(deadlines_for(report).values_list("kind", flat=True))


def test_a_report_lies_in_the_enterprise_county_and_is_audited(world, officer):
    report = make_report(officer, world["own"])
    assert report.region_id == OWN_COUNTY  # the enterprise is registered in a township
    assert report.status == LayoffReport.Status.DRAFT
    event = Event.objects.get(object_type="response.layoffreport", object_id=str(report.pk))
    assert event.action == Event.Action.CREATE and event.region_code == OWN_COUNTY


def test_no_report_for_another_county_or_without_write(world, officer):
    with pytest.raises(PermissionDenied):
        make_report(officer, world["other"])
    with pytest.raises(PermissionDenied):
        make_report(world["users"][Role.LEADER], world["own"])


def test_more_layoffs_than_employees_is_refused(world, officer):
    with pytest.raises(ValidationError):
        make_report(officer, world["own"], total_employees=100, planned_layoffs=101)


def test_submitting_201_makes_every_obligation_a_deadline(world, officer):
    report = make_report(officer, world["own"], planned_layoffs=201)
    report = services.layoff_submit(actor=officer, report=report)
    assert kinds(report) == ALL_KINDS
    city = deadlines_for(report).get(kind="layoff.report_city")
    assert city.region_id == OWN_COUNTY and city.clause == "E4"
    assert city.due_at == report.submitted_at + timedelta(hours=2)
    assert city.escalation == [{"after_minutes": 0, "to": "city_office"}]
    assert city.policy["layoff.report_city.due_hours"]["value"] == 2
    assert city.policy["layoff.report_city.exceeds_people"]["value"] == 200
    province = deadlines_for(report).get(kind="layoff.report_province")
    assert province.clause == "L2"
    # the dates on the report show notice and report done in time: those deadlines are done
    done = set(
        deadlines_for(report).filter(status=Deadline.Status.DONE).values_list("kind", flat=True)
    )
    assert done == {"layoff.explain", "layoff.report_bureau"}


@pytest.mark.parametrize(
    ("layoffs", "city", "province", "early"),
    [(49, False, False, False), (50, False, False, True), (199, False, False, True),
     (200, False, True, True), (201, True, True, True)],
)  # fmt: skip
def test_escalation_boundaries_on_submission(world, officer, layoffs, city, province, early):
    report = make_report(officer, world["own"], planned_layoffs=layoffs)
    services.layoff_submit(actor=officer, report=report)
    found = kinds(report)
    assert ("layoff.report_city" in found) is city
    assert ("layoff.report_province" in found) is province
    assert ("layoff.early_intervention" in found) is early


def test_the_city_office_sees_the_escalation_deadline_another_county_does_not(
    world, officer, office
):
    report = services.layoff_submit(actor=officer, report=make_report(officer, world["own"]))
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    city_view = scoped(Deadline.objects.filter(kind="layoff.report_city"), office)
    assert list(city_view.values_list("subject_id", flat=True)) == [str(report.pk)]
    assert not scoped(Deadline.objects.filter(kind="layoff.report_city"), yexian).exists()


@pytest.mark.parametrize(("days", "ok"), [(29, False), (30, True), (31, True)])
def test_notice_29_days_fails_30_passes(world, officer, days, ok, reviewer):
    impl = timezone.localdate() + timedelta(days=40)
    report = make_report(
        officer,
        world["own"],
        planned_implementation_on=impl,
        explained_on=impl - timedelta(days=days),
    )
    notice = next(c for c in obligations.report_checks(report) if c["key"] == "notice")
    assert notice["ok"] is ok
    report = services.layoff_submit(actor=officer, report=report)
    report = services.layoff_review(actor=reviewer, report=report)
    if ok:
        assert services.layoff_implement(actor=officer, report=report) == []
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.layoff_implement(actor=officer, report=report)
        assert "提前三十日说明情况" in str(excinfo.value)
        report.refresh_from_db()
        assert report.status == LayoffReport.Status.REVIEWED
        explain = deadlines_for(report).get(kind="layoff.explain")
        assert explain.status == Deadline.Status.OPEN


def test_report_after_implementation_blocks_it(world, officer, reviewer):
    impl = timezone.localdate() + timedelta(days=40)
    report = make_report(
        officer, world["own"], planned_implementation_on=impl, reported_on=impl + timedelta(days=1)
    )
    reported = next(c for c in obligations.report_checks(report) if c["key"] == "reported")
    assert reported["ok"] is False
    report = services.layoff_review(
        actor=reviewer, report=services.layoff_submit(actor=officer, report=report)
    )
    with pytest.raises(ValidationError):
        services.layoff_implement(actor=officer, report=report)


def test_below_art41_no_procedure_is_required(world, officer, reviewer):
    report = make_report(
        officer,
        world["own"],
        total_employees=1000,
        planned_layoffs=19,
        explained_on=None,
        reported_on=None,
    )
    report = services.layoff_submit(actor=officer, report=report)
    assert report.check_result["art41_applies"] is False
    assert kinds(report) == set()
    report = services.layoff_review(actor=reviewer, report=report)
    assert services.layoff_implement(actor=officer, report=report) == []


def test_steps_only_in_order(world, officer):
    report = make_report(officer, world["own"])
    with pytest.raises(ValidationError):
        services.layoff_review(actor=officer, report=report)
    with pytest.raises(ValidationError):
        services.layoff_close(actor=officer, report=report, note="x")


# --- Roster ---------------------------------------------------------------------------------


def test_roster_import_rejects_bad_rows_and_loads_the_rest(world, officer):
    report = make_report(officer, world["own"])
    rows = worker_rows(5)
    rows.insert(
        2,
        [
            "坏行",
            make_id(OWN_COUNTY, "19850101", 99)[:-1] + "0",
            "12",
            "临时工",
            "2010-02-30",
            "abc",
            "也许",
            "否",
        ],
    )
    rows.append(list(rows[0]))  # the same ID number twice in one file
    result = services.roster_import(
        actor=officer, report=report, content=roster_csv(rows), filename="名单.csv"
    )
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    by_column = {(p["line"], p["column"]): p for p in result.rejected}
    assert by_column[(4, "公民身份号码")]["reason"] == "公民身份号码校验码错误"
    assert by_column[(4, "劳动合同类型")]["value"] == "临时工"
    assert by_column[(4, "入职日期")]["value"] == "2010-02-30"
    assert (4, "月平均工资") in by_column and (4, "家庭无其他就业人员") in by_column
    assert (4, "手机号") in by_column
    assert by_column[(8, "公民身份号码")]["reason"] == "文件中重复"
    assert report.workers.count() == 5
    again = services.roster_import(
        actor=officer, report=report, content=roster_csv(rows), filename="名单.csv"
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert report.workers.count() == 5
    assert report.attachments.count() == 2  # each original kept


def test_retained_first_is_flagged_per_art41_para2(world, officer):
    report = make_report(officer, world["own"])
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(5)), filename="r.csv"
    )
    flagged = dict(report.workers.values_list("name", "retained_first"))
    # 1 long fixed-term, 2 open-ended, 4 sole earner with dependants; 3 and 5 fixed-term
    assert flagged == {"职工1": True, "职工2": True, "职工3": False, "职工4": True, "职工5": False}
    check = next(c for c in obligations.report_checks(report) if c["key"] == "retained_first")
    assert check["ok"] is False and "应优先留用 3 人" in check["detail"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_roster_in_bom_and_gbk(world, officer, encoding):
    report = make_report(officer, world["own"])
    result = services.roster_import(
        actor=officer,
        report=report,
        content=roster_csv(worker_rows(3), encoding=encoding),
        filename="r.csv",
    )
    assert result.created == 3 and not result.rejected
    assert set(report.workers.values_list("name", flat=True)) == {"职工1", "职工2", "职工3"}


def test_roster_in_xlsx_with_real_dates(world, officer):
    report = make_report(officer, world["own"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in worker_rows(2):
        ws.append([*row[:4], date(2010, 3, 1), 5000.0, *row[6:]])
    buf = io.BytesIO()
    wb.save(buf)
    result = services.roster_import(
        actor=officer, report=report, content=buf.getvalue(), filename="r.xlsx"
    )
    assert result.created == 2 and not result.rejected
    assert report.workers.get(name="职工1").hire_date == date(2010, 3, 1)


def test_a_roster_without_required_columns_loads_nothing(world, officer):
    report = make_report(officer, world["own"])
    with pytest.raises(ValidationError) as excinfo:
        services.roster_import(
            actor=officer,
            report=report,
            content="姓名,手机号\n张三,13800000000\n".encode(),
            filename="x.csv",
        )
    assert "公民身份号码" in str(excinfo.value)
    assert report.workers.count() == 0


def test_severance_per_worker_at_the_implementation_date(world, officer):
    report = make_report(officer, world["own"], local_average_wage=Decimal("1000"))
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(1)), filename="r.csv"
    )
    worker = report.workers.get()
    expected = severance(
        start=date(2010, 3, 1),
        end=report.planned_implementation_on,
        monthly_wage=Decimal(5000),
        local_average_wage=Decimal(1000),
    )
    assert expected["capped"] is True and expected["months"] == 12.0  # 5000 > 3 × 1000, > 12 years
    assert worker.severance_amount == Decimal("36000.00")
    assert float(worker.severance_amount) == expected["amount"]


# --- Implementation and closing -------------------------------------------------------------


def test_implement_returns_the_roster_as_persons_and_close_needs_obligations_explained(
    world, officer, office, reviewer
):
    report = make_report(officer, world["own"])
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(4)), filename="r.csv"
    )
    report = services.layoff_submit(actor=officer, report=report)
    report = services.layoff_review(actor=reviewer, report=report, note="方案合法")
    persons = services.layoff_implement(actor=officer, report=report)
    assert [p.name for p in persons] == ["职工1", "职工2", "职工3", "职工4"]
    assert all(isinstance(p, Person) and p.region_id == OWN_COUNTY for p in persons)
    assert Person.objects.count() == 4
    cases = Case.objects.filter(person__in=persons)
    assert cases.count() == 4
    assert all(c.sources[0]["source"] == "layoff_roster" for c in cases)
    assert {c.registered_on for c in cases} == {report.planned_implementation_on}
    report.refresh_from_db()
    impl = report.planned_implementation_on
    assert report.status == LayoffReport.Status.IMPLEMENTED and report.implemented_on == impl
    worker = LayoffWorker.objects.get(report=report, name="职工1")
    assert worker.person == persons[0]
    assert worker.rehire_priority_until == add_months(impl, 6)
    assert "layoff.rehire_priority" in kinds(report)
    with pytest.raises(ValidationError) as excinfo:
        services.layoff_close(actor=officer, report=report)
    assert "办结说明" in str(excinfo.value)
    for deadline in (
        deadlines_for(report)
        .filter(status=Deadline.Status.OPEN)
        .exclude(kind="layoff.rehire_priority")
    ):
        deadline_complete(
            deadline=deadline,
            actor=office if deadline.kind == "layoff.report_province" else officer,
        )
    report = services.layoff_close(actor=officer, report=report, note="优先招用期内企业未重新招用")
    assert report.status == LayoffReport.Status.CLOSED
    assert not deadlines_for(report).filter(status=Deadline.Status.OPEN).exists()
    assert (
        deadlines_for(report).get(kind="layoff.rehire_priority").status == Deadline.Status.CANCELLED
    )
    statuses = [
        e.changes.get("status")
        for e in Event.objects.filter(
            object_type="response.layoffreport", object_id=str(report.pk)
        ).order_by("at", "pk")
        if "status" in e.changes
    ]
    assert statuses == [
        ["draft", "submitted"],
        ["submitted", "reviewed"],
        ["reviewed", "implemented"],
        ["implemented", "closed"],
    ]


def test_add_months_ends_in_a_short_month():
    assert add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2022, 11, 15), 6) == date(2023, 5, 15)


def test_after_submission_only_dates_and_opinions_change(world, officer):
    report = services.layoff_submit(
        actor=officer, report=make_report(officer, world["own"], explained_on=None)
    )
    with pytest.raises(ValidationError):
        services.layoff_update(actor=officer, report=report, planned_layoffs=10)
    assert deadlines_for(report).get(kind="layoff.explain").status == Deadline.Status.OPEN
    report = services.layoff_update(
        actor=officer,
        report=report,
        explained_on=report.planned_implementation_on - timedelta(days=30),
    )
    assert deadlines_for(report).get(kind="layoff.explain").status == Deadline.Status.DONE


def test_a_worker_living_in_another_county_is_referred_there(world, officer, reviewer):
    """A worker whose residence is another county is not created by this county: that county is
    asked to take them on (tests/response/test_cross_county.py has the whole flow)."""
    report = make_report(officer, world["own"])
    rows = [[*worker_rows(1)[0], OTHER_COUNTY], [*worker_rows(1, start=2)[0], ""]]
    content = roster_csv(rows, header=[*HEADER, "常住地区划代码"])
    result = services.roster_import(actor=officer, report=report, content=content, filename="r.csv")
    assert result.created == 2 and not result.rejected
    report = services.layoff_review(
        actor=reviewer, report=services.layoff_submit(actor=officer, report=report)
    )
    persons = services.layoff_implement(actor=officer, report=report)
    assert [p.region_id for p in persons] == [OWN_COUNTY]
    referred = report.workers.get(region_id=OTHER_COUNTY)
    assert deadlines_for(referred).get(kind="layoff.roster_referral").region_id == OTHER_COUNTY
