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
        from wenjiuye.monitoring.selectors import (  # noqa: PLC0415
            period_name,
            reason_name,
            region_within,
        )
        from wenjiuye.monitoring.warning_levels import CODE_NAMES_ZH  # noqa: PLC0415

        labels.register("reason", CODE_NAMES_ZH)
        labels.register("reason", reason_name)  # the ledgers' other reasons (selectors)
        labels.register("period", period_name)  # "202203" → "2022年03月"
        labels.register("region", region_within)  # a monitoring point's village: its county
        levels = {n: f"{roman}({colour})" for n, (roman, colour, _css) in LEVEL_NAMES.items()}
        labels.register("level", {**levels, **{str(n): name for n, name in levels.items()}})
        register_field("monitoring.ledgerentry", "reasons", "reason")
        register_field("monitoring.ledgerentry", "level", "level")
