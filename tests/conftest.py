"""Shared fixtures: the reference regions and one user per role (healthchecks' alice/bob style).

The users live in 宝丰县 (410421) unless their role is city-wide; ``other_county`` is 叶县 (410422).
No test uses ``transactional_db``: the audit table's append-only triggers refuse the flush that
transactional tests need; page tests run the app as a real server process instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Role
from wenjiuye.home import prepare_home

CITY_DIR = Path(__file__).resolve().parents[1] / "src" / "wenjiuye" / "reference" / "pingdingshan"
OWN_COUNTY = "410421"
OTHER_COUNTY = "410422"
OWN_GRID = "410421100"  # a township (street) of 宝丰县, created by the fixture
PASSWORD = "Test-password-2022!"


def pytest_configure(config: pytest.Config) -> None:
    """Make the working folder ready, as every entry point of the product does (settings only
    resolve it)."""
    prepare_home()


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is slow on purpose; tests that do not check hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def regions(db):
    from wenjiuye.core.reference_regions import regions_load  # noqa: PLC0415 (after the db fixture)

    regions_load(path=CITY_DIR / "regions.csv")
    Region.objects.create(code=OWN_GRID, name="测试街道", level="township", parent_id=OWN_COUNTY)
    return Region.objects.all()


def make_user(username: str, role: str, region_code: str | None, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, region_id=region_code, **extra
    )
    return user


@pytest.fixture
def users(regions) -> dict[str, User]:
    """One user per role, keyed by role."""
    return {
        Role.CITY_OFFICE: make_user("office", Role.CITY_OFFICE, "410400"),
        Role.GROUP_MEMBER: make_user("member", Role.GROUP_MEMBER, "410400"),
        Role.COUNTY_OFFICER: make_user("baofeng", Role.COUNTY_OFFICER, OWN_COUNTY),
        Role.GRID_WORKER: make_user("grid", Role.GRID_WORKER, OWN_GRID),
        Role.LEADER: make_user("leader", Role.LEADER, "410400"),
        Role.AUDITOR: make_user("auditor", Role.AUDITOR, None),
        Role.ADMIN: make_user("admin", Role.ADMIN, None, is_staff=True, is_superuser=True),
    }


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
