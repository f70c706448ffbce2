"""Template filters of the benefit pages: ``{{ amount|yuan }}`` → "12,240 元",
``{{ "202209"|month }}`` → "2022-09"."""

from __future__ import annotations

from typing import Any

from django import template

from wenjiuye.assistance.payments import month_text
from wenjiuye.assistance.payments import yuan as yuan_text

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return yuan_text(value)


@register.filter
def month(period: Any) -> str:
    text = str(period or "")
    return month_text(text) if len(text) == 6 and text.isdigit() else (text or "—")
