"""Computations of the programmes, each with its reasons and the policy versions it used.

- training completion: present days ÷ roll-call days of the course ≥
  ``programmes.training.completion_min_attendance`` (at the course's end date);
- training claims: the course's subsidy standard per completer (with a certificate when
  ``programmes.training.subsidy_requires_certificate`` is 1) and the living allowance per
  present day for completers;
- public-welfare placements: subsidy months are whole months on post up to the term;
  a placement still on post after its term is flagged;
- job-fair summary: employers, vacancies, attendees, hires and hire rate.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from wenjiuye.core.periods import add_months
from wenjiuye.core.policy import policy_cite, policy_get
from wenjiuye.programmes.models import (
    Attendance,
    Course,
    Enrolment,
    FairAttendee,
    FairEmployer,
    FairHire,
    FairVacancy,
    JobFair,
    Placement,
)

COMPLETION_KEY = "programmes.training.completion_min_attendance"
CERTIFICATE_KEY = "programmes.training.subsidy_requires_certificate"
CENT = Decimal("0.01")


def term_end(starts_on: date, term_months: int) -> date:
    """The last day of a term of ``term_months`` from ``starts_on``: the day before the same
    day ``term_months`` later (15 Jan + 12 → 14 Jan), or that month's last day when it has no
    such day (31 Jan + 1 → 28 Feb)."""
    index = starts_on.month - 1 + term_months
    year, month = starts_on.year + index // 12, index % 12 + 1
    if starts_on.day > calendar.monthrange(year, month)[1]:
        return date(year, month, calendar.monthrange(year, month)[1])
    return add_months(starts_on, term_months) - timedelta(days=1)


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


# --- Training ---------------------------------------------------------------------------


def course_session_days(course: Course) -> list[date]:
    """The roll-call days of the course: every day attendance was taken for anyone."""
    days = (
        Attendance.objects.filter(enrolment__course=course)
        .values_list("day", flat=True)
        .distinct()
        .order_by("day")
    )
    return list(days)


@dataclass
class Completion:
    met: bool
    present: int
    sessions: int
    ratio: Decimal | None
    threshold: Decimal
    reasons: list[str] = field(default_factory=list)
    policy: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "met": self.met,
            "present": self.present,
            "sessions": self.sessions,
            "ratio": None if self.ratio is None else str(self.ratio),
            "threshold": str(self.threshold),
            "reasons": self.reasons,
            "policy": self.policy,
        }


def completion_check(enrolment: Enrolment) -> Completion:
    """Whether ``enrolment`` meets the attendance rule, with reasons and the rule cited."""
    course = enrolment.course
    version = policy_get(COMPLETION_KEY, on=course.ends_on)
    threshold = Decimal(str(version.value))
    sessions = len(course_session_days(course))
    present = Attendance.objects.filter(enrolment=enrolment, present=True).count()
    reasons: list[str] = []
    ratio: Decimal | None = None
    if enrolment.status == Enrolment.Status.DROPPED:
        reasons.append(_("学员已退出培训"))
    if sessions == 0:
        reasons.append(_("本课程尚无考勤记录,无法计算出勤率"))
        met = False
    else:
        ratio = Decimal(present) / Decimal(sessions)
        met = ratio >= threshold
        rule = _("出勤 %(p)d 天 / 点名 %(s)d 天 = %(r)s,结业要求不低于 %(t)s") % {
            "p": present,
            "s": sessions,
            "r": percent(ratio),
            "t": percent(threshold),
        }
        reasons.append(rule + (_(",达到") if met else _(",未达到")))
    if enrolment.status == Enrolment.Status.DROPPED:
        met = False
    return Completion(
        met=met,
        present=present,
        sessions=sessions,
        ratio=None if ratio is None else ratio.quantize(Decimal("0.0001")),
        threshold=threshold,
        reasons=reasons,
        policy=[policy_cite(version)],
    )


def training_claim(enrolment: Enrolment) -> dict[str, Any]:
    """The training subsidy and living allowance due for ``enrolment``, with the rule shown."""
    course = enrolment.course
    completion = completion_check(enrolment)
    cert_version = policy_get(CERTIFICATE_KEY, on=course.ends_on)
    needs_certificate = bool(cert_version.value)
    has_certificate = hasattr(enrolment, "certificate")
    completed = enrolment.status == Enrolment.Status.COMPLETED
    reasons: list[str] = []
    subsidy = Decimal("0")
    allowance = Decimal("0")
    if not completed:
        reasons.append(_("未结业:培训补贴和生活费补助均不计发"))
    else:
        if needs_certificate and not has_certificate:
            reasons.append(_("已结业但未登记证书:培训补贴暂不计发(政策要求取得证书)"))
        else:
            subsidy = course.subsidy_per_person
            reasons.append(
                _("培训补贴:已结业%(cert)s,按课程标准 %(amount)s 元/人")
                % {
                    "cert": _("并取得证书") if has_certificate else "",
                    "amount": course.subsidy_per_person,
                }
            )
        allowance = (course.living_allowance_per_day * completion.present).quantize(CENT)
        reasons.append(
            _("生活费补助:出勤 %(days)d 天 × %(rate)s 元/天 = %(total)s 元")
            % {
                "days": completion.present,
                "rate": course.living_allowance_per_day,
                "total": allowance,
            }
        )
    return {
        "enrolment": enrolment.pk,
        "completed": completed,
        "completion": completion.as_dict(),
        "has_certificate": has_certificate,
        "subsidy": str(subsidy.quantize(CENT)),
        "living_allowance": str(allowance),
        "total": str((subsidy + allowance).quantize(CENT)),
        "reasons": reasons,
        "policy": [*course.policy, *completion.policy, policy_cite(cert_version)],
    }


# --- Public-welfare jobs ----------------------------------------------------------------


def placement_status(placement: Placement, *, on: date) -> dict[str, Any]:
    """Subsidy months and flags of ``placement`` as of ``on``."""
    last = placement.exited_on or on
    counted_until = min(last, placement.term_ends_on)
    months = 0
    if counted_until >= placement.starts_on:
        while (
            months < placement.position.term_months
            and term_end(placement.starts_on, months + 1) <= counted_until
        ):
            months += 1
    flags: list[str] = []
    on_post = placement.exited_on is None or placement.exited_on > on
    if placement.exited_on is None and on > placement.term_ends_on:
        flags.append(
            _("超期在岗:安置期 %(term)d 个月已于 %(end)s 届满,仍未办理退出")
            % {"term": placement.position.term_months, "end": placement.term_ends_on.isoformat()}
        )
    if placement.exited_on is not None and placement.exited_on > placement.term_ends_on:
        flags.append(
            _("超期退出:退出日期 %(exit)s 晚于期满日期 %(end)s,超期部分不计补贴")
            % {"exit": placement.exited_on.isoformat(), "end": placement.term_ends_on.isoformat()}
        )
    amount = (placement.subsidy_per_month * months).quantize(CENT)
    rule = _(
        "补贴月数按在岗满月计算(不足一个月不计),截至 %(until)s、不超过安置期限 %(term)d 个月:"
        "%(months)d 个月 × %(rate)s 元 = %(amount)s 元"
    ) % {
        "until": counted_until.isoformat(),
        "term": placement.position.term_months,
        "months": months,
        "rate": placement.subsidy_per_month,
        "amount": amount,
    }
    return {
        "placement": placement.pk,
        "on": on.isoformat(),
        "on_post": on_post,
        "subsidy_months": months,
        "subsidy_amount": str(amount),
        "over_term": bool(flags),
        "flags": flags,
        "rule": rule,
        "policy": placement.position.policy,
    }


# --- Job fairs --------------------------------------------------------------------------


def fair_summary(fair: JobFair) -> dict[str, Any]:
    employers = FairEmployer.objects.filter(fair=fair)
    declared = employers.aggregate(n=Sum("vacancies"))["n"] or 0
    listed = FairVacancy.objects.filter(employer__fair=fair).aggregate(n=Sum("openings"))["n"] or 0
    attendees = FairAttendee.objects.filter(fair=fair).count()
    hires = FairHire.objects.filter(fair=fair).count()
    rate = (Decimal(hires) / Decimal(attendees)).quantize(Decimal("0.0001")) if attendees else None
    return {
        "fair": fair.pk,
        "employers": employers.count(),
        "vacancies": declared,
        "vacancy_openings_listed": listed,
        "attendees": attendees,
        "hires": hires,
        "hire_rate": None if rate is None else str(rate),
        "hire_rate_display": "—" if rate is None else percent(rate),
        "rule": _("录用率 = 达成录用人数 ÷ 参会求职者人数"),
    }
