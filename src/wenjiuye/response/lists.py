"""The response app's lists (``core.listing``): layoff reports and visits, their filters, sorts and
the columns of their downloads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wenjiuye.core import labels
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter, month_filter
from wenjiuye.response.models import LayoffReport, Visit


def _user(user: Any) -> str:
    return labels.label("user", user.username) if user is not None else ""


def _county(code: str) -> str:
    return labels.label("region", code[:6]) if code else ""


def _names(choices: type[Visit.PolicyBriefed] | type[Visit.Measure], codes: list[str]) -> str:
    known = dict(choices.choices)
    return "、".join(str(known.get(c, labels.label("visit", c))) for c in codes)


LAYOFF_LIST = ListSpec(
    name="layoff-reports",
    title=_("规模裁员报告"),
    columns=[
        Column(_("企业名称"), lambda r: r.enterprise.name),
        Column(_("统一社会信用代码"), lambda r: r.enterprise.uscc),
        Column(_("县(市、区)"), lambda r: labels.label("region", r.region_id)),
        Column(_("职工总数"), lambda r: r.total_employees),
        Column(_("拟裁减人数"), lambda r: r.planned_layoffs),
        Column(_("裁员情形"), lambda r: r.get_situation_display()),
        Column(_("较大影响力"), lambda r: str(_("是")) if r.influential else str(_("否"))),
        Column(_("计划实施日期"), lambda r: r.planned_implementation_on),
        Column(_("实际实施日期"), lambda r: r.implemented_on),
        Column(_("状态"), lambda r: r.get_status_display()),
        Column(_("提交人"), lambda r: _user(r.submitted_by)),
        Column(_("审核人"), lambda r: _user(r.reviewed_by)),
    ],
    filters=[
        Filter("status", _("状态"), "status", choices=LayoffReport.Status.choices),
        county_filter("region__code"),
        month_filter("planned_implementation_on", _("计划实施月份")),
    ],
    search=["enterprise__name", "enterprise__uscc"],
    search_label=_("企业名称或统一社会信用代码"),
    sorts={
        "enterprise": "enterprise__name",
        "county": "region__code",
        "employees": "total_employees",
        "layoffs": "planned_layoffs",
        "planned": "planned_implementation_on",
        "status": "status",
        "created": "created_at",
    },
    default_sort="-created",
)

VISIT_LIST = ListSpec(
    name="visits",
    title=_("重点企业走访"),
    columns=[
        Column(_("走访日期"), lambda v: v.visited_on),
        Column(_("企业名称"), lambda v: v.enterprise.name),
        Column(_("统一社会信用代码"), lambda v: v.enterprise.uscc),
        Column(_("县(市、区)"), lambda v: _county(v.enterprise.region_id)),
        Column(_("走访人员"), lambda v: v.visitors),
        Column(_("企业困难和问题"), lambda v: v.difficulties),
        Column(_("宣讲政策"), lambda v: _names(Visit.PolicyBriefed, v.policies_briefed)),
        Column(_("商定的稳岗措施"), lambda v: _names(Visit.Measure, v.measures)),
        Column(
            _("已发放裁员工作手册"), lambda v: str(_("是")) if v.handbook_given else str(_("否"))
        ),
        Column(_("走访结果"), lambda v: v.outcome),
        Column(_("下次走访日期"), lambda v: v.next_visit_on),
        Column(_("登记人"), lambda v: _user(v.created_by)),
    ],
    filters=[
        county_filter("enterprise__region__code"),
        month_filter("visited_on", _("走访月份")),
    ],
    search=["enterprise__name", "enterprise__uscc", "visitors"],
    search_label=_("企业名称、统一社会信用代码或走访人员"),
    sorts={
        "visited": "visited_on",
        "enterprise": "enterprise__name",
        "county": "enterprise__region__code",
        "next": "next_visit_on",
    },
    default_sort="-visited",
)
