"""Online unemployment registration (网上失业登记, U5, E6): a visitor submits it without logging in,
it waits as a :class:`~wenjiuye.assistance.models.PendingRegistration` with a review deadline, and
the county confirms it (a case is opened, source online) or sends it back with a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import Case, Education, PendingRegistration, Source, Status
from wenjiuye.assistance.services import case_open
from wenjiuye.core.audit import record_event
from wenjiuye.core.identifiers import check_resident_id
from wenjiuye.core.models import Event, Region, RegionLevel, User
from wenjiuye.core.periods import end_of_day, local_day, today
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import require
from wenjiuye.deadlines.models import Deadline
from wenjiuye.deadlines.selectors import deadlines_for
from wenjiuye.deadlines.services import deadline_complete, deadline_create
from wenjiuye.registry.models import Person
from wenjiuye.registry.services import RegistryError, person_upsert

KIND_PENDING = "assistance.pending_review"


def _open_case_for(id_number: str) -> Case | None:
    return Case.objects.filter(person__id_number=id_number).exclude(status=Status.CLOSED).first()


class DuplicateRegistration(ValidationError):
    """The ID number already has an open case or a registration waiting for review (the public
    page answers it as it answers a new registration: it must not tell whose number is known)."""


def pending_submit(
    *,
    id_number: str,
    name: str,
    phone: str,
    county: Region,
    street: Region | None,
    education: str,
    desired_job: str,
    wants_training: bool,
    ip: str | None = None,
    notice: str = "",
) -> PendingRegistration:
    """An online unemployment registration, waiting for the county (no login; nothing is saved
    when anything is wrong). Without a street the county is the grid, allowed only when the
    reference data have no townships in that county (then there is nothing to choose).
    ``notice``: the version of the personal-information notice the applicant agreed to (the
    public form's consent), kept in the registration's event."""
    errors: dict[str, str] = {}
    check = check_resident_id(id_number)
    if not check.valid:
        errors["id_number"] = f"公民身份号码有误:{check.reason}。请核对后重新填写。"
    name = name.strip()
    if not name or len(name) > 50:
        errors["name"] = "请填写姓名(不超过50字)"
    phone = phone.strip()
    if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        errors["phone"] = "手机号应为以1开头的11位数字"
    if county.level not in (RegionLevel.COUNTY, RegionLevel.ZONE):
        errors["county"] = "请选择县(市、区)"
    if (
        street is None
        and not Region.objects.filter(
            level=RegionLevel.TOWNSHIP, code__startswith=county.code
        ).exists()
    ):
        street = county
    elif (
        street is None
        or street.level != RegionLevel.TOWNSHIP
        or not street.code.startswith(county.code)
    ):
        errors["street"] = "请选择所选县(市、区)内的乡镇(街道)"
    if education not in Education.values:
        errors["education"] = "请选择学历"
    if not desired_job.strip():
        errors["desired_job"] = "请填写求职意向"
    if errors:
        raise ValidationError(errors)
    assert street is not None
    number = check.value
    with transaction.atomic():
        if _open_case_for(number) is not None:
            raise DuplicateRegistration(
                {
                    "id_number": _(
                        "该身份证号已有在册的失业登记,无需重复登记;如有疑问请联系所在街道(社区)。"
                    )
                }
            )
        if PendingRegistration.objects.filter(
            id_number=number, state=PendingRegistration.State.PENDING
        ).exists():
            raise DuplicateRegistration(
                {"id_number": _("该身份证号已提交网上登记,正在等待审核,请勿重复提交。")}
            )
        pending = PendingRegistration(
            id_number=number,
            name=name,
            phone=phone,
            county=county,
            street=street,
            education=education,
            desired_job=desired_job.strip()[:200],
            wants_training=wants_training,
        )
        pending.full_clean()
        pending.save()
        record_event(
            actor=None,
            action=Event.Action.CREATE,
            obj=pending,
            region_code=street.code,
            changes={
                "state": "pending",
                "county": county.code,
                "street": street.code,
                **({"notice": notice} if notice else {}),
            },
            note="网上失业登记",
            ip=ip,
        )
        review = policy_get("assistance.pending_registration.review_days", on=today())
        deadline_create(
            kind=KIND_PENDING,
            title="确认网上失业登记",
            clause="U5,E6",
            subject=pending,
            # The registration's own scope (its street): whoever may decide it closes the deadline.
            region=street,
            due_at=end_of_day(today() + timedelta(days=int(review.value))),
            policy={"assistance.pending_registration.review_days": policy_cite(review)},
        )
    return pending


def pending_confirm(*, pending: PendingRegistration, actor: User, note: str = "") -> Case:
    """Confirm an online registration: the person is upserted and a case opened (source online)."""
    with transaction.atomic():
        locked = PendingRegistration.objects.select_for_update().get(pk=pending.pk)
        require(actor, Cap.CASE_WORK, locked.street_id)
        if locked.state != PendingRegistration.State.PENDING:
            raise ValidationError(_("该登记已处理"))
        person = Person.objects.filter(id_number=locked.id_number).first()
        if person is None:
            try:
                person = person_upsert(
                    actor=actor,
                    id_number=locked.id_number,
                    name=locked.name,
                    phone=locked.phone,
                    region_id=locked.street_id,
                )
            except RegistryError as exc:
                raise ValidationError(str(exc)) from exc
        else:
            # known already: matched, never rewritten from what an anonymous visitor typed (the
            # officer corrects the registry on the person's page if the person confirms it)
            require(actor, Cap.CASE_WORK, person.region_id or locked.street_id)
        day = local_day(locked.submitted_at)
        case = case_open(
            person=person,
            source=Source.ONLINE,
            source_ref=f"online:{locked.pk}",
            actor=actor,
            registered_on=day,
            grid=locked.street,
            education=locked.get_education_display(),
            desired_job=locked.desired_job,
            wants_training=locked.wants_training,
        )
        locked.state = PendingRegistration.State.CONFIRMED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note[:500]
        locked.case = case
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_note", "case"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.street_id,
            changes={"state": ["pending", "confirmed"], "case": case.pk},
            note=note,
        )
        _close_deadlines_of(locked, actor, note="已确认")
    return case


def pending_reject(*, pending: PendingRegistration, actor: User, note: str) -> PendingRegistration:
    if not note.strip():
        raise ValidationError({"note": _("退回须说明理由")})
    with transaction.atomic():
        locked = PendingRegistration.objects.select_for_update().get(pk=pending.pk)
        require(actor, Cap.CASE_WORK, locked.street_id)
        if locked.state != PendingRegistration.State.PENDING:
            raise ValidationError(_("该登记已处理"))
        locked.state = PendingRegistration.State.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note[:500]
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
        record_event(
            actor=actor,
            action=Event.Action.UPDATE,
            obj=locked,
            region_code=locked.street_id,
            changes={"state": ["pending", "rejected"]},
            note=note,
        )
        _close_deadlines_of(locked, actor, note=f"已退回:{note}"[:200])
    return locked


def _close_deadlines_of(subject: PendingRegistration, actor: User, note: str) -> None:
    for deadline in deadlines_for(subject).filter(status=Deadline.Status.OPEN):
        deadline_complete(deadline=deadline, actor=actor, note=note)
