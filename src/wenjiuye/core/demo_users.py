"""Demo logins, one per role, for the demo city. Refused in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from wenjiuye.core.models import User
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
