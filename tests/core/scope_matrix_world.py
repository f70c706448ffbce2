"""The records of the scope matrix (tests/core/test_scope_matrix.py) and how to act on each.

One record of every kind in 宝丰县 (own: the county 410421 or its township 410421100) and one in
叶县 (other: 410422 or a township of it), all created by the city office through the services, with
personal data (ID numbers, phones) wherever the kind holds any. Each :class:`Kind` says where its
list, detail, write and reveal endpoints are (page and API), what a write changes in the database
and which raw personal values must never be shown masked-side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.conftest import CITY_DIR, OTHER_COUNTY, OWN_COUNTY, OWN_GRID, make_id, make_uscc
from tests.response.conftest import HEADER, roster_csv
from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Role

OWN, OTHER = "own", "other"
OTHER_GRID = "410422100"  # a township of 叶县, created here
DAY = date(2023, 3, 1)  # programme dates (the programmes' policy is in force)


@dataclass
class Rec:
    """One record: the model instance, the text that identifies it on list pages, raw personal data."""

    obj: Any
    marker: str
    raw: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _json(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def build_world() -> dict[str, Any]:
    """Create everything (call inside an open transaction that is rolled back afterwards)."""
    from tests.conftest import make_user  # noqa: PLC0415
    from wenjiuye.assistance import registration  # noqa: PLC0415
    from wenjiuye.assistance import services as assistance  # noqa: PLC0415
    from wenjiuye.assistance.models import Education, Source  # noqa: PLC0415
    from wenjiuye.core.reference import packaged_policy_files  # noqa: PLC0415
    from wenjiuye.core.reference_policy import policy_load  # noqa: PLC0415
    from wenjiuye.core.reference_regions import regions_load  # noqa: PLC0415
    from wenjiuye.deadlines.services import deadline_create  # noqa: PLC0415
    from wenjiuye.incidents import services as incidents  # noqa: PLC0415
    from wenjiuye.notify import services as notify  # noqa: PLC0415
    from wenjiuye.opinion import services as opinion  # noqa: PLC0415
    from wenjiuye.programmes import services as programmes  # noqa: PLC0415
    from wenjiuye.registry.models import Enterprise, Person  # noqa: PLC0415
    from wenjiuye.response import services as response  # noqa: PLC0415
    from wenjiuye.response.models import LayoffReport  # noqa: PLC0415

    regions_load(path=CITY_DIR / "regions.csv")
    Region.objects.create(code=OWN_GRID, name="测试街道", level="township", parent_id=OWN_COUNTY)
    Region.objects.create(
        code=OTHER_GRID, name="叶县测试街道", level="township", parent_id=OTHER_COUNTY
    )
    for path in packaged_policy_files():
        policy_load(path=path)
    users = {
        Role.CITY_OFFICE: make_user("office", Role.CITY_OFFICE, "410400"),
        Role.GROUP_MEMBER: make_user("member", Role.GROUP_MEMBER, "410400"),
        Role.COUNTY_OFFICER: make_user("baofeng", Role.COUNTY_OFFICER, OWN_COUNTY),
        Role.GRID_WORKER: make_user("grid", Role.GRID_WORKER, OWN_GRID),
        Role.LEADER: make_user("leader", Role.LEADER, "410400"),
        Role.AUDITOR: make_user("auditor", Role.AUDITOR, None),
        Role.ADMIN: make_user("admin", Role.ADMIN, None, is_staff=True, is_superuser=True),
    }
    stranger = make_user("yexian", Role.COUNTY_OFFICER, OTHER_COUNTY)
    office = users[Role.CITY_OFFICE]
    region = {
        code: Region.objects.get(pk=code) for code in Region.objects.values_list("pk", flat=True)
    }
    now = timezone.now()
    today = timezone.localdate()

    def person(code: str, serial: int, name: str) -> Person:
        return Person.objects.create(
            id_number=make_id(code[:6], "19800101", serial),
            name=name,
            gender="F",
            birth_date=date(1980, 1, 1),
            region_id=code,
            phone=f"139{serial:08d}",
        )

    world: dict[str, Any] = {"users": users, "stranger": stranger}
    recs: dict[str, dict[str, Rec]] = {}
    for n, (where, county, grid) in enumerate(
        ((OWN, OWN_COUNTY, OWN_GRID), (OTHER, OTHER_COUNTY, OTHER_GRID)), start=1
    ):
        tag = "甲" if where == OWN else "乙"
        ent = Enterprise.objects.create(
            uscc=make_uscc(county, 700 + n), name=f"矩阵机械厂{tag}", region_id=grid, employees=1000
        )
        # Layoff report (lives in the enterprise's county) with a one-worker roster.
        impl = today + timedelta(days=45)
        report = response.layoff_create(
            actor=office,
            enterprise=ent,
            total_employees=1000,
            planned_layoffs=201,
            situation=LayoffReport.Situation.DIFFICULTY,
            planned_implementation_on=impl,
            explained_on=impl - timedelta(days=30),
            reported_on=today,
            union_opinion="工会同意",
            local_average_wage=Decimal("6000"),
        )
        worker_id, worker_phone = make_id(county, "19850101", 700 + n), f"1387000070{n}"
        row = [
            f"矩阵职工{tag}",
            worker_id,
            worker_phone,
            "固定期限",
            "2010-03-01",
            "5000",
            "否",
            "否",
        ]
        response.roster_import(
            actor=office, report=report, content=roster_csv([row], header=HEADER), filename="r.csv"
        )
        recs.setdefault("layoff", {})[where] = Rec(
            report, f"矩阵机械厂{tag}", [worker_id, worker_phone], {"enterprise": ent}
        )
        # Visit of the enterprise (scoped by the enterprise's township).
        visit = response.visit_create(
            actor=office,
            enterprise=ent,
            visited_on=today - timedelta(days=1),
            visitors=f"矩阵走访组{tag}",
        )
        recs.setdefault("visit", {})[where] = Rec(
            visit, f"矩阵机械厂{tag}", [], {"enterprise": ent}
        )
        # Incident in the township, with a representative.
        incident = incidents.incident_create(
            actor=office,
            region=region[grid],
            occurred_at=now - timedelta(hours=1),
            place=f"矩阵广场{tag}",
            cause="pay",
            people=5,
        )
        rep_id, rep_phone = make_id(county, "19750101", 800 + n), f"1368000080{n}"
        rep = incidents.representative_add(
            actor=office, incident=incident, name=f"代表{tag}", id_number=rep_id, phone=rep_phone
        )
        recs.setdefault("incident", {})[where] = Rec(
            incident, f"矩阵广场{tag}", [rep_id, rep_phone], {"rep": rep}
        )
        # Opinion item of the county.
        item, _created = opinion.opinion_create(
            actor=office,
            title=f"矩阵舆情{tag}",
            source="manual",
            region=region[county],
            url=f"https://news.example.cn/matrix-{where}",
            text=f"矩阵舆情正文{tag}",
        )
        recs.setdefault("opinion", {})[where] = Rec(item, f"矩阵舆情{tag}")
        # Assistance case in the township grid.
        case_person = person(grid, 900 + n, f"矩阵失业{tag}")
        case = assistance.case_open(
            person=case_person, source=Source.MANUAL, actor=office, grid=region[grid]
        )
        recs.setdefault("case", {})[where] = Rec(
            case, f"矩阵失业{tag}", [case_person.id_number, case_person.phone]
        )
        # Pending online registration (no login) for the township.
        pend_id, pend_phone = make_id(county, "19900101", 950 + n), f"1350000095{n}"
        pending = registration.pending_submit(
            id_number=pend_id,
            name=f"矩阵网登{tag}",
            phone=pend_phone,
            county=region[county],
            street=region[grid],
            education=Education.SENIOR,
            desired_job="电工",
            wants_training=True,
        )
        recs.setdefault("pending", {})[where] = Rec(
            pending, f"矩阵网登{tag}", [pend_id, pend_phone]
        )
        # Programmes: each record holds one person (masked everywhere); a second person of the
        # same place is the one the write actions enrol / register / place.
        member = person(grid, 600 + n, f"矩阵学员{tag}")
        candidate = person(grid, 650 + n, f"矩阵候选{tag}")
        raw = [member.id_number, member.phone]
        course = programmes.course_create(
            actor=office,
            title=f"矩阵课程{tag}",
            kind="skills_upgrade",
            subtype="elderly_care",
            provider="测试职业培训学校",
            region=region[county],
            starts_on=DAY,
            ends_on=DAY + timedelta(days=30),
            hours=120,
            capacity=5,
        )
        programmes.enrolment_add(actor=office, course=course, person=member, enrolled_on=DAY)
        recs.setdefault("course", {})[where] = Rec(
            course, f"矩阵课程{tag}", raw, {"candidate": candidate}
        )
        fair = programmes.fair_create(
            actor=office,
            title=f"矩阵招聘会{tag}",
            held_on=DAY,
            venue="人力资源市场",
            region=region[county],
        )
        programmes.fair_attendee_add(actor=office, fair=fair, person=member)
        recs.setdefault("fair", {})[where] = Rec(
            fair, f"矩阵招聘会{tag}", raw, {"candidate": candidate}
        )
        position = programmes.position_create(
            actor=office,
            title=f"矩阵公益岗{tag}",
            area="rural",
            unit="林业站",
            region=region[grid],
            count=3,
            opened_on=DAY,
        )
        programmes.placement_start(actor=office, position=position, person=member, starts_on=DAY)
        recs.setdefault("position", {})[where] = Rec(
            position, f"矩阵公益岗{tag}", raw, {"candidate": candidate}
        )
        pair = programmes.pair_create(
            actor=office,
            helper_kind="institution",
            helper_name=f"矩阵帮扶单位{tag}",
            mode="one_to_one",
            persons=[member],
            region=region[county],
            starts_on=DAY,
        )
        recs.setdefault("pair", {})[where] = Rec(pair, f"矩阵帮扶单位{tag}", raw)
        # A deadline of the township.
        deadline = deadline_create(
            kind="matrix_check",
            title=f"矩阵时限{tag}",
            clause="T",
            subject=region[grid],
            region=region[grid],
            due_at=now + timedelta(days=10),
            actor=office,
        )
        recs.setdefault("deadline", {})[where] = Rec(deadline, f"矩阵时限{tag}")

    # Inbox: "own" is the viewer's own message (one per user), "other" one of a 叶县 officer.
    inbox: dict[str, Rec] = {}
    for role, user in users.items():
        d = notify.send(
            channel="inbox", to=user.username, subject=f"矩阵消息{role}", body="", user=user
        )
        inbox[role] = Rec(d.notification, f"矩阵消息{role}")
    d = notify.send(
        channel="inbox", to=stranger.username, subject="矩阵消息叶县", body="", user=stranger
    )
    inbox[OTHER] = Rec(d.notification, "矩阵消息叶县")
    world["inbox"] = inbox
    world["recs"] = recs
    world["all_raw"] = sorted({v for kind in recs.values() for r in kind.values() for v in r.raw})
    return world


# --- How to act on each kind ------------------------------------------------------------------

Act = Callable[[Client, Rec], Any]


@dataclass
class Kind:
    """Endpoints of one kind of record; ``state`` reads what the write actions change."""

    list_page: str
    list_api: str
    detail_page: Callable[[Rec], str] | None
    detail_api: Callable[[Rec], str] | None
    write_page: Act
    write_api: Act
    state: Callable[[Rec], Any]
    page_ok: int = 302
    api_ok: int = 200
    page_hidden: int = 404  # what the page answers for a record out of sight
    reveal_page: Act | None = None
    reveal_api: Act | None = None


def _layoff_edit(client: Client, rec: Rec) -> Any:
    r = rec.obj
    form = {
        "total_employees": r.total_employees,
        "planned_layoffs": r.planned_layoffs,
        "situation": r.situation,
        "explained_on": r.explained_on.isoformat(),
        "reported_on": r.reported_on.isoformat(),
        "planned_implementation_on": r.planned_implementation_on.isoformat(),
        "union_opinion": "矩阵页面修改",
        "local_average_wage": "6000",
    }
    return client.post(f"/response/layoffs/{r.pk}/edit/", form)


def _visit_form(client: Client, rec: Rec) -> Any:
    form = {
        "enterprise_uscc": rec.extra["enterprise"].uscc,
        "visited_on": timezone.localdate().isoformat(),
        "visitors": "矩阵复访",
    }
    return client.post("/response/visits/new/", form)


def _visit_api(client: Client, rec: Rec) -> Any:
    body = {
        "enterprise_uscc": rec.extra["enterprise"].uscc,
        "visited_on": timezone.localdate().isoformat(),
        "visitors": "矩阵复访",
    }
    return _json(client, "post", "/api/response/visits/", body)


def _count(manager_name: str) -> Callable[[Rec], Any]:
    def state(rec: Rec) -> int:
        return int(getattr(rec.obj, manager_name).count())

    return state


def _field(name: str) -> Callable[[Rec], Any]:
    def state(rec: Rec) -> Any:
        rec.obj.refresh_from_db()
        return getattr(rec.obj, name)

    return state


def _visits(rec: Rec) -> int:
    from wenjiuye.response.models import Visit  # noqa: PLC0415

    return Visit.objects.filter(enterprise=rec.extra["enterprise"]).count()


KINDS: dict[str, Kind] = {
    "layoff": Kind(
        list_page="/response/layoffs/",
        list_api="/api/response/layoffs/",
        detail_page=lambda r: f"/response/layoffs/{r.obj.pk}/",
        detail_api=lambda r: f"/api/response/layoffs/{r.obj.pk}",
        write_page=_layoff_edit,
        write_api=lambda c, r: _json(
            c, "patch", f"/api/response/layoffs/{r.obj.pk}", {"union_opinion": "矩阵接口修改"}
        ),
        state=_field("union_opinion"),
        reveal_page=lambda c, r: c.post(f"/response/layoffs/{r.obj.pk}/reveal/"),
        reveal_api=lambda c, r: c.get(f"/api/response/layoffs/{r.obj.pk}/roster?unmasked=true"),
    ),
    "visit": Kind(
        list_page="/response/visits/",
        list_api="/api/response/visits/",
        detail_page=lambda r: f"/response/visits/{r.obj.pk}/",
        detail_api=None,
        write_page=_visit_form,
        write_api=_visit_api,
        state=_visits,
        api_ok=201,
        page_hidden=400,  # the form refuses an enterprise out of sight
    ),
    "incident": Kind(
        list_page="/incidents/",
        list_api="/api/incidents/",
        detail_page=lambda r: f"/incidents/{r.obj.pk}/",
        detail_api=lambda r: f"/api/incidents/{r.obj.pk}",
        write_page=lambda c, r: c.post(f"/incidents/{r.obj.pk}/report/", {"text": "矩阵动态"}),
        write_api=lambda c, r: _json(
            c, "post", f"/api/incidents/{r.obj.pk}/reports", {"text": "矩阵动态"}
        ),
        state=_count("reports"),
        reveal_page=lambda c, r: c.post(
            f"/incidents/{r.obj.pk}/reveal/", {"representative": r.extra["rep"].pk}
        ),
        reveal_api=lambda c, r: c.post(
            f"/api/incidents/{r.obj.pk}/representatives/{r.extra['rep'].pk}/reveal"
        ),
    ),
    "opinion": Kind(
        list_page="/opinion/",
        list_api="/api/opinion/",
        detail_page=lambda r: f"/opinion/{r.obj.pk}/",
        detail_api=lambda r: f"/api/opinion/{r.obj.pk}",
        write_page=lambda c, r: c.post(
            f"/opinion/{r.obj.pk}/", {"reposts": "7", "status": r.obj.status}
        ),
        write_api=lambda c, r: _json(c, "post", f"/api/opinion/{r.obj.pk}", {"reposts": 9}),
        state=_field("reposts"),
    ),
    "case": Kind(
        list_page="/assistance/",
        list_api="/api/assistance/cases/",
        detail_page=lambda r: f"/assistance/cases/{r.obj.pk}/",
        detail_api=lambda r: f"/api/assistance/cases/{r.obj.pk}/",
        write_page=lambda c, r: c.post(
            f"/assistance/cases/{r.obj.pk}/contacts/",
            {"channel": "phone", "purpose": "routine", "note": "矩阵联系"},
        ),
        write_api=lambda c, r: _json(
            c, "post", f"/api/assistance/cases/{r.obj.pk}/contacts/", {"channel": "phone"}
        ),
        state=_count("contacts"),
        api_ok=201,
        reveal_page=lambda c, r: c.post(f"/assistance/cases/{r.obj.pk}/reveal/"),
        reveal_api=lambda c, r: c.post(f"/api/assistance/cases/{r.obj.pk}/reveal/"),
    ),
    "pending": Kind(
        list_page="/assistance/pending/",
        list_api="/api/assistance/pending/",
        detail_page=None,  # no page of its own: the list is where it is handled
        detail_api=None,
        write_page=lambda c, r: c.post(
            f"/assistance/pending/{r.obj.pk}/", {"decision": "reject", "note": "矩阵退回"}
        ),
        write_api=lambda c, r: _json(
            c, "post", f"/api/assistance/pending/{r.obj.pk}/reject/", {"note": "矩阵退回"}
        ),
        state=_field("state"),
    ),
    "course": Kind(
        list_page="/programmes/courses/",
        list_api="/api/programmes/courses/",
        detail_page=lambda r: f"/programmes/courses/{r.obj.pk}/",
        detail_api=lambda r: f"/api/programmes/courses/{r.obj.pk}/",
        write_page=lambda c, r: c.post(
            f"/programmes/courses/{r.obj.pk}/",
            {
                "action": "enrol",
                "id_number": r.extra["candidate"].id_number,
                "enrolled_on": DAY.isoformat(),
            },
        ),
        write_api=lambda c, r: _json(
            c,
            "post",
            f"/api/programmes/courses/{r.obj.pk}/enrolments/",
            {"person": r.extra["candidate"].pk, "enrolled_on": DAY.isoformat()},
        ),
        state=_count("enrolments"),
        api_ok=201,
    ),
    "fair": Kind(
        list_page="/programmes/fairs/",
        list_api="/api/programmes/fairs/",
        detail_page=lambda r: f"/programmes/fairs/{r.obj.pk}/",
        detail_api=lambda r: f"/api/programmes/fairs/{r.obj.pk}/",
        write_page=lambda c, r: c.post(
            f"/programmes/fairs/{r.obj.pk}/",
            {"action": "attendee", "id_number": r.extra["candidate"].id_number},
        ),
        write_api=lambda c, r: _json(
            c,
            "post",
            f"/api/programmes/fairs/{r.obj.pk}/attendees/",
            {"person": r.extra["candidate"].pk},
        ),
        state=_count("attendees"),
        api_ok=201,
    ),
    "position": Kind(
        list_page="/programmes/positions/",
        list_api="/api/programmes/positions/",
        detail_page=lambda r: f"/programmes/positions/{r.obj.pk}/",
        detail_api=lambda r: f"/api/programmes/positions/{r.obj.pk}/",
        write_page=lambda c, r: c.post(
            f"/programmes/positions/{r.obj.pk}/",
            {
                "action": "place",
                "id_number": r.extra["candidate"].id_number,
                "starts_on": DAY.isoformat(),
            },
        ),
        write_api=lambda c, r: _json(
            c,
            "post",
            f"/api/programmes/positions/{r.obj.pk}/placements/",
            {"person": r.extra["candidate"].pk, "starts_on": DAY.isoformat()},
        ),
        state=_count("placements"),
        api_ok=201,
    ),
    "pair": Kind(
        list_page="/programmes/pairs/",
        list_api="/api/programmes/pairs/",
        detail_page=lambda r: f"/programmes/pairs/{r.obj.pk}/",
        detail_api=lambda r: f"/api/programmes/pairs/{r.obj.pk}/",
        write_page=lambda c, r: c.post(
            f"/programmes/pairs/{r.obj.pk}/",
            {"action": "end", "ends_on": "2023-06-30", "note": "矩阵结束"},
        ),
        write_api=lambda c, r: _json(
            c, "post", f"/api/programmes/pairs/{r.obj.pk}/end/", {"ends_on": "2023-06-30"}
        ),
        state=_field("ends_on"),
    ),
    "deadline": Kind(
        list_page="/deadlines/",
        list_api="/api/deadlines/",
        detail_page=lambda r: f"/deadlines/{r.obj.pk}/",
        detail_api=lambda r: f"/api/deadlines/{r.obj.pk}",
        write_page=lambda c, r: c.post(f"/deadlines/{r.obj.pk}/complete/", {"note": "矩阵办结"}),
        write_api=lambda c, r: _json(
            c, "post", f"/api/deadlines/{r.obj.pk}/complete", {"note": "矩阵办结"}
        ),
        state=_field("status"),
    ),
    "inbox": Kind(
        list_page="/inbox/",
        list_api="/api/notifications/",
        detail_page=None,  # a message opens by POST (marks it read)
        detail_api=None,
        write_page=lambda c, r: c.post(f"/inbox/{r.obj.pk}/open/"),
        write_api=lambda c, r: c.post(f"/api/notifications/{r.obj.pk}/read"),
        state=_field("read_at"),
    ),
}


def user_of(world: dict[str, Any], role: str) -> User:
    user: User = world["users"][role]
    return user
