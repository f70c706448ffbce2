"""The public registration form: its township list follows the chosen county (a JSON list for the
page's script, and a server-side reload step without JavaScript), and nothing is submitted before
the applicant has read the personal-information notice and agreed to it (PIPL arts. 14, 17, 29)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.assistance.test_pages import GOOD, form
from tests.factories import OTHER_COUNTY, OWN_COUNTY, OWN_GRID
from wenjiuye.assistance.models import PendingRegistration
from wenjiuye.core.models import Event, Region

pytestmark = pytest.mark.django_db

URL = "/public/register/"


@pytest.fixture
def townships(regions):
    Region.objects.create(code="410421101", name="测试镇", level="township", parent_id=OWN_COUNTY)
    Region.objects.create(
        code="410422100", name="叶县测试镇", level="township", parent_id=OTHER_COUNTY
    )


def _options(html: str, name: str) -> list[str]:
    select = html[html.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    return [chunk.split('"', 1)[0] for chunk in select.split('<option value="')[1:]]


def test_the_townships_of_a_county_as_json(townships):
    data = Client().get(reverse("public-townships"), {"county": OWN_COUNTY}).json()
    assert data == {
        "county": OWN_COUNTY,
        "townships": [
            {"code": OWN_GRID, "name": "测试街道"},
            {"code": "410421101", "name": "测试镇"},
        ],
    }
    for unknown in ("", "4104", "410421100", "<script>", "410499"):
        answer = Client().get(reverse("public-townships"), {"county": unknown}).json()
        assert answer["townships"] == []


def test_the_form_lists_only_the_chosen_countys_townships_by_name(townships):
    empty = Client().get(URL).content.decode()
    assert _options(empty, "street") == [""]  # nothing to choose before a county
    assert "请先选择县(市、区)" in empty
    assert "宝丰县(410421)" not in empty and ">宝丰县<" in empty  # names, not codes
    back = Client().post(URL, form(county=OTHER_COUNTY, street="", step="streets"))
    html = back.content.decode()
    assert back.status_code == 200
    assert _options(html, "street") == ["", "410422100"]
    assert ">叶县测试镇<" in html


def test_the_reload_step_keeps_the_entries_saves_nothing_and_asks_consent_again(townships):
    events = Event.objects.count()
    response = Client().post(URL, form(step="streets"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="王五"' in html and f'value="{GOOD}"' in html
    assert _options(html, "street") == ["", OWN_GRID, "410421101"]
    assert 'name="consent"' in html and "checked" not in html.split('name="consent"')[1][:40]
    assert 'role="alert"' not in html  # nothing checked yet
    assert not PendingRegistration.objects.exists() and Event.objects.count() == events


def test_a_county_without_townships_says_so(regions):
    html = Client().post(URL, form(county=OTHER_COUNTY, step="streets")).content.decode()
    assert "暂无乡镇(街道)名录" in html


def test_nothing_is_submitted_without_consent(policy, regions):
    data = form()
    del data["consent"]
    response = Client().post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-consent"' in html and "勾选同意" in html
    assert not PendingRegistration.objects.exists()


def test_the_consent_is_kept_with_the_registration(policy, regions):
    assert Client().post(URL, form()).status_code == 200
    pending = PendingRegistration.objects.get()
    event = Event.objects.get(
        object_type__contains="pendingregistration", object_id=str(pending.pk)
    )
    assert event.changes["notice"]  # the version of the notice agreed to


def test_the_notice_names_contact_and_rights_before_the_form(regions):
    html = Client().get(URL).content.decode()
    notice = html[
        html.index('data-testid="pipl-notice"') : html.index('data-testid="register-form"')
    ]
    for words in (
        "处理者",
        "目的和依据",
        "范围",
        "敏感个人信息",
        "保存期限",
        "您的权利",
        "撤回同意",
        "联系方式",
        "12333",
    ):
        assert words in notice
    assert html.index('data-testid="pipl-notice"') < html.index('name="consent"')
