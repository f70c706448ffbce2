"""Demo logins, one per role, for the demo city. Refused in production."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from wenjiuye.core.duty import duty_shift_create
from wenjiuye.core.models import DutyShift, User, WorkGroup
from wenjiuye.core.roles import Role

DEMO_PASSWORD = "wenjiuye-demo-2022"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    region: str | None
    full_name: str


DEMO_USERS = [
    DemoUser("office", Role.CITY_OFFICE, "410400", "市专班办公室"),
    DemoUser("member", Role.GROUP_MEMBER, "410400", "规模裁员应对组成员"),
    DemoUser("baofeng", Role.COUNTY_OFFICER, "410421", "宝丰县人社局"),
    DemoUser("yexian", Role.COUNTY_OFFICER, "410422", "叶县人社局"),
    DemoUser("grid", Role.GRID_WORKER, "410421", "宝丰县网格员"),
    DemoUser("leader", Role.LEADER, "410400", "局领导"),
    DemoUser("auditor", Role.AUDITOR, None, "审计员"),
    DemoUser("admin", Role.ADMIN, None, "系统管理员"),
]


@transaction.atomic
def demo_users_ensure() -> list[dict[str, str]]:
    if settings.PRODUCTION:
        raise ImproperlyConfigured("demo users are not created in production")
    out = []
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=demo.username, defaults={"role": demo.role, "region_id": demo.region}
        )
        user.role, user.region_id, user.first_name = demo.role, demo.region, demo.full_name
        user.is_staff = user.is_superuser = demo.role == Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        out.append(
            {
                "username": demo.username,
                "password": DEMO_PASSWORD,
                "role": str(Role(demo.role).label),
                "scope": user.region.name if user.region else "全部",
            }
        )
    return out


# Who of the demo users keeps the 24-hour duty of their work group (a demo duty line each).
DEMO_DUTY = {
    "410400": ("office", "0375-2000000"),
    "410421": ("baofeng", "0375-6000000"),
    "410422": ("yexian", "0375-8000000"),
}


@transaction.atomic
def demo_duty_ensure(now: datetime | None = None) -> int:
    """Today's and tomorrow's duty shifts (08:30 to 08:30) of the demo users' work groups, where
    the roster has none at that time; returns the number of shifts created."""
    if settings.PRODUCTION:
        raise ImproperlyConfigured("demo duty shifts are not created in production")
    admin = User.objects.get(username="admin")
    moment = timezone.localtime(now)
    first = timezone.make_aware(datetime.combine(moment.date(), time(8, 30)))
    if moment < first:
        first -= timedelta(days=1)
    created = 0
    for group in WorkGroup.objects.filter(region_id__in=DEMO_DUTY):
        username, phone = DEMO_DUTY[group.region_id]
        person = User.objects.get(username=username)
        for day in range(2):
            start = first + timedelta(days=day)
            end = start + timedelta(days=1)
            taken = DutyShift.objects.filter(
                work_group=group, starts_at__lt=end, ends_at__gt=start
            ).exists()
            if not taken:
                duty_shift_create(
                    actor=admin,
                    work_group=group,
                    starts_at=start,
                    ends_at=end,
                    on_duty=person,
                    phone=phone,
                )
                created += 1
    return created
