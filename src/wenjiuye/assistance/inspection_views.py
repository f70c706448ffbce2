"""Pages of the county inspection (U8): the table, a county's detail with its recorded
inspections and the record form, and the table as an ``.xlsx`` download."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from wenjiuye.assistance import inspection
from wenjiuye.assistance.models import CountyInspection
from wenjiuye.core.policy import PolicyNotInForce
from wenjiuye.core.types import AuthedHttpRequest


def _day(text: str, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _compute(user: Any, on: date, county: str = "") -> tuple[inspection.Inspection | None, str]:
    try:
        return inspection.county_inspection(user=user, on=on, county=county), ""
    except PolicyNotInForce as exc:
        return None, str(exc)


@login_required
def table(request: AuthedHttpRequest) -> HttpResponse:
    on = _day(request.GET.get("on", ""), timezone.localdate())
    result, error = _compute(request.user, on)
    return render(
        request,
        "assistance/inspection/table.html",
        {"on": on, "result": result, "error": error, "dimensions": inspection.DIMENSIONS},
        status=400 if error else 200,
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
                errors = _messages(exc)
        status = 400
    on = _day(request.GET.get("on", ""), timezone.localdate())
    result, error = _compute(request.user, on, region.code)
    records = list(inspection.inspections_for(user=request.user, county=region.code))
    reinspect_of = inspection.reinspections_by_record(records)
    return render(
        request,
        "assistance/inspection/detail.html",
        {
            "region": region,
            "on": on,
            "row": result.rows[0] if result and result.rows else None,
            "policy": result.policy if result else [],
            "error": error,
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
    ("ledger", "open_cases", "在册未就业人数"),
    ("ledger", "complete_ratio", "台账信息完整率"),
    ("ledger", "missing", "缺项人数"),
    ("guarantee", "unpaid_persons", "应发未发人数"),
    ("measures", "overdue_contacts", "逾期未联系件数"),
    ("measures", "contacted_ratio", "按频次联系比例"),
    ("results", "employed", "统计期内实现就业人数"),
    ("results", "reemployed_ratio", "实现就业占比"),
    ("results", "promise_kept_ratio", "一周内就业承诺兑现率"),
]


@login_required
def xlsx(request: AuthedHttpRequest) -> HttpResponse:
    on = _day(request.GET.get("on", ""), timezone.localdate())
    result, error = _compute(request.user, on)
    if result is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "检查评估"
    header = ["县(市、区)代码", "县(市、区)", *[c[2] for c in COLUMNS]]
    header += ["台账", "保障生活", "帮扶措施", "成效", "评价理由"]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in result.rows:
        dims = {d.key: d for d in row.dimensions}
        values: list[Any] = [row.code, row.name]
        values += [dims[d].figures.get(k) for d, k, _h in COLUMNS]
        values += [dims[k].finding or "正常" for k, _l in inspection.DIMENSIONS]
        values.append(";".join(r for d in row.dimensions for r in d.reasons))
        ws.append(values)
    for col, (_d, key, _h) in enumerate(COLUMNS, start=3):
        if key.endswith("ratio"):
            for r in range(2, ws.max_row + 1):
                ws.cell(row=r, column=col).number_format = "0.0%"
    params = wb.create_sheet("政策参数")
    params.append(["参数", "取值", "单位", "生效日期", "失效日期", "条款", "来源"])
    for p in result.policy:
        value = p["value"] if isinstance(p["value"], int | float | str) else str(p["value"])
        params.append(
            [
                p["key"],
                value,
                p["unit"],
                p["effective_from"],
                p["effective_to"] or "",
                p["clause"],
                p["source"],
            ]
        )
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="inspection-{on.isoformat()}.xlsx"'
    return response
