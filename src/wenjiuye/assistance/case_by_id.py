"""Opening a case from an ID number an officer types (``POST /api/assistance/cases/``): the
person is found among those the officer may see, or registered as new, and the case opened or
merged (:func:`wenjiuye.assistance.services.case_open`), all in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import Case
from wenjiuye.assistance.services import case_open
from wenjiuye.core.models import User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require, scoped
from wenjiuye.registry.id_lookup import id_lookup
from wenjiuye.registry.models import Person
from wenjiuye.registry.services import RegistryError, person_upsert


def case_open_for_id(
    *,
    actor: User,
    id_number: str,
    name: str = "",
    source: str,
    source_ref: str = "",
    registered_on: date | None = None,
    **fields: Any,
) -> Case:
    """Open (or merge into) the case of the person with this ID number, registering a new person.

    The person is looked up only among those the actor may see: a number registered in another
    county is answered as a number the actor does not know (a new person without a name is
    refused the same way), and registering it anew is the write into another county it would be
    (refused by ``person_upsert``). The lookup is an exact ID search (``registry.id_lookup``: audited
    and limited for roles that may not see personal data).
    """
    require(actor, Cap.CASE_WORK)
    number = id_number.strip().upper()
    id_lookup(user=actor, number=number, where="case_open")
    with transaction.atomic():  # a refused case leaves no person behind
        return _case_open_for_number(actor, number, name, source, source_ref, registered_on, fields)


def _case_open_for_number(
    actor: User,
    number: str,
    name: str,
    source: str,
    source_ref: str,
    registered_on: date | None,
    fields: dict[str, Any],
) -> Case:
    person = scoped(Person.objects.filter(id_number=number), actor).first()
    if person is None:
        if not name.strip():
            raise ValidationError({"name": _("新人员须填写姓名")})
        try:
            person = person_upsert(
                actor=actor, id_number=number, name=name.strip(), region_id=fields.get("grid")
            )
        except RegistryError as exc:
            raise ValidationError(str(exc)) from exc
    if fields.get("grid") is None:
        fields.pop("grid", None)
    return case_open(
        person=person,
        source=source,
        source_ref=source_ref,
        actor=actor,
        registered_on=registered_on,
        **fields,
    )
