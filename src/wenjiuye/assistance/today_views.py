"""The page 今日待办 (``assistance.today``): the grid worker's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance import today
from wenjiuye.core.errors import DomainError
from wenjiuye.core.periods import local_day
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.core.types import AuthedHttpRequest

#: tasks of each group on the overview; a group's own page lists all of them, a page at a time
PREVIEW = 10
PAGE = 30


@login_required
def today_page(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require(user, Cap.CASE_WORK)
    now = timezone.now()
    mine = request.GET.get("mine", "") == "1"
    show = request.GET.get("show", "")
    groups = today.groups(user=user, at=now, mine=mine)
    if show and show not in {g.key for g in groups}:
        raise DomainError(_("没有这一类待办:%(show)s") % {"show": show})
    page = None
    for group in groups:
        if show == group.key:
            page = Paginator(group.deadlines, PAGE).get_page(request.GET.get("page"))
            group.tasks = today.tasks(user=user, deadlines=list(page.object_list), at=now)
        elif not show:
            group.tasks = today.tasks(user=user, deadlines=group.deadlines[:PREVIEW], at=now)
    shown = [g for g in groups if not show or g.key == show]
    day = local_day(now)
    return render(
        request,
        "assistance/today.html",
        {
            "day": day,
            "groups": shown,
            "all_groups": groups,
            "show": show,
            "mine": mine,
            "page": page,
            "overdue": sum(g.overdue for g in groups),
            "due_today": sum(g.today for g in groups),
            "soon": sum(g.soon for g in groups),
            "pending": today.pending_count(user=user),
        },
    )
