"""Writes to mass incidents. Each checks the actor's role and scope, validates with Chinese
messages (``ValidationError``) and audits the change in the same transaction.

Escalation (E8, I2, I8): on creation, and whenever the number of people is raised, the recipients
of ``incidents.rules.incident_escalation`` each get a report deadline (kind
``incident.report:<recipient>``); ``deadline_create`` is idempotent per kind, so raising the number
adds only the new recipients.

Risk ledger (M6): every incident enters the risk ledger (``risk_ledger``) with reason 群体性事件.
Public opinion about an incident is linked by ``opinion.services.opinion_link_incident`` (I6).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.core.audit import diff, record_event, save_audited, snapshot
from wenjiuye.core.identifiers import check_resident_id
from wenjiuye.core.models import Event, Region, RegionLevel, Unit, User
from wenjiuye.core.periods import local_day, period_of, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.incidents.models import Demand, Incident, IncidentReport, Representative
from wenjiuye.incidents.rules import incident_escalation
from wenjiuye.monitoring.ledger import ledger_cite
from wenjiuye.monitoring.models import Flag, LedgerEntry
from wenjiuye.registry.models import Enterprise

INCIDENT_FIELDS = [
    "occurred_at",
    "place",
    "region_id",
    "enterprise_id",
    "cause",
    "summary",
    "people",
    "status",
    "police_called_at",
    "medical_called_at",
    "review_causes",
    "review_problems",
    "review_lessons",
    "reviewed_at",
    "closed_at",
]
REPORT_KIND = "incident.report:"
RISK_REASON = "群体性事件"
DEMAND_KIND = "incident.demand"
STATUS_ORDER = [s.value for s in Incident.Status]


def _lock(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _require_open(incident: Incident) -> None:
    if incident.status == Incident.Status.CLOSED:
        raise ValidationError(_("事件已结案,不能再修改"))


def escalate(*, actor: User | None, incident: Incident, at: datetime) -> list[Deadline]:
    """The report deadlines owed for the incident's current number of people (idempotent)."""
    result = incident_escalation(people=incident.people, on=local_day(at), cause=incident.cause)
    due = policy_get("incident.report.due_minutes", on=local_day(at))
    cites = {c["key"]: c for c in result["policy"]}
    cites[due.key] = policy_cite(due)
    out = []
    for recipient in result["recipients"]:
        to = recipient["to"]
        out.append(
            deadline_create(
                kind=f"{REPORT_KIND}{to}",
                title=_("向%(to)s报告群体性事件(%(people)d人)")
                % {"to": to, "people": incident.people},
                clause=recipient["clause"],
                subject=incident,
                region=incident.region,
                due_at=at + timedelta(minutes=int(due.value)),
                actor=actor,
                policy={"recipient": recipient, "people": incident.people, "parameters": cites},
            )
        )
    return out


def risk_ledger(*, actor: User | None, incident: Incident) -> LedgerEntry:
    """A mass incident is a risk source (M6, E8): its enterprise, or else its county, enters the
    risk ledger with reason 群体性事件 and the incident as evidence, once per incident."""
    if incident.enterprise is not None:
        subject = (
            Flag.Subject.ENTERPRISE,
            incident.enterprise.uscc,
            incident.enterprise.region_id,
            incident.enterprise.name,
        )
    else:
        county = incident.region.county or incident.region
        subject = (Flag.Subject.REGION, county.code, county.code, county.name)
    period = period_of(local_day(incident.occurred_at))
    subject_type, subject_id, region_code, name = subject
    return ledger_cite(
        actor=actor,
        ledger=LedgerEntry.Ledger.RISK,
        subject_type=subject_type,
        subject_id=subject_id,
        region_code=region_code,
        name=name,
        reason=RISK_REASON,
        reason_text=_("因裁员、失业或劳动报酬等引发的群体性事件(风险隐患来源,M6、E8)"),
        period=period,
        key="incident_id",
        citation={
            "incident_id": incident.pk,
            "occurred_at": incident.occurred_at.isoformat(),
            "place": incident.place,
            "region_code": incident.region_id,
            "cause": incident.cause,
            "people": incident.people,
            "period": period,
        },
        note=_("突发事件#%(id)d:%(place)s(%(people)d人)")
        % {"id": incident.pk, "place": incident.place[:60], "people": incident.people},
    )


def _check_region(region: Region) -> None:
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        raise ValidationError({"region": _("请选择事件发生地所在的县(市、区)或其下辖区划")})


def _check_people(people: int) -> None:
    if people is None or int(people) < 1:
        raise ValidationError({"people": _("聚集人数须为正整数")})


def incident_create(
    *,
    actor: User,
    region: Region,
    occurred_at: datetime,
    place: str,
    cause: str,
    people: int,
    enterprise: Enterprise | None = None,
    summary: str = "",
    at: datetime | None = None,
) -> Incident:
    require(actor, Cap.WRITE, region.code)
    at = at or timezone.now()
    _check_region(region)
    _check_people(people)
    if cause not in Incident.Cause.values:
        raise ValidationError({"cause": _("未知的事件起因")})
    if not place.strip():
        raise ValidationError({"place": _("请填写事件地点")})
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": _("时间必须带时区")})
    if occurred_at > at + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("发生时间不能晚于现在")})
    if enterprise is not None:
        require(actor, Cap.READ, enterprise.region_id)
    with transaction.atomic():
        incident = Incident(
            region=region,
            occurred_at=occurred_at,
            known_at=at,
            place=place.strip(),
            cause=cause,
            people=int(people),
            enterprise=enterprise,
            summary=summary.strip(),
            created_by=actor,
            created_at=at,
        )
        save_audited(
            actor=actor, obj=incident, before=None, fields=INCIDENT_FIELDS, region_code=region.code
        )
        escalate(actor=actor, incident=incident, at=at)
        risk_ledger(actor=actor, incident=incident)
    return incident


def incident_set_people(
    *, actor: User, incident: Incident, people: int, at: datetime | None = None
) -> Incident:
    """Correct the number of people; new escalations (never fewer) are added at once."""
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    _check_people(people)
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.people = int(people)
        save_audited(
            actor=actor,
            obj=incident,
            before=before,
            fields=INCIDENT_FIELDS,
            region_code=incident.region_id,
            record_unchanged=True,
        )
        escalate(actor=actor, incident=incident, at=at)
    return incident


def incident_call(
    *, actor: User, incident: Incident, service: str, at: datetime | None = None
) -> Incident:
    """Record that the police (disorder) or medical help (casualties) was called (I5)."""
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    field = {"police": "police_called_at", "medical": "medical_called_at"}.get(service)
    if field is None:
        raise ValidationError({"service": _("只能通知公安机关或医疗救治")})
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        if getattr(incident, field) is not None:
            raise ValidationError({"service": _("已记录通知时间")})
        before = snapshot(incident, INCIDENT_FIELDS)
        setattr(incident, field, at)
        save_audited(
            actor=actor,
            obj=incident,
            before=before,
            fields=INCIDENT_FIELDS,
            region_code=incident.region_id,
        )
    return incident


def max_representatives(on: date) -> int:
    return int(policy_get("incident.max_representatives", on=on).value)


def representative_add(
    *,
    actor: User,
    incident: Incident,
    name: str,
    id_number: str = "",
    phone: str = "",
    note: str = "",
) -> Representative:
    require(actor, Cap.WRITE, incident.region_id)
    if not name.strip():
        raise ValidationError({"name": _("请填写代表姓名")})
    id_number = id_number.strip().upper()
    if id_number:
        check = check_resident_id(id_number)
        if not check.valid:
            raise ValidationError({"id_number": _("公民身份号码:%s") % check.reason})
        id_number = check.value
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        limit = max_representatives(today())
        if incident.representatives.count() >= limit:
            raise ValidationError(
                _("聚集人员推荐的代表不超过%(n)d人(突发事件处置预案 三(三)),已登记%(n)d名代表")
                % {"n": limit}
            )
        rep = Representative(
            incident=incident,
            name=name.strip(),
            id_number=id_number,
            phone=phone.strip(),
            note=note.strip(),
        )
        rep.full_clean()
        rep.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=rep,
            region_code=incident.region_id,
            changes={"incident": incident.pk, "name": rep.name},
        )
    return rep


def representative_reveal(
    *, actor: User, representative: Representative, ip: str | None = None
) -> dict[str, str]:
    """The unmasked ID number and phone, for a user who may see them; the view is audited."""
    region_code = representative.incident.region_id
    require(actor, Cap.VIEW_PERSONAL, region_code)
    with transaction.atomic():
        record_event(
            actor=actor,
            action=Event.Action.VIEW_UNMASKED,
            obj=representative,
            region_code=region_code,
            note="id_number,phone",
            ip=ip,
        )
    return {"id_number": representative.id_number, "phone": representative.phone}


def demand_add(
    *,
    actor: User,
    incident: Incident,
    text: str,
    handling: str,
    unit: Unit | None = None,
    time_limit_days: int | None = None,
    result: str = "",
    at: datetime | None = None,
) -> Demand:
    """A demand heard (I4). Answered on the spot needs the answer; referred needs the unit and
    its statutory time limit in days, and becomes a deadline of that unit."""
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    if not text.strip():
        raise ValidationError({"text": _("请填写诉求内容")})
    if handling == Demand.Handling.ON_SPOT:
        if not result.strip():
            raise ValidationError({"result": _("当场答复的诉求须填写答复内容")})
    elif handling == Demand.Handling.REFERRED:
        if unit is None:
            raise ValidationError({"unit": _("转办的诉求须指定承办单位")})
        if not time_limit_days or int(time_limit_days) < 1:
            raise ValidationError({"time_limit_days": _("转办的诉求须填写法定办理时限(天)")})
    else:
        raise ValidationError({"handling": _("未知的处理方式")})
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        demand = Demand(
            incident=incident,
            text=text.strip(),
            handling=handling,
            unit=unit if handling == Demand.Handling.REFERRED else None,
            time_limit_days=int(time_limit_days)
            if handling == Demand.Handling.REFERRED and time_limit_days
            else None,
            answered_at=at if handling == Demand.Handling.ON_SPOT else None,
            result=result.strip() if handling == Demand.Handling.ON_SPOT else "",
            created_at=at,
        )
        demand.full_clean()
        demand.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=demand,
            region_code=incident.region_id,
            changes=diff({}, snapshot(demand)),
        )
        if handling == Demand.Handling.REFERRED:
            assert unit is not None and demand.time_limit_days is not None
            deadline_create(
                kind=DEMAND_KIND,
                title=_("办理群体性事件诉求:%s") % demand.text[:60],
                clause="I4",
                subject=demand,
                region=incident.region,
                unit=unit,
                due_at=at + timedelta(days=demand.time_limit_days),
                actor=actor,
                policy={"time_limit_days": demand.time_limit_days, "incident": incident.pk},
            )
    return demand


def demand_answer(
    *, actor: User, demand: Demand, result: str, at: datetime | None = None
) -> Demand:
    """The answer or result of a referred demand; its deadline is completed."""
    incident = demand.incident
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    if not result.strip():
        raise ValidationError({"result": _("请填写办理结果")})
    with transaction.atomic():
        demand = Demand.objects.select_for_update().get(pk=demand.pk)
        if demand.answered_at is not None:
            raise ValidationError(_("该诉求已答复"))
        before = snapshot(demand, ["answered_at", "result"])
        demand.answered_at, demand.result = at, result.strip()
        demand.save(update_fields=["answered_at", "result"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=demand,
            region_code=incident.region_id,
            changes=diff(before, snapshot(demand, ["answered_at", "result"])),
        )
        for deadline in deadlines_for(demand).filter(status=Deadline.Status.OPEN):
            deadline_complete(deadline=deadline, actor=actor, note=result.strip())
    return demand


def report_add(
    *, actor: User, incident: Incident, text: str, at: datetime | None = None
) -> IncidentReport:
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    if not text.strip():
        raise ValidationError({"text": _("请填写动态情况")})
    with transaction.atomic():
        report = IncidentReport(incident=incident, at=at, text=text.strip(), author=actor)
        report.full_clean()
        report.save()
        record_event(
            actor=actor,
            action=Event.Action.CREATE,
            obj=report,
            region_code=incident.region_id,
            changes={"incident": incident.pk, "at": at.isoformat(), "text": report.text},
        )
    return report


def incident_review(
    *,
    actor: User,
    incident: Incident,
    causes: str,
    problems: str,
    lessons: str,
    at: datetime | None = None,
) -> Incident:
    """The post-incident review (I7): causes, problems and lessons, all three required."""
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    missing = {
        name: _("请填写%s") % label
        for name, label, value in (
            ("causes", _("事件产生的原因"), causes),
            ("problems", _("存在的问题"), problems),
            ("lessons", _("经验教训"), lessons),
        )
        if not (value or "").strip()
    }
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.review_causes = causes.strip()
        incident.review_problems = problems.strip()
        incident.review_lessons = lessons.strip()
        incident.reviewed_at, incident.reviewed_by = at, actor
        save_audited(
            actor=actor,
            obj=incident,
            before=before,
            fields=INCIDENT_FIELDS,
            region_code=incident.region_id,
            note="事后复盘",
        )
    return incident


def incident_set_status(
    *, actor: User, incident: Incident, status: str, at: datetime | None = None
) -> Incident:
    """Move forward: 处置中 → 已控制 → 已化解 → 已结案. Closing needs the review (I7)."""
    require(actor, Cap.WRITE, incident.region_id)
    at = at or timezone.now()
    if status not in STATUS_ORDER:
        raise ValidationError({"status": _("未知状态")})
    with transaction.atomic():
        incident = _lock(incident)
        _require_open(incident)
        if STATUS_ORDER.index(status) <= STATUS_ORDER.index(incident.status):
            raise ValidationError(
                {"status": _("状态只能向前推进(当前:%s)") % Incident.Status(incident.status).label}
            )
        if status == Incident.Status.CLOSED and not incident.reviewed:
            raise ValidationError(
                {"status": _("结案前须完成事后复盘:分析事件产生的原因、存在的问题和经验教训(I7)")}
            )
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.status = status
        if status == Incident.Status.CLOSED:
            incident.closed_at = at
        save_audited(
            actor=actor,
            obj=incident,
            before=before,
            fields=INCIDENT_FIELDS,
            region_code=incident.region_id,
        )
    return incident


def incident_close(*, actor: User, incident: Incident, at: datetime | None = None) -> Incident:
    return incident_set_status(actor=actor, incident=incident, status=Incident.Status.CLOSED, at=at)


def report_deadline_done(
    *, actor: User, incident: Incident, deadline: Deadline, note: str = ""
) -> Deadline:
    """Mark one of the incident's report deadlines as reported."""
    require(actor, Cap.WRITE, incident.region_id)
    if not deadlines_for(incident).filter(pk=deadline.pk).exists():
        raise ValidationError(_("该时限事项不属于本事件"))
    return deadline_complete(deadline=deadline, actor=actor, note=note or _("已报告"))
