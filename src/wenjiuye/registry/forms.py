from __future__ import annotations

from typing import Any

from django import forms

from wenjiuye.core.models import User
from wenjiuye.core.selectors import regions_in_scope
from wenjiuye.registry.models import Enterprise


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "region", "industry", "employees", "export_oriented", "influential"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ModelChoiceField)
        region_field.queryset = regions_in_scope(user).exclude(level__in=["province", "city"])
