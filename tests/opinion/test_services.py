"""Public opinion: classification, enterprise links, key-concern list, E4 and E5 deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import OWN_COUNTY, T0
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.selectors import deadlines_for, deadlines_overdue
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.opinion import services
from wenjiuye.opinion.classify import classify, short_name
from wenjiuye.opinion.evaluation import REPORT_CITY_KIND, VERIFY_KIND
from wenjiuye.opinion.models import LexiconTerm


@pytest.mark.django_db
def test_lexicon_is_seeded_and_classifies_with_reasons(policy):
    assert LexiconTerm.objects.filter(category="layoff", term="裁员").exists()
    result = classify("某厂老板跑路,数百名工人拖欠工资三个月,今日聚集讨说法", on=T0.date())
    assert result["categories"] == ["wage_arrears", "collective", "absconding"]
    assert result["reasons"]["absconding"]["terms"] == ["老板跑路"]
    assert result["reasons"]["wage_arrears"]["terms"] == ["拖欠工资"]
    assert result["reasons"]["collective"]["score"] == 3.0
    assert result["policy"][0]["key"] == "opinion.classify.min_score"
    # a single weak term (weight 1) is below the threshold of 2
    weak = classify("公司近期减产", on=T0.date())
    assert weak["categories"] == [] and weak["reasons"]["stoppage"]["score"] == 1.0


@pytest.mark.django_db
def test_the_city_edits_the_lexicon_counties_and_grids_may_not(policy, users):
    for role in (Role.COUNTY_OFFICER, Role.GRID_WORKER, Role.LEADER):
        with pytest.raises(PermissionDenied):
            services.lexicon_add(actor=users[role], category="stoppage", term="熄火", weight=2)
    officer = users[Role.CITY_OFFICE]
    assert "stoppage" not in classify("厂里突然熄火了", on=T0.date())["categories"]
    term = services.lexicon_add(actor=officer, category="stoppage", term="熄火", weight=2)
    assert classify("厂里突然熄火了", on=T0.date())["categories"] == ["stoppage"]
    services.lexicon_update(actor=officer, term=term, active=False)
    assert classify("厂里突然熄火了", on=T0.date())["categories"] == []
    assert Event.objects.filter(object_type="opinion.lexiconterm").count() == 2
    with pytest.raises(PermissionDenied):
        services.lexicon_add(actor=users[Role.LEADER], category="layoff", term="优化")
    with pytest.raises(ValidationError):
        services.lexicon_add(actor=officer, category="stoppage", term="熄火")


def test_short_names():
    places = ["平顶山市", "平顶山", "宝丰县", "宝丰"]
    assert short_name("宝丰县宏达机械制造有限公司", places) == "宏达机械制造"
    assert short_name("平顶山市恒信(集团)股份有限公司", places) == "恒信"


@pytest.mark.django_db
def test_manual_item_links_enterprise_by_short_name_and_enters_key_list(policy, users, enterprises):
    officer = users[Role.COUNTY_OFFICER]
    item, created = services.opinion_create(
        actor=officer,
        title="宏达机械制造大规模裁员",
        text="网传宏达机械制造本月裁员三百人。",
        source="manual",
        at=T0,
    )
    assert created
    assert list(item.enterprises.all()) == [enterprises["hongda"]]
    assert item.region_id == OWN_COUNTY
    assert item.categories == ["layoff"]
    entry = LedgerEntry.objects.get(ledger="key_enterprise", subject_id=enterprises["hongda"].uscc)
    assert entry.reasons == ["舆情"]
    assert [i["opinion_id"] for i in entry.evidence["舆情"]["items"]] == [item.pk]
    # evaluated again: no second reason, no second evidence
    services.opinion_update(actor=officer, item=item, status="verifying")
    entry.refresh_from_db()
    assert entry.reasons == ["舆情"]
    assert len(entry.evidence["舆情"]["items"]) == 1
    # a second item about the same enterprise adds evidence, not a reason
    second, _ = services.opinion_create(
        actor=officer, title="宏达机械制造停产", source="manual", at=T0
    )
    entry.refresh_from_db()
    assert entry.reasons == ["舆情"]
    assert [i["opinion_id"] for i in entry.evidence["舆情"]["items"]] == [item.pk, second.pk]
    assert not deadlines_for(item).exists()  # not transferred, not spreading


@pytest.mark.django_db
def test_transferred_item_has_a_48_hour_deadline(policy, users):
    county = Region.objects.get(pk=OWN_COUNTY)
    item, _ = services.opinion_create(
        actor=users[Role.CITY_OFFICE],
        title="网传某企业裁员",
        source="province",
        region=county,
        at=T0,
    )
    deadline = deadlines_for(item).get(kind=VERIFY_KIND)
    due = T0 + timedelta(hours=48)
    assert deadline.due_at == due and deadline.clause == "E5,L2"
    assert deadline.policy["public_opinion.verify_report_hours"]["value"] == 48
    officer = users[Role.COUNTY_OFFICER]
    assert not deadline.is_overdue(at=due - timedelta(minutes=1))
    assert deadline.is_overdue(at=due + timedelta(minutes=1))
    assert not deadlines_overdue(user=officer, at=due - timedelta(minutes=1)).exists()
    assert list(deadlines_overdue(user=officer, at=due + timedelta(minutes=1))) == [deadline]


@pytest.mark.django_db
@pytest.mark.parametrize(("reposts", "expected"), [(999, False), (1000, True)])
def test_fast_spreading_layoff_opinion_is_reported_to_the_city(
    policy, users, enterprises, reposts, expected
):
    officer = users[Role.COUNTY_OFFICER]
    item, _ = services.opinion_create(
        actor=officer, title="宏达机械制造裁员", source="manual", reposts=reposts, at=T0
    )
    assert item.spreading is expected
    report = deadlines_for(item).filter(kind=REPORT_CITY_KIND)
    assert report.exists() is expected
    if expected:
        assert report.get().due_at == T0 + timedelta(hours=2)
        assert report.get().clause == "E4"


@pytest.mark.django_db
def test_manual_spreading_flag_but_not_layoff_needs_no_city_report(policy, users):
    officer = users[Role.COUNTY_OFFICER]
    item, _ = services.opinion_create(
        actor=officer, title="某厂拖欠工资", source="manual", spreading_flag=True, at=T0
    )
    assert item.spreading and item.categories == ["wage_arrears"]
    assert not deadlines_for(item).exists()
    later = T0 + timedelta(hours=3)
    services.lexicon_add(
        actor=users[Role.CITY_OFFICE], category="layoff", term="某厂拖欠", weight=2
    )
    item = services.opinion_update(actor=officer, item=item, reclassify=True, at=later)
    assert "layoff" in item.categories
    assert deadlines_for(item).get().due_at == later + timedelta(hours=2)


@pytest.mark.django_db
def test_scope(policy, users, enterprises):
    from tests.factories import OTHER_COUNTY

    other = Region.objects.get(pk=OTHER_COUNTY)
    with pytest.raises(PermissionDenied):
        services.opinion_create(
            actor=users[Role.COUNTY_OFFICER], title="x", source="manual", region=other
        )
    with pytest.raises(PermissionDenied):
        services.opinion_create(actor=users[Role.LEADER], title="x", source="manual")
