from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, RegionLevel, Unit, User
from wenjiuye.core.selectors import regions_in_scope
from wenjiuye.incidents.models import Demand, Incident
from wenjiuye.registry.models import Enterprise

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RegionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A region chosen by its name, never its code."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class IncidentForm(forms.Form):
    region: forms.ModelChoiceField[Region] = RegionField(
        queryset=Region.objects.none(), label=_("所在县(市、区)")
    )
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DT)
    place = forms.CharField(label=_("地点"), max_length=200)
    cause = forms.ChoiceField(label=_("起因"), choices=Incident.Cause.choices)
    people = forms.IntegerField(label=_("聚集人数"), min_value=1)
    enterprise = forms.CharField(label=_("涉及企业统一社会信用代码"), max_length=18, required=False)
    summary = forms.CharField(label=_("情况概述"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions_in_scope(user).filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]
        )

    def clean_enterprise(self) -> Enterprise | None:
        uscc = (self.cleaned_data.get("enterprise") or "").strip().upper()
        if not uscc:
            return None
        enterprise = Enterprise.objects.filter(uscc=uscc).first()
        if enterprise is None:
            raise forms.ValidationError(_("登记库中没有该统一社会信用代码的企业"))
        return enterprise


class PeopleForm(forms.Form):
    people = forms.IntegerField(label=_("聚集人数"), min_value=1)


class CallForm(forms.Form):
    service = forms.ChoiceField(
        label=_("通知"), choices=[("police", _("公安机关")), ("medical", _("医疗救治"))]
    )


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DemandForm(forms.Form):
    text = forms.CharField(label=_("诉求"), widget=forms.Textarea(attrs={"rows": 2}))
    handling = forms.ChoiceField(label=_("处理方式"), choices=Demand.Handling.choices)
    result = forms.CharField(
        label=_("当场答复内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=Unit.objects.all(), required=False)
    time_limit_days = forms.IntegerField(label=_("法定办理时限(天)"), min_value=1, required=False)


class AnswerForm(forms.Form):
    demand = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    text = forms.CharField(label=_("动态情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    causes = forms.CharField(label=_("事件产生的原因"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("存在的问题"), widget=forms.Textarea(attrs={"rows": 3}))
    lessons = forms.CharField(label=_("经验教训"), widget=forms.Textarea(attrs={"rows": 3}))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Incident.Status.choices)


class DeadlineDoneForm(forms.Form):
    deadline = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("报告说明"), max_length=500, required=False)
