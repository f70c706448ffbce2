"""The enterprise file (企业档案): one page per enterprise with its identity, headcount history,
every flag with its evidence, key-list entries and contacts, layoff reports, visits, opinion
items, incidents and labour cases, each part in the user's scope; the edit form from it for
users who may write."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_uscc, make_user
from wenjiuye.core.roles import Role
from wenjiuye.incidents.models import Incident
from wenjiuye.intake.models import EnterpriseEvent, ImportBatch, LabourCase
from wenjiuye.monitoring.models import EnterpriseMonth, Flag, LedgerEntry, MonitoringRun
from wenjiuye.opinion.models import OpinionItem
from wenjiuye.registry.models import Enterprise
from wenjiuye.response.models import LayoffReport, Visit

TZ = ZoneInfo("Asia/Shanghai")


def _run(ago: int) -> MonitoringRun:
    at = timezone.now() - timedelta(days=ago)
    return MonitoringRun.objects.create(
        engine="duckdb", period="", params={}, policy=[], counts={}, started_at=at, finished_at=at
    )


def _flag(run, uscc, period, code, level, reason):
    return Flag.objects.create(
        run=run, subject_type="enterprise", subject_id=uscc, uscc=uscc, region_code=OWN_GRID,
        period=period, code=code, level=level, reason=reason, evidence={"headcount": 20},
    )  # fmt: skip


def _batch(kind: str) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind, file_name=f"{kind}.csv", sha256=kind, archived_path="x", format="csv"
    )


@pytest.fixture
def firm(users):
    officer = users[Role.COUNTY_OFFICER]
    officer.first_name = "王五"
    officer.save()
    e = Enterprise.objects.create(
        uscc=make_uscc(OWN_COUNTY, 41), name="宝丰钢铁", region_id=OWN_GRID, industry="3120",
        employees=900, influential=True,
    )  # fmt: skip
    Enterprise.objects.create(
        uscc=make_uscc(OTHER_COUNTY, 42), name="叶县厂", region_id=OTHER_COUNTY
    )
    old, new = _run(30), _run(0)
    for period, headcount in (("202201", 40), ("202202", 40), ("202203", 20)):
        EnterpriseMonth.objects.create(
            run=new, uscc=e.uscc, region_code=OWN_GRID, period=period, headcount=headcount,
            arrears_persons=0,
        )  # fmt: skip
    _flag(old, e.uscc, "202203", "layoff_suspected", 2, "旧的依据")
    _flag(new, e.uscc, "202203", "layoff_suspected", 1, "参保人数较上月净减少20人")
    _flag(new, e.uscc, "202202", "si_arrears", 3, "欠缴社保3人")
    LedgerEntry.objects.create(
        ledger="key_enterprise", subject_type="enterprise", subject_id=e.uscc, name=e.name,
        region_code=OWN_GRID, reasons=["layoff_suspected", "舆情"], level=1,
        first_flagged="202203", last_confirmed="202203", source="monitoring", contact=officer,
    )  # fmt: skip
    LayoffReport.objects.create(
        enterprise=e, region_id=OWN_COUNTY, total_employees=900, planned_layoffs=120,
        situation="difficulty", planned_implementation_on=date(2022, 5, 1), status="submitted",
        created_by=officer,
    )  # fmt: skip
    Visit.objects.create(
        enterprise=e, visited_on=date(2022, 4, 2), visitors="县人社局 王五", outcome="企业承诺不裁员",
        created_by=officer,
    )  # fmt: skip
    item = OpinionItem.objects.create(
        title="宝丰钢铁拖欠工资传闻", source="manual", region_id=OWN_COUNTY, categories=["wage"]
    )
    item.enterprises.add(e)
    Incident.objects.create(
        occurred_at=datetime(2022, 4, 10, 9, tzinfo=TZ), place="厂区门口", region_id=OWN_GRID,
        enterprise=e, cause="pay", people=35,
    )  # fmt: skip
    LabourCase.objects.create(
        batch=_batch("labour_cases"), line=2, case_id="BF-2022-001", uscc=e.uscc, kind="dispute",
        people=3, filed_on=date(2022, 3, 15), summary="解除劳动合同经济补偿争议",
    )  # fmt: skip
    EnterpriseEvent.objects.create(
        batch=_batch("enterprise_events"), line=2, uscc=e.uscc, date=date(2022, 3, 20),
        kind="stoppage", note="高炉检修",
    )  # fmt: skip
    return e


def main_text(response) -> str:
    html = response.content.decode()
    html = html[html.find("<main") : html.rfind("</main>")]
    return re.sub(r"<[^>]+>", " ", html)


def section(response, testid: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-testid="{testid}"')
    return re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)])


def test_every_section_of_the_file(client, users, firm):
    client.force_login(users[Role.COUNTY_OFFICER])
    response = client.get(f"/enterprises/{firm.uscc}/")
    assert response.status_code == 200
    identity = section(response, "identity")
    assert firm.uscc in identity and "测试街道" in identity and "炼钢(3120)" in identity
    assert "20 人(2022年03月)" in identity
    assert 'class="chart"' in response.content.decode()  # core.charts.line_chart (ECharts)
    flags = section(response, "flags")
    assert "参保人数较上月净减少20人" in flags and "欠缴社保3人" in flags
    assert "旧的依据" not in flags  # one flag per month and type: the latest run's
    assert "疑似规模裁员" in flags and "Ⅰ级(红色)" in flags
    entries = section(response, "entries")
    assert "重点关注企业清单" in entries and "舆情" in entries
    assert "王五" in section(response, "contacts")
    assert "120" in section(response, "layoffs") and "已报告" in section(response, "layoffs")
    assert "企业承诺不裁员" in section(response, "visits")
    assert "宝丰钢铁拖欠工资传闻" in section(response, "opinion")
    incidents = section(response, "incidents")
    assert "厂区门口" in incidents and "劳动报酬" in incidents and "35" in incidents
    cases = section(response, "labour-cases")
    assert "BF-2022-001" in cases and "劳动争议" in cases and "dispute" not in cases
    assert "停产停工" in section(response, "events") and "高炉检修" in section(response, "events")
    text = main_text(response)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)
    assert not re.search(r"(?<!\d)4104\d\d(?!\d)", text)


def test_the_file_is_scoped(client, users, firm):
    client.force_login(make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY))
    assert client.get(f"/enterprises/{firm.uscc}/").status_code == 404
    client.force_login(users[Role.COUNTY_OFFICER])
    assert client.get(f"/enterprises/{make_uscc(OTHER_COUNTY, 42)}/").status_code == 404
    assert client.get("/enterprises/NOSUCHUSCC/").status_code == 404
    client.force_login(users[Role.LEADER])  # the whole city
    assert client.get(f"/enterprises/{firm.uscc}/").status_code == 200


def test_each_part_keeps_its_own_scope(client, users, firm):
    """The grid worker sees the enterprise of the township, not the county's layoff report."""
    client.force_login(users[Role.GRID_WORKER])
    response = client.get(f"/enterprises/{firm.uscc}/")
    assert response.status_code == 200
    assert "已报告" not in section(response, "layoffs")
    assert "厂区门口" in section(response, "incidents")


def test_the_edit_form_is_offered_to_who_may_write(client, users, firm):
    url, edit = f"/enterprises/{firm.uscc}/", f"/enterprises/{firm.uscc}/edit/"
    client.force_login(users[Role.LEADER])
    assert 'data-testid="edit-link"' not in client.get(url).content.decode()
    assert client.get(edit).status_code == 403
    client.force_login(users[Role.COUNTY_OFFICER])
    assert f'href="{edit}"' in client.get(url).content.decode()
    form = client.get(edit)
    assert form.status_code == 200 and "炼钢(3120)" in form.content.decode()
    data = {"name": "宝丰钢铁集团", "region": OWN_GRID, "industry": "3120", "employees": "950"}
    saved = client.post(edit, data)
    assert saved.status_code == 302 and saved["Location"] == url
    firm.refresh_from_db()
    assert (firm.name, firm.employees) == ("宝丰钢铁集团", 950)
    # the form's former address still takes the form
    assert client.post(url, {**data, "employees": "960"}).status_code == 302
    firm.refresh_from_db()
    assert firm.employees == 960
    client.force_login(users[Role.LEADER])
    assert client.post(url, data).status_code == 403


def test_enterprise_links_elsewhere_lead_to_the_file(client, users, firm):
    client.force_login(users[Role.COUNTY_OFFICER])
    entry = LedgerEntry.objects.get(subject_id=firm.uscc)
    for page in ("/lists/key_enterprise/?month=", f"/lists/entry/{entry.pk}/", "/enterprises/",
                 f"/monitoring/enterprises/{firm.uscc}/"):  # fmt: skip
        assert f'href="/enterprises/{firm.uscc}/"' in client.get(page).content.decode(), page
