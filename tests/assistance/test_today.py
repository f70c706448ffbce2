"""今日待办 (assistance.today): a case worker's overdue, due-today and reminded tasks — contacts,
one-week promises, follow-ups — in scope, each linked to its case; the grid worker's home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_user
from wenjiuye.assistance import services, today
from wenjiuye.assistance.case_deadlines import KIND_CONTACT, KIND_FOLLOW_UP, KIND_ONE_WEEK
from wenjiuye.assistance.models import Status
from wenjiuye.core.periods import add_months
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline, DeadlineStep
from wenjiuye.deadlines.selectors import deadlines_for

pytestmark = pytest.mark.django_db


def _open(make_person, serial: int, *, days_ago: int = 0, by=None, **kw):
    """A case registered ``days_ago``; when ``by`` is given, last contacted by them that day
    (a visit written up late), so that its next contact is overdue today."""
    on = timezone.localdate() - timedelta(days=days_ago)
    case = services.case_open(person=make_person(serial, **kw), source="manual", registered_on=on)
    if by is not None:
        at = timezone.now() - timedelta(days=days_ago)
        services.contact_add(case=case, actor=by, channel="visit", at=at, note="补录")
    return case


def _deadline(case, prefix: str) -> Deadline:
    return deadlines_for(case).get(status=Deadline.Status.OPEN, kind__startswith=prefix)


def _listed(user, at=None, mine=False) -> dict[str, list[tuple[int, str]]]:
    """group key → [(case pk, state)] as the page lists them."""
    return {
        g.key: [(t.case.pk, t.state) for t in today.tasks(user=user, deadlines=g.deadlines, at=at)]
        for g in today.groups(user=user, at=at, mine=mine)
    }


def test_a_contact_is_listed_once_reminded_due_today_and_overdue(policy, users, make_person):
    grid = users[Role.GRID_WORKER]
    case = _open(make_person, 1)
    contact = _deadline(case, KIND_CONTACT)
    reminder = DeadlineStep.objects.get(deadline=contact, kind=DeadlineStep.Kind.REMINDER)

    assert _listed(grid, at=reminder.fire_at - timedelta(minutes=1))["contact"] == []
    assert _listed(grid, at=contact.due_at - timedelta(hours=2))["contact"] == [(case.pk, "today")]
    late = contact.due_at + timedelta(days=3)
    assert _listed(grid, at=late)["contact"] == [(case.pk, "overdue")]
    [task] = today.tasks(
        user=grid, deadlines=today.groups(user=grid, at=late)[0].deadlines, at=late
    )
    assert task.days_over == 3 and task.tier  # the tier by its Chinese name
    group = today.groups(user=grid, at=late)[0]
    assert (group.overdue, group.today, group.soon, group.total) == (1, 0, 0, 1)


def test_a_one_week_promise_is_listed_from_its_reminder_as_coming_up(policy, users, make_person):
    grid = users[Role.GRID_WORKER]
    case = _open(make_person, 2)
    services.case_set_status(case=case, status=Status.BEING_HELPED, actor=grid)
    week = _deadline(case, KIND_ONE_WEEK)
    reminder = DeadlineStep.objects.get(deadline=week, kind=DeadlineStep.Kind.REMINDER)
    at = reminder.fire_at + timedelta(minutes=1)
    assert timezone.localtime(at).date() < timezone.localtime(week.due_at).date()
    assert _listed(grid, at=at)["one_week"] == [(case.pk, "soon")]
    [task] = today.tasks(user=grid, deadlines=[week], at=at)
    assert (
        task.days_left
        == (timezone.localtime(week.due_at).date() - timezone.localtime(at).date()).days
    )
    assert _listed(grid, at=reminder.fire_at - timedelta(minutes=1))["one_week"] == []


def test_a_follow_up_due_today_is_listed_and_done_by_a_follow_up_contact(
    policy, users, make_person
):
    grid = users[Role.GRID_WORKER]
    case = _open(make_person, 3, days_ago=60)
    employed_on = add_months(timezone.localdate(), -1)
    services.case_set_status(
        case=case, status=Status.EMPLOYED, actor=grid, on=employed_on, employer="某厂", job="钳工"
    )
    assert _listed(grid)["follow_up"] == [(case.pk, "today")]
    services.contact_add(case=case, actor=grid, channel="phone", purpose="follow_up")
    assert _listed(grid)["follow_up"] == []
    assert (
        not deadlines_for(case)
        .filter(
            kind__startswith=KIND_FOLLOW_UP, status=Deadline.Status.OPEN, due_at__lte=timezone.now()
        )
        .exists()
    )


def test_only_cases_in_scope_and_open_are_listed(policy, users, make_person):
    grid = users[Role.GRID_WORKER]
    own = _open(make_person, 4, days_ago=40, by=grid)
    other = _open(make_person, 5, days_ago=40, by=users[Role.CITY_OFFICE], region=OTHER_COUNTY)
    closed = _open(make_person, 6, days_ago=40, by=grid)
    services.case_set_status(case=closed, status=Status.CLOSED, actor=grid, note="迁出")
    listed = {pk for pk, _ in _listed(grid)["contact"]}
    assert own.pk in listed and other.pk not in listed and closed.pk not in listed
    office = {pk for pk, _ in _listed(users[Role.CITY_OFFICE])["contact"]}
    assert {own.pk, other.pk} <= office and closed.pk not in office


def test_recording_a_contact_takes_it_off_the_list(policy, users, make_person):
    grid = users[Role.GRID_WORKER]
    case = _open(make_person, 7, days_ago=40, by=grid)
    assert _listed(grid)["contact"] == [(case.pk, "overdue")]
    services.contact_add(case=case, actor=grid, channel="visit", note="上门")
    assert _listed(grid)["contact"] == []


def test_mine_keeps_the_cases_the_user_is_responsible_for(policy, users, make_person):
    grid = users[Role.GRID_WORKER]
    county_grid = make_user("grid-county", Role.GRID_WORKER, OWN_COUNTY)
    ours = _open(make_person, 8, days_ago=40, by=grid)  # its grid's worker: ``grid``
    theirs = services.case_open(
        person=make_person(10),
        source="manual",
        registered_on=timezone.localdate() - timedelta(days=40),
        grid_worker=county_grid,
    )
    services.contact_add(
        case=theirs, actor=county_grid, channel="phone", at=timezone.now() - timedelta(days=40)
    )
    assert ours.grid_worker == grid and theirs.grid_worker == county_grid
    everyone = {pk for pk, _ in _listed(county_grid)["contact"]}
    assert everyone == {ours.pk, theirs.pk}
    assert {pk for pk, _ in _listed(county_grid, mine=True)["contact"]} == {theirs.pk}
    assert {pk for pk, _ in _listed(grid, mine=True)["contact"]} == {ours.pk}
    assert _listed(users[Role.COUNTY_OFFICER], mine=True)["contact"] == []


# --- the page ----------------------------------------------------------------------------------


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_page_lists_the_tasks_with_counts_and_links(policy, users, make_person):
    case = _open(make_person, 9, days_ago=40, by=users[Role.GRID_WORKER])
    response = _client(users[Role.GRID_WORKER]).get(reverse("assistance-today"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="count-overdue">逾期 1<' in html
    assert reverse("assistance-case", args=[case.pk]) in html
    assert case.person.name in html and "已逾期" in html


def test_a_group_of_its_own_is_paged(policy, users, make_person):
    for serial in range(12):
        _open(make_person, 20 + serial, days_ago=40, by=users[Role.GRID_WORKER])
    client = _client(users[Role.GRID_WORKER])
    overview = client.get(reverse("assistance-today")).content.decode()
    assert overview.count('data-testid="task"') == 10  # a preview of each group
    assert 'data-testid="more-contact"' in overview
    whole = client.get(reverse("assistance-today"), {"show": "contact"}).content.decode()
    assert whole.count('data-testid="task"') == 12
    assert client.get(reverse("assistance-today"), {"show": "nonsense"}).status_code == 400


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR])
def test_roles_without_case_work_are_refused(policy, users, role):
    response = _client(users[role]).get(reverse("assistance-today"))
    assert response.status_code == 403
    assert 'data-testid="error-403"' in response.content.decode()


def test_the_page_offers_the_online_registrations_waiting(policy, users, regions):
    from tests.assistance.test_pages import form  # noqa: PLC0415

    Client().post(reverse("public-register"), form())
    html = _client(users[Role.GRID_WORKER]).get(reverse("assistance-today")).content.decode()
    assert 'data-testid="chip-pending"' in html
    assert _client(users[Role.COUNTY_OFFICER]).get(reverse("assistance-today")).status_code == 200
