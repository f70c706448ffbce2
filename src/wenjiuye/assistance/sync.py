"""Bringing the ledger up to date in bulk (``wenjiuye assistance sync|sweep``, the nightly task):
every active unemployment registration and every benefit recipient put on it (U1), and every open
case's tier and deadlines refreshed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from wenjiuye.assistance.models import Case, Source, Status
from wenjiuye.assistance.payments import payments_read
from wenjiuye.assistance.services import case_open, case_refresh
from wenjiuye.core.models import Region, User
from wenjiuye.core.periods import period_end, today
from wenjiuye.intake.models import UnemploymentRegistration
from wenjiuye.registry.models import Person
from wenjiuye.registry.services import RegistryError, person_upsert


def _region(value: Region | str | None) -> Region | None:
    if value is None or value == "":
        return None
    if isinstance(value, Region):
        return value
    return Region.objects.filter(pk=str(value)).first()


def case_sync_registrations(*, actor: User | None = None, progress: Any = None) -> dict[str, int]:
    """Put every active unemployment registration (intake) on the ledger; idempotent.

    A registration with an end date (注销) is not opened; bad ID numbers are counted and skipped.
    Returns counts: ``opened``, ``merged`` (already on the ledger), ``ended``, ``invalid``.
    """
    counts = {"opened": 0, "merged": 0, "ended": 0, "invalid": 0}
    rows = UnemploymentRegistration.objects.order_by("registered_on", "pk")
    total = rows.count()
    for i, reg in enumerate(rows.iterator(), start=1):
        if progress is not None and (i % 500 == 0 or i == total):
            progress(i, total)
        if reg.ended_on is not None:
            counts["ended"] += 1
            continue
        try:
            with transaction.atomic():
                person = Person.objects.filter(id_number=reg.person_id).first()
                region = _region(reg.region_code) or _region(reg.region_code[:6])
                if person is None:
                    person = person_upsert(
                        actor=None,
                        id_number=reg.person_id,
                        name=reg.name,
                        phone=reg.phone,
                        region_id=region.code if region else None,
                    )
                existed = Case.objects.filter(person=person).exists()
                case_open(
                    person=person,
                    source=Source.REGISTRATION,
                    source_ref=f"registration:{reg.registered_on.isoformat()}",
                    actor=actor,
                    registered_on=reg.registered_on,
                    grid=reg.region_code,
                    education=reg.education,
                    skills=reg.skills,
                    health=reg.health,
                    wants_training=reg.wants_training,
                    desired_job=reg.desired_job,
                )
        except (RegistryError, ValidationError):
            counts["invalid"] += 1
            continue
        counts["merged" if existed else "opened"] += 1
    return counts


def case_sync_benefit_payments(
    *, actor: User | None = None, root: Any = None, first: str = "000000", last: str = "999999"
) -> dict[str, int]:
    """Put every person paid a UI benefit (lake ``benefit_payments``) on the ledger, so registered
    unemployed and benefit recipients are one ledger (U1). Persons not in the registry (no name or
    residence known) are counted as ``unknown``; one source entry per person and benefit kind. A
    new case's registration day is that of the person's unemployment registration the payments
    follow (a registration already ended is not synced as one), else the first month paid."""
    rows = payments_read(root=root, first=first, last=last)
    first_paid: dict[tuple[str, str], str] = {}
    for pay in rows:
        key = (pay.person_id, pay.kind)
        first_paid[key] = min(first_paid.get(key, pay.period), pay.period)
    counts = {"opened": 0, "merged": 0, "unknown": 0, "invalid": 0}
    persons = {
        p.id_number: p for p in Person.objects.filter(id_number__in={k[0] for k in first_paid})
    }
    registered: dict[str, list[date]] = {}
    for pid, day in UnemploymentRegistration.objects.filter(person_id__in=set(persons)).values_list(
        "person_id", "registered_on"
    ):
        registered.setdefault(pid, []).append(day)
    for (person_id, kind), period in sorted(first_paid.items()):
        person = persons.get(person_id)
        if person is None:
            counts["unknown"] += 1
            continue
        existed = Case.objects.filter(person=person).exists()
        # the registration the payments follow (the latest by the end of the first month paid),
        # else the first day of that month
        days = [d for d in registered.get(person_id, []) if d <= period_end(period)]
        try:
            case_open(
                person=person,
                source=Source.BENEFIT_PAYMENT,
                source_ref=f"{kind}:{period}",
                actor=actor,
                registered_on=max(days) if days else date(int(period[:4]), int(period[4:]), 1),
            )
        except ValidationError:
            counts["invalid"] += 1
            continue
        counts["merged" if existed else "opened"] += 1
    return counts


def cases_sweep(*, on: date | None = None, progress: Any = None) -> dict[str, Any]:
    """The daily pass: every open case's tier recomputed and its contact and one-week deadlines
    ensured (``case_refresh``). Run by the worker each night and by ``wenjiuye assistance sweep``."""
    day = on or today()
    qs = Case.objects.exclude(status=Status.CLOSED).order_by("pk")
    total = qs.count()
    changed = 0
    for i, case in enumerate(qs.iterator(), start=1):
        before = case.tier
        if case_refresh(case=case, on=day).tier != before:
            changed += 1
        if progress is not None and (i % 200 == 0 or i == total):
            progress(i, total)
    return {"on": day.isoformat(), "cases": total, "tier_changed": changed}
