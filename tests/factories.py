"""Builders shared by test modules (imported by name; the conftests hold only fixtures).

The users live in 宝丰县 (``OWN_COUNTY``) unless their role is city-wide; ``OTHER_COUNTY`` is
叶县. The monitoring engine's builders (no Django) are in ``tests/monitoring/factories.py``.
"""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from wenjiuye.core.models import PolicyParameter, Region, User
from wenjiuye.core.reference import packaged_policy_files
from wenjiuye.programmes import services as programmes
from wenjiuye.response import services as response
from wenjiuye.response.models import LayoffReport

T = TypeVar("T")

CITY_DIR = Path(__file__).resolve().parents[1] / "src" / "wenjiuye" / "reference" / "pingdingshan"
OWN_COUNTY = "410421"
OTHER_COUNTY = "410422"
OWN_GRID = "410421100"  # a township (street) of 宝丰县, created by the ``regions`` fixture
PASSWORD = "Test-password-2022!"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2023, 3, 1, 9, 0, tzinfo=TZ)  # when the incidents and opinion items are learnt of
PUBLIC_ADDRESS = "1.2.3.4"  # what the robots' hosts resolve to in the notify tests


# --- people, enterprises, identifiers ---------------------------------------------------------


def make_user(username: str, role: str, region_code: str | None, **extra) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, region_id=region_code, **extra
    )


def make_uscc(region_code: str, serial: int) -> str:
    """A valid USCC (GB 32100) of an enterprise registered in ``region_code``."""
    from wenjiuye.core.identifiers import uscc_check_char  # noqa: PLC0415

    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    org = body + {10: "X", 11: "0"}.get(check, str(check))
    first17 = f"91{region_code}{org}"
    return first17 + uscc_check_char(first17)


def make_id(region_code: str, birth: str, serial: int) -> str:
    """A valid resident ID number (GB 11643); ``birth`` as YYYYMMDD."""
    from wenjiuye.core.identifiers import resident_id_check_char  # noqa: PLC0415

    first17 = f"{region_code}{birth}{serial:03d}"
    return first17 + resident_id_check_char(first17)


# --- policy parameters ------------------------------------------------------------------------


def load_policy() -> None:
    """Every packaged policy parameter, bulk-inserted (the loader itself, with its validation and
    audit, is tested in tests/core)."""
    rows = []
    for path in packaged_policy_files():
        for p in json.loads(path.read_text(encoding="utf-8"))["parameters"]:
            row = PolicyParameter(
                **{**p, "effective_from": date.fromisoformat(p["effective_from"])}
            )
            if p["effective_to"]:
                row.effective_to = date.fromisoformat(p["effective_to"])
            rows.append(row)
    PolicyParameter.objects.bulk_create(rows)


# --- layoff reports (response) ----------------------------------------------------------------

HEADER = [
    "姓名",
    "公民身份号码",
    "手机号",
    "劳动合同类型",
    "入职日期",
    "月平均工资",
    "家庭无其他就业人员",
    "有需要扶养的老人或者未成年人",
]


def worker_rows(n: int, *, start: int = 1) -> list[list[str]]:
    rows = []
    for i in range(start, start + n):
        contract = (
            {0: "固定期限", 1: "较长期限的固定期限", 2: "无固定期限"}[i % 3]
            if i <= 3
            else "固定期限"
        )
        rows.append(
            [
                f"职工{i}",
                make_id(OWN_COUNTY, "19850101", i),
                f"138{i:08d}",
                contract,
                "2010-03-01",
                "5000",
                "是" if i == 4 else "否",
                "是" if i == 4 else "否",
            ]
        )
    return rows


def roster_csv(rows: list[list[str]], *, encoding: str = "utf-8", header=HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def make_report(actor, enterprise, **overrides) -> LayoffReport:
    impl = timezone.localdate() + timedelta(days=45)
    values = {
        "total_employees": 1000,
        "planned_layoffs": 201,
        "situation": LayoffReport.Situation.DIFFICULTY,
        "planned_implementation_on": impl,
        "explained_on": impl - timedelta(days=30),
        "reported_on": timezone.localdate(),
        "union_opinion": "工会同意",
        "local_average_wage": Decimal("6000"),
    } | overrides
    return response.layoff_create(actor=actor, enterprise=enterprise, **values)


# --- programmes -------------------------------------------------------------------------------


def own_region() -> Region:
    return Region.objects.get(code=OWN_COUNTY)


def other_region() -> Region:
    return Region.objects.get(code=OTHER_COUNTY)


def make_course(
    actor,
    *,
    region=None,
    capacity=3,
    starts=date(2023, 3, 1),
    ends=date(2023, 3, 31),
    kind="skills_upgrade",
    subtype="elderly_care",
):
    return programmes.course_create(
        actor=actor,
        title="养老护理员培训班",
        kind=kind,
        subtype=subtype,
        provider="宝丰县职业培训学校",
        region=region or own_region(),
        starts_on=starts,
        ends_on=ends,
        hours=120,
        capacity=capacity,
    )


# --- processes and transactions ---------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rolled_back_world(
    django_db_blocker: Any, build: Callable[[], T], *, media: Path | None = None
) -> Iterator[T]:
    """Build a module's records once, in a transaction rolled back at the end; each test runs in
    a savepoint inside it, so its writes vanish too. Use from a module-scoped fixture::

        @pytest.fixture(scope="module")
        def world(django_db_setup, django_db_blocker):
            yield from rolled_back_world(django_db_blocker, build_world)
    """
    overrides: dict[str, Any] = {"PASSWORD_HASHERS": FAST_HASHER}
    if media is not None:
        overrides["MEDIA_ROOT"] = media
    with django_db_blocker.unblock(), override_settings(**overrides):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
