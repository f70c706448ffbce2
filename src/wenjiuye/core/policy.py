"""Policy parameters: every number, amount and deadline of the plan, looked up by date.

Code never holds the plan's numbers; it asks ``policy_value("layoff.art41.min_people", on=day)``
and records the parameter versions it used (:func:`policy_cite`) so that every flag,
escalation and calculation can show why it fired.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, snapshot
from wenjiuye.core.errors import DomainError, PolicyNotInForce
from wenjiuye.core.models import Event, PolicyParameter, User
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require


def policy_get(key: str, *, on: date) -> PolicyParameter:
    version = (
        PolicyParameter.objects.filter(key=key, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise PolicyNotInForce(
            _("政策参数“%(name)s”在 %(day)s 没有生效的版本,请在政策参数中维护")
            % {"name": _parameter_name(key), "day": on.isoformat()}
        )
    return version


def policy_value(key: str, *, on: date) -> Any:
    return policy_get(key, on=on).value


def policy_cite(version: PolicyParameter) -> dict[str, Any]:
    """How a result cites the parameter it used: key, value, version dates and clause."""
    return {
        "key": version.key,
        "value": version.value,
        "unit": version.unit,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "clause": version.clause,
        "source": version.source,
    }


class Policy:
    """Policy lookups on one day, remembering what was used (the "why" of a result): the one
    adapter every rule reads its parameters through."""

    def __init__(self, on: date) -> None:
        self.on = on
        self.used: dict[str, dict[str, Any]] = {}

    def __call__(self, key: str) -> Any:
        version = policy_get(key, on=self.on)
        self.used[key] = policy_cite(version)
        return version.value

    def cites(self) -> list[dict[str, Any]]:
        return list(self.used.values())


def policy_list(*, on: date | None = None) -> QuerySet[PolicyParameter]:
    qs = PolicyParameter.objects.all()
    if on is not None:
        qs = qs.filter(effective_from__lte=on).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=on)
        )
    return qs.order_by("key", "effective_from")


@transaction.atomic
def policy_set(
    *,
    actor: User,
    key: str,
    value: Any,
    effective_from: date,
    note: str = "",
) -> PolicyParameter:
    """Open a new version of ``key`` from ``effective_from``.

    The version in force on that day is closed the day before (its other fields are
    carried over); a version that starts later is refused, so versions never overlap.
    """
    require(actor, Cap.EDIT_POLICY)
    current = policy_get(key, on=effective_from)
    if PolicyParameter.objects.filter(key=key, effective_from__gt=effective_from).exists():
        raise DomainError(_("已有更晚生效的版本,请先调整该版本"))
    if current.effective_from == effective_from:
        before = snapshot(current)
        current.value = value
        current.note = note or current.note
        current.full_clean()
        current.save(update_fields=["value", "note"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=current,
            changes=diff(before, snapshot(current)),
            note=note,
        )
        return current
    before = snapshot(current)
    new_end = current.effective_to
    current.effective_to = effective_from - timedelta(days=1)
    current.save(update_fields=["effective_to"])
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=current,
        changes=diff(before, snapshot(current)),
        note=note,
    )
    new = PolicyParameter(
        key=key,
        label=current.label,
        value=value,
        unit=current.unit,
        effective_from=effective_from,
        effective_to=new_end,
        clause=current.clause,
        source=current.source,
        source_text=current.source_text,
        note=note,
    )
    new.full_clean()
    new.save()
    record_event(
        actor=actor, action=Event.Action.CREATE, obj=new, changes=diff({}, snapshot(new)), note=note
    )
    return new


def _parameter_name(key: str) -> str:
    """A parameter's Chinese name for a message (its newest label; the key if none was ever
    loaded — then there is no name to give)."""
    label = (
        PolicyParameter.objects.filter(key=key)
        .order_by("-effective_from")
        .values_list("label", flat=True)
        .first()
    )
    return label or key
