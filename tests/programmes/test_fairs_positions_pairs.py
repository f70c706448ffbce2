"""Job fairs (U5, E3), public-welfare jobs (U2, K5, K7) and pairing (U2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.factories import own_region
from wenjiuye.core.models import Event
from wenjiuye.intake.models import ImportBatch, JobPosting
from wenjiuye.programmes import pairing, rules, services
from wenjiuye.programmes.models import SpotCheck

FAIR_DAY = date(2023, 5, 20)


def make_fair(actor, **extra):
    return services.fair_create(
        actor=actor,
        title="宝丰县春风行动招聘会",
        held_on=FAIR_DAY,
        venue="县人力资源市场",
        region=own_region(),
        **extra,
    )


def test_fair_summary_and_hire_rules(policy, officer, people, enterprises):
    fair = make_fair(officer)
    employer = services.fair_employer_add(
        actor=officer, fair=fair, enterprise=enterprises["own"], booth="A01", vacancies=12
    )
    other = services.fair_employer_add(
        actor=officer, fair=fair, enterprise=enterprises["other"], booth="A02", vacancies=8
    )
    cook = services.fair_vacancy_add(actor=officer, employer=employer, title="厨师", openings=1)
    for person in people["own"][:4]:
        services.fair_attendee_add(actor=officer, fair=fair, person=person)
    a, b, c, outsider = people["own"][0], people["own"][1], people["own"][2], people["own"][4]

    with pytest.raises(ValidationError, match="未登记为本场招聘会的求职者"):
        services.fair_hire_record(
            actor=officer, fair=fair, person=outsider, employer=employer, hired_on=FAIR_DAY
        )
    services.fair_hire_record(
        actor=officer, fair=fair, person=a, employer=employer, vacancy=cook, hired_on=FAIR_DAY
    )
    with pytest.raises(ValidationError, match="已全部录满"):
        services.fair_hire_record(
            actor=officer, fair=fair, person=b, employer=employer, vacancy=cook, hired_on=FAIR_DAY
        )
    with pytest.raises(ValidationError, match="不属于所选企业"):
        services.fair_hire_record(
            actor=officer, fair=fair, person=b, employer=other, vacancy=cook, hired_on=FAIR_DAY
        )
    with pytest.raises(ValidationError, match="不能早于招聘会举办日期"):
        services.fair_hire_record(
            actor=officer, fair=fair, person=b, employer=other, hired_on=date(2023, 5, 19)
        )
    services.fair_hire_record(
        actor=officer, fair=fair, person=c, employer=other, hired_on=date(2023, 5, 22)
    )
    summary = rules.fair_summary(fair)
    assert {k: summary[k] for k in ("employers", "vacancies", "attendees", "hires")} == {
        "employers": 2,
        "vacancies": 20,
        "attendees": 4,
        "hires": 2,
    }
    assert (summary["hire_rate"], summary["hire_rate_display"]) == ("0.5000", "50.0%")
    with pytest.raises(ValidationError, match="已登记参加本场招聘会"):
        services.fair_attendee_add(actor=officer, fair=fair, person=a)


def test_empty_fair_has_no_hire_rate(policy, officer):
    summary = rules.fair_summary(make_fair(officer))
    assert (summary["attendees"], summary["hire_rate"], summary["hire_rate_display"]) == (
        0,
        None,
        "—",
    )


def test_dedicated_fair_links_a_layoff_report_and_only_it(policy, officer, layoff_reports):
    own, other = layoff_reports["own"].pk, layoff_reports["other"].pk
    fair = make_fair(officer, kind="layoff", layoff_report_id=own)
    assert (fair.kind, fair.layoff_report_id) == ("layoff", own)
    with pytest.raises(ValidationError, match="只有规模裁员专场招聘会"):
        make_fair(officer, kind="general", layoff_report_id=own)
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        make_fair(officer, kind="layoff", layoff_report_id=other)
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        make_fair(officer, kind="layoff", layoff_report_id=other + own + 1000)


def test_vacancy_posting_id_must_exist(policy, officer, enterprises, users):
    fair = make_fair(officer)
    employer = services.fair_employer_add(actor=officer, fair=fair, enterprise=enterprises["own"])
    with pytest.raises(ValidationError, match="岗位编号 P-1 不存在"):
        services.fair_vacancy_add(
            actor=officer, employer=employer, title="保洁", openings=2, posting_id="P-1"
        )
    batch = ImportBatch.objects.create(
        kind="job_postings", file_name="p.csv", sha256="0" * 64, archived_path="x", format="csv"
    )
    JobPosting.objects.create(
        batch=batch,
        line=2,
        posting_id="P-1",
        employer_name="x",
        title="保洁",
        openings=2,
        posted_on=FAIR_DAY,
    )
    vacancy = services.fair_vacancy_add(
        actor=officer, employer=employer, title="保洁", openings=2, posting_id="P-1"
    )
    assert vacancy.posting_id == "P-1"


def make_position(actor, area="urban", count=1, opened=date(2023, 1, 1)):
    return services.position_create(
        actor=actor,
        title="社区保洁",
        area=area,
        unit="城关镇政府",
        region=own_region(),
        count=count,
        opened_on=opened,
    )


def test_position_amounts_and_term_from_policy(policy, officer):
    urban, rural = make_position(officer), make_position(officer, area="rural")
    assert (urban.monthly_subsidy, urban.term_months) == (1000, 36)
    assert (rural.monthly_subsidy, rural.term_months) == (500, 12)
    assert {c["key"] for c in rural.policy} == {
        "programmes.public_welfare.monthly_subsidy.rural",
        "programmes.public_welfare.term_months.rural",
    }


def test_one_position_at_a_time(policy, officer, people):
    first, second = make_position(officer, count=5), make_position(officer, count=5)
    person = people["own"][0]
    placed = services.placement_start(
        actor=officer, position=first, person=person, starts_on=date(2023, 2, 1)
    )
    with pytest.raises(ValidationError, match="同一时间只能安置一个公益性岗位"):
        services.placement_start(
            actor=officer, position=second, person=person, starts_on=date(2023, 6, 1)
        )
    # a placement that would start before the current one and overlap it is refused too
    with pytest.raises(ValidationError, match="同一时间只能安置一个公益性岗位"):
        services.placement_start(
            actor=officer, position=second, person=person, starts_on=date(2023, 1, 15)
        )
    services.placement_exit(
        actor=officer, placement=placed, exited_on=date(2023, 5, 31), reason="实现市场化就业"
    )
    with pytest.raises(ValidationError, match="同一时间只能安置一个公益性岗位"):
        services.placement_start(
            actor=officer, position=second, person=person, starts_on=date(2023, 5, 31)
        )
    services.placement_start(
        actor=officer, position=second, person=person, starts_on=date(2023, 6, 1)
    )


def test_position_count_is_enforced(policy, officer, people):
    position = make_position(officer, count=1)
    services.placement_start(
        actor=officer, position=position, person=people["own"][0], starts_on=date(2023, 2, 1)
    )
    with pytest.raises(ValidationError, match="岗位已满:共 1 个,在岗 1 人"):
        services.placement_start(
            actor=officer, position=position, person=people["own"][1], starts_on=date(2023, 2, 1)
        )


def test_term_end_subsidy_months_and_over_term_flag(policy, officer, people):
    position = make_position(officer, area="rural")  # 12 months, 500 a month
    placement = services.placement_start(
        actor=officer, position=position, person=people["own"][0], starts_on=date(2023, 1, 15)
    )
    assert placement.term_ends_on == date(2024, 1, 14)
    assert rules.placement_status(placement, on=date(2023, 2, 13))["subsidy_months"] == 0
    assert rules.placement_status(placement, on=date(2023, 2, 14))["subsidy_months"] == 1
    at_end = rules.placement_status(placement, on=date(2024, 1, 14))
    assert (at_end["subsidy_months"], at_end["subsidy_amount"], at_end["over_term"]) == (
        12,
        "6000.00",
        False,
    )
    late = rules.placement_status(placement, on=date(2024, 1, 15))
    assert (late["subsidy_months"], late["over_term"]) == (12, True)
    assert "超期在岗" in late["flags"][0]
    services.placement_exit(
        actor=officer, placement=placement, exited_on=date(2023, 7, 20), reason="个人原因"
    )
    exited = rules.placement_status(placement, on=date(2024, 6, 1))
    assert (exited["subsidy_months"], exited["on_post"], exited["over_term"]) == (6, False, False)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2023, 1, 15), 12, date(2024, 1, 14)),
        (date(2023, 1, 1), 36, date(2025, 12, 31)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 3, 31), 1, date(2023, 4, 30)),
        (date(2023, 3, 30), 1, date(2023, 4, 29)),
    ],
)
def test_term_end(start, months, end):
    assert rules.term_end(start, months) == end


def test_spot_checks(policy, officer, people):
    placement = services.placement_start(
        actor=officer,
        position=make_position(officer),
        person=people["own"][0],
        starts_on=date(2023, 2, 1),
    )
    with pytest.raises(ValidationError, match="请填写检查情况"):
        services.spot_check_add(
            actor=officer,
            placement=placement,
            checked_on=date(2023, 3, 1),
            method="phone",
            result="ok",
            finding=" ",
        )
    with pytest.raises(ValidationError, match="未知检查方式"):
        services.spot_check_add(
            actor=officer,
            placement=placement,
            checked_on=date(2023, 3, 1),
            method="email",
            result="ok",
            finding="x",
        )
    check = services.spot_check_add(
        actor=officer,
        placement=placement,
        checked_on=date(2023, 3, 1),
        method="spot",
        result="problem",
        finding="抽查时不在岗",
    )
    assert SpotCheck.objects.get().get_method_display() == "不定期抽查"
    event = Event.objects.get(object_type="programmes.spotcheck", object_id=str(check.pk))
    assert event.changes["finding"] == [None, "抽查时不在岗"]


def test_pairing_modes(policy, officer, people, enterprises):
    one, two = people["own"][:2]
    with pytest.raises(ValidationError, match="须且只能有1名帮扶对象,现有 2 名"):
        pairing.pair_create(
            actor=officer,
            helper_kind="enterprise",
            helper_enterprise=enterprises["own"],
            mode="one_to_one",
            persons=[one, two],
            region=own_region(),
            starts_on=FAIR_DAY,
        )
    with pytest.raises(ValidationError, match="应有2名及以上帮扶对象,现有 1 名"):
        pairing.pair_create(
            actor=officer,
            helper_kind="institution",
            helper_name="县妇联",
            mode="one_to_many",
            persons=[one, one],
            region=own_region(),
            starts_on=FAIR_DAY,
        )
    with pytest.raises(ValidationError, match="须选择帮扶企业"):
        pairing.pair_create(
            actor=officer,
            helper_kind="enterprise",
            mode="one_to_one",
            persons=[one],
            region=own_region(),
            starts_on=FAIR_DAY,
        )
    pair = pairing.pair_create(
        actor=officer,
        helper_kind="enterprise",
        helper_enterprise=enterprises["own"],
        mode="one_to_one",
        persons=[one],
        region=own_region(),
        starts_on=FAIR_DAY,
    )
    assert pair.helper_name == "宝丰测试家政公司"
    group = pairing.pair_create(
        actor=officer,
        helper_kind="institution",
        helper_name="县妇联",
        mode="one_to_many",
        persons=[one, two],
        region=own_region(),
        starts_on=FAIR_DAY,
    )
    assert set(group.persons.all()) == {one, two}
    event = Event.objects.get(object_type="programmes.pair", object_id=str(group.pk))
    assert event.changes["persons"] == [None, sorted([one.pk, two.pk])]
    pairing.pair_end(actor=officer, pair=group, ends_on=date(2023, 12, 31), note="均已就业")
    with pytest.raises(ValidationError, match="已于 2023-12-31 结束"):
        pairing.pair_end(actor=officer, pair=group, ends_on=date(2024, 1, 1))
