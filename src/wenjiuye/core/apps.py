from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wenjiuye.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from wenjiuye.core import auth_events  # noqa: F401, PLC0415 (connects the auth receivers)
