"""The public registration form on the packaged reference data (``wenjiuye reference load``, as a
fresh quickstart has it): the townships of the chosen county are listed by name and one can be
chosen; the county select still lists only the county-level units."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.assistance.test_pages import form
from tests.assistance.test_public_register_form import _options
from tests.factories import make_id
from wenjiuye.assistance.models import PendingRegistration
from wenjiuye.core.reference import reference_load_default

pytestmark = pytest.mark.django_db

URL = "/public/register/"
BAOFENG = "410421"
#: 宝丰县's 乡级 units in the NBS 2023 统计用区划代码 (townships.csv), in code order
BAOFENG_TOWNSHIPS = [
    "铁路街道",
    "城关镇",
    "周庄镇",
    "闹店镇",
    "石桥镇",
    "商酒务镇",
    "大营镇",
    "张八桥镇",
    "杨庄镇",
    "赵庄镇",
    "肖旗乡",
    "前营乡",
    "李庄乡",
]
YANGZHUANG = "410421107"  # 杨庄镇


@pytest.fixture
def packaged(db):
    reference_load_default()


def test_the_endpoint_lists_baofengs_townships_by_name(packaged):
    data = Client().get(reverse("public-townships"), {"county": BAOFENG}).json()
    assert data["county"] == BAOFENG
    assert [t["name"] for t in data["townships"]] == BAOFENG_TOWNSHIPS
    assert all(t["code"].startswith(BAOFENG) and len(t["code"]) == 9 for t in data["townships"])
    # A functional zone has townships of its own in the NBS data (皇台街道, 遵化店镇).
    zone = Client().get(reverse("public-townships"), {"county": "410471"}).json()
    assert [t["name"] for t in zone["townships"]] == ["皇台街道", "遵化店镇"]


def test_the_county_select_lists_only_county_level_units(packaged):
    html = Client().get(URL).content.decode()
    counties = [c for c in _options(html, "county") if c]
    assert len(counties) == 12  # 10 counties, cities and districts and the 2 functional zones
    assert all(len(c) == 6 for c in counties)


def test_a_registration_chooses_a_township_of_the_packaged_data(packaged):
    id_number = make_id(BAOFENG, "19880808", 41)
    back = Client().post(URL, form(id_number=id_number, street="", step="streets"))
    assert back.status_code == 200
    html = back.content.decode()
    streets = _options(html, "street")[1:]  # after the empty choice
    assert len(streets) == len(BAOFENG_TOWNSHIPS) and YANGZHUANG in streets
    assert all(code.startswith(BAOFENG) for code in streets)
    assert ">杨庄镇<" in html

    # Without a township it is refused (the county has some to choose from) ...
    refused = Client().post(URL, form(id_number=id_number, street=""))
    assert refused.status_code == 400
    assert not PendingRegistration.objects.exists()

    # ... with 杨庄镇 it waits for the county, the township kept as the grid to be.
    done = Client().post(URL, form(id_number=id_number, street=YANGZHUANG))
    assert done.status_code == 200
    pending = PendingRegistration.objects.get()
    assert (pending.county_id, pending.street_id) == (BAOFENG, YANGZHUANG)
    assert pending.street.name == "杨庄镇"
