"""Issue 5 acceptance: a person from a layoff roster reaches "employed" through a match, a push and
a hire, and the 1- and 3-month follow-ups appear (U1, U5, L4, E6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_report, roster_csv, worker_rows
from wenjiuye.assistance.case_deadlines import KIND_FOLLOW_UP
from wenjiuye.assistance.models import Case, Status
from wenjiuye.assistance.services import case_set_status, case_update, contact_add
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.intake.services import ingest_file
from wenjiuye.matching.models import Push
from wenjiuye.matching.services import push_create, push_respond, vacancies_for_person
from wenjiuye.notify.models import Delivery
from wenjiuye.response import services as layoffs

pytestmark = pytest.mark.django_db


def _postings(tmp_path, today):
    """Two open vacancies in the worker's county — one in their trade — and one already closed."""
    path = tmp_path / "postings.csv"
    opened, closes = today - timedelta(days=3), today + timedelta(days=30)
    path.write_text(
        "posting_id,employer_name,title,region_code,openings,posted_on,occupation,"
        "education_min,closes_on,description\n"
        f"P-CNC,宝丰精密机械有限公司,数控车工,410421,3,{opened},数控车工,初中,{closes},"
        "操作数控车床加工零件\n"
        f"P-CASH,宝丰超市,收银员,410421,2,{opened},收银员,初中,{closes},超市收银\n"
        f"P-OLD,宝丰老厂,数控车工,410421,1,{opened - timedelta(days=60)},数控车工,初中,"
        f"{today - timedelta(days=1)},已截止\n",
        encoding="utf-8",
    )
    result = ingest_file(path=path, kind="job_postings")
    assert result.rejected == 0, result


def test_roster_worker_matched_pushed_hired_then_followed_up(
    world, officer, settings, tmp_path, reviewer
):
    settings.NOTIFY_SMS_BACKEND = "console"
    today = timezone.localdate()

    # A layoff is implemented: the roster's workers enter the assistance ledger.
    report = make_report(
        officer,
        world["own"],
        planned_implementation_on=today,
        explained_on=today - timedelta(days=30),
        reported_on=today - timedelta(days=1),
    )
    layoffs.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(4)), filename="r.csv"
    )
    report = layoffs.layoff_submit(actor=officer, report=report)
    report = layoffs.layoff_review(actor=reviewer, report=report, note="方案合法")
    person = layoffs.layoff_implement(actor=officer, report=report)[0]
    case = Case.objects.get(person=person)
    assert case.status == Status.REGISTERED
    assert [s["source"] for s in case.sources] == ["layoff_roster"]

    # The officer records what the worker wants and starts helping.
    case = case_update(
        case=case, actor=officer, education="高中", desired_job="数控车工", skills="车床操作"
    )
    case = case_set_status(case=case, status=Status.BEING_HELPED, actor=officer)

    # Match: the vacancy in their trade ranks first, with its reasons; the closed one is filtered.
    _postings(tmp_path, today)
    ranked, _result = vacancies_for_person(user=officer, person=person, on=today, top=10)
    ids = [m.posting_id for m in ranked]
    assert ids[0] == "P-CNC", ids
    assert "P-OLD" not in ids
    assert ranked[0].reasons  # the filters passed and the matched terms

    # Push by SMS: a delivery is recorded for the person's phone.
    push = push_create(actor=officer, person=person, posting_id="P-CNC", channel="sms")
    assert push.delivery_id
    delivery = Delivery.objects.get(pk=push.delivery_id)
    assert delivery.channel == "sms" and delivery.target == person.phone

    # Hire: the case is employed at that employer, and the follow-ups are deadlines.
    push_respond(actor=officer, push=push, response=Push.Response.HIRED)
    case.refresh_from_db()
    assert case.status == Status.EMPLOYED
    follow_ups = deadlines_for(case).filter(kind__startswith=KIND_FOLLOW_UP).order_by("due_at")
    assert [d.title for d in follow_ups] == ["就业后第 1 个月跟踪回访", "就业后第 3 个月跟踪回访"]
    due_days = [timezone.localtime(d.due_at).date() for d in follow_ups]
    assert due_days[0].month == (today.month % 12) + 1
    assert (due_days[1] - today).days in range(89, 93)
    assert all(d.status == Deadline.Status.OPEN for d in follow_ups)

    # The first follow-up visit completes the 1-month deadline and moves the case on.
    contact_add(case=case, actor=officer, channel="phone", note="在岗稳定", purpose="follow_up")
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP
    states = [d.status for d in follow_ups.all()]
    assert states == [Deadline.Status.DONE, Deadline.Status.OPEN]
