"""The demo's work in progress (``demo.scenario``), on a fresh quickstart (small scale): every state
of a layoff report, incidents and opinion items, a message in every acting demo user's inbox,
programmes, and an inspection that separates passing and failing counties — recorded as the demo
users, never as the system."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from tests.factories import rolled_back_world
from wenjiuye.assistance.inspection import county_inspection
from wenjiuye.assistance.models import Contact
from wenjiuye.core.models import Event, User
from wenjiuye.core.periods import today
from wenjiuye.deadlines.models import Deadline, DeadlineStep
from wenjiuye.demo.scenario import demo_scenario
from wenjiuye.demo.scenario_base import ACTORS
from wenjiuye.incidents.models import Incident
from wenjiuye.notify.models import Notification
from wenjiuye.opinion.models import OpinionItem
from wenjiuye.programmes.models import Certificate, Enrolment, FairHire, JobFair, Pair, Placement
from wenjiuye.response.models import LayoffReport

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture(scope="module")
def quick(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """``wenjiuye quickstart --json`` once for the module, in a transaction rolled back after."""
    home = tmp_path_factory.mktemp("scenario-home")
    with override_settings(WENJIUYE_HOME=home, MEDIA_ROOT=home / "media"):

        def build() -> dict[str, Any]:
            out = io.StringIO()
            call_command("quickstart", "--json", stdout=out, stderr=io.StringIO())
            return json.loads(out.getvalue())

        yield from rolled_back_world(django_db_blocker, build)


def test_quickstart_reports_the_scenario_counts(quick):
    counts = quick["scenario"]
    assert counts["layoff_reports"] == LayoffReport.objects.count() == 5
    assert counts["incidents"] == Incident.objects.count() > 0
    assert counts["opinion_items"] == OpinionItem.objects.count() > 0
    assert counts["inbox_messages"] == Notification.objects.count() > 0


def test_every_state_of_a_layoff_report_exists(quick):
    states = set(LayoffReport.objects.values_list("status", flat=True))
    assert states == set(LayoffReport.Status.values)
    implemented = LayoffReport.objects.filter(
        status__in=[LayoffReport.Status.IMPLEMENTED, LayoffReport.Status.CLOSED]
    )
    assert all(
        r.workers.exists() and r.workers.filter(person__isnull=True).count() == 0
        for r in implemented
    )


def test_nobody_reviewed_their_own_report(quick):
    reviewed = LayoffReport.objects.exclude(reviewed_by=None)
    assert reviewed.count() == 3  # reviewed, implemented, closed
    for report in reviewed:
        assert report.reviewed_by_id not in (report.created_by_id, report.submitted_by_id)


def test_the_layoffs_are_on_enterprises_monitoring_suspected(quick):
    from wenjiuye.monitoring.models import Flag  # noqa: PLC0415

    suspected = set(
        Flag.objects.filter(code="layoff_suspected").values_list("subject_id", flat=True)
    )
    on = set(LayoffReport.objects.values_list("enterprise__uscc", flat=True))
    assert suspected and len(suspected & on) >= min(2, len(suspected))


def test_incidents_open_escalated_and_closed(quick):
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert Incident.Status.CLOSED in statuses
    assert statuses - {Incident.Status.CLOSED}
    escalated = [
        i
        for i in Incident.objects.exclude(status=Incident.Status.CLOSED)
        if DeadlineStep.objects.filter(
            deadline__subject_type="incidents.incident",
            deadline__subject_id=str(i.pk),
            kind=DeadlineStep.Kind.ESCALATION,
            fired_at__isnull=False,
        ).exists()
    ]
    assert escalated
    closed = Incident.objects.get(status=Incident.Status.CLOSED)
    assert closed.reviewed and closed.representatives.exists() and closed.demands.exists()


def test_opinion_items_unverified_verified_and_linked(quick):
    statuses = set(OpinionItem.objects.values_list("status", flat=True))
    assert OpinionItem.Status.NEW in statuses
    assert statuses & {OpinionItem.Status.REPORTED, OpinionItem.Status.CLOSED}
    linked = OpinionItem.objects.exclude(incident=None)
    assert linked.exists() and linked.first().incident.status != Incident.Status.CLOSED


def test_every_acting_demo_user_has_a_message(quick):
    for username in ACTORS:
        user = User.objects.get(username=username)
        assert Notification.objects.filter(user=user).exists(), username


def test_programmes_are_not_empty(quick):
    assert Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).exists()
    assert Certificate.objects.exists()
    assert JobFair.objects.filter(attendees__isnull=False).exists()
    assert FairHire.objects.exists()
    assert JobFair.objects.filter(kind=JobFair.Kind.LAYOFF).exists()
    assert Placement.objects.exists()
    assert Pair.objects.exists()


def test_cases_have_contacts_promises_met_and_missed_and_follow_ups(quick):
    assert Contact.objects.filter(purpose=Contact.Purpose.ROUTINE).exists()
    assert Contact.objects.filter(purpose=Contact.Purpose.FOLLOW_UP).exists()
    promises = Deadline.objects.filter(kind__startswith="assistance.one_week")
    assert promises.filter(status=Deadline.Status.DONE).exists()
    assert promises.filter(status=Deadline.Status.OPEN, due_at__lt=timezone.now()).exists()


def test_the_inspection_separates_passing_and_failing_counties(quick):
    office = User.objects.get(username="office")
    rows = county_inspection(user=office, on=today()).rows
    passing = [r.code for r in rows if not r.findings]
    failing = [r.code for r in rows if r.findings]
    assert passing and failing
    assert User.objects.get(username="yexian").region_id in passing
    assert User.objects.get(username="grid").region_id[:6] in failing
    assert quick["scenario"]["inspection_passing"] == len(passing)


def test_the_demo_users_did_the_work_not_the_system(quick):
    first = Event.objects.filter(object_type="response.layoffreport").order_by("pk").first()
    anonymous = Event.objects.filter(pk__gte=first.pk, actor__isnull=True)
    # only the deadline worker acts on its own: it fires the steps and sends their messages
    assert set(anonymous.values_list("object_type", flat=True)) <= {
        "deadlines.deadline",
        "notify.delivery",
    }
    actors = set(
        Event.objects.filter(pk__gte=first.pk, actor__isnull=False).values_list(
            "actor__username", flat=True
        )
    )
    assert actors == set(ACTORS)


def test_it_runs_once(quick):
    before = Event.objects.count()
    assert demo_scenario() == {"skipped": True}
    assert Event.objects.count() == before
