from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "wenjiuye.matching"
    label = "matching"
    verbose_name = _("岗位匹配")
