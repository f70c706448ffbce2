"""A county's page: its current warning level and why (the latest month's region flags with their
evidence and the policy parameters they used), its charts and its monthly indicators, in scope."""

from __future__ import annotations

import pytest

from tests.factories import OTHER_COUNTY, OWN_COUNTY, make_id, make_uscc, make_user
from wenjiuye.core.reference import reference_load_default
from wenjiuye.core.roles import Role
from wenjiuye.intake.services import ingest_file
from wenjiuye.monitoring.models import Flag
from wenjiuye.monitoring.selectors import region_warning
from wenjiuye.monitoring.services import monitor_run

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

URL = f"/monitoring/regions/{OWN_COUNTY}/"


@pytest.fixture
def two_layoffs(settings, tmp_path, users):
    """Two firms of 40 in 宝丰县 that each lose 20 insured in May 2022 after four quiet months:
    more suspected large-scale layoffs than the months before (a key region, Ⅱ级)."""
    settings.WENJIUYE_HOME = tmp_path
    reference_load_default()
    firms = {make_uscc(OWN_COUNTY, n): n for n in (81, 82)}
    (tmp_path / "e.csv").write_text(
        "uscc,name,region_code\n"
        + "".join(f"{u},宝丰{n}厂,{OWN_COUNTY}\n" for u, n in firms.items()),
        encoding="utf-8",
    )
    ingest_file(path=tmp_path / "e.csv")
    staff = {
        u: [make_id(OWN_COUNTY, f"19{n}0101", i) for i in range(1, 41)] for u, n in firms.items()
    }
    for period in ("202201", "202202", "202203", "202204", "202205"):
        rows = [  # one file a month: a later file of the same month replaces it
            f"{period},{uscc},{person},3000,paid"
            for uscc, people in staff.items()
            for person in (people[:20] if period == "202205" else people)
        ]
        path = tmp_path / f"c{period}.csv"
        path.write_text("period,uscc,person_id,base,status\n" + "\n".join(rows) + "\n", "utf-8")
        ingest_file(path=path)
    monitor_run()


def test_the_county_page_shows_its_level_and_why(client, two_layoffs, users):
    flag = Flag.objects.get(subject_type="region", subject_id=OWN_COUNTY, period="202205")
    assert flag.code == "layoff_enterprises_rising" and flag.level == 2
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(URL).content.decode()
    warning = page[page.index('data-testid="region-warning"') : page.index("</section>")]
    assert "宝丰县" in page and "2022-05" in warning
    assert 'class="level level-2" data-testid="region-level">Ⅱ级(橙色)<' in warning
    assert "规模裁员企业增多" in warning  # the flag by its name, never its code
    assert flag.reason in warning and "本月疑似规模裁员企业2家" in flag.reason
    # the parameters it used, by their Chinese names, with their values
    assert "规模裁员企业增多:" in warning and "layoff_enterprises" not in page
    assert "monitoring." not in page and OWN_COUNTY not in page.replace(URL, "")


def test_the_level_is_the_latest_month_only(client, two_layoffs, users):
    warning = region_warning(user=users[Role.CITY_OFFICE], code=OWN_COUNTY)
    assert (warning.period, warning.level) == ("202205", 2)
    assert [c.key for c in warning.flags[0].cites] == [
        "monitoring.region_layoff_enterprises.baseline_months",
        "monitoring.region_layoff_enterprises.min_enterprises",
        "monitoring.warning_level.layoff_enterprises_rising",
    ]
    Flag.objects.filter(subject_type="region", period="202205").update(period="202204")
    assert region_warning(user=users[Role.CITY_OFFICE], code=OWN_COUNTY).level is None
    client.force_login(users[Role.CITY_OFFICE])
    assert "暂无预警" in client.get(URL).content.decode()


def test_a_county_without_region_flags_has_no_warning_and_the_page_is_scoped(client, layoff, users):
    monitor_run()
    client.force_login(users[Role.COUNTY_OFFICER])
    page = client.get(URL).content.decode()
    warning = page[page.index('data-testid="region-warning"') : page.index("</section>")]
    assert "暂无预警" in warning and "level-" not in warning
    assert page.count('class="chart"') == 2 and "2022-03" in page
    assert "data-chart-options" in page and "<details" in page
    assert "尚未运行监测" in client.get(f"/monitoring/regions/{OWN_COUNTY}01/").content.decode()
    client.force_login(make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY))
    assert client.get(URL).status_code == 404
    client.force_login(users[Role.LEADER])
    assert client.get("/monitoring/regions/410400/").status_code == 200
