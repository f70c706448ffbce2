"""The list of mass incidents (``core.listing``): filters (status, scale, county, month, cause),
sorts and the columns of its download."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core import labels
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter, month_filter
from wenjiuye.core.periods import today
from wenjiuye.core.policy import policy_value
from wenjiuye.incidents.models import Incident

#: the scales of an incident by the number of people gathered, from the reporting thresholds
#: (E8, I8): below the city threshold; up to the province's; the province's and above
LOCAL, CITY, PROVINCE = "local", "city", "province"


def report_thresholds() -> tuple[int, int]:
    """The numbers of people from which the city bureau and the province are told (today)."""
    on = today()
    return (
        int(policy_value("incident.report_city.min_people", on=on)),
        int(policy_value("incident.report_province.min_people", on=on)),
    )


def scale_choices(_user: Any = None) -> list[tuple[str, str]]:
    city, province = report_thresholds()
    return [
        (LOCAL, _("%(n)d 人以下") % {"n": city}),
        (CITY, _("%(a)d–%(b)d 人(同步报市人社局)") % {"a": city, "b": province - 1}),
        (PROVINCE, _("%(n)d 人及以上(同步报省人社厅)") % {"n": province}),
    ]


def _scale(qs: QuerySet[Incident], value: str) -> QuerySet[Incident]:
    city, province = report_thresholds()
    if value == LOCAL:
        return qs.filter(people__lt=city)
    if value == CITY:
        return qs.filter(people__gte=city, people__lt=province)
    return qs.filter(people__gte=province)


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


INCIDENT_LIST = ListSpec(
    name="incidents",
    title=_lazy("突发事件"),
    columns=[
        Column(_lazy("发生时间"), lambda i: i.occurred_at),
        Column(_lazy("知悉时间"), lambda i: i.known_at),
        Column(_lazy("地点"), lambda i: i.place),
        Column(_lazy("所在区划"), lambda i: labels.label("region", i.region_id)),
        Column(_lazy("县(市、区)"), lambda i: labels.label("region", i.region_id[:6])),
        Column(_lazy("起因"), lambda i: i.get_cause_display()),
        Column(_lazy("聚集人数"), lambda i: i.people),
        Column(_lazy("涉及企业"), lambda i: i.enterprise.name if i.enterprise else ""),
        Column(_lazy("统一社会信用代码"), lambda i: i.enterprise.uscc if i.enterprise else ""),
        Column(_lazy("状态"), lambda i: i.get_status_display()),
        Column(_lazy("通知公安机关时间"), lambda i: i.police_called_at),
        Column(_lazy("通知医疗救治时间"), lambda i: i.medical_called_at),
        Column(_lazy("已复盘"), lambda i: _yes(i.reviewed)),
        Column(_lazy("结案时间"), lambda i: i.closed_at),
        Column(
            _lazy("登记人"),
            lambda i: labels.label("user", i.created_by.username) if i.created_by else "",
        ),
    ],
    filters=[
        Filter("status", _lazy("状态"), "status", choices=Incident.Status.choices),
        Filter("level", _lazy("规模"), _scale, choices=scale_choices),
        county_filter("region__code"),
        month_filter("occurred_at", _lazy("发生月份")),
        Filter("cause", _lazy("起因"), "cause", choices=Incident.Cause.choices),
    ],
    search=["place", "enterprise__name", "enterprise__uscc", "summary"],
    search_label=_lazy("地点、企业或概述"),
    sorts={
        "occurred": "occurred_at",
        "place": "place",
        "region": "region__code",
        "people": "people",
        "status": "status",
    },
    default_sort="-occurred",
)
