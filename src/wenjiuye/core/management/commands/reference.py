"""``wenjiuye reference load [--city DIR] [--policy FILE ...] [--user USERNAME] [--json]``.

Loads a city's regions (and its townships.csv, when the folder has one), organisation and the
policy parameter files, all or nothing.
Defaults: the packaged Pingdingshan folder and every packaged policy file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from wenjiuye.core.management.base import JsonCommand, add_json_switch
from wenjiuye.core.models import User
from wenjiuye.core.reference import (
    KIND_LABELS,
    PACKAGED_CITY_DIR,
    packaged_policy_files,
    reference_load,
)
from wenjiuye.core.reference_files import ReferenceDataError


def actor_from(username: str | None) -> User | None:
    """The user named on the command line (for the audit trail), or None for the system."""
    if not username:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise CommandError(_("用户“%(name)s”不存在") % {"name": username}, returncode=2) from exc


def render_counts(command: JsonCommand, result: dict[str, dict[str, int]]) -> None:
    for kind, numbers in result.items():
        label = KIND_LABELS.get(kind, kind)
        command.stdout.write(
            _("%(label)s:新增 %(created)d,修改 %(updated)d,未变 %(unchanged)d")
            % {"label": label, **numbers}
        )


class Command(JsonCommand):
    help = "加载城市参考数据(区划、组织机构)和政策参数"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help="加载区划、组织机构和政策参数(全部成功或全部不改)")
        load.add_argument(
            "--city",
            type=Path,
            default=PACKAGED_CITY_DIR,
            help="城市参考数据目录(含 regions.csv、organisation.json,可选 townships.csv)",
        )
        load.add_argument(
            "--policy",
            type=Path,
            nargs="+",
            action="extend",
            default=None,
            metavar="FILE",
            help="政策参数文件(可多个);默认加载全部内置政策参数文件",
        )
        load.add_argument("--user", default=None, help="记入审计日志的操作人账号(默认 system)")
        add_json_switch(load)

    def run(self, **options: Any) -> Any:
        actor = actor_from(options.get("user"))
        policy_files = (
            options["policy"] if options["policy"] is not None else packaged_policy_files()
        )
        try:
            return reference_load(city_dir=options["city"], policy_files=policy_files, actor=actor)
        except (ReferenceDataError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def render(self, result: Any, **options: Any) -> None:
        render_counts(self, result)
