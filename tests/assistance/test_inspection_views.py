"""Pages of the county inspection (U8): table, county detail with the record form, xlsx."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.assistance.test_inspection import (  # noqa: F401
    ON,
    case_of,
    no_lake,
    quiet_county,
    world,
)
from tests.factories import OTHER_COUNTY, OWN_COUNTY
from tests.raw_codes import raw_codes
from wenjiuye.assistance import inspection
from wenjiuye.assistance.models import CountyInspection
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.deadlines.models import Deadline

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("world"),
]

TABLE = "/assistance/inspection/"
XLSX = "/assistance/inspection/export.xlsx"


def detail(code: str) -> str:
    return f"/assistance/inspection/{code}/"


def test_table_shows_counties_verdicts_reasons_and_parameters(client, users):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get(TABLE, {"on": ON.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-county="410421"' in html and 'data-county="410422"' in html
    assert "台账不健全" in html and "成效不明显" in html and "措施不到位" in html
    assert "信息完整率 50.0%(2/4,2 人缺项)低于下限 90.0%" in html
    assert "一周内就业承诺兑现率下限" in html and "分级帮扶档次、服务包与联系频次" in html
    assert "一般帮扶、重点帮扶" in html and "90%" in html  # values in words, shares in percent
    main = html.split("<main", 1)[1]
    assert raw_codes(main) == [] and "inspection.results.min_promise_kept_ratio" not in main
    assert "assistance.tier.packages" not in main
    assert "style=" not in html.split("<main", 1)[-1] and "<script>" not in html


def test_county_officer_sees_own_county_only_and_may_not_record(client, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    html = client.get(TABLE, {"on": ON.isoformat()}).content.decode()
    assert 'data-county="410421"' in html and 'data-county="410422"' not in html
    assert client.get(detail(OTHER_COUNTY)).status_code == 404
    own = client.get(detail(OWN_COUNTY), {"on": ON.isoformat()})
    assert own.status_code == 200
    assert 'data-testid="record-form"' not in own.content.decode()
    post = client.post(detail(OWN_COUNTY), {"findings": "x", "action": "none"})
    assert post.status_code == 403
    assert CountyInspection.objects.count() == 0


@pytest.mark.parametrize("role", [Role.LEADER, Role.AUDITOR])
def test_leader_and_auditor_read_only(client, users, role):
    client.force_login(users[role])
    page = client.get(detail(OWN_COUNTY), {"on": ON.isoformat()})
    assert page.status_code == 200
    assert 'data-testid="record-form"' not in page.content.decode()
    post = client.post(
        detail(OWN_COUNTY), {"on": ON.isoformat(), "findings": "x", "action": "none"}
    )
    assert post.status_code == 403
    assert CountyInspection.objects.count() == 0


def test_city_office_records_an_inspection(client, users):
    office = users[Role.CITY_OFFICE]
    client.force_login(office)
    assert 'data-testid="record-form"' in client.get(detail(OWN_COUNTY)).content.decode()
    response = client.post(
        detail(OWN_COUNTY),
        {"on": ON.isoformat(), "findings": "台账缺项,约谈分管负责人", "action": "interview"},
    )
    assert response.status_code == 302
    record = CountyInspection.objects.get()
    assert (record.county_id, record.on, record.action) == (OWN_COUNTY, ON, "interview")
    assert record.snapshot["dimensions"][0]["figures"]["missing"] == 2
    assert (
        Event.objects.filter(object_type="assistance.countyinspection", actor=office).count() == 1
    )
    html = client.get(detail(OWN_COUNTY)).content.decode()
    assert "台账缺项,约谈分管负责人" in html and "约谈负责人" in html
    client.force_login(users[Role.COUNTY_OFFICER])  # the county reads its own inspections
    assert "台账缺项,约谈分管负责人" in client.get(detail(OWN_COUNTY)).content.decode()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"on": "2023-03-01", "findings": "", "action": "none"}, "请填写检查发现"),
        ({"on": "2023-03-01", "findings": "x", "action": "fine"}, "未知督导措施"),
        ({"on": "2023-13-01", "findings": "x", "action": "none"}, "检查日期格式不正确"),
        ({"on": "2099-01-01", "findings": "x", "action": "none"}, "检查日期不能晚于今天"),
    ],
)
def test_invalid_record_input_is_400_with_a_chinese_reason(client, users, data, reason):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.post(detail(OWN_COUNTY), data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert CountyInspection.objects.count() == 0


def test_xlsx_reads_back(client, users):
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get(XLSX, {"on": ON.isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    ws = wb["检查评估"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["县(市、区)", "在册未就业人数", "台账信息完整率"]
    assert header[-1] == "行政区划代码"  # the one code: a labelled identifier column, last
    rows = {
        r[-1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    own = rows[OWN_COUNTY]
    assert own["县(市、区)"] == "宝丰县"
    assert (own["在册未就业人数"], own["台账信息完整率"], own["缺项人数"]) == (4, 0.5, 2)
    assert (own["应发未发人数"], own["逾期未联系件数"], own["统计期内实现就业人数"]) == (1, 2, 2)
    assert own["台账"] == "台账不健全" and own["成效"] == "成效不明显"
    assert rows[OTHER_COUNTY]["台账"] == "正常"
    assert ws.cell(row=2, column=3).number_format == "0.0%"
    assert "(“台账信息完整率下限”)" in own["评价理由"] and "inspection." not in own["评价理由"]
    params = {r[0]: r for r in wb["政策参数"].iter_rows(min_row=2, values_only=True)}
    assert "台账信息完整率下限" in params and "inspection.ledger.min_complete_ratio" not in params
    packages = params["分级帮扶档次、服务包与联系频次"]
    assert packages[1].startswith("一般帮扶、重点帮扶")  # a structure by its items' names
    cells = [c for sheet in wb for r in sheet.iter_rows(values_only=True) for c in r]
    assert not [c for c in cells if isinstance(c, str) and ("assistance." in c or "{'" in c)]
    client.force_login(users[Role.COUNTY_OFFICER])
    wb = load_workbook(BytesIO(client.get(XLSX, {"on": ON.isoformat()}).content))
    assert [r[-1] for r in wb["检查评估"].iter_rows(min_row=2, values_only=True)] == [OWN_COUNTY]


def test_the_county_page_shows_the_open_reinspection_and_which_record_opened_one(client, users):
    office = users[Role.CITY_OFFICE]
    client.force_login(office)
    html = client.get(detail(OWN_COUNTY)).content.decode()
    assert "无待复查事项" in html
    client.post(detail(OWN_COUNTY), {"on": ON.isoformat(), "findings": "x", "action": "notice"})
    first = CountyInspection.objects.get()
    first_deadline = Deadline.objects.get(kind=inspection.KIND_REINSPECT)
    html = client.get(detail(OWN_COUNTY)).content.decode()
    section = html.split('data-testid="reinspections"')[1].split("</section>")[0]
    assert f'href="/deadlines/{first_deadline.pk}/"' in section
    assert "复查期限 2023-03-31" in section and "已逾期" in section
    cell = html.split(f'data-reinspect="{first.pk}"')[1].split("</td>")[0]
    assert "已立复查事项" in cell and "2023-03-31" in cell and "待办" in cell

    client.post(detail(OWN_COUNTY), {"on": "2023-03-20", "findings": "复查", "action": "none"})
    second = CountyInspection.objects.exclude(pk=first.pk).get()
    html = client.get(detail(OWN_COUNTY)).content.decode()
    section = html.split('data-testid="reinspections"')[1].split("</section>")[0]
    assert "复查期限 2023-04-19" in section and f"/deadlines/{first_deadline.pk}/" not in section
    assert "已完成" in html.split(f'data-reinspect="{first.pk}"')[1].split("</td>")[0]
    assert "待办" in html.split(f'data-reinspect="{second.pk}"')[1].split("</td>")[0]
    client.force_login(users[Role.COUNTY_OFFICER])  # the county sees what it must fix by when
    assert "复查期限 2023-04-19" in client.get(detail(OWN_COUNTY)).content.decode()


def test_a_record_without_finding_shows_no_reinspection(client, users):
    quiet = quiet_county()
    client.force_login(users[Role.CITY_OFFICE])
    client.post(detail(quiet), {"on": ON.isoformat(), "findings": "正常", "action": "none"})
    record = CountyInspection.objects.get()
    html = client.get(detail(quiet)).content.decode()
    assert "无待复查事项" in html
    assert "未发现问题,不立复查" in html.split(f'data-reinspect="{record.pk}"')[1]
    assert not Deadline.objects.filter(kind=inspection.KIND_REINSPECT).exists()


def test_the_reinspection_deadline_links_back_to_the_county_page(client, users):
    from wenjiuye.assistance.inspection import inspection_record  # noqa: PLC0415
    from wenjiuye.deadlines.models import Deadline  # noqa: PLC0415

    record = inspection_record(
        actor=users[Role.CITY_OFFICE], county=OWN_COUNTY, findings="复查", action="none", on=ON
    )
    deadline = Deadline.objects.get(kind="inspection.reinspect")  # the county has findings on ON
    assert record.get_absolute_url() == f"{TABLE}{OWN_COUNTY}/"
    client.force_login(users[Role.CITY_OFFICE])
    page = client.get(f"/deadlines/{deadline.pk}/").content.decode()
    assert f'href="{TABLE}{OWN_COUNTY}/"' in page
