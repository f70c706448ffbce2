from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, Unit, User
from wenjiuye.core.selectors import regions_in_scope
from wenjiuye.notify.channels import robot_url_problem
from wenjiuye.notify.models import WebhookTarget


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    platform = forms.ChoiceField(label=_("平台"), choices=WebhookTarget.Platform.choices)
    url = forms.CharField(label=_("Webhook 地址"), max_length=500)
    secret = forms.CharField(
        label=_("加签密钥(钉钉)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    markdown = forms.BooleanField(label=_("以 Markdown 发送(企业微信)"), required=False)
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("所属区划"), required=False
    )
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.all(), label=_("所属单位"), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user).filter(  # type: ignore[attr-defined]
            level__in=["city", "county", "zone"]
        )

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        problem = robot_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class TargetForm(forms.Form):
    target = forms.IntegerField(min_value=1)
