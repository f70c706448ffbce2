"""Matching on the store: the engine's inputs from the registry and intake, pushes, responses.

The people to help are any queryset of :class:`~wenjiuye.registry.models.Person`; by default
(:func:`people_to_help`) those with an unemployment registration open on the day or an
assistance case being helped. Education, skills and desired job come from the assistance case,
else from the person's latest registration up to that day; the
willingness to work in a partner city from :class:`~wenjiuye.matching.models.Preference`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wenjiuye.assistance.models import TRANSITIONS, Case, Status
from wenjiuye.assistance.services import case_set_status
from wenjiuye.assistance.tiers import age_on
from wenjiuye.core.audit import save_audited, snapshot
from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.models import Region, User
from wenjiuye.core.policy import Policy
from wenjiuye.core.roles import Cap
from wenjiuye.core.scope import in_scope, require, scope_prefix, scoped
from wenjiuye.intake.models import JobPosting, UnemploymentRegistration
from wenjiuye.matching.engine import match
from wenjiuye.matching.models import Preference, Push
from wenjiuye.matching.params import POLICY_KEYS, MatchParams
from wenjiuye.matching.results import Match, MatchResult
from wenjiuye.matching.tables import PERSON_COLUMNS, VACANCY_COLUMNS
from wenjiuye.notify.services import send
from wenjiuye.registry.models import Person

IN_CHUNK = 500  # ids per IN (…) query


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
def match_params(*, on: date) -> MatchParams:
    """The matching parameters in force on ``on``, with the versions cited. A parameter not in
    force raises ``PolicyNotInForce``, except the partner cities (K4): without them no posting
    passes as a partner-city posting (:meth:`MatchParams.from_lookup`)."""
    policy = Policy(on)

    def lookup(key: str) -> Any:
        if key != POLICY_KEYS["partner_cities"]:
            return policy(key)
        try:
            return policy(key)
        except PolicyNotInForce:
            return None

    return MatchParams.from_lookup(lookup, cite=policy.used.get)


def open_registrations(*, on: date) -> QuerySet[UnemploymentRegistration]:
    return UnemploymentRegistration.objects.filter(registered_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )


HELPING = (Status.REGISTERED, Status.BEING_HELPED)


def people_to_help(*, on: date, user: User | None = None) -> QuerySet[Person]:
    """Persons with an unemployment registration open on ``on``, or an assistance case still
    being helped (e.g. from a layoff roster), in ``user``'s scope."""
    qs = Person.objects.filter(
        Q(id_number__in=open_registrations(on=on).values("person_id"))
        | Q(assistance_case__status__in=HELPING)
    ).distinct()
    return scoped(qs, user) if user is not None else qs


def persons_table(persons: QuerySet[Person], *, on: date) -> pd.DataFrame:
    """The engine's person table (``person_id`` = the Person's primary key)."""
    people = list(persons.values("pk", "id_number", "region_id", "birth_date", "phone"))
    latest: dict[str, UnemploymentRegistration] = {}
    ids = [p["id_number"] for p in people]
    for i in range(0, len(ids), IN_CHUNK):
        regs = UnemploymentRegistration.objects.filter(
            person_id__in=ids[i : i + IN_CHUNK], registered_on__lte=on
        ).order_by("registered_on", "pk")
        for reg in regs:
            latest[reg.person_id] = reg  # the last one wins
    migrate: set[int] = set()
    pks = [p["pk"] for p in people]
    for i in range(0, len(pks), IN_CHUNK):
        migrate |= set(
            Preference.objects.filter(
                person_id__in=pks[i : i + IN_CHUNK], accepts_migration=True
            ).values_list("person_id", flat=True)
        )
    cases: dict[int, dict[str, Any]] = {}
    for i in range(0, len(pks), IN_CHUNK):
        for c in Case.objects.filter(person_id__in=pks[i : i + IN_CHUNK]).values(
            "person_id", "education", "skills", "desired_job"
        ):
            cases[c["person_id"]] = dict(c)
    rows = []
    for p in people:
        last = latest.get(p["id_number"])
        # the assistance ledger is kept up to date by officers; the registration is the fallback
        profile = {
            name: cases.get(p["pk"], {}).get(name) or (getattr(last, name) if last else "")
            for name in ("education", "desired_job", "skills")
        }
        rows.append(
            {
                "person_id": str(p["pk"]),
                "region_code": p["region_id"] or (last.region_code if last else ""),
                "age": age_on(p["birth_date"], on) if p["birth_date"] else None,
                **profile,
                "accepts_migration": p["pk"] in migrate,
            }
        )
    return pd.DataFrame(rows, columns=list(PERSON_COLUMNS))


def vacancies_table(postings: QuerySet[JobPosting] | None = None) -> pd.DataFrame:
    qs = JobPosting.objects.all() if postings is None else postings
    return pd.DataFrame(list(qs.values(*VACANCY_COLUMNS)), columns=list(VACANCY_COLUMNS))


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------
def posting_get(*, user: User | None, posting_id: str) -> JobPosting:
    """The posting, or 404 when absent or in another county (partner-city postings: any
    user who may read). ``user=None`` is the operator (``wenjiuye match``): every posting."""
    if user is not None:
        require(user, Cap.READ)
    posting = JobPosting.objects.filter(posting_id=posting_id).first()
    if posting is None or (user is not None and not posting_readable(user, posting.region_code)):
        raise Http404(_("岗位不存在或不在您的管辖范围内"))
    return posting


def posting_readable(user: User, region_code: str) -> bool:
    """Whether ``user`` may open a posting of ``region_code``: one in their jurisdiction, one of
    a region above it (the city's own employers recruit for every county) or of no region (a
    partner city's); another county's is not theirs."""
    if not region_code or in_scope(user, region_code):
        return True
    region = Region.objects.filter(code=region_code).first()
    return region is not None and scope_prefix(user).startswith(region.scope_prefix)


def person_for_key(key: str) -> Person | None:
    """The person whose resident ID number (18 characters) or record number is ``key``, for the
    operator (``wenjiuye match --person``)."""
    key = key.strip()
    qs = Person.objects.filter(id_number=key.upper()) if len(key) == 18 else None
    if qs is None or not qs.exists():
        qs = Person.objects.filter(pk=int(key)) if key.isdigit() else Person.objects.none()
    return qs.first()


def vacancies_for_person(
    *, user: User | None, person: Person, on: date, top: int | None = None
) -> tuple[list[Match], MatchResult]:
    """Ranked open postings for ``person`` (who must be in ``user``'s scope; ``user=None`` is
    the operator)."""
    if user is not None:
        require(user, Cap.READ, person.region_id)
    params = match_params(on=on)
    result = match(
        persons_table(Person.objects.filter(pk=person.pk), on=on),
        vacancies_table(),
        params=params,
        on=on,
        top=top,
    )
    return result.matches(0), result


def candidates_for_posting(
    *,
    user: User | None,
    posting: JobPosting,
    on: date,
    top: int | None = None,
    persons: QuerySet[Person] | None = None,
) -> tuple[list[Match], MatchResult]:
    """Ranked candidates for ``posting`` among ``persons`` (default: the people to help),
    always limited to ``user``'s scope (``user=None`` is the operator: everyone)."""
    if user is not None:
        require(user, Cap.READ)
    params = match_params(on=on)
    qs = people_to_help(on=on) if persons is None else persons
    result = match(
        persons_table(scoped(qs, user) if user is not None else qs, on=on),
        vacancies_table(JobPosting.objects.filter(pk=posting.pk)),
        params=params,
        on=on,
        top=top,
        direction="vacancy",
    )
    return (result.matches(0) if len(result.vacancies.frame) else []), result


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------
def _phone(person: Person) -> str:
    if person.phone:
        return person.phone
    reg = (
        UnemploymentRegistration.objects.filter(person_id=person.id_number)
        .exclude(phone="")
        .order_by("-registered_on")
        .first()
    )
    return reg.phone if reg else ""


def _send(push: Push, person: Person, posting: JobPosting, actor: User) -> str:
    """Send an SMS or WeChat push through ``wenjiuye.notify``; the delivery's id, or ``""`` for
    the channels done by hand (phone call, notice), which are recorded only."""
    if push.channel not in (Push.Channel.SMS, Push.Channel.WECHAT):
        return ""
    phone = _phone(person)
    if not phone:
        raise ValidationError({"channel": _("该人员没有手机号,无法推送短信或微信")})
    where = posting.city or posting.region_code
    body = _("%(employer)s 招聘 %(title)s %(n)s 人(%(where)s),详询当地公共就业服务机构。") % {
        "employer": posting.employer_name,
        "title": posting.title,
        "n": posting.openings,
        "where": where,
    }
    delivery = send(
        channel=push.channel,
        to=phone,
        subject=_("岗位推荐:%(title)s") % {"title": posting.title},
        body=body,
        actor=actor,
        ref=push,
    )
    return str(delivery.pk)


def push_create(
    *,
    actor: User,
    person: Person,
    posting_id: str,
    channel: str,
    note: str = "",
    score: float | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> Push:
    """Record a push of ``posting_id`` to ``person`` and send it (SMS through notify)."""
    require(actor, Cap.CASE_WORK, person.region_id)
    if channel not in Push.Channel.values:
        raise ValidationError({"channel": _("不支持的推送方式:%(c)s") % {"c": channel}})
    posting = JobPosting.objects.filter(posting_id=posting_id).first()
    if posting is None:
        raise ValidationError({"posting_id": _("岗位不存在:%(p)s") % {"p": posting_id}})
    with transaction.atomic():
        push = Push.objects.create(
            person=person,
            region_code=person.region_id or "",
            posting_id=posting.posting_id,
            title=posting.title[:200],
            employer_name=posting.employer_name[:200],
            channel=channel,
            by=actor,
            note=note,
            score=score,
            reasons=reasons or [],
        )
        # saved before it is sent: the delivery refers to it
        push.delivery_id = _send(push, person, posting, actor)[:64]
        save_audited(
            actor=actor,
            obj=push,
            before=None,
            fields=["posting_id", "channel", "delivery_id", "note"],
            region_code=push.region_code,
        )
    return push


def push_respond(*, actor: User, push: Push, response: str, note: str = "") -> Push:
    """Record the person's response to a push; a hire moves their assistance case to employed."""
    require(actor, Cap.CASE_WORK, push.region_code or None)
    if response not in Push.Response.values or response == Push.Response.PENDING:
        raise ValidationError({"response": _("无效的回复:%(r)s") % {"r": response}})
    with transaction.atomic():
        fields = ["response", "responded_at", "note"]
        before = snapshot(push, fields)
        push.response = response
        push.responded_at = timezone.now()
        if note:
            push.note = f"{push.note}\n{note}".strip() if push.note else note
        save_audited(
            actor=actor,
            obj=push,
            before=before,
            fields=fields,
            region_code=push.region_code,
        )
        if response == Push.Response.HIRED:
            _hired_on_ledger(actor, push)
    return push


def _hired_on_ledger(actor: User, push: Push) -> None:
    """A hire through a push moves the person's assistance case to employed (U1, U5), which
    schedules the 1- and 3-month follow-ups; a case already past helping is left as it is."""
    case = Case.objects.filter(person=push.person).first()
    if case is None or Status.EMPLOYED not in TRANSITIONS[case.status]:
        return
    case_set_status(
        case=case,
        status=Status.EMPLOYED,
        actor=actor,
        note=_("经岗位推送录用(推送 %(pk)s)") % {"pk": push.pk},
        employer=push.employer_name,
        job=push.title,
    )


def preference_set(*, actor: User, person: Person, accepts_migration: bool) -> Preference:
    require(actor, Cap.CASE_WORK, person.region_id)
    with transaction.atomic():
        pref, _created = Preference.objects.get_or_create(person=person)
        before = snapshot(pref, ["accepts_migration"])
        pref.accepts_migration = accepts_migration
        pref.updated_by = actor
        save_audited(
            actor=actor,
            obj=pref,
            before=before,
            fields=["accepts_migration"],
            region_code=person.region_id or "",
            record_unchanged=True,  # setting a preference again is itself on the record
        )
    return pref


def pushes_for(*, user: User, person: Person | None = None) -> QuerySet[Push]:
    qs = scoped(Push.objects.select_related("person", "by"), user, field="region_code")
    return qs.filter(person=person) if person is not None else qs
