"""Loading a file from the browser: same checks, same reject report, city users only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_uscc
from wenjiuye.core.models import Event
from wenjiuye.core.roles import Role
from wenjiuye.intake.models import ImportBatch
from wenjiuye.intake.services import ingest_file


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


def test_a_browser_upload_writes_as_the_user_never_as_the_system(client, home, users):
    """Records a user's upload creates or changes are theirs in the audit log."""
    good = make_uscc("410421", 6)
    text = f"统一社会信用代码,单位名称,行政区划代码\n{good},丙公司,410421\n"
    office = users[Role.CITY_OFFICE]
    client.force_login(office)
    assert client.post("/intake/", {"file": gbk_file("企业.csv", text)}).status_code == 200
    created = Event.objects.get(object_type="registry.enterprise", action=Event.Action.CREATE)
    assert created.actor == office


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICER, Role.GRID_WORKER, Role.LEADER])
def test_the_service_refuses_a_county_user_whatever_the_caller(home, users, role, tmp_path):
    path = tmp_path / "企业.csv"
    path.write_text(f"统一社会信用代码,单位名称,行政区划代码\n{make_uscc('410421', 7)},丁,410421\n")
    with pytest.raises(PermissionDenied):
        ingest_file(path=path, actor=users[role])
    assert ImportBatch.objects.count() == 0


def test_the_reject_report_holds_personal_data_its_download_is_audited(client, home, users):
    text = f"统一社会信用代码,单位名称,行政区划代码\n{make_uscc('410421', 8)},戊,410421\nBAD,己,410421\n"
    client.force_login(users[Role.CITY_OFFICE])
    client.post("/intake/", {"file": gbk_file("企业.csv", text)})
    batch = ImportBatch.objects.get()
    assert client.get(f"/intake/batches/{batch.pk}/report/").status_code == 200
    viewed = Event.objects.get(action=Event.Action.VIEW_UNMASKED, object_id=str(batch.pk))
    assert viewed.actor == users[Role.CITY_OFFICE]
    # a city-level writer without the right to see personal data may load, not read the rejects
    client.force_login(users[Role.GROUP_MEMBER])
    assert client.get(f"/intake/batches/{batch.pk}/report/").status_code == 403
