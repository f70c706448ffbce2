"""The navigation bar: the one place that decides which pages a user's menu offers.

Each entry names the capability its page needs (``core.scope.can``, the check the services make),
so a menu never offers a page whose actions the service would refuse. Users whose whole job is
the assistance ledger (case work without the bureau's operational ``write``: the grid worker) get
a short menu centred on 今日待办 and the ledger, and 今日待办 is their home page.

The entries name their pages by URL name (``reverse``), never by importing the apps above core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can, can_city

Check = Callable[[User], bool]


def _cap(cap: Cap) -> Check:
    return lambda user: can(user, cap)


def _city(cap: Cap) -> Check:
    return lambda user: can_city(user, cap)


def _anyone(user: User) -> bool:
    return True


def case_work_only(user: User) -> bool:
    """Whether the user's job is the assistance ledger only (case work without ``write``): their
    home page is 今日待办 and their menu is the short one."""
    return can(user, Cap.CASE_WORK) and not can(user, Cap.WRITE)


@dataclass(frozen=True)
class Item:
    label: str | Promise
    url_name: str
    may: Check = _anyone
    key: str = ""  # data-testid="nav-<key>"


@dataclass(frozen=True)
class Menu:
    label: str | Promise
    items: tuple[Item, ...]
    key: str = ""


READ = _cap(Cap.READ)
CASE_WORK = _cap(Cap.CASE_WORK)

#: The full menu (bureau roles, leaders, auditors). Pages that only read need ``read``; a page
#: whose purpose is a change (data import) needs the capability of that change.
FULL: tuple[Item | Menu, ...] = (
    Item(_("首页"), "home", key="home"),
    Item(_("今日待办"), "assistance-today", CASE_WORK, key="today"),
    Menu(
        _("监测预警"),
        (
            Item(_("重点清单"), "ledger", READ, key="ledger-key"),
            Item(_("风险隐患台账"), "ledger", READ, key="ledger-risk"),
            Item(_("企业"), "enterprise-list", READ, key="enterprises"),
            Item(_("人员"), "person-list", READ, key="persons"),
            # bureau files cover the whole city: offered only to those who may load them
            Item(_("数据导入"), "intake-upload", _city(Cap.WRITE), key="import"),
        ),
        key="monitoring",
    ),
    Menu(
        _("应急处置"),
        (
            Item(_("规模裁员"), "response-layoff-list", READ, key="layoffs"),
            Item(_("企业走访"), "response-visit-list", READ, key="visits"),
            Item(_("突发事件"), "incident-list", READ, key="incidents"),
            Item(_("舆情"), "opinion-list", READ, key="opinion"),
            Item(_("经济补偿计算"), "response-severance", key="severance"),
            Item(_("裁员情形判定"), "response-layoff-check", key="layoff-check"),
        ),
        key="response",
    ),
    Menu(
        _("失业帮扶"),
        (
            Item(_("失业人员台账"), "assistance-cases", READ, key="cases"),
            Item(_("一周内就业承诺"), "assistance-one-week", READ, key="one-week"),
            Item(_("网上登记待确认"), "assistance-pending", READ, key="pending"),
            Item(_("待遇发放核对"), "assistance-payments", READ, key="payments"),
            Item(_("各县检查评估"), "inspection:table", READ, key="inspection"),
            Item(_("培训·招聘会·公益性岗位"), "programmes-home", READ, key="programmes"),
        ),
        key="assistance",
    ),
    Item(_("时限督办"), "deadline-list", READ, key="deadlines"),
    Item(_("值班表"), "duty:list", READ, key="duty"),
    Item(_("政策参数"), "policy", READ, key="policy"),
    Item(_("审计日志"), "audit-log", _cap(Cap.READ_AUDIT), key="audit"),
)

#: The grid worker's menu: the day's work, the ledger, and what they act on.
CASE_WORK_MENU: tuple[Item | Menu, ...] = (
    Item(_("今日待办"), "assistance-today", CASE_WORK, key="today"),
    Item(_("帮扶台账"), "assistance-cases", CASE_WORK, key="cases"),
    Item(_("一周内就业承诺"), "assistance-one-week", CASE_WORK, key="one-week"),
    Item(_("网上登记待确认"), "assistance-pending", CASE_WORK, key="pending"),
    Menu(
        _("更多"),
        (
            Item(_("时限督办"), "deadline-list", READ, key="deadlines"),
            Item(_("人员"), "person-list", READ, key="persons"),
            Item(_("扶持项目清单"), "public-subsidies", key="subsidies"),
            Item(_("政策参数"), "policy", READ, key="policy"),
        ),
        key="more",
    ),
)

#: URL arguments of entries that need them
ARGS: dict[str, tuple[str, ...]] = {"ledger-key": ("key_enterprise",), "ledger-risk": ("risk",)}


def _href(item: Item) -> str:
    try:
        return reverse(item.url_name, args=ARGS.get(item.key, ()))
    except NoReverseMatch:
        return ""  # a page not mounted in this URLconf is not offered


def _link(item: Item) -> dict[str, Any]:
    return {"label": item.label, "href": _href(item), "key": item.key, "current": False}


def _mark_current(entries: list[dict[str, Any]], path: str) -> None:
    """Mark the link whose page holds ``path`` (the longest matching address: on
    /assistance/today/ 今日待办, not the ledger at /assistance/), and the menu that holds it."""
    links = [link for e in entries for link in e.get("links", [e])]
    matching = [
        link
        for link in links
        if path == link["href"] or (link["href"] != "/" and path.startswith(link["href"]))
    ]
    if not matching:
        return
    best = max(len(link["href"]) for link in matching)
    for link in matching:
        link["current"] = len(link["href"]) == best
    for e in entries:
        if "links" in e:
            e["current"] = any(link["current"] for link in e["links"])


def menu_for(user: User, path: str = "") -> list[dict[str, Any]]:
    """The entries of ``user``'s menu: links ``{label, href, key, current}`` and menus
    ``{label, key, links: [link…], current}``; an entry the user may not use is left out, and a
    menu with nothing left is left out."""
    out: list[dict[str, Any]] = []
    for entry in CASE_WORK_MENU if case_work_only(user) else FULL:
        if isinstance(entry, Menu):
            links = [_link(i) for i in entry.items if i.may(user)]
            links = [link for link in links if link["href"]]
            if links:
                out.append(
                    {"label": entry.label, "key": entry.key, "links": links, "current": False}
                )
        elif entry.may(user):
            link = _link(entry)
            if link["href"]:
                out.append(link)
    _mark_current(out, path)
    return out


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": [], "perms_audit": False, "may_import": False}
    return {
        "nav_menu": menu_for(user, request.path),
        "perms_audit": can(user, Cap.READ_AUDIT),
        "may_import": can_city(user, Cap.WRITE),
    }
