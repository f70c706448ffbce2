from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def message_kind_name(code: Any) -> Any:
    """A message's kind (``selectors.message_kind``) by name: the type of the record it is about
    (a deadline's reminder or escalation, a job push, a robot's test), or "其他消息"."""
    from wenjiuye.core import labels  # noqa: PLC0415
    from wenjiuye.notify.selectors import OTHER  # noqa: PLC0415

    if code == OTHER:
        return _("其他消息")
    return labels.object_type_name(code)


class NotifyConfig(AppConfig):
    name = "wenjiuye.notify"
    label = "notify"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from wenjiuye.core import labels  # noqa: PLC0415

        labels.register("notification_kind", message_kind_name)
