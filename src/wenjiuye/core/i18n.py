"""gettext for the pure libraries (the demo generator, the matching engine) that also run
without Django settings: the message is translated when settings are configured and returned
as written otherwise (it is already Simplified Chinese)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as django_gettext


def gettext(message: str) -> str:
    if not settings.configured:
        return message
    return django_gettext(message)
