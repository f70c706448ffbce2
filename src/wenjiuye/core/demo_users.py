"""Demo logins, one per role, for the demo city. Refused in production.

The demo password is public (README), so production refuses it three times over, whatever
database the server runs on (a quickstart database keeps the demo accounts when the same files
are later served with ``WENJIUYE_ENV=production``):

- :class:`DemoPasswordRefused`, an authentication backend: no login with the demo password;
- :func:`demo_password_check`, a system check: ``check``, ``runserver``, ``migrate`` and the
  other commands refuse to run while a demo account still has the demo password, naming the
  accounts and how to reset them (``wenjiuye demo_users --disable`` or ``changepassword``);
- :class:`NotDemoPasswordValidator`: nobody can choose the demo password as a new password.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event
from wenjiuye.core.duty import duty_shift_create
from wenjiuye.core.models import DutyShift, Event, User, WorkGroup
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


def demo_password_users() -> list[str]:
    """The demo accounts (by user name) that still sign in with the demo password."""
    candidates = User.objects.filter(
        username__in=[d.username for d in DEMO_USERS], is_active=True
    ).order_by("username")
    return [
        u.username
        for u in candidates
        if u.has_usable_password() and check_password(DEMO_PASSWORD, u.password)
    ]


@transaction.atomic
def demo_users_disable() -> list[str]:
    """Make the demo password unusable on every demo account that still has it (audited); the
    accounts stay, with their history, and an administrator can give them a new password."""
    disabled = demo_password_users()
    for user in User.objects.filter(username__in=disabled):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record_event(
            actor=None,
            action=Event.Action.UPDATE,
            obj=user,
            region_code=user.region_id or "",
            note="停用演示密码",
        )
    return disabled


def demo_password_check(
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[checks.CheckMessage]:
    """Production refuses to start while a demo account still has the public demo password."""
    if not settings.PRODUCTION:
        return []
    try:
        names = demo_password_users()
    except DatabaseError:  # a database not migrated yet has no accounts at all
        return []
    if not names:
        return []
    return [
        checks.Error(
            _("生产环境(WENJIUYE_ENV=production)中这些演示账号仍使用公开的演示密码:%(names)s")
            % {"names": ", ".join(names)},
            hint=_(
                "停用这些账号的演示密码:wenjiuye demo_users --disable;"
                "或逐个设置新密码:wenjiuye changepassword <用户名>"
            ),
            obj="wenjiuye.core.demo_users",
            id="wenjiuye.E001",
        )
    ]


class DemoPasswordRefused:
    """Authentication backend (before ModelBackend): in production a login with the demo
    password is refused for every account; ``authenticate`` stops there and the attempt counts
    as a failed login (audited, and towards the lock-out). It has no ``get_user``, so a session
    never names it as the backend that signed the user in."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if settings.PRODUCTION and password == DEMO_PASSWORD:
            raise PermissionDenied("demo password refused in production")
        return None


class NotDemoPasswordValidator:
    """Password validator: the public demo password is never accepted as a new password."""

    def validate(self, password: str, user: User | None = None) -> None:
        if password == DEMO_PASSWORD:
            raise ValidationError(_("不能使用公开的演示密码"), code="demo_password")

    def get_help_text(self) -> str:
        return _("不能使用公开的演示密码")


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
