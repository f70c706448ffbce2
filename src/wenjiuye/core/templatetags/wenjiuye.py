"""Template filters: personal identifiers are shown masked (unmasking goes through an audited view)."""

from __future__ import annotations

from typing import Any

from django import template

from wenjiuye.core.identifiers import mask_id

register = template.Library()


@register.filter
def subject_display(entry: Any) -> str:
    """The subject of a ledger entry or flag, with a person's ID number masked."""
    if getattr(entry, "subject_type", "") == "person":
        return mask_id(entry.subject_id)
    return str(entry.subject_id)
