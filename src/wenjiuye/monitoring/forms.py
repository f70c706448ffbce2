from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wenjiuye.core import labels
from wenjiuye.core.models import User
from wenjiuye.monitoring.models import LedgerEntry


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", choices=[c for c in LedgerEntry.Status.choices if c[0] != "open"]
    )
    reason = forms.CharField(
        label="说明(销号必填)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") == LedgerEntry.Status.CLOSED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("销号须填写原因"))
        return data


class UserChoiceField(forms.ModelChoiceField):
    """Users by their display name and unit, never the login name (core.labels "user")."""

    def label_from_instance(self, obj: Any) -> str:
        return labels.label("user", obj.get_username())


class ContactForm(forms.Form):
    contact = UserChoiceField(label="对接联系人", queryset=User.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
