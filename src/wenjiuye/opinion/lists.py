"""The list of public-opinion items (``core.listing``): filters (status, source, county, category,
month, spreading), sorts and the columns of its download."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.core import labels
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter, month_filter
from wenjiuye.opinion.models import Category, OpinionItem


def _category(qs: QuerySet[OpinionItem], value: str) -> QuerySet[OpinionItem]:
    return qs.filter(categories__icontains=f'"{value}"')  # SQLite has no JSON contains


def _spreading(qs: QuerySet[OpinionItem], value: str) -> QuerySet[OpinionItem]:
    return qs.filter(spreading=value == "yes")


def _county(item: OpinionItem) -> str:
    return labels.label("region", item.region_id[:6]) if item.region_id else ""


OPINION_LIST = ListSpec(
    name="opinion",
    title=_lazy("舆情"),
    columns=[
        Column(_lazy("标题"), lambda i: i.title),
        Column(_lazy("来源"), lambda i: i.get_source_display()),
        Column(_lazy("发布时间"), lambda i: i.published_at),
        Column(_lazy("收到时间"), lambda i: i.received_at),
        Column(
            _lazy("涉及区划"), lambda i: labels.label("region", i.region_id) if i.region_id else ""
        ),
        Column(_lazy("县(市、区)"), _county),
        Column(_lazy("类别"), lambda i: "、".join(i.category_labels)),
        Column(_lazy("传播较快"), lambda i: _("是") if i.spreading else _("否")),
        Column(_lazy("转发(转载)次数"), lambda i: i.reposts),
        Column(_lazy("状态"), lambda i: i.get_status_display()),
        Column(_lazy("涉及企业"), lambda i: "、".join(e.name for e in i.enterprises.all())),
        Column(_lazy("关联突发事件"), lambda i: str(i.incident) if i.incident_id else ""),
        Column(_lazy("链接"), lambda i: i.url),
        Column(
            _lazy("录入人"),
            lambda i: labels.label("user", i.created_by.username) if i.created_by else "",
        ),
    ],
    filters=[
        Filter("status", _lazy("状态"), "status", choices=OpinionItem.Status.choices),
        Filter("source", _lazy("来源"), "source", choices=OpinionItem.Source.choices),
        county_filter("region__code"),
        Filter("category", _lazy("类别"), _category, choices=Category.choices),
        month_filter("received_at", _lazy("收到月份")),
        Filter(
            "spreading",
            _lazy("传播较快"),
            _spreading,
            choices=[("yes", _lazy("是")), ("no", _lazy("否"))],
        ),
    ],
    search=["title", "text"],
    search_label=_lazy("标题或正文"),
    sorts={
        "received": "received_at",
        "published": "published_at",
        "title": "title",
        "region": "region__code",
        "status": "status",
    },
    default_sort="-received",
)
