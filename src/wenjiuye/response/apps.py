from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "wenjiuye.response"
    label = "response"
    verbose_name = _("应急处置")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.response.entitlements import ART42_LABELS  # noqa: PLC0415
        from wenjiuye.response.models import LayoffReport, Visit  # noqa: PLC0415

        labels.register("art42", ART42_LABELS)
        labels.register("layoff_status", dict(LayoffReport.Status.choices))
        labels.register("layoff_situation", dict(LayoffReport.Situation.choices))
        labels.register("visit", dict(Visit.PolicyBriefed.choices) | dict(Visit.Measure.choices))
