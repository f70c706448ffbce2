"""``wenjiuye policy list|set``: read and change the versioned policy parameters.

- ``policy list [--on YYYY-MM-DD] [--key PREFIX] [--json]`` — the versions (in force on a day);
- ``policy set KEY VALUE --from YYYY-MM-DD --user USERNAME [--note TEXT] [--json]`` — open a new
  version from a day (the version in force is closed the day before); checked and audited by
  :func:`wenjiuye.core.policy.policy_set`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from wenjiuye.core.errors import PolicyNotInForce
from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.core.models import PolicyParameter, User
from wenjiuye.core.policy import policy_get, policy_list, policy_set


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("日期“%(value)s”格式应为 YYYY-MM-DD") % {"value": value}, returncode=2
        ) from exc


def version_dict(version: PolicyParameter) -> dict[str, Any]:
    return {
        "key": version.key,
        "label": version.label,
        "value": version.value,
        "unit": version.unit,
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else None,
        "clause": version.clause,
        "source": version.source,
        "source_text": version.source_text,
    }


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


class Command(JsonCommand):
    help = "查看和修改政策参数"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="列出政策参数的各个版本")
        listing.add_argument(
            "--on", default=None, metavar="YYYY-MM-DD", help="只列在该日生效的版本"
        )
        listing.add_argument("--key", default="", metavar="PREFIX", help="只列参数键以此开头的参数")
        add_json_switch(listing)
        setting = actions.add_parser("set", help="自某日起启用参数的新取值(原版本在前一日截止)")
        setting.add_argument("key", metavar="KEY")
        setting.add_argument(
            "value", metavar="VALUE", help="JSON 取值:数字如 380,列表如 '[\"绍兴市\"]'"
        )
        setting.add_argument("--from", dest="effective_from", required=True, metavar="YYYY-MM-DD")
        setting.add_argument(
            "--user", required=True, metavar="USERNAME", help="有修改政策参数权限的账号"
        )
        setting.add_argument("--note", default="", help="修改说明(记入审计日志)")
        add_json_switch(setting)

    def run(self, **options: Any) -> Any:
        if options["action"] == "list":
            on = parse_day(options["on"]) if options["on"] else None
            versions = policy_list(on=on)
            if options["key"]:
                versions = versions.filter(key__startswith=options["key"])
            return [version_dict(v) for v in versions]
        return self.set(**options)

    def set(self, **options: Any) -> dict[str, Any]:
        key = options["key"]
        day = parse_day(options["effective_from"])
        try:
            actor = User.objects.get(username=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(
                _("用户“%(name)s”不存在") % {"name": options["user"]}, returncode=2
            ) from exc
        try:
            value = json.loads(options["value"])
        except json.JSONDecodeError as exc:
            raise CommandError(
                _('取值“%(value)s”不是合法的 JSON(数字直接写,如 380;列表如 ["绍兴市"])')
                % {"value": options["value"]},
                returncode=2,
            ) from exc
        try:
            current = policy_get(key, on=day)
            if _kind(value) != _kind(current.value):
                raise CommandError(
                    _("取值类型应与现行版本一致(现行取值为 %(current)s)")
                    % {"current": json.dumps(current.value, ensure_ascii=False)},
                    returncode=2,
                )
            version = policy_set(
                actor=actor, key=key, value=value, effective_from=day, note=options["note"]
            )
        except PolicyNotInForce as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages), returncode=2) from exc
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        return version_dict(version)

    def render(self, result: Any, **options: Any) -> None:
        rows = result if isinstance(result, list) else [result]
        if options["action"] == "set":
            self.stdout.write(_("已设置:"))
        for row in rows:
            value = json.dumps(row["value"], ensure_ascii=False)
            end = row["effective_to"] or "…"
            self.stdout.write(
                f"{row['key']} = {value} {row['unit']}  [{row['effective_from']} ~ {end}]  {row['label']}({row['clause']})"
            )
        if not rows:
            self.stdout.write(_("没有符合条件的政策参数"))
