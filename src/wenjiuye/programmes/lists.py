"""The programmes' lists (``core.listing``): training courses, job fairs, public-welfare positions
and pairs; their filters, sorts and the columns of their downloads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core import labels
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter, month_filter
from wenjiuye.core.periods import today
from wenjiuye.programmes import rules
from wenjiuye.programmes.models import (
    Course,
    JobFair,
    Pair,
    PublicWelfarePosition,
)


def _region(obj: Any) -> str:
    return labels.label("region", obj.region_id)


def _county(obj: Any) -> str:
    return labels.label("region", str(obj.region_id)[:6])


def _active(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Pairs still running today ("yes") or ended ("no")."""
    running = Q(ends_on__isnull=True) | Q(ends_on__gte=today())
    return qs.filter(running) if value == "yes" else qs.exclude(running)


YES_NO = [("yes", _lazy("是")), ("no", _lazy("否"))]

COURSE_LIST = ListSpec(
    name="training-courses",
    title=_lazy("职业培训课程"),
    columns=[
        Column(_lazy("课程名称"), lambda c: c.title),
        Column(_lazy("培训类型"), lambda c: c.get_kind_display()),
        Column(_lazy("技能方向"), lambda c: c.get_subtype_display() if c.subtype else ""),
        Column(_lazy("培训机构"), lambda c: c.provider),
        Column(_lazy("所属区划"), _region),
        Column(_lazy("县(市、区)"), _county),
        Column(_lazy("开班日期"), lambda c: c.starts_on),
        Column(_lazy("结业日期"), lambda c: c.ends_on),
        Column(_lazy("课时"), lambda c: c.hours),
        Column(_lazy("招生人数"), lambda c: c.capacity),
        Column(_lazy("报名人数"), lambda c: c.enrolled),
        Column(_lazy("培训补贴(元/人)"), lambda c: c.subsidy_per_person),
        Column(_lazy("生活费补助(元/天)"), lambda c: c.living_allowance_per_day),
    ],
    filters=[
        Filter("kind", _lazy("培训类型"), "kind", choices=Course.Kind.choices),
        county_filter("region__code"),
        month_filter("starts_on", _lazy("开班月份")),
    ],
    search=["title", "provider"],
    search_label=_lazy("课程名称或培训机构"),
    sorts={
        "title": "title",
        "region": "region__code",
        "starts": "starts_on",
        "enrolled": "enrolled",
        "capacity": "capacity",
    },
    default_sort="-starts",
)


def _hire_rate(fair: Any) -> str:
    if not fair.n_attendees:
        return "—"
    return rules.percent(Decimal(fair.n_hires) / Decimal(fair.n_attendees))


FAIR_LIST = ListSpec(
    name="job-fairs",
    title=_lazy("招聘会"),
    columns=[
        Column(_lazy("名称"), lambda f: f.title),
        Column(_lazy("类型"), lambda f: f.get_kind_display()),
        Column(_lazy("举办日期"), lambda f: f.held_on),
        Column(_lazy("地点"), lambda f: f.venue),
        Column(_lazy("所属区划"), _region),
        Column(_lazy("县(市、区)"), _county),
        Column(_lazy("参会企业"), lambda f: f.n_employers),
        Column(_lazy("提供岗位数"), lambda f: f.n_vacancies),
        Column(_lazy("参会求职者"), lambda f: f.n_attendees),
        Column(_lazy("达成录用"), lambda f: f.n_hires),
        Column(_lazy("录用率"), _hire_rate),
    ],
    filters=[
        Filter("kind", _lazy("类型"), "kind", choices=JobFair.Kind.choices),
        county_filter("region__code"),
        month_filter("held_on", _lazy("举办月份")),
    ],
    search=["title", "venue"],
    search_label=_lazy("名称或地点"),
    sorts={"title": "title", "held": "held_on", "region": "region__code"},
    default_sort="-held",
)

POSITION_LIST = ListSpec(
    name="public-welfare-positions",
    title=_lazy("公益性岗位"),
    columns=[
        Column(_lazy("岗位名称"), lambda p: p.title),
        Column(_lazy("类别"), lambda p: p.get_area_display()),
        Column(_lazy("用人单位"), lambda p: p.unit),
        Column(_lazy("所属区划"), _region),
        Column(_lazy("县(市、区)"), _county),
        Column(_lazy("岗位数"), lambda p: p.count),
        Column(_lazy("在岗人数"), lambda p: p.on_post),
        Column(_lazy("岗位补贴(元/月)"), lambda p: p.monthly_subsidy),
        Column(_lazy("安置期限(月)"), lambda p: p.term_months),
        Column(_lazy("开发日期"), lambda p: p.opened_on),
    ],
    filters=[
        Filter("area", _lazy("类别"), "area", choices=PublicWelfarePosition.Area.choices),
        county_filter("region__code"),
        month_filter("opened_on", _lazy("开发月份")),
    ],
    search=["title", "unit"],
    search_label=_lazy("岗位名称或用人单位"),
    sorts={
        "title": "title",
        "region": "region__code",
        "count": "count",
        "on_post": "on_post",
        "opened": "opened_on",
    },
    default_sort="-opened",
)

PAIR_LIST = ListSpec(
    name="pairs",
    title=_lazy("结对帮扶"),
    columns=[
        Column(_lazy("帮扶单位"), lambda p: p.helper_name),
        Column(_lazy("帮扶方类型"), lambda p: p.get_helper_kind_display()),
        Column(
            _lazy("统一社会信用代码"),
            lambda p: p.helper_enterprise.uscc if p.helper_enterprise else "",
        ),
        Column(_lazy("帮扶责任人"), lambda p: p.helper_contact, personal="phone"),
        Column(_lazy("结对方式"), lambda p: p.get_mode_display()),
        Column(_lazy("所属区划"), _region),
        Column(_lazy("县(市、区)"), _county),
        Column(_lazy("结对日期"), lambda p: p.starts_on),
        Column(_lazy("结束日期"), lambda p: p.ends_on),
        Column(_lazy("帮扶对象人数"), lambda p: len(p.persons.all())),
        Column(_lazy("帮扶对象"), lambda p: "、".join(x.name for x in p.persons.all())),
    ],
    filters=[
        Filter("helper_kind", _lazy("帮扶方类型"), "helper_kind", choices=Pair.HelperKind.choices),
        Filter("mode", _lazy("结对方式"), "mode", choices=Pair.Mode.choices),
        county_filter("region__code"),
        Filter("active", _lazy("正在结对"), _active, choices=YES_NO),
    ],
    search=["helper_name", "note"],
    search_label=_lazy("帮扶单位或备注"),
    sorts={"helper": "helper_name", "region": "region__code", "starts": "starts_on"},
    default_sort="-starts",
)
