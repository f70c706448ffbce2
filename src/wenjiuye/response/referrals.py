"""Laid-off workers registered or living in another county than the report's: that county is
asked to take them onto its own assistance ledger (E6 常住地责任, U1), and answers the request.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import Case, Source
from wenjiuye.assistance.services import case_open
from wenjiuye.core.audit import record_event
from wenjiuye.core.models import Event, User
from wenjiuye.core.periods import day_start, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.registry.models import Person
from wenjiuye.registry.services import person_upsert
from wenjiuye.response.models import LayoffReport, LayoffWorker


def refer_to_county(report: LayoffReport, worker: LayoffWorker, home: str, actor: User) -> None:
    """A request to the county where the worker is registered or lives (``home``): take them
    onto that county's assistance ledger (E6 常住地责任, U1). The request is a deadline of that
    county about the roster row; :func:`referral_accept` answers it."""
    on = report.implemented_on or today()
    version = policy_get("layoff.roster.referral_days", on=on)
    deadline_create(
        kind=LayoffWorker.REFERRAL_KIND,
        title=_("外县裁员名册人员:%(enterprise)s 裁减人员 %(name)s,请核实并纳入失业人员帮扶台账")
        % {"enterprise": report.enterprise.name, "name": worker.name},
        clause="E6,U1",
        subject=worker,
        region=home,
        due_at=day_start(on + timedelta(days=version.value + 1)),
        actor=actor,
        policy={version.key: policy_cite(version)},
    )
    record_event(
        actor=actor,
        action=Event.Action.UPDATE,
        obj=report,
        region_code=report.region_id,
        note=_("名册人员 %(name)s 登记或常住在其他县(市、区),未改写其信息,已转请所在县纳入台账")
        % {"name": worker.name},
    )


@transaction.atomic
def referral_accept(*, actor: User, worker: LayoffWorker, note: str = "") -> Case:
    """The receiving county takes a laid-off worker of another county's report onto its own
    ledger, as itself: the person is created if new (never rewritten if known), the case opened
    and the request completed."""
    deadline = deadlines_for(worker).filter(kind=LayoffWorker.REFERRAL_KIND).first()
    if deadline is None:
        raise ValidationError(_("该人员没有转请本县办理的事项"))
    require(actor, Cap.CASE_WORK, deadline.region_id)
    if deadline.status != Deadline.Status.OPEN:
        raise ValidationError(_("该事项已办结或已撤销"))
    report = worker.report
    person = Person.objects.filter(id_number=worker.id_number).first()
    if person is None:
        person = person_upsert(
            actor=actor,
            id_number=worker.id_number,
            name=worker.name,
            phone=worker.phone,
            region_id=deadline.region_id,
        )
    worker.person = person
    worker.save(update_fields=["person"])
    case = case_open(
        person=person,
        source=Source.LAYOFF_ROSTER,
        source_ref=f"layoff:{report.pk}",
        actor=actor,
        registered_on=report.implemented_on,
    )
    deadline_complete(
        deadline=deadline, actor=actor, note=note.strip() or _("已纳入本县失业人员帮扶台账")
    )
    return case
