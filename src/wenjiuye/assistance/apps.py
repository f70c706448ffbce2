from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "wenjiuye.assistance"
    label = "assistance"
    verbose_name = _("失业人员帮扶")
