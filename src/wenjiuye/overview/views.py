from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from wenjiuye.core.types import AuthedHttpRequest
from wenjiuye.overview.selectors import enterprise_file
from wenjiuye.registry.views import enterprise_edit


@login_required
def enterprise_page(request: AuthedHttpRequest, uscc: str) -> HttpResponse:
    """The enterprise file (企业档案). A POST is the registry's edit form, which used to live at
    this address: it is handled there (refused unless the user may write)."""
    if request.method == "POST":
        return enterprise_edit(request, uscc)
    return render(
        request, "overview/enterprise.html", {"file": enterprise_file(user=request.user, uscc=uscc)}
    )
