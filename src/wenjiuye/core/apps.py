from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """``migrate`` creates the database cache table too (settings.CACHES: the rate limits every
    process of the site shares); nothing happens when it exists or the cache is Redis."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "wenjiuye.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from wenjiuye.core import (
            auth_events,  # noqa: F401, PLC0415 (connects the auth receivers)
            labels,  # noqa: PLC0415
        )
        from wenjiuye.core.demo_users import demo_password_check  # noqa: PLC0415
        from wenjiuye.core.history import register_field  # noqa: PLC0415

        labels.install()
        register_field("core.policyparameter", "key", "policy")  # a parameter by its name

        checks.register(demo_password_check)
        post_migrate.connect(create_cache_table, sender=self)
