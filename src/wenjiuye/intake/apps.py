from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "wenjiuye.intake"
    label = "intake"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.intake.contract import KINDS  # noqa: PLC0415

        labels.register("data_kind", {name: kind.zh for name, kind in KINDS.items()})
