"""Commands that span the capability apps (``quickstart``, ``calc``, ``demo``).

They sit above every capability app (listed after them in ``INSTALLED_APPS``), so that
``wenjiuye.core`` never imports upwards.
"""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "wenjiuye.ops"
    label = "ops"
