"""The layoff roster read with the shared reader's limits: the browser upload refuses what the
API refuses (a bomb, mixed encodings, a field over 128 KB) with the reason, and phones follow
the one phone rule (stored in their normal form)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import HEADER, make_report, roster_csv, worker_rows
from wenjiuye.response import roster as roster_io
from wenjiuye.response import services

pytestmark = pytest.mark.django_db


def test_phones_are_checked_and_stored_in_their_normal_form(world, officer):
    report = make_report(officer, world["own"])
    rows = worker_rows(3)
    rows[0][2] = "+86 138 0000 0001"
    rows[1][2] = "0375-1234567"
    rows[2][2] = "=1+2"
    result = services.roster_import(
        actor=officer, report=report, content=roster_csv(rows), filename="r.csv"
    )
    assert result.created == 2
    assert [(p["line"], p["column"], p["value"]) for p in result.rejected] == [
        (4, "手机号", "=1+2")
    ]
    assert "电话号码格式不正确" in result.rejected[0]["reason"]
    assert sorted(report.workers.values_list("phone", flat=True)) == ["0375-1234567", "13800000001"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (roster_csv([["x" * 200_000, *worker_rows(1)[0][1:]]]), "超过 131072 个字符的字段"),
        (
            ",".join(HEADER).encode("gbk")
            + b"\n"
            + ",".join(worker_rows(1)[0]).encode("gbk")
            + b"\n"
            + ",".join(worker_rows(1, start=2)[0]).encode()
            + b"\n",
            "编码前后不一致",
        ),
        (b"PK\x03\x04" + bytes(100), "不是有效的 XLSX"),
    ],
    ids=["field_over_128k", "mixed_encodings", "broken_xlsx"],
)
def test_the_browser_upload_refuses_with_the_reason(world, officer, content, reason):
    report = make_report(officer, world["own"])
    client = Client()
    client.force_login(officer)
    page = client.post(
        reverse("response-layoff-roster-import", args=[report.pk]),
        {"file": SimpleUploadedFile("名单.csv", content)},
    )
    assert page.status_code == 400 and reason in page.content.decode()
    assert report.workers.count() == 0 and report.attachments.count() == 0


def test_a_roster_over_its_row_limit_is_refused_before_any_row(world, officer, settings):
    settings.WENJIUYE_ROSTER_MAX_ROWS = 2
    report = make_report(officer, world["own"])
    with pytest.raises(ValidationError, match="数据超过 2 行的上限"):
        services.roster_import(
            actor=officer, report=report, content=roster_csv(worker_rows(3)), filename="r.csv"
        )
    assert report.workers.count() == 0


def test_read_upload_refuses_beyond_the_size_limit_without_reading_it(settings):
    settings.WENJIUYE_ROSTER_MAX_BYTES = 10

    class Upload:
        size = 11

        def read(self, n: int = -1) -> bytes:
            raise AssertionError("read although too large")

    with pytest.raises(ValidationError, match="文件过大"):
        roster_io.read_upload(Upload())
    # a size not told (a stream) is bounded by what is read
    upload = SimpleUploadedFile("r.csv", b"x" * 100)
    upload.size = None
    with pytest.raises(ValidationError, match="文件过大"):
        roster_io.read_upload(upload)
