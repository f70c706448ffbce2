"""What each role is offered on a layoff report, and that the refusal holds at the page and the
API whatever the page offers (the defect: the grid worker's 审核通过 made a report 已审核)."""

from __future__ import annotations

import pytest

from tests.factories import OWN_COUNTY, make_report, make_user
from tests.lists import client_for
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.response import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, officer):
    return services.layoff_submit(actor=officer, report=make_report(officer, world["own"]))


@pytest.fixture
def county_grid(world):
    """A grid worker whose grid is the whole county (the demo's): the report is in sight."""
    return make_user("grid-county", Role.GRID_WORKER, OWN_COUNTY)


def _page(user, report) -> str:
    r = client_for(user).get(f"/response/layoffs/{report.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_grid_worker_is_not_offered_the_review_and_is_told_why(submitted, county_grid):
    html = _page(county_grid, submitted)
    assert 'data-testid="do-review"' not in html and "审核通过" not in html
    assert 'data-testid="read-only"' in html
    assert "修改报告" not in html and 'data-testid="roster-form"' not in html
    assert "上传附件" not in html


def test_the_grid_workers_review_is_refused_by_the_page(submitted, county_grid):
    c = client_for(county_grid)
    events = Event.objects.count()
    r = c.post(
        f"/response/layoffs/{submitted.pk}/transition/", {"action": "review", "note": "同意"}
    )
    assert r.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.reviewed_by is None
    assert Event.objects.count() == events


def test_the_grid_workers_review_is_refused_by_the_api(submitted, county_grid):
    r = client_for(county_grid).post(
        f"/api/response/layoffs/{submitted.pk}/review", {"note": "同意"}, "application/json"
    )
    assert r.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.reviewed_by is None


@pytest.mark.parametrize("action", ["submit", "implement", "close"])
def test_the_grid_worker_takes_no_other_step(world, county_grid, officer, action):
    report = make_report(officer, world["own"])
    r = client_for(county_grid).post(
        f"/response/layoffs/{report.pk}/transition/", {"action": action, "note": "x"}
    )
    assert r.status_code == 403
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_submitter_is_not_offered_the_review_and_is_told_why(submitted, officer):
    html = _page(officer, submitted)
    assert 'data-testid="do-review"' not in html
    assert 'data-testid="review-by-other"' in html and "不能审核本人的报告" in html
    r = client_for(officer).post(
        f"/response/layoffs/{submitted.pk}/transition/", {"action": "review"}
    )
    assert r.status_code == 403 and "不能审核本人填报或提交的裁员报告" in r.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_another_officer_of_the_county_is_offered_the_review(submitted, reviewer):
    html = _page(reviewer, submitted)
    assert 'data-testid="do-review"' in html and 'data-testid="review-by-other"' not in html
    r = client_for(reviewer).post(
        f"/response/layoffs/{submitted.pk}/transition/", {"action": "review"}
    )
    assert r.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "reviewed"
    html = _page(reviewer, submitted)
    shown = html[html.index('data-testid="reviewed-by">') :].split("</dd>")[0]
    assert "账号 baofeng-review" in shown  # a user without a name: "账号 …", never the bare login


def test_the_creator_may_not_review_what_another_submitted(world, officer, reviewer):
    report = make_report(officer, world["own"])
    report = services.layoff_submit(actor=reviewer, report=report)
    assert 'data-testid="do-review"' not in _page(officer, report)
    assert 'data-testid="do-review"' not in _page(reviewer, report)


def test_the_leader_reads_only(submitted, world):
    leader = world["users"][Role.LEADER]
    html = _page(leader, submitted)
    assert 'data-testid="read-only"' in html
    for offered in ("do-review", "roster-form", "reveal"):
        assert f'data-testid="{offered}"' not in html
    assert "修改报告" not in html and "上传附件" not in html
    listing = client_for(leader).get("/response/layoffs/").content.decode()
    assert 'data-testid="new-layoff"' not in listing
    assert client_for(leader).get(f"/response/layoffs/{submitted.pk}/edit/").status_code == 403


def test_the_draft_offers_submit_to_a_writer(world, officer):
    report = make_report(officer, world["own"])
    html = _page(officer, report)
    assert 'data-testid="do-submit"' in html and "修改报告" in html
