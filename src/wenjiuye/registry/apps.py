from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "wenjiuye.registry"
    label = "registry"
    verbose_name = _("登记库")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.core.data.gbt4754 import industry_name  # noqa: PLC0415

        # Enterprise.industry holds GB/T 4754-2017 codes: "炼钢(3120)"
        labels.register("industry", industry_name)
