"""``wenjiuye match --person ID | --posting ID [--top 10] [--on DATE] [--json]``.

Ranked open postings for a person (``ID``: the person's record number or resident ID number),
or ranked candidates among the people to help (an unemployment registration open on the day)
for a posting; each with its reasons and the policy versions used. ID numbers are masked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.http import Http404

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.identifiers import mask_id
from wenjiuye.core.management.base import JsonCommand
from wenjiuye.core.periods import today
from wenjiuye.matching.cells import as_day
from wenjiuye.matching.services import (
    candidates_for_posting,
    people_to_help,
    person_for_key,
    posting_get,
    vacancies_for_person,
)
from wenjiuye.registry.models import Person


class Command(JsonCommand):
    help = "人岗匹配:为人员推荐在招岗位,或为岗位推荐人选"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--person", help="人员记录号或公民身份号码")
        which.add_argument("--posting", help="岗位编号")
        parser.add_argument("--top", type=int, default=None, help="条数(默认按政策参数)")
        parser.add_argument("--on", default=None, help="匹配日 YYYY-MM-DD(默认今天)")

    def run(self, **options: Any) -> dict[str, Any]:
        try:
            on = as_day(options["on"]) or today()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD:{options['on']}", returncode=2) from exc
        top = options["top"]
        if top is not None and top < 1:
            raise CommandError("--top 应为正整数", returncode=2)
        try:
            if options["person"]:
                return self._for_person(str(options["person"]), on=on, top=top)
            return self._for_posting(options["posting"], on=on, top=top)
        except PolicyNotInForce as exc:
            raise CommandError(f"人岗匹配的政策参数未加载:{exc}", returncode=2) from exc

    def _for_person(self, key: str, *, on: date, top: int | None) -> dict[str, Any]:
        person = person_for_key(key)
        if person is None:
            raise CommandError(f"人员不存在:{key.strip()}", returncode=2)
        matches, result = vacancies_for_person(user=None, person=person, on=on, top=top)
        profile = result.persons.frame.iloc[0].to_dict()
        return {
            "on": on,
            "person": {
                "person_id": str(person.pk),
                "name": person.name,
                "id_number": mask_id(person.id_number),
                **{k: v for k, v in profile.items() if k != "person_id"},
            },
            "open_postings": len(result.vacancies.frame),
            "matches": [m.as_dict() for m in matches],
            "policy": list(result.params.cites),
        }

    def _for_posting(self, posting_id: str, *, on: date, top: int | None) -> dict[str, Any]:
        try:
            posting = posting_get(user=None, posting_id=posting_id)
        except Http404 as exc:
            raise CommandError(f"岗位不存在:{posting_id}", returncode=2) from exc
        persons = people_to_help(on=on)
        self.stderr.write(f"候选人员 {persons.count()} 人,匹配中…")
        matches, result = candidates_for_posting(
            user=None, posting=posting, on=on, top=top, persons=persons
        )
        names = dict(
            Person.objects.filter(pk__in=[int(m.person_id) for m in matches]).values_list(
                "pk", "name"
            )
        )
        return {
            "on": on,
            "posting": {"posting_id": posting.posting_id, "title": posting.title},
            "open": bool(len(result.vacancies.frame)),
            "candidates": [
                m.as_dict() | {"name": names.get(int(m.person_id), "")} for m in matches
            ],
            "policy": list(result.params.cites),
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
