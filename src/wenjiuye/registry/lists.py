"""The enterprise and person lists (``core.listing``): filters, search, sorts and the columns of
their ``.xlsx`` downloads, as bureau staff name them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from wenjiuye.core import labels
from wenjiuye.core.data import gbt4754
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped
from wenjiuye.registry.models import Enterprise, Person
from wenjiuye.registry.selectors import text_search


def _industry_choices(user: User) -> list[tuple[str, str]]:
    """The divisions (大类) of the enterprises the user sees, e.g. ("31", "黑色金属冶炼和压延加工业")."""
    firms = scoped(Enterprise.objects.exclude(industry=""), user).order_by()
    codes = firms.values_list("industry", flat=True)
    divisions = sorted({gbt4754.division_of(c) for c in codes.distinct()} - {""})
    table = gbt4754.table()
    return [(d, f"{table[d].name}({d})" if d in table else d) for d in divisions]


def _industry(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    section = gbt4754.section_of(value)
    cond = Q(industry__startswith=value)
    if section:
        cond |= Q(industry__startswith=section + value)  # codes written "C3120"
    return qs.filter(cond)


def _enterprise_search(qs: QuerySet[Any], q: str, user: User) -> QuerySet[Any]:
    return text_search(
        qs, q, user=user, where="registry.enterprise_list", name_field="name", uscc_field="uscc"
    )


def _yes_no(value: bool) -> str:
    return str(_("是") if value else _("否"))


ENTERPRISES = ListSpec(
    name="enterprises",
    title=_("企业名录"),
    columns=[
        Column(_("统一社会信用代码"), lambda e: e.uscc),
        Column(_("单位名称"), lambda e: e.name),
        Column(_("所在地区"), lambda e: labels.label("region", e.region_id)),
        Column(_("行业"), lambda e: labels.label("industry", e.industry)),
        Column(_("职工总数"), lambda e: e.employees),
        Column(_("外贸企业"), lambda e: _yes_no(e.export_oriented)),
        Column(_("区域、行业中具有较大影响力"), lambda e: _yes_no(e.influential)),
    ],
    filters=[
        county_filter("region__code"),
        Filter("industry", _("行业"), _industry, choices=_industry_choices),
    ],
    search_label=_("名称或统一社会信用代码"),
    search_fn=_enterprise_search,
    sorts={"name": "name", "uscc": "uscc", "region": "region__code", "employees": "employees"},
    default_sort="name",
)


def _person_search(qs: QuerySet[Any], q: str, user: User) -> QuerySet[Any]:
    return text_search(
        qs, q, user=user, where="registry.person_list", name_field="name", id_field="id_number"
    )


PERSONS = ListSpec(
    name="persons",
    title=_("人员名录"),
    columns=[
        Column(_("姓名"), lambda p: p.name),
        Column(_("公民身份号码"), lambda p: p.id_number, personal="id_number"),
        Column(_("性别"), lambda p: p.get_gender_display()),
        Column(_("出生日期"), lambda p: p.birth_date.isoformat(), personal="birth_date"),
        Column(_("手机号"), lambda p: p.phone, personal="phone"),
        Column(_("常住地"), lambda p: labels.label("region", p.region_id)),
    ],
    filters=[
        county_filter("region__code"),
        Filter("gender", _("性别"), "gender", choices=Person.Gender.choices),
    ],
    search_label=_("姓名或公民身份号码"),
    search_fn=_person_search,
    sorts={"name": "name", "region": "region__code"},
    default_sort="name",
)
