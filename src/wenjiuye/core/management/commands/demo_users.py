"""``wenjiuye demo_users [--disable] [--json]``: the demo accounts that still have the public demo
password, and (``--disable``) make it unusable on them.

Production refuses to start while any has it (system check ``wenjiuye.E001``), so this command
runs without the system checks. Afterwards an administrator gives an account a new password with
``wenjiuye changepassword <用户名>``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from wenjiuye.core.demo_users import demo_password_users, demo_users_disable
from wenjiuye.core.management.base import JsonCommand


class Command(JsonCommand):
    help = "列出仍使用公开演示密码的演示账号;--disable 停用这些账号的演示密码"
    requires_system_checks: list[str] = []  # must run while wenjiuye.E001 refuses everything else

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--disable", action="store_true", help="停用这些账号的演示密码(账号与记录保留)"
        )

    def run(self, **options: Any) -> dict[str, Any]:
        if options["disable"]:
            return {"disabled": demo_users_disable(), "demo_password": demo_password_users()}
        return {"disabled": [], "demo_password": demo_password_users()}

    def render(self, result: dict[str, Any], **options: Any) -> None:
        if result["disabled"]:
            self.stdout.write("已停用演示密码:" + ", ".join(result["disabled"]))
        if result["demo_password"]:
            self.stdout.write("仍使用演示密码的账号:" + ", ".join(result["demo_password"]))
            self.stdout.write("停用:wenjiuye demo_users --disable")
        elif not result["disabled"]:
            self.stdout.write("没有账号使用演示密码")
