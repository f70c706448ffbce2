from __future__ import annotations

from typing import Any

from django import forms

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
            self.add_error("reason", "销号须填写原因")
        return data
