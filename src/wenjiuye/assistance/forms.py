"""Forms of the assistance pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.assistance.benefits import SEPARATION_REASONS
from wenjiuye.assistance.models import Contact, Education, Status
from wenjiuye.assistance.selectors import townships
from wenjiuye.core.models import Region, RegionLevel


class RegionField(forms.ModelChoiceField):
    """A region by its name (the option's value is its code)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RegisterForm(forms.Form):
    """Online unemployment registration: only what the rules need (U5, E6), and the applicant's
    consent to the personal-information notice shown above it (PIPL arts. 14, 17, 29)."""

    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("公民身份号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
        ),
    )
    county = RegionField(
        label=_("常住地县(市、区)"),
        queryset=Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]),
        to_field_name="code",
        empty_label=_("请选择县(市、区)"),
    )
    street = RegionField(
        label=_("常住地乡镇(街道)"),
        queryset=Region.objects.none(),  # the chosen county's townships (``__init__``)
        to_field_name="code",
        required=False,  # a county without townships in the reference data is its own grid
        error_messages={"invalid_choice": _("请选择所选县(市、区)内的乡镇(街道)")},
    )
    education = forms.ChoiceField(
        label=_("学历"), choices=[("", _("请选择学历")), *Education.choices]
    )
    desired_job = forms.CharField(label=_("求职意向"), max_length=200)
    wants_training = forms.TypedChoiceField(
        label=_("是否愿意参加职业培训"),
        choices=[("1", _("愿意")), ("0", _("暂不"))],
        coerce=lambda v: v == "1",
    )
    consent = forms.BooleanField(
        label=_(
            "我已阅读上方的《个人信息处理告知》,同意按告知的目的、方式和范围处理我的个人信息"
            "(包括敏感个人信息公民身份号码)。"
        ),
        error_messages={"required": _("请阅读个人信息处理告知,勾选同意后再提交")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = (self.data.get("county") if self.is_bound else None) or self.initial.get("county")
        self.county_code = str(code or "")
        street = self.fields["street"]
        assert isinstance(street, forms.ModelChoiceField)
        street.queryset = townships(self.county_code)
        self.has_townships = bool(self.county_code) and street.queryset.exists()
        if not self.county_code:
            street.empty_label = _("请先选择县(市、区)")
        elif self.has_townships:
            street.empty_label = _("请选择乡镇(街道)")
        else:
            street.empty_label = _("本县(市、区)暂无乡镇(街道)名录,可不选")

    def submission(self) -> dict[str, Any]:
        """What the service takes (the consent is the form's own condition)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "consent"}


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
    county = RegionField(
        label=_("县(市、区)"),
        queryset=Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]),
        to_field_name="code",
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算(元)"), min_value=0, max_digits=14, decimal_places=2)
