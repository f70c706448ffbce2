"""core.listing: filters in the URL, defaults, search, sorting, pages and the .xlsx download,
on a plain queryset of regions (the list pages of the apps are tested with their apps)."""

from __future__ import annotations

import pytest
from django.db.models import F
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.lists import sheet_rows
from wenjiuye.core.errors import DomainError
from wenjiuye.core.listing import Column, Filter, ListSpec, listing, xlsx_response
from wenjiuye.core.models import Event, Region
from wenjiuye.core.roles import Role

pytestmark = pytest.mark.django_db

COUNTIES = ("410421", "410422", "410423")


def _level_choices(user):
    assert user.is_authenticated  # choices may depend on the user
    return [("county", "县"), ("zone", "功能区"), ("city", "市")]


def _code_period(qs, value):  # a "month" filter stand-in: regions whose code ends like it
    return qs.filter(code__endswith=value[-2:])


SPEC = ListSpec(
    name="regions",
    title="区划",
    columns=[
        Column("代码", lambda r: r.code),
        Column("名称", lambda r: r.name),
        Column("公民身份号码", lambda r: f"{r.code}19800101001X", personal="id_number"),
    ],
    filters=[
        Filter("level", "层级", "level", choices=_level_choices),
        Filter("prefix", "前缀", lambda qs, v: qs.filter(code__startswith=v), kind="text"),
        Filter("month", "月份", _code_period, kind="period", choices=[("202111", "某月")]),
    ],
    search=["name"],
    sorts={"name": "name", "code": ("code",), "parent": F("parent_id").asc(nulls_last=True)},
    default_sort="code",
    per_page=2,
    defaults={"level": "county", "prefix": lambda: "4104"},
)


@pytest.fixture
def get(users):
    factory = RequestFactory()

    def make(query: str = "", role: str = Role.CITY_OFFICE):
        request = factory.get("/list/" + ("?" + query if query else ""))
        request.user = users[role]
        return request

    return make


def codes(result) -> list[str]:
    return list(result.rows.values_list("code", flat=True))


def test_defaults_apply_until_the_url_says_otherwise(get):
    result = listing(get(), Region.objects.all(), SPEC)
    assert set(codes(result)) >= set(COUNTIES)
    assert all(code.startswith("4104") and len(code) == 6 for code in codes(result))
    assert {f.name: f.value for f in result.filters}["level"] == "county"
    everything = listing(get("level=&prefix="), Region.objects.all(), SPEC)
    assert "410000" in codes(everything) and "410421100" in codes(everything)
    assert result.active == {"level": "county", "prefix": "4104"}


def test_each_filter_narrows(get):
    zones = listing(get("level=zone"), Region.objects.all(), SPEC)
    assert codes(zones) == ["410471", "410472"]
    one = listing(get("prefix=41042"), Region.objects.all(), SPEC)
    assert set(codes(one)) == {"410421", "410422", "410423", "410425"}
    month = listing(get("month=202111&prefix=&level="), Region.objects.all(), SPEC)
    assert set(codes(month)) == {"410411"}


def test_bad_values_are_refused_with_their_reason(get):
    with pytest.raises(DomainError, match="层级没有这个选项"):
        listing(get("level=planet"), Region.objects.all(), SPEC)
    with pytest.raises(DomainError, match="YYYYMM"):
        listing(get("month=2022-03"), Region.objects.all(), SPEC)
    with pytest.raises(DomainError, match="YYYYMM"):
        listing(get("month=202213"), Region.objects.all(), SPEC)
    with pytest.raises(DomainError, match="排序"):
        listing(get("sort=secret"), Region.objects.all(), SPEC)


def test_a_month_not_among_the_choices_is_a_valid_filter_and_stays_selected(get):
    result = listing(get("month=202105"), Region.objects.all(), SPEC)
    month = {f.name: f for f in result.filters}["month"]
    assert month.options[0] == ("202105", "202105") and ("202111", "某月") in month.options
    html = render_to_string(
        "list_controls.html", {"listing": result, "request": get("month=202105")}
    )
    assert '<select name="month">' in html and 'value="202105" selected' in html


def test_search_looks_in_the_fields_or_asks_the_list(get):
    result = listing(get("q=宝丰"), Region.objects.all(), SPEC)
    assert codes(result) == ["410421"]
    seen = []

    def exact(qs, q, user):
        seen.append((q, user.username))
        return qs.filter(code=q)

    spec = ListSpec(name="r", title="r", columns=SPEC.columns, search_fn=exact)
    assert spec.searchable and not ListSpec(name="r", title="r", columns=[]).searchable
    assert codes(listing(get("q=410422"), Region.objects.all(), spec)) == ["410422"]
    assert seen == [("410422", "office")]


def test_sorting_both_ways_and_by_expressions(get):
    base = "level=&prefix=41042"
    up = codes(listing(get(base + "&sort=code"), Region.objects.all(), SPEC))
    down = codes(listing(get(base + "&sort=-code"), Region.objects.all(), SPEC))
    assert up == sorted(up) and down == sorted(up, reverse=True)
    by_name = listing(get(base + "&sort=-name"), Region.objects.all(), SPEC)
    names = list(by_name.rows.values_list("name", flat=True))
    assert names == sorted(names, reverse=True) and by_name.sort == "-name"
    # F(...).asc(nulls_last=True) reversed is descending with NULLs first: the province first
    parents = codes(listing(get("level=&prefix=&sort=-parent"), Region.objects.all(), SPEC))
    assert parents[0] == "410000"
    assert (
        codes(listing(get("level=&prefix=&sort=parent"), Region.objects.all(), SPEC))[-1]
        == "410000"
    )


def test_pages_and_counts(get):
    result = listing(get("prefix=41042&page=2"), Region.objects.all(), SPEC)
    assert result.count == 4 and result.page.number == 2 and len(result.page) == 2
    assert listing(get("page=999"), Region.objects.all(), SPEC).page.number >= 1
    assert not result.export and listing(get("format=xlsx"), Region.objects.all(), SPEC).export


def test_download_masks_personal_columns_for_a_role_that_may_not_see_them(get):
    request = get("prefix=41042", role=Role.LEADER)
    result = listing(request, Region.objects.all(), SPEC)
    response = xlsx_response(request, result.rows, SPEC)
    assert response["Content-Disposition"].startswith('attachment; filename="regions-')
    rows = sheet_rows(response)
    assert rows[0] == ["代码", "名称", "公民身份号码"]
    assert [r[0] for r in rows[1:]] == ["410421", "410422", "410423", "410425"]
    assert all("*" in r[2] and not r[2].startswith("410421198") for r in rows[1:])
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.regions")
    assert event.changes["unmasked"] is False and event.changes["rows"] == 4


def test_download_in_full_is_audited_for_a_role_that_may(get):
    request = get("prefix=410421", role=Role.CITY_OFFICE)
    result = listing(request, Region.objects.all(), SPEC)
    rows = sheet_rows(xlsx_response(request, result.rows, SPEC))
    assert rows[1][2] == "41042119800101001X"
    event = Event.objects.get(action=Event.Action.EXPORT, object_type="list.regions")
    assert event.changes["unmasked"] is True and event.changes["filters"] == {"prefix": "410421"}
    assert event.actor.username == "office"


def test_the_controls_show_filters_search_count_and_download(get):
    request = get("level=zone")
    result = listing(request, Region.objects.all(), SPEC)
    html = render_to_string("list_controls.html", {"listing": result, "request": request})
    assert '<option value="zone" selected>功能区</option>' in html
    assert 'name="q"' in html and "共 2 条" in html
    assert 'href="?level=zone&amp;format=xlsx"' in html
