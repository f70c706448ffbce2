"""Loading files from the browser: the same ingest, the same reject report."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.intake.models import ImportBatch
from wenjiuye.intake.services import UnreadableFile, ingest_file

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def _may_load(user: User) -> bool:
    """Files cover the whole city: writers whose scope includes the city's own code."""
    city = Region.objects.filter(level="city").values_list("code", flat=True).first()
    return city is not None and can(user, Cap.WRITE, city)


@login_required
def upload(request: AuthedHttpRequest) -> HttpResponse:
    if not _may_load(request.user):
        raise PermissionDenied("只有市级用户可以导入全市数据文件")
    context: dict[str, object] = {"batches": ImportBatch.objects.all()[:20]}
    if request.method != "POST":
        return render(request, "intake/upload.html", context)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        return render(request, "intake/upload.html", {**context, "error": "请选择文件"}, status=400)
    if upload_file.size and upload_file.size > MAX_UPLOAD_BYTES:
        return render(
            request, "intake/upload.html", {**context, "error": "文件过大(上限 512 MB)"}, status=400
        )
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", Path(upload_file.name or "upload").name)[:120]
    target = Path(settings.WENJIUYE_HOME) / "uploads" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        for chunk in upload_file.chunks():
            fh.write(chunk)
    try:
        result = ingest_file(path=target, actor=request.user)
    except UnreadableFile as exc:
        return render(request, "intake/upload.html", {**context, "error": str(exc)}, status=400)
    finally:
        target.unlink(missing_ok=True)  # the archive keeps the original
    return render(
        request,
        "intake/upload.html",
        {**context, "result": result, "rejects": result.rejects[:200]},
    )


@login_required
def reject_report(request: AuthedHttpRequest, pk: int) -> FileResponse:
    if not _may_load(request.user):
        raise PermissionDenied
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is None or not batch.report_path or not Path(batch.report_path).is_file():
        raise Http404("没有拒绝行报告")
    return FileResponse(
        open(batch.report_path, "rb"), as_attachment=True, filename=Path(batch.report_path).name
    )  # noqa: SIM115
