"""Loading files from the browser: the same ingest, the same reject report."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.intake.selectors import batches_recent
from wenjiuye.intake.services import (
    UnreadableFile,
    ingest_file,
    may_read_rejects,
    reject_report_open,
    require_loader,
)


@login_required
def upload(request: AuthedHttpRequest) -> HttpResponse:
    # the page exists only to load files: who may not is refused here by the service's own rule
    # (before the upload is written to disk); ingest_file checks it again for every caller
    require_loader(request.user)
    context: dict[str, object] = {
        "batches": batches_recent(),
        "may_read_rejects": may_read_rejects(request.user),
    }
    if request.method != "POST":
        return render(request, "intake/upload.html", context)
    upload_file = request.FILES.get("file")
    if upload_file is None:
        return render(
            request, "intake/upload.html", {**context, "error": _("请选择文件")}, status=400
        )
    limit = settings.WENJIUYE_UPLOAD_MAX_BYTES
    if upload_file.size and upload_file.size > limit:
        error = _("文件过大(上限 {limit} MB)").format(limit=limit >> 20)
        return render(request, "intake/upload.html", {**context, "error": error}, status=400)
    name = re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", Path(upload_file.name or "upload").name)[:120]
    # one folder per upload: two users loading files of the same name never share one
    (Path(settings.WENJIUYE_HOME) / "uploads").mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=Path(settings.WENJIUYE_HOME) / "uploads"))
    target = folder / name
    with target.open("wb") as fh:
        for chunk in upload_file.chunks():
            fh.write(chunk)
    try:
        result = ingest_file(path=target, actor=request.user)
    except UnreadableFile as exc:
        return render(request, "intake/upload.html", {**context, "error": str(exc)}, status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the archive keeps the original
    return render(
        request,
        "intake/upload.html",
        {**context, "result": result, "rejects": result.rejects[:200]},
    )


@login_required
def reject_report(request: AuthedHttpRequest, pk: int) -> FileResponse:
    path = reject_report_open(actor=request.user, pk=pk, ip=request.META.get("REMOTE_ADDR"))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)  # noqa: SIM115
