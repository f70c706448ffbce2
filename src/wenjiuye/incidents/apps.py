from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "wenjiuye.incidents"
    label = "incidents"
    verbose_name = _("突发事件")
