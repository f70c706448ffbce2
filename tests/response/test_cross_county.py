"""A layoff roster is no way into another county's records, and nobody reviews their own report.

The attack (hardening finding 1): as 宝丰县, a layoff report of a 宝丰 enterprise whose roster
holds a 叶县 person's ID number under a 宝丰 region code was submitted, reviewed by the same
user and implemented; the 叶县 person's name, phone and region were overwritten by "the system",
the person left 叶县's view and 宝丰 could reveal the full ID number and phone.

Now: the submitter may not review; a worker registered (or living) in another county is matched,
never written, and becomes a request (a deadline) to that county, which takes the worker onto its
own ledger as itself.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

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
from tests.lists import client_for
from wenjiuye.assistance.models import Case
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.registry.models import Person
from wenjiuye.registry.selectors import person_list
from wenjiuye.registry.services import person_reveal, person_upsert
from wenjiuye.response import referrals, services
from wenjiuye.response.models import LayoffReport, LayoffWorker

pytestmark = pytest.mark.django_db

REGION_HEADER = [*HEADER, "常住地区划代码"]


@pytest.fixture
def yexian(world):
    return make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)


@pytest.fixture
def victim(world, yexian):
    """A person of 叶县, registered by 叶县."""
    return person_upsert(
        actor=yexian,
        id_number=make_id(OTHER_COUNTY, "19800101", 77),
        name="叶县居民",
        phone="13900000077",
        region_id=OTHER_COUNTY,
    )


def _submitted(officer, world, rows, header=REGION_HEADER) -> LayoffReport:
    report = make_report(officer, world["own"])
    result = services.roster_import(
        actor=officer, report=report, content=roster_csv(rows, header=header), filename="r.csv"
    )
    assert not result.rejected, result.rejected
    return services.layoff_submit(actor=officer, report=report)


def _attack_rows(victim) -> list[list[str]]:
    row = worker_rows(1)[0]
    row[0], row[1], row[2] = "改写的姓名", victim.id_number, "13811112222"
    return [[*row, OWN_COUNTY], [*worker_rows(1, start=2)[0], OWN_COUNTY]]


# --- No self-review -------------------------------------------------------------------------


def test_the_submitter_may_not_review_their_own_report_service(world, officer, reviewer):
    report = _submitted(officer, world, [[*worker_rows(1)[0], OWN_COUNTY]])
    with pytest.raises(PermissionDenied):
        services.layoff_review(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == LayoffReport.Status.SUBMITTED and report.reviewed_by is None
    reviewed = services.layoff_review(actor=reviewer, report=report, note="同意")
    assert reviewed.status == LayoffReport.Status.REVIEWED
    assert (reviewed.submitted_by, reviewed.reviewed_by) == (officer, reviewer)


def test_the_creator_may_not_review_a_report_someone_else_submitted(world, officer, reviewer):
    report = make_report(officer, world["own"])
    report = services.layoff_submit(actor=reviewer, report=report)
    with pytest.raises(PermissionDenied):
        services.layoff_review(actor=officer, report=report)
    with pytest.raises(PermissionDenied):
        services.layoff_review(actor=reviewer, report=report)


def test_self_review_refused_on_the_page_and_the_api(world, officer, reviewer):
    report = _submitted(officer, world, [[*worker_rows(1)[0], OWN_COUNTY]])
    page = client_for(officer)
    detail = page.get(reverse("response-layoff-detail", args=[report.pk])).content.decode()
    assert 'data-testid="do-review"' not in detail and "须由其他有审核权限的人员审核" in detail
    r = page.post(
        reverse("response-layoff-transition", args=[report.pk]), {"action": "review", "note": ""}
    )
    assert r.status_code == 403 and "不能审核本人" in r.content.decode()
    r = page.post(f"/api/response/layoffs/{report.pk}/review", {}, "application/json")
    assert r.status_code == 403
    report.refresh_from_db()
    assert report.status == LayoffReport.Status.SUBMITTED
    other = client_for(reviewer)
    detail = other.get(reverse("response-layoff-detail", args=[report.pk])).content.decode()
    assert 'data-testid="do-review"' in detail
    r = other.post(f"/api/response/layoffs/{report.pk}/review", {}, "application/json")
    assert r.status_code == 200 and r.json()["status"] == "reviewed"


# --- The roster cannot take over another county's person ------------------------------------


def test_roster_row_of_another_countys_person_is_matched_not_rewritten(
    world, officer, reviewer, yexian, victim
):
    before = (victim.name, victim.phone, victim.region_id)
    events_before = Event.objects.filter(object_type="registry.person", object_id=str(victim.pk))
    n_events = events_before.count()
    report = _submitted(officer, world, _attack_rows(victim))
    report = services.layoff_review(actor=reviewer, report=report)
    persons = services.layoff_implement(actor=officer, report=report)

    victim.refresh_from_db()
    assert (victim.name, victim.phone, victim.region_id) == before
    assert events_before.count() == n_events  # nothing written to the 叶县 person
    assert [p.region_id for p in persons] == [OWN_COUNTY]  # only the 宝丰 worker
    assert not Case.objects.filter(person=victim).exists()
    # no change anywhere was written as "the system" on the officer's behalf
    assert not Event.objects.filter(actor=None, action=Event.Action.UPDATE).exists()
    assert not Event.objects.filter(actor=None, object_type="registry.person").exists()
    # 叶县 still sees its person; 宝丰 neither sees nor reveals them
    assert person_list(user=yexian).filter(pk=victim.pk).exists()
    assert not person_list(user=officer).filter(pk=victim.pk).exists()
    with pytest.raises(PermissionDenied):
        person_reveal(actor=officer, person=victim)
    # the roster row is linked to the registered person, and 叶县 has a request about it
    worker = LayoffWorker.objects.get(report=report, id_number=victim.id_number)
    assert worker.person == victim
    request = deadlines_for(worker).get(kind=LayoffWorker.REFERRAL_KIND)
    assert request.region_id == OTHER_COUNTY and request.status == Deadline.Status.OPEN
    assert request.policy["layoff.roster.referral_days"]["value"] == 3


def test_the_receiving_county_takes_the_worker_onto_its_ledger_as_itself(
    world, officer, reviewer, yexian, victim
):
    report = _submitted(officer, world, _attack_rows(victim))
    services.layoff_implement(
        actor=officer, report=services.layoff_review(actor=reviewer, report=report)
    )
    worker = LayoffWorker.objects.get(report=report, id_number=victim.id_number)
    url = reverse("response-referral", args=[worker.pk])
    assert client_for(officer).get(url).status_code == 404  # the request is 叶县's
    assert client_for(officer).post(url).status_code == 404
    page = client_for(yexian).get(url)
    assert page.status_code == 200 and victim.id_number not in page.content.decode()
    r = client_for(yexian).post(url, {"note": "已核实"})
    assert r.status_code == 302
    case = Case.objects.get(person=victim)
    assert case.grid_id.startswith(OTHER_COUNTY)
    assert Event.objects.filter(object_type="assistance.case", object_id=str(case.pk)).filter(
        actor=yexian
    )
    victim.refresh_from_db()
    assert victim.name == "叶县居民"  # known persons are never rewritten from a roster
    assert deadlines_for(worker).get(kind=LayoffWorker.REFERRAL_KIND).status == Deadline.Status.DONE
    assert client_for(yexian).post(url).status_code == 400  # answered once


def test_a_new_worker_living_in_another_county_is_referred_not_created(
    world, officer, reviewer, yexian
):
    rows = [[*worker_rows(1)[0], OTHER_COUNTY], [*worker_rows(1, start=2)[0], ""]]
    report = _submitted(officer, world, rows)
    persons = services.layoff_implement(
        actor=officer, report=services.layoff_review(actor=reviewer, report=report)
    )
    assert [p.region_id for p in persons] == [OWN_COUNTY]
    worker = LayoffWorker.objects.get(report=report, region_id=OTHER_COUNTY)
    assert worker.person is None
    assert not Person.objects.filter(id_number=worker.id_number).exists()
    case = referrals.referral_accept(actor=yexian, worker=worker)
    person = Person.objects.get(id_number=worker.id_number)
    assert person.region_id == OTHER_COUNTY and case.person == person
    created = Event.objects.get(object_type="registry.person", object_id=str(person.pk))
    assert created.actor == yexian


def test_only_the_receiving_countys_case_workers_answer_a_referral(
    world, officer, reviewer, yexian, users
):
    rows = [[*worker_rows(1)[0], OTHER_COUNTY]]
    report = _submitted(officer, world, rows)
    services.layoff_implement(
        actor=officer, report=services.layoff_review(actor=reviewer, report=report)
    )
    worker = LayoffWorker.objects.get(report=report)
    for user in (officer, users[Role.LEADER], users[Role.AUDITOR], users[Role.GRID_WORKER]):
        with pytest.raises(PermissionDenied):
            referrals.referral_accept(actor=user, worker=worker)
    assert not Case.objects.exists()


def test_whoever_implements_the_report_s_county_decides(world, officer, reviewer, victim, users):
    """A city user implementing a 宝丰 report (who could write 叶县) refers the 叶县 person too."""
    before = (victim.name, victim.phone, victim.region_id)
    report = _submitted(officer, world, _attack_rows(victim))
    report = services.layoff_review(actor=reviewer, report=report)
    services.layoff_implement(actor=users[Role.GROUP_MEMBER], report=report)
    victim.refresh_from_db()
    assert (victim.name, victim.phone, victim.region_id) == before
    worker = LayoffWorker.objects.get(report=report, id_number=victim.id_number)
    assert deadlines_for(worker).get(kind=LayoffWorker.REFERRAL_KIND).region_id == OTHER_COUNTY


def test_a_person_held_by_no_county_is_matched_never_claimed(world, officer, reviewer):
    """外地人员 (no region): a roster links them without rewriting name, phone or place."""
    stranger = Person.objects.create(
        id_number=make_id(OTHER_COUNTY, "19810101", 88),
        name="外地人员",
        gender="M",
        birth_date="1981-01-01",
        region=None,
        phone="13700000088",
    )
    row = worker_rows(1)[0]
    row[0], row[1], row[2] = "改写", stranger.id_number, "13811113333"
    report = _submitted(officer, world, [[*row, OWN_COUNTY]])
    services.layoff_implement(
        actor=officer, report=services.layoff_review(actor=reviewer, report=report)
    )
    stranger.refresh_from_db()
    assert (stranger.name, stranger.phone, stranger.region_id) == ("外地人员", "13700000088", None)
    assert Case.objects.get(person=stranger).grid_id.startswith(OWN_COUNTY)


def test_a_change_after_the_review_sends_the_report_back_to_be_reviewed(world, officer, reviewer):
    report = _submitted(officer, world, [[*worker_rows(1)[0], OWN_COUNTY]])
    report = services.layoff_review(actor=reviewer, report=report)
    report = services.layoff_update(actor=officer, report=report, union_opinion="改过的意见")
    assert report.status == LayoffReport.Status.SUBMITTED and report.reviewed_by is None
    with pytest.raises(PermissionDenied):
        services.layoff_review(actor=officer, report=report)  # still not by its author
    report = services.layoff_review(actor=reviewer, report=report)
    more = [[*worker_rows(1, start=5)[0], OWN_COUNTY]]
    services.roster_import(
        actor=officer, report=report, content=roster_csv(more, header=REGION_HEADER), filename="r"
    )
    report.refresh_from_db()
    assert report.status == LayoffReport.Status.SUBMITTED  # a new roster needs a new review


def test_a_grid_worker_of_the_receiving_township_answers_its_referral(world, officer, reviewer):
    from wenjiuye.core.models import Region  # noqa: PLC0415

    Region.objects.create(
        code="410422100", name="叶县测试街道", level="township", parent_id=OTHER_COUNTY
    )
    grid = make_user("yexian-grid", Role.GRID_WORKER, "410422100")
    report = _submitted(officer, world, [[*worker_rows(1)[0], "410422100"]])
    services.layoff_implement(
        actor=officer, report=services.layoff_review(actor=reviewer, report=report)
    )
    worker = report.workers.get()
    page = client_for(grid).get(reverse("response-referral", args=[worker.pk]))
    assert 'data-testid="accept-referral"' in page.content.decode()
    assert client_for(grid).post(reverse("response-referral", args=[worker.pk])).status_code == 302
    assert deadlines_for(worker).get().status == Deadline.Status.DONE
