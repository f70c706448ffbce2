from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "wenjiuye.programmes"
    label = "programmes"
    verbose_name = _("培训、招聘会与公益性岗位")
