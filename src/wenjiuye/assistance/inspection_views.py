"""Pages of the county inspection (U8): the table, a county's detail with its recorded
inspections and the record form, and the table as an ``.xlsx`` download (written by
:mod:`wenjiuye.core.exports`: region names, findings and policy texts cannot become formulas)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wenjiuye.assistance import inspection
from wenjiuye.assistance.inspection_dimensions import DIMENSIONS
from wenjiuye.assistance.models import CountyInspection
from wenjiuye.core import labels
from wenjiuye.core.errors import error_messages
from wenjiuye.core.exports import Sheet, write_workbook
from wenjiuye.core.periods import parse_day
from wenjiuye.core.types import AuthedHttpRequest


def _cited(cites: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parameters behind the verdicts, by name and value in words."""
    return [labels.policy_shown(c) for c in cites]


@login_required
def table(request: AuthedHttpRequest) -> HttpResponse:
    on = parse_day(request.GET.get("on", ""), timezone.localdate())
    result = inspection.county_inspection(user=request.user, on=on)
    return render(
        request,
        "assistance/inspection/table.html",
        {"on": on, "result": result, "dimensions": DIMENSIONS, "policy": _cited(result.policy)},
    )


@login_required
def detail(request: AuthedHttpRequest, county_code: str) -> HttpResponse:
    region = inspection.county_get(user=request.user, code=county_code)
    may_record = inspection.may_record(request.user, region.code)
    errors: list[str] = []
    status = 200
    form = {"on": "", "findings": "", "action": CountyInspection.Action.NONE.value}
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("只有市稳就业工作专班办公室、工作组成员可以记录检查评估"))
        form = {k: request.POST.get(k, "").strip() for k in ("on", "findings", "action")}
        try:
            on_day = date.fromisoformat(form["on"]) if form["on"] else timezone.localdate()
        except ValueError:
            errors = [_("检查日期格式不正确,应为 YYYY-MM-DD")]
        else:
            try:
                inspection.inspection_record(
                    actor=request.user,
                    county=region.code,
                    findings=form["findings"],
                    action=form["action"],
                    on=on_day,
                )
                return redirect("inspection:detail", county_code=region.code)
            except ValidationError as exc:
                errors = error_messages(exc)
        status = 400
    on = parse_day(request.GET.get("on", ""), timezone.localdate())
    result = inspection.county_inspection(user=request.user, on=on, county=region.code)
    records = list(inspection.inspections_for(user=request.user, county=region.code))
    reinspect_of = inspection.reinspections_by_record(records)
    return render(
        request,
        "assistance/inspection/detail.html",
        {
            "region": region,
            "on": on,
            "row": result.rows[0] if result.rows else None,
            "policy": _cited(result.policy),
            "records": [(r, reinspect_of.get(r.pk)) for r in records],
            "reinspections": inspection.reinspections_open(user=request.user, county=region.code),
            "may_record": may_record,
            "actions": CountyInspection.Action.choices,
            "form": form,
            "errors": errors,
        },
        status=status,
    )


#: the xlsx columns after 县(市、区): (dimension, figure key, header)
COLUMNS = [
    ("ledger", "open_cases", _lazy("在册未就业人数")),
    ("ledger", "complete_ratio", _lazy("台账信息完整率")),
    ("ledger", "missing", _lazy("缺项人数")),
    ("guarantee", "unpaid_persons", _lazy("应发未发人数")),
    ("measures", "overdue_contacts", _lazy("逾期未联系件数")),
    ("measures", "contacted_ratio", _lazy("按频次联系比例")),
    ("results", "employed", _lazy("统计期内实现就业人数")),
    ("results", "reemployed_ratio", _lazy("实现就业占比")),
    ("results", "promise_kept_ratio", _lazy("一周内就业承诺兑现率")),
]


@login_required
def xlsx(request: AuthedHttpRequest) -> HttpResponse:
    on = parse_day(request.GET.get("on", ""), timezone.localdate())
    result = inspection.county_inspection(user=request.user, on=on)
    header = [_("县(市、区)"), *[str(c[2]) for c in COLUMNS]]
    header += [_("台账"), _("保障生活"), _("帮扶措施"), _("成效"), _("评价理由"), _("行政区划代码")]

    def rows() -> Iterator[list[Any]]:
        for row in result.rows:
            dims = {d.key: d for d in row.dimensions}
            values: list[Any] = [row.name]
            values += [dims[d].figures.get(k) for d, k, _h in COLUMNS]
            values += [dims[k].finding or _("正常") for k, _l in DIMENSIONS]
            values.append(";".join(r for d in row.dimensions for r in d.reasons))
            values.append(row.code)
            yield values

    def params() -> Iterator[list[Any]]:
        for p in _cited(result.policy):
            number = isinstance(p["value"], int | float) and not isinstance(p["value"], bool)
            yield [
                p["name"],
                p["value"] if number else labels.policy_value(p["value"]),
                p["unit"],
                p["effective_from"],
                p["effective_to"] or "",
                p["clause"],
                p["source"],
            ]

    ratio = {i: "0.0%" for i, (_d, key, _h) in enumerate(COLUMNS, start=1) if key.endswith("ratio")}
    params_header = [
        _("参数"),
        _("取值"),
        _("单位"),
        _("生效日期"),
        _("失效日期"),
        _("条款"),
        _("来源"),
    ]
    buf = BytesIO()
    write_workbook(
        buf,
        [
            Sheet(_("检查评估"), header, rows(), formats=ratio),
            Sheet(_("政策参数"), params_header, params()),
        ],
    )
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="inspection-{on.isoformat()}.xlsx"'
    return response
