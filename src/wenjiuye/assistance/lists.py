"""The assistance ledger's lists (``core.listing``): cases, online registrations waiting for
confirmation and the one-week promises overdue; their filters, sorts and downloads.

The case list's specification is built per request: its text search confirms a typed ID number
through the audited exact lookup as the user, and its tier names are the policy's of the day.
ID numbers and phones are masked in a download unless the user may see personal data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.assistance import selectors
from wenjiuye.assistance.models import Case, Education, PendingRegistration, Status
from wenjiuye.assistance.tiers import tier_labels
from wenjiuye.core import labels
from wenjiuye.core.listing import Column, Filter, ListSpec, county_filter, month_filter
from wenjiuye.core.models import User
from wenjiuye.core.scope import scoped


def _user(user: User | None) -> str:
    return labels.label("user", user.username) if user is not None else ""


def grid_choices(user: User) -> list[tuple[str, str]]:
    """The grids (regions) of the cases the user sees, by name."""
    qs = scoped(Case.objects.all(), user, field="grid__code")
    codes = sorted(set(qs.values_list("grid_id", flat=True)))
    return [(c, labels.label("region", c)) for c in codes]


def _grid(qs: QuerySet[Case], value: str) -> QuerySet[Case]:
    return qs.filter(grid__code__startswith=value)


def case_spec(user: User, on: date) -> ListSpec:
    """The case list for ``user`` on ``on``."""
    tiers = tier_labels(on)
    tier_names = dict(tiers)

    def search(qs: QuerySet[Case], value: str) -> QuerySet[Case]:
        return selectors.case_search(qs, user=user, q=value)

    return ListSpec(
        name="assistance-cases",
        title=_lazy("失业人员帮扶台账"),
        columns=[
            Column(_lazy("姓名"), lambda c: c.person.name),
            Column(_lazy("公民身份号码"), lambda c: c.person.id_number, personal="id_number"),
            Column(_lazy("手机号"), lambda c: c.person.phone, personal="phone"),
            Column(_lazy("状态"), lambda c: c.get_status_display()),
            Column(_lazy("帮扶档次"), lambda c: str(tier_names.get(c.tier, c.tier))),
            Column(
                _lazy("认定理由"),
                lambda c: "、".join(
                    str(r.get("label", "")) for r in c.tier_reasons if r.get("code") != "default"
                ),
            ),
            Column(_lazy("网格"), lambda c: labels.label("region", c.grid_id)),
            Column(_lazy("县(市、区)"), lambda c: labels.label("region", c.county_code)),
            Column(_lazy("责任网格员"), lambda c: _user(c.grid_worker)),
            Column(_lazy("登记日期"), lambda c: c.registered_on),
            Column(_lazy("开始帮扶日期"), lambda c: c.help_started_on),
            Column(_lazy("就业日期"), lambda c: c.employed_on),
            Column(_lazy("就业单位"), lambda c: c.employer),
            Column(_lazy("求职意向"), lambda c: c.desired_job),
            Column(_lazy("来源"), lambda c: "、".join(s["label"] for s in c.sources_display())),
        ],
        filters=[
            Filter("status", _lazy("状态"), "status", choices=Status.choices),
            Filter("tier", _lazy("帮扶档次"), "tier", choices=tiers),
            county_filter("grid__code"),
            Filter("grid", _lazy("网格"), _grid, choices=grid_choices),
            Filter("q", _lazy("姓名或身份证号"), search, kind="text"),
        ],
        sorts={
            "name": "person__name",
            "status": "status",
            "tier": "tier",
            "grid": "grid__code",
            "registered": "registered_on",
            "help": "help_started_on",
        },
        default_sort="-registered",
    )


PENDING_LIST = ListSpec(
    name="online-registrations",
    title=_lazy("网上失业登记"),
    columns=[
        Column(_lazy("姓名"), lambda p: p.name),
        Column(_lazy("公民身份号码"), lambda p: p.id_number, personal="id_number"),
        Column(_lazy("手机号"), lambda p: p.phone, personal="phone"),
        Column(_lazy("县(市、区)"), lambda p: labels.label("region", p.county_id)),
        Column(
            _lazy("乡镇(街道)"),
            lambda p: labels.label("region", p.street_id) if p.street_id else "",
        ),
        Column(_lazy("学历"), lambda p: p.get_education_display()),
        Column(_lazy("求职意向"), lambda p: p.desired_job),
        Column(_lazy("培训意愿"), lambda p: _("愿意") if p.wants_training else _("暂不")),
        Column(_lazy("提交时间"), lambda p: p.submitted_at),
        Column(_lazy("状态"), lambda p: p.get_state_display()),
        Column(_lazy("处理时间"), lambda p: p.decided_at),
        Column(_lazy("处理人"), lambda p: _user(p.decided_by)),
        Column(_lazy("处理意见"), lambda p: p.decision_note),
    ],
    filters=[
        Filter("state", _lazy("状态"), "state", choices=PendingRegistration.State.choices),
        county_filter("county__code"),
        month_filter("submitted_at", _lazy("提交月份")),
        Filter("education", _lazy("学历"), "education", choices=Education.choices),
    ],
    search=["name", "desired_job"],
    search_label=_lazy("姓名或求职意向"),
    sorts={
        "submitted": "submitted_at",
        "name": "name",
        "county": "county__code",
        "state": "state",
    },
    default_sort="-submitted",
    defaults={"state": PendingRegistration.State.PENDING},
)


def _row_case(row: dict[str, Any]) -> Case:
    case: Case = row["case"]
    return case


ONE_WEEK_LIST = ListSpec(
    name="one-week-overdue",
    title=_lazy("一周内解决就业问题逾期名单"),
    columns=[
        Column(_lazy("姓名"), lambda r: _row_case(r).person.name),
        Column(
            _lazy("公民身份号码"), lambda r: _row_case(r).person.id_number, personal="id_number"
        ),
        Column(_lazy("手机号"), lambda r: _row_case(r).person.phone, personal="phone"),
        Column(_lazy("网格"), lambda r: labels.label("region", _row_case(r).grid_id)),
        Column(_lazy("县(市、区)"), lambda r: labels.label("region", _row_case(r).county_code)),
        Column(_lazy("责任网格员"), lambda r: _user(_row_case(r).grid_worker)),
        Column(_lazy("开始帮扶"), lambda r: r["started"]),
        Column(_lazy("期限"), lambda r: r["due"]),
        Column(_lazy("逾期天数"), lambda r: r["days_over"]),
        Column(
            _lazy("依据"),
            lambda r: "{}({})".format(
                labels.label("policy", r["policy"]["key"]), r["policy"]["clause"]
            ),
        ),
    ],
    filters=[
        county_filter("grid__code"),
        Filter("grid", _lazy("网格"), _grid, choices=grid_choices),
    ],
    # the rows are computed from the cases in this order: the earliest start is the longest overdue
    sorts={"over": "help_started_on", "name": "person__name", "grid": "grid__code"},
    default_sort="over",
)
