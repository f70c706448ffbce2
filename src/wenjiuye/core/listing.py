"""Every list page the same way: filters in the URL, text search, sorting, pages, counts and an
``.xlsx`` download of exactly the filtered rows.

A list declares a :class:`ListSpec` (its filters, sorts, search fields and the columns of its
download) and its view calls :func:`listing` on the user's scoped queryset::

    result = listing(request, qs, SPEC)
    if result.export:
        return xlsx_response(request, result.rows, SPEC)
    return render(request, "...", {"listing": result, "page": result.page})

The template includes ``list_controls.html`` (the filter form, the count and the download link)
and ``pager.html``; sortable headers use ``{% sort_header listing "key" "名称" %}``.

A bad filter value (an unknown status, a month that is not YYYYMM) is a 400 with its reason, never
a silently empty list. The download streams: rows come from the database in chunks and openpyxl's
write-only workbook keeps them on disk, so 100,000 rows never sit in memory. Columns marked
``personal`` are masked unless the user may see personal data; an unmasked download is audited.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import OrderBy, Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenjiuye.core.errors import DomainError
from wenjiuye.core.exports import write_xlsx
from wenjiuye.core.identifiers import mask_personal
from wenjiuye.core.periods import today
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import can
from wenjiuye.core.types import request_user

Text = str | Promise
Choices = Sequence[tuple[str, Text]]

PERIOD_RE = re.compile(r"^\d{4}(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Filter:
    """One filter of a list: a query parameter, its label, how it narrows the queryset and, for a
    select, its choices (a sequence, or a function of the request's user)."""

    name: str
    label: Text
    lookup: str | Callable[[QuerySet[Any], str], QuerySet[Any]]
    choices: Choices | Callable[[Any], Choices] | None = None
    kind: str = "select"  # "select", "text", "period" (YYYYMM) or "date" (YYYY-MM-DD)

    def options(self, user: Any) -> list[tuple[str, str]]:
        raw = self.choices(user) if callable(self.choices) else (self.choices or ())
        return [(str(k), str(v)) for k, v in raw]

    def apply(self, qs: QuerySet[Any], value: str, user: Any) -> QuerySet[Any]:
        if self.kind == "period" and not PERIOD_RE.match(value):
            raise DomainError(_("%(label)s应为 YYYYMM 格式的月份") % {"label": self.label})
        if self.kind == "date":
            parse_date(value, self.label)
        known = {k for k, _v in self.options(user)}
        if self.kind == "select" and self.choices is not None and value not in known:
            raise DomainError(
                _("%(label)s没有这个选项:%(value)s") % {"label": self.label, "value": value}
            )
        if callable(self.lookup):
            return self.lookup(qs, value)
        return qs.filter(**{self.lookup: value})


def county_choices(user: Any) -> Choices:
    """The counties (县(市、区) and 功能区) of the user's jurisdiction, by name: every one of the
    city's for a city user, their own for a county or township user."""
    from wenjiuye.core.models import Region, RegionLevel
    from wenjiuye.core.scope import NOTHING, scope_prefix

    prefix = scope_prefix(user)
    if prefix == NOTHING:
        return []
    qs = Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.ZONE))
    if prefix:  # a township user's county is above their prefix
        qs = qs.filter(Q(code__startswith=prefix) | Q(code=prefix[:6]))
    return list(qs.order_by("sort_order", "code").values_list("code", "name"))


def county_filter(field: str, label: Text = "", *, name: str = "county") -> Filter:
    """Rows whose region code (``field``, e.g. ``"region__code"``) lies in the chosen county of
    the user's jurisdiction: the county's own code and every code below it."""

    def lookup(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{field}__startswith": value})

    return Filter(name, label or gettext_lazy("县(市、区)"), lookup, choices=county_choices)


def month_filter(field: str, label: Text = "", *, name: str = "month") -> Filter:
    """Rows whose date or time ``field`` falls in the month YYYYMM (local time)."""

    def lookup(qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(**{f"{field}__year": int(value[:4]), f"{field}__month": int(value[4:])})

    return Filter(name, label or gettext_lazy("月份"), lookup, kind="period")


def parse_date(value: str, label: Text) -> date:
    """A ``YYYY-MM-DD`` filter value, or a 400 naming the filter."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(_("%(label)s应为 YYYY-MM-DD 格式的日期") % {"label": label}) from None


@dataclass(frozen=True)
class Column:
    """A column of the download: the header bureau staff use and the cell of a row."""

    header: Text
    value: Callable[[Any], Any]
    personal: str = ""  # "id_number", "phone" or "birth_date": masked unless the user may see it


#: How a sort key orders: a field name ("-name" descending), an expression such as
#: ``F("level").asc(nulls_last=True)``, or several of them.
Order = str | OrderBy
SearchFn = Callable[[QuerySet[Any], str, Any], QuerySet[Any]]


@dataclass(frozen=True)
class ListSpec:
    name: str  # the download's file name (ASCII), e.g. "risk-ledger"
    title: Text  # the sheet's title
    columns: Sequence[Column]
    filters: Sequence[Filter] = ()
    search: Sequence[str] = ()  # fields the text search looks in (icontains)
    search_label: Text = ""
    sorts: dict[str, Order | Sequence[Order]] = field(default_factory=dict)  # key → order_by
    default_sort: str = ""
    per_page: int = 50
    defaults: dict[str, str | Callable[[], str]] = field(default_factory=dict)
    #: the text search itself, ``fn(qs, q, user)``, instead of icontains on ``search`` (e.g. an
    #: exact, audited search by ID number: ``registry.selectors.text_search``)
    search_fn: SearchFn | None = None

    @property
    def searchable(self) -> bool:
        return bool(self.search) or self.search_fn is not None

    def __post_init__(self) -> None:
        _TITLES[self.name] = self.title


#: list name → title, so that the audit log names a download ("list.<name>") by its list
_TITLES: dict[str, Text] = {}


def spec_title(name: str) -> str:
    """The title of the list ``name`` ("" when no list of that name is declared)."""
    return str(_TITLES.get(name, ""))


@dataclass
class BoundFilter:
    name: str
    label: str
    kind: str
    value: str
    options: list[tuple[str, str]]


@dataclass
class Listing:
    page: Page
    count: int
    filters: list[BoundFilter]
    q: str
    sort: str
    spec: ListSpec
    rows: QuerySet[Any]
    export: bool

    @property
    def active(self) -> dict[str, str]:
        return {f.name: f.value for f in self.filters if f.value}


def _default(value: str | Callable[[], str]) -> str:
    return value() if callable(value) else value


def listing(request: HttpRequest, qs: QuerySet[Any], spec: ListSpec) -> Listing:
    """Apply the request's filters, search and sort to ``qs`` (already scoped to the user)."""
    user = request.user
    params = request.GET
    bound = []
    for f in spec.filters:
        if f.name in params:
            value = params.get(f.name, "").strip()
        else:
            value = _default(spec.defaults.get(f.name, ""))
        if value:
            qs = f.apply(qs, value, user)
        options = f.options(user)
        if f.kind == "period" and value and options and value not in {k for k, _v in options}:
            options = [(value, value), *options]  # a month typed in the URL stays selected
        bound.append(BoundFilter(f.name, str(f.label), f.kind, value, options))
    q = params.get("q", "").strip()[:100]
    if q and spec.search_fn is not None:
        qs = spec.search_fn(qs, q, user)
    elif q and spec.search:
        cond = Q()
        for name in spec.search:
            cond |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(cond)
    sort = params.get("sort", "") or spec.default_sort
    key = sort.lstrip("-")
    if sort and key not in spec.sorts:
        raise DomainError(_("不能按“%(sort)s”排序") % {"sort": sort})
    if sort:
        order = spec.sorts[key]
        fields = [order] if isinstance(order, str | OrderBy) else list(order)
        if sort.startswith("-"):
            fields = [_reverse(f) for f in fields]
        qs = qs.order_by(*fields, "pk")
    export = params.get("format") == "xlsx"
    paginator = Paginator(qs, spec.per_page)
    page = paginator.get_page(params.get("page"))
    return Listing(page, paginator.count, bound, q, sort, spec, qs, export)


def _reverse(order: Order) -> Order:
    if isinstance(order, str):
        return order[1:] if order.startswith("-") else "-" + order
    flipped = order.copy()
    flipped.reverse_ordering()
    return flipped


def xlsx_response(
    request: HttpRequest, rows: Iterable[Any], spec: ListSpec, *, region_code: str = ""
) -> FileResponse:
    """The filtered rows as a streamed ``.xlsx`` download (audited when personal data is shown)."""
    from wenjiuye.core.audit import record_event
    from wenjiuye.core.models import Event

    user = request_user(request)
    unmasked = can(user, Cap.VIEW_PERSONAL) and any(c.personal for c in spec.columns)
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=2000)

    def cells() -> Iterator[list[Any]]:
        for obj in rows:
            out = []
            for column in spec.columns:
                value = column.value(obj)
                if column.personal and not unmasked:
                    value = mask_personal(value, column.personal)
                out.append(value)
            yield out

    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    count = write_xlsx(
        spooled, [str(c.header) for c in spec.columns], cells(), sheet=str(spec.title)
    )
    spooled.seek(0)
    record_event(
        actor=user,
        action=Event.Action.EXPORT,
        object_type=f"list.{spec.name}",
        object_id=spec.name,
        region_code=region_code,
        changes={"rows": count, "filters": dict(request.GET.items()), "unmasked": unmasked},
        note=_("下载%(title)s(%(count)s 行%(masked)s)")
        % {
            "title": spec.title,
            "count": count,
            "masked": _(",含完整个人信息") if unmasked else "",
        },
    )
    name = f"{spec.name}-{today().isoformat()}.xlsx"
    return FileResponse(
        spooled,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


__all__ = [
    "Column",
    "Filter",
    "ListSpec",
    "Listing",
    "county_filter",
    "listing",
    "parse_date",
    "spec_title",
    "xlsx_response",
]
