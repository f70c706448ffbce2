"""Forms of the assistance pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.assistance.benefits import SEPARATION_REASONS
from wenjiuye.assistance.models import Contact, Education, Status
from wenjiuye.core.models import Region, RegionLevel


class RegisterForm(forms.Form):
    """Online unemployment registration: only what the rules need (U5, E6)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=30)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    county = forms.ModelChoiceField(
        label=_("常住地县(市、区)"),
        queryset=Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]),
        to_field_name="code",
    )
    street = forms.ModelChoiceField(
        label=_("常住地乡镇(街道)"),
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
        to_field_name="code",
        required=False,  # a county without townships in the reference data is its own grid
    )
    education = forms.ChoiceField(label=_("学历"), choices=Education.choices)
    desired_job = forms.CharField(label=_("求职意向"), max_length=200)
    wants_training = forms.TypedChoiceField(
        label=_("是否愿意参加职业培训"),
        choices=[("1", _("愿意")), ("0", _("暂不"))],
        coerce=lambda v: v == "1",
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=Status.choices)
    on = forms.DateField(label=_("日期"), required=False)
    employer = forms.CharField(label=_("就业单位"), max_length=200, required=False)
    job = forms.CharField(label=_("岗位"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("方式"), choices=Contact.Channel.choices)
    purpose = forms.ChoiceField(label=_("目的"), choices=Contact.Purpose.choices)
    note = forms.CharField(label=_("记录"), max_length=1000, required=False)


class BenefitForm(forms.Form):
    on = forms.DateField(label=_("核定日期"))
    contribution_months = forms.IntegerField(label=_("累计缴费月数"), min_value=0)
    contribution_months_province = forms.IntegerField(
        label=_("省内参保月数"), min_value=0, required=False
    )
    separation_date = forms.DateField(label=_("失业日期"))
    separation_reason = forms.ChoiceField(
        label=_("离职原因"), choices=list(SEPARATION_REASONS.items())
    )
    registered = forms.BooleanField(label=_("已办理失业登记"), required=False, initial=True)
    seeking_work = forms.BooleanField(label=_("有求职要求"), required=False, initial=True)
    ui_months_drawn = forms.IntegerField(label=_("已领失业保险金月数"), min_value=0, initial=0)
    ui_expired = forms.BooleanField(label=_("失业保险金已领取期满"), required=False)
    ui_expired_on = forms.DateField(label=_("期满日期"), required=False)
    migrant_worker = forms.BooleanField(label=_("农民工"), required=False)

    def input_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if v is not None}


class BudgetForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("县(市、区)"),
        queryset=Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]),
        to_field_name="code",
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算(元)"), min_value=0, max_digits=14, decimal_places=2)
