"""``wenjiuye match --person ID | --posting ID [--top 10] [--on DATE] [--json]``.

Ranked open postings for a person (``ID``: the person's record number or resident ID number),
or ranked candidates among the people to help (an unemployment registration open on the day)
for a posting; each with its reasons and the policy versions used. ID numbers are masked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.management.base import JsonCommand
from wenjiuye.intake.models import JobPosting
from wenjiuye.matching.engine import match
from wenjiuye.matching.services import (
    match_params,
    people_to_help,
    persons_table,
    vacancies_table,
)
from wenjiuye.registry.models import Person


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD:{text}", returncode=2) from exc


class Command(JsonCommand):
    help = "人岗匹配:为人员推荐在招岗位,或为岗位推荐人选"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--person", help="人员记录号或公民身份号码")
        which.add_argument("--posting", help="岗位编号")
        parser.add_argument("--top", type=int, default=None, help="条数(默认按政策参数)")
        parser.add_argument("--on", default=None, help="匹配日 YYYY-MM-DD(默认今天)")

    def run(self, **options: Any) -> dict[str, Any]:
        on = _day(options["on"]) if options["on"] else timezone.localdate()
        top = options["top"]
        if top is not None and top < 1:
            raise CommandError("--top 应为正整数", returncode=2)
        try:
            params = match_params(on=on)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from exc
        if options["person"]:
            key = str(options["person"]).strip()
            qs = Person.objects.filter(id_number=key.upper()) if len(key) == 18 else None
            if qs is None or not qs.exists():
                qs = Person.objects.filter(pk=int(key)) if key.isdigit() else Person.objects.none()
            person = qs.first()
            if person is None:
                raise CommandError(f"人员不存在:{key}", returncode=2)
            result = match(
                persons_table(Person.objects.filter(pk=person.pk), on=on),
                vacancies_table(),
                params=params,
                on=on,
                top=top,
            )
            return {
                "on": on,
                "person": {
                    "person_id": str(person.pk),
                    "name": person.name,
                    "id_number": mask_id(person.id_number),
                    **{
                        k: v
                        for k, v in result.persons.frame.iloc[0].to_dict().items()
                        if k != "person_id"
                    },
                },
                "open_postings": len(result.vacancies.frame),
                "matches": [m.as_dict() for m in result.matches(0)],
                "policy": list(params.cites),
            }
        posting = JobPosting.objects.filter(posting_id=options["posting"]).first()
        if posting is None:
            raise CommandError(f"岗位不存在:{options['posting']}", returncode=2)
        persons = people_to_help(on=on)
        self.stderr.write(f"候选人员 {persons.count()} 人,匹配中…")
        result = match(
            persons_table(persons, on=on),
            vacancies_table(JobPosting.objects.filter(pk=posting.pk)),
            params=params,
            on=on,
            top=top,
            direction="vacancy",
        )
        names = dict(Person.objects.values_list("pk", "name"))
        matches = result.matches(0) if len(result.vacancies.frame) else []
        return {
            "on": on,
            "posting": {"posting_id": posting.posting_id, "title": posting.title},
            "open": bool(len(result.vacancies.frame)),
            "candidates": [
                m.as_dict() | {"name": names.get(int(m.person_id), "")} for m in matches
            ],
            "policy": list(params.cites),
        }

    def render(self, result: Any, **options: Any) -> None:
        w = self.stdout.write
        items = result.get("matches", result.get("candidates", []))
        if "person" in result:
            p = result["person"]
            w(
                f"{p['name']}({p['id_number']})匹配日 {result['on']}:在招岗位 {result['open_postings']} 个"
            )
        else:
            p = result["posting"]
            state = "" if result["open"] else "(该日不在招)"
            w(f"岗位 {p['posting_id']} {p['title']}{state},匹配日 {result['on']}")
        for m in items:
            who = m["posting_id"] if "person" in result else f"{m['name']}({m['person_id']})"
            w(f"{m['rank']:>3}. {who}  分数 {m['score']:.3f}")
            for r in m["reasons"]:
                w(f"       - {r['text']}")
        if not items:
            w("没有符合条件的结果")
