from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "wenjiuye.opinion"
    label = "opinion"
    verbose_name = _("舆情")

    def ready(self) -> None:
        # An incident as the API shows it carries its linked and suggested items (I6).
        from wenjiuye.incidents.selectors import DETAIL_PARTS  # noqa: PLC0415
        from wenjiuye.opinion.selectors import incident_detail_part  # noqa: PLC0415

        if incident_detail_part not in DETAIL_PARTS:
            DETAIL_PARTS.append(incident_detail_part)

        from wenjiuye.core import labels  # noqa: PLC0415
        from wenjiuye.opinion.models import Category, OpinionItem  # noqa: PLC0415

        labels.register("opinion_category", dict(Category.choices))
        labels.register("opinion_source", dict(OpinionItem.Source.choices))
        labels.register("opinion_status", dict(OpinionItem.Status.choices))
