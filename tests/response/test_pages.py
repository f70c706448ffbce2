"""The response pages: scoped (404 out of scope), 403 without WRITE, Chinese, masked rosters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OTHER_COUNTY,
    OWN_COUNTY,
    make_id,
    make_report,
    make_user,
    roster_csv,
    worker_rows,
)
from tests.lists import client_for
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.response import services
from wenjiuye.response.models import LayoffReport, Visit

pytestmark = pytest.mark.django_db


def test_create_upload_submit_through_the_pages(world, officer):
    c = client_for(officer)
    assert c.get(reverse("response-layoff-create")).status_code == 200
    impl = timezone.localdate() + timedelta(days=40)
    r = c.post(
        reverse("response-layoff-create"),
        {
            "enterprise_uscc": world["own"].uscc,
            "total_employees": 1000,
            "planned_layoffs": 250,
            "situation": "restructuring",
            "planned_implementation_on": impl.isoformat(),
            "explained_on": (impl - timedelta(days=30)).isoformat(),
            "reported_on": timezone.localdate().isoformat(),
            "local_average_wage": "6000",
        },
    )
    assert r.status_code == 302
    report = LayoffReport.objects.get()
    detail = reverse("response-layoff-detail", args=[report.pk])
    assert r["Location"] == detail
    rows = worker_rows(2) + [["坏", "123", "", "固定期限", "2010-01-01", "1", "否", "否"]]
    upload = SimpleUploadedFile("名单.csv", roster_csv(rows))
    r = c.post(reverse("response-layoff-roster-import", args=[report.pk]), {"file": upload})
    assert r.status_code == 200
    html = r.content.decode()
    assert "新增 2 人" in html and "拒绝 1 行" in html and "长度或格式错误" in html
    full_id = make_id(OWN_COUNTY, "19850101", 1)
    assert full_id not in html and full_id[:4] + "*" * 13 + full_id[-1:] in html
    r = c.post(reverse("response-layoff-transition", args=[report.pk]), {"action": "submit"})
    assert r.status_code == 302
    html = c.get(detail).content.decode()
    assert "在知悉的第一时间向市人社局报告" in html and "市稳就业工作专班办公室" in html
    # the policy parameters cited by the obligations: by name, value, clause and source, not key
    cites = html[html.index('data-testid="deadlines"') : html.index('data-testid="actions"')]
    assert "一次性裁员超过200人时县(市、区)向市局报告的时限(“第一时间”):2 小时(E4;" in cites
    assert "layoff.report_city.due_hours" not in cites and "[60]" not in cites


def test_a_wrong_step_answers_400_with_the_reason(world, officer):
    report = make_report(officer, world["own"])
    r = client_for(officer).post(
        reverse("response-layoff-transition", args=[report.pk]), {"action": "close", "note": "x"}
    )
    assert r.status_code == 400 and "不能执行此操作" in r.content.decode()


def test_implement_refused_on_29_days_notice_shows_why(world, officer, reviewer):
    impl = timezone.localdate() + timedelta(days=40)
    report = make_report(
        officer,
        world["own"],
        planned_implementation_on=impl,
        explained_on=impl - timedelta(days=29),
    )
    report = services.layoff_review(
        actor=reviewer, report=services.layoff_submit(actor=officer, report=report)
    )
    r = client_for(officer).post(
        reverse("response-layoff-transition", args=[report.pk]), {"action": "implement"}
    )
    assert r.status_code == 400
    assert "距计划实施 29 日(须提前 30 日)" in r.content.decode()


def test_scope_404_and_write_403(world, officer):
    report = make_report(officer, world["own"])
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    leader = world["users"][Role.LEADER]
    detail = reverse("response-layoff-detail", args=[report.pk])
    assert client_for(yexian).get(detail).status_code == 404
    assert client_for(leader).get(detail).status_code == 200
    assert "roster-form" not in client_for(leader).get(detail).content.decode()
    assert client_for(leader).get(reverse("response-layoff-create")).status_code == 403
    r = client_for(leader).post(
        reverse("response-layoff-transition", args=[report.pk]), {"action": "submit"}
    )
    assert r.status_code == 403
    assert client_for(leader).get(reverse("response-visit-create")).status_code == 403
    listing = client_for(yexian).get(reverse("response-layoff-list")).content.decode()
    assert "宝丰机械厂" not in listing
    assert "宝丰机械厂" in client_for(officer).get(reverse("response-layoff-list")).content.decode()


def test_reveal_on_the_page_is_audited(world, officer):
    report = make_report(officer, world["own"])
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(1)), filename="r.csv"
    )
    full_id = make_id(OWN_COUNTY, "19850101", 1)
    r = client_for(officer).post(reverse("response-layoff-reveal", args=[report.pk]))
    assert r.status_code == 200 and full_id in r.content.decode()
    assert Event.objects.filter(action=Event.Action.VIEW_UNMASKED, actor=officer).count() == 1
    leader = client_for(world["users"][Role.LEADER])
    assert leader.post(reverse("response-layoff-reveal", args=[report.pk])).status_code == 403


def test_attachment_upload_and_download_in_scope(world, officer):
    report = make_report(officer, world["own"])
    c = client_for(officer)
    upload = SimpleUploadedFile("方案.txt", "裁员方案".encode())
    r = c.post(reverse("response-layoff-attachment-add", args=[report.pk]), {"file": upload})
    assert r.status_code == 302
    attachment = report.attachments.get()
    url = reverse("response-layoff-attachment", args=[report.pk, attachment.pk])
    assert b"".join(c.get(url).streaming_content) == "裁员方案".encode()
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    assert client_for(yexian).get(url).status_code == 404


def test_roster_totals_on_the_report_page(world, officer):
    report = make_report(officer, world["own"])
    services.roster_import(
        actor=officer, report=report, content=roster_csv(worker_rows(2)), filename="r.csv"
    )
    total = sum(w.severance_amount for w in report.workers.all())
    html = client_for(officer).get(reverse("response-layoff-detail", args=[report.pk]))
    assert f"经济补偿合计 {float(total)} 元" in html.content.decode()


@pytest.mark.parametrize(
    ("wage", "months", "amount"),
    [("30000", "12.0", "216000.0"), ("8000", "15.0", "120000.0")],
)
def test_severance_page(world, officer, wage, months, amount):
    r = client_for(officer).get(
        reverse("response-severance"),
        {
            "start": "2007-03-01",
            "end": "2022-02-28",
            "monthly_wage": wage,
            "local_average_wage": "6000",
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert f'data-testid="months">{months}<' in html and f'data-testid="amount">{amount}<' in html
    assert (
        "经济补偿:月工资封顶倍数(本地区上年度职工月平均工资的倍数):3 倍(L4;《劳动合同法》第四十七条第二款)"
        in html
    )
    assert "severance.art47.wage_cap_multiple" not in html


def test_severance_page_half_month_and_bad_input(world, officer):
    c = client_for(officer)
    r = c.get(
        reverse("response-severance"),
        {
            "start": "2022-01-15",
            "end": "2022-06-14",
            "monthly_wage": "5000",
            "local_average_wage": "6000",
        },
    )
    assert 'data-testid="months">0.5<' in r.content.decode()
    r = c.get(
        reverse("response-severance"),
        {
            "start": "2022-06-15",
            "end": "2022-01-14",
            "monthly_wage": "5000",
            "local_average_wage": "6000",
        },
    )
    assert r.status_code == 400 and "离职日期早于入职日期" in r.content.decode()


@pytest.mark.parametrize(
    ("employees", "layoffs", "text"),
    [(1000, 19, "不属于规模裁员"), (1000, 20, "属于规模裁员"), (200, 20, "属于规模裁员")],
)
def test_layoff_check_page(world, officer, employees, layoffs, text):
    r = client_for(officer).get(
        reverse("response-layoff-check"), {"employees": employees, "layoffs": layoffs}
    )
    applies = r.content.decode().split('data-testid="applies"><strong>')[1]
    assert applies.startswith(text)


def test_layoff_check_page_201_lists_city_and_province(world, officer):
    r = client_for(officer).get(
        reverse("response-layoff-check"), {"employees": 5000, "layoffs": 201}
    )
    html = r.content.decode()
    assert 'data-kind="layoff.report_city"' in html and 'data-kind="layoff.report_province"' in html
    r = client_for(officer).get(
        reverse("response-layoff-check"), {"employees": 5000, "layoffs": 200}
    )
    html = r.content.decode()
    assert (
        'data-kind="layoff.report_city"' not in html
        and 'data-kind="layoff.report_province"' in html
    )


def test_visit_page_updates_the_key_enterprise_ledger(world, officer):
    c = client_for(officer)
    today = timezone.localdate()
    r = c.post(
        reverse("response-visit-create"),
        {
            "enterprise_uscc": world["own"].uscc,
            "visited_on": today.isoformat(),
            "visitors": "王五",
            "difficulties": "融资难",
            "policies_briefed": ["refund", "training_subsidy"],
            "measures": ["negotiated_pay", "on_job_training"],
            "handbook_given": "on",
            "outcome": "企业承诺不裁员",
        },
    )
    assert r.status_code == 302
    visit = Visit.objects.get()
    assert visit.policies_briefed == ["refund", "training_subsidy"]
    entry = LedgerEntry.objects.get(ledger="key_enterprise", subject_id=world["own"].uscc)
    assert entry.region_code == world["own"].region_id and entry.source == "manual"
    assert entry.reasons == ["manual:走访发现困难:融资难"]
    assert "稳岗返还、培训补贴" in entry.note and "协商薪酬、在岗培训" in entry.note
    assert "已发放裁员工作手册" in entry.note
    detail = c.get(reverse("response-visit-detail", args=[visit.pk]))
    assert "企业承诺不裁员" in detail.content.decode()
    yexian = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    assert (
        client_for(yexian).get(reverse("response-visit-detail", args=[visit.pk])).status_code == 404
    )


def test_edit_page_after_submission_only_dates_and_opinions(world, officer):
    report = services.layoff_submit(
        actor=officer, report=make_report(officer, world["own"], union_opinion="")
    )
    c = client_for(officer)
    url = reverse("response-layoff-edit", args=[report.pk])
    form = {
        "total_employees": report.total_employees,
        "planned_layoffs": report.planned_layoffs,
        "situation": report.situation,
        "planned_implementation_on": report.planned_implementation_on.isoformat(),
        "explained_on": report.explained_on.isoformat(),
        "reported_on": report.reported_on.isoformat(),
        "local_average_wage": "6000.00",
        "union_opinion": "职工代表大会同意",
    }
    assert c.get(url).status_code == 200
    assert c.post(url, form).status_code == 302
    report.refresh_from_db()
    assert report.union_opinion == "职工代表大会同意"
    r = c.post(url, form | {"planned_layoffs": 10})
    assert r.status_code == 400 and "只能补充日期、意见和平均工资" in r.content.decode()
    report.refresh_from_db()
    assert report.planned_layoffs == 201
