from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "wenjiuye.monitoring"
    label = "monitoring"
    verbose_name = _("监测预警")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.core.history import register_field  # noqa: PLC0415
        from wenjiuye.monitoring.params import LEVEL_NAMES  # noqa: PLC0415
        from wenjiuye.monitoring.warning_levels import CODE_NAMES_ZH  # noqa: PLC0415

        labels.register("reason", CODE_NAMES_ZH)
        labels.register(
            "level", {n: f"{roman}({colour})" for n, (roman, colour, _css) in LEVEL_NAMES.items()}
        )
        register_field("monitoring.ledgerentry", "reasons", "reason")
        register_field("monitoring.ledgerentry", "level", "level")
