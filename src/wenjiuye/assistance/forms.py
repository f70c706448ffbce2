"""Forms of the assistance pages. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.assistance.benefit_basis import FIELDS, NOT_ENGINE, Basis
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
    """A benefit decision's facts as the officer sets them; the page fills it with what the data
    says (:meth:`initial_from`), so that only what the officer changes is a correction."""

    on = forms.DateField(label=_("核定日期"))
    contribution_months = forms.IntegerField(label=FIELDS["contribution_months"], min_value=0)
    separation_date = forms.DateField(label=FIELDS["separation_date"])
    separation_reason = forms.ChoiceField(
        label=FIELDS["separation_reason"], choices=list(SEPARATION_REASONS.items())
    )
    registered = forms.BooleanField(label=FIELDS["registered"], required=False, initial=True)
    seeking_work = forms.BooleanField(label=FIELDS["seeking_work"], required=False, initial=True)
    ui_months_drawn = forms.IntegerField(label=FIELDS["ui_months_drawn"], min_value=0, initial=0)
    ui_expired = forms.BooleanField(label=FIELDS["ui_expired"], required=False)
    ui_expired_on = forms.DateField(label=FIELDS["ui_expired_on"], required=False)
    prior_unclaimed_months = forms.IntegerField(
        label=FIELDS["prior_unclaimed_months"], min_value=0, initial=0
    )
    migrant_worker = forms.BooleanField(label=FIELDS["migrant_worker"], required=False)
    contribution_months_province = forms.IntegerField(
        label=FIELDS["contribution_months_province"],
        min_value=0,
        required=False,
        help_text=_("不填则按累计缴费月数计"),
    )
    reemployed_on = forms.DateField(
        label=FIELDS["reemployed_on"],
        required=False,
        help_text=_("重新就业后停发(当月可发可不发);不填为仍在失业"),
    )
    reason = forms.CharField(
        label=_("更正理由(与数据所示不同之处须说明依据,记入审计)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @staticmethod
    def initial_from(basis: Basis) -> dict[str, Any]:
        """The form's values from what the data says (a fact it lacks is left empty)."""
        return {k: v for k, v in basis.values.items() if v is not None}

    def input_data(self) -> dict[str, Any]:
        """The engine's input (``reason`` and ``reemployed_on`` are the decision's own)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in NOT_ENGINE | {"reason"}}
        return {k: v for k, v in data.items() if v is not None}


class BudgetForm(forms.Form):
    county = RegionField(
        label=_("县(市、区)"),
        queryset=Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]),
        to_field_name="code",
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算(元)"), min_value=0, max_digits=14, decimal_places=2)
