"""Shared fixtures: the reference regions, one user per role (healthchecks' alice/bob style), the
packaged policy parameters and the layoff world of the response tests.

The users live in 宝丰县 (410421) unless their role is city-wide; ``other_county`` is 叶县 (410422).
No test uses ``transactional_db``: the audit table's append-only triggers refuse the flush that
transactional tests need; page tests run the app as a real server process instead. Builders
(``make_user``, ``make_id``, …) are in ``tests/factories.py``.
"""

from __future__ import annotations

import pytest

from tests.factories import (
    CITY_DIR,
    FAST_HASHER,
    OTHER_COUNTY,
    OWN_COUNTY,
    OWN_GRID,
    load_policy,
    make_uscc,
    make_user,
)
from wenjiuye.core.models import Region, User
from wenjiuye.core.roles import Role
from wenjiuye.home import prepare_home
from wenjiuye.registry.models import Enterprise


def pytest_configure(config: pytest.Config) -> None:
    """Make the working folder ready, as every entry point of the product does (settings only
    resolve it)."""
    prepare_home()


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is slow on purpose; tests that do not check hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture
def regions(db):
    from wenjiuye.core.reference_regions import regions_load  # noqa: PLC0415 (after the db fixture)

    regions_load(path=CITY_DIR / "regions.csv")
    Region.objects.create(code=OWN_GRID, name="测试街道", level="township", parent_id=OWN_COUNTY)
    return Region.objects.all()


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


@pytest.fixture
def policy(db) -> None:
    """Every packaged policy parameter (the parameters the calculators and services read)."""
    load_policy()


# --- The layoff world: the response tests, and the others that file layoff reports ------------


@pytest.fixture
def world(users, policy, settings, tmp_path):
    """Policy and reference data, one enterprise in 宝丰县 (registered in a township) and one in 叶县.
    Modules that build another world define their own ``world``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    own = Enterprise.objects.create(
        uscc=make_uscc(OWN_COUNTY, 1), name="宝丰机械厂", region_id=OWN_GRID, employees=1000
    )
    other = Enterprise.objects.create(
        uscc=make_uscc(OTHER_COUNTY, 2), name="叶县纺织厂", region_id=OTHER_COUNTY, employees=300
    )
    return {"users": users, "own": own, "other": other}


@pytest.fixture
def officer(world):
    return world["users"][Role.COUNTY_OFFICER]


@pytest.fixture
def office(world):
    return world["users"][Role.CITY_OFFICE]


@pytest.fixture
def reviewer(world):
    """A second officer of the same county: nobody reviews their own report."""
    return make_user("baofeng-review", Role.COUNTY_OFFICER, OWN_COUNTY)
