"""Pages of the key lists, entries, and enterprises' and regions' monthly history, by role and scope."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from wenjiuye.core.roles import Role
from wenjiuye.monitoring.models import LedgerEntry
from wenjiuye.monitoring.services import monitor_run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def monitored(layoff, users):
    monitor_run()
    return LedgerEntry.objects.get(ledger="key_enterprise", subject_id=layoff)


@pytest.fixture
def yexian(users):
    return make_user("yexian", Role.COUNTY_OFFICER, "410422")


def test_ledger_page_is_scoped(client, monitored, users, yexian):
    client.force_login(users[Role.COUNTY_OFFICER])
    assert "宝丰丙公司" in client.get("/lists/key_enterprise/").content.decode()
    client.force_login(yexian)
    assert "宝丰丙公司" not in client.get("/lists/key_enterprise/").content.decode()
    assert client.get(f"/lists/entry/{monitored.pk}/").status_code == 404
    assert client.get("/lists/key_enterprise/?status=bogus").status_code == 400
    assert client.get("/lists/nothing/").status_code == 404


def test_closing_from_the_page_needs_a_reason(client, monitored, users):
    client.force_login(users[Role.COUNTY_OFFICER])
    url = f"/lists/entry/{monitored.pk}/"
    page = client.get(url).content.decode()
    assert "参保人数较上月净减少20人" in page
    refused = client.post(url, {"status": "closed", "reason": ""})
    assert refused.status_code == 400 and "销号须填写原因" in refused.content.decode()
    assert (
        client.post(url, {"status": "closed", "reason": "已核实,企业转产安置"}).status_code == 302
    )
    monitored.refresh_from_db()
    assert monitored.status == "closed"
    assert client.post(url, {"status": "following_up"}).status_code in (400, 403)
    monitored.refresh_from_db()
    assert monitored.status == "closed"


def test_read_only_roles_cannot_change_entries(client, monitored, users):
    client.force_login(users[Role.LEADER])
    url = f"/lists/entry/{monitored.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"status": "closed", "reason": "x"}).status_code == 403


def test_enterprise_history_with_chart(client, monitored, layoff, users, yexian):
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(f"/monitoring/enterprises/{layoff}/").content.decode()
    assert 'class="chart"' in page and "2022年03月" in page and "疑似规模裁员" in page
    assert "layoff_suspected" not in page and "Ⅲ级(黄色)" in page
    assert f'href="/enterprises/{layoff}/"' in page  # its file
    client.force_login(yexian)
    assert client.get(f"/monitoring/enterprises/{layoff}/").status_code == 404


def test_person_entries_never_show_the_full_id_number(client, users):
    from tests.factories import make_id  # noqa: PLC0415
    from wenjiuye.monitoring.ledger import ledger_add  # noqa: PLC0415

    pid = make_id("410421", "19900101", 7)
    entry = ledger_add(
        actor=users[Role.COUNTY_OFFICER],
        ledger="key_group",
        subject_type="person",
        subject_id=pid,
        region_code="410421",
        reason="走访发现长期失业",
        period="202203",
        group="失业人员",
    )
    for role in (Role.LEADER, Role.COUNTY_OFFICER, Role.CITY_OFFICE):
        client.force_login(users[role])
        for url in ("/lists/key_group/", f"/lists/entry/{entry.pk}/"):
            html = client.get(url).content.decode()
            assert pid not in html and pid[:4] + "*" * 13 + pid[-1:] in html, (role, url)
    assert pid not in str(entry)
