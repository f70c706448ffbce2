"""Loading a file from the browser: same checks, same reject report, city users only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_uscc
from wenjiuye.core.roles import Role
from wenjiuye.intake.models import ImportBatch


@pytest.fixture
def home(settings, tmp_path):
    settings.WENJIUYE_HOME = tmp_path
    return tmp_path


def gbk_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("gbk"), content_type="text/csv")


def test_upload_loads_good_rows_and_offers_the_reject_report(client, home, users):
    good = make_uscc("410421", 5)
    text = f"统一社会信用代码,单位名称,行政区划代码\n{good},甲公司,410421\nBAD,乙公司,410421\n"
    client.force_login(users[Role.CITY_OFFICE])
    page = client.post("/intake/", {"file": gbk_file("企业.csv", text)})
    html = page.content.decode()
    assert page.status_code == 200 and "接收 1 行,拒绝 1 行" in html
    batch = ImportBatch.objects.get()
    report = client.get(f"/intake/batches/{batch.pk}/report/")
    rows = list(csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert [(r["line"], r["column"]) for r in rows] == [("3", "uscc")]
    again = client.post("/intake/", {"file": gbk_file("企业.csv", text)})
    assert "已导入过" in again.content.decode() and ImportBatch.objects.count() == 1


def test_unreadable_upload_is_a_400_with_the_reason(client, home, users):
    client.force_login(users[Role.CITY_OFFICE])
    page = client.post("/intake/", {"file": gbk_file("x.csv", "foo,bar\n1,2\n")})
    assert page.status_code == 400 and "无法从表头识别文件类型" in page.content.decode()
    assert ImportBatch.objects.count() == 0
    assert client.post("/intake/", {}).status_code == 400


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.LEADER, Role.GRID_WORKER])
def test_only_city_writers_load_city_files(client, home, users, role):
    client.force_login(users[role])
    assert client.get("/intake/").status_code == 403
