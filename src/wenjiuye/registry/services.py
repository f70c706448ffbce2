"""Writes to the registry. Each checks the actor's role and scope and audits the change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.core.audit import record_event, save_audited, snapshot
from wenjiuye.core.errors import DomainError
from wenjiuye.core.identifiers import check_resident_id, check_uscc
from wenjiuye.core.models import Event, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require, require_city
from wenjiuye.registry.models import Enterprise, Person

ENTERPRISE_FIELDS = ["name", "region_id", "industry", "employees", "export_oriented", "influential"]
PERSON_FIELDS = ["name", "region_id", "phone", "household_id"]


class RegistryError(DomainError):
    """Input a registry service refuses, with a message for the user."""


@transaction.atomic
def enterprise_upsert(*, actor: User | None, uscc: str, **values: Any) -> Enterprise:
    """Create or update the enterprise with this USCC. ``actor=None`` is the system (imports)."""
    check = check_uscc(uscc)
    if not check.valid:
        raise RegistryError(
            _("统一社会信用代码 %(uscc)s: %(reason)s") % {"uscc": uscc, "reason": check.reason}
        )
    unknown = set(values) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise RegistryError(_("未知字段: %(value)s") % {"value": ", ".join(sorted(unknown))})
    enterprise = Enterprise.objects.select_for_update().filter(uscc=check.value).first()
    if actor is not None:
        require(
            actor,
            Cap.WRITE,
            values.get("region_id") or (enterprise.region_id if enterprise else None),
        )
        if enterprise is not None:
            require(actor, Cap.WRITE, enterprise.region_id)
    before = snapshot(enterprise, ENTERPRISE_FIELDS) if enterprise else None
    if enterprise is None:
        enterprise = Enterprise(uscc=check.value)
    for name, value in values.items():
        setattr(enterprise, name, value)
    save_audited(
        actor=actor,
        obj=enterprise,
        before=before,
        fields=ENTERPRISE_FIELDS,
        region_code=str(enterprise.region_id or ""),
    )
    return enterprise


@transaction.atomic
def person_upsert(*, actor: User | None, id_number: str, **values: Any) -> Person:
    """Create or update the person with this ID number; birth date and gender come from it."""
    check = check_resident_id(id_number)
    if not check.valid:
        raise RegistryError(_("公民身份号码: %(reason)s") % {"reason": check.reason})
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise RegistryError(_("未知字段: %(value)s") % {"value": ", ".join(sorted(unknown))})
    person = Person.objects.select_for_update().filter(id_number=check.value).first()
    if actor is not None:
        target = values.get("region_id") or (person.region_id if person else None)
        if not target or (person is not None and not person.region_id):
            # a person held by no county (外地人员) belongs to no county user: only the city
            # may register one without a place, or change one (a county would claim it)
            require_city(actor, Cap.CASE_WORK)
        require(actor, Cap.CASE_WORK, target)
        if person is not None and person.region_id:
            require(actor, Cap.CASE_WORK, person.region_id)
    before = snapshot(person, PERSON_FIELDS) if person else None
    if person is None:
        assert check.birth_date is not None and check.gender is not None  # a valid number has both
        person = Person(id_number=check.value, birth_date=check.birth_date, gender=check.gender)
    for name, value in values.items():
        setattr(person, name, value)
    save_audited(
        actor=actor,
        obj=person,
        before=before,
        fields=PERSON_FIELDS,
        region_code=str(person.region_id or ""),
    )
    return person


@transaction.atomic
def person_reveal(*, actor: User, person: Person, ip: str | None = None) -> dict[str, str]:
    """The unmasked ID number and phone, for a user who may see them; the view is audited."""
    require(actor, Cap.VIEW_PERSONAL, person.region_id)
    record_event(
        actor=actor,
        action=Event.Action.VIEW_UNMASKED,
        obj=person,
        region_code=str(person.region_id or ""),
        note="id_number,phone",
        ip=ip,
    )
    return {"id_number": person.id_number, "phone": person.phone}
