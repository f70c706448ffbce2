from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import User
from wenjiuye.registry.models import Enterprise
from wenjiuye.registry.selectors import enterprise_list
from wenjiuye.response.models import LayoffReport, Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EnterpriseField(forms.CharField):
    """An enterprise in the user's scope, typed as its USCC."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("企业统一社会信用代码"))
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)
        self.user: User | None = None

    def clean(self, value: Any) -> Enterprise:  # type: ignore[override]
        text = str(super().clean(value)).strip().upper()
        assert self.user is not None
        enterprise = enterprise_list(user=self.user).filter(uscc=text).first()
        if enterprise is None:
            raise forms.ValidationError(_("企业不存在或不在您的管辖范围内"))
        return enterprise


class LayoffReportForm(forms.ModelForm):
    enterprise_uscc = EnterpriseField()

    class Meta:
        model = LayoffReport
        fields = [
            "total_employees",
            "planned_layoffs",
            "situation",
            "influential",
            "explained_on",
            "reported_on",
            "planned_implementation_on",
            "union_opinion",
            "local_average_wage",
        ]
        widgets = {
            "explained_on": DATE,
            "reported_on": DATE,
            "planned_implementation_on": DATE,
            "union_opinion": forms.Textarea(attrs={"rows": 3}),
            "situation": forms.RadioSelect,
        }

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise_uscc"]
        assert isinstance(field, EnterpriseField)
        field.user = user
        if editing:
            del self.fields["enterprise_uscc"]


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("被裁减人员名单(CSV 或 XLSX)"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("submit", "submit"),
            ("review", "review"),
            ("implement", "implement"),
            ("close", "close"),
        ]
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    implemented_on = forms.DateField(label=_("实际实施日期"), required=False, widget=DATE)


class SeveranceForm(forms.Form):
    start = forms.DateField(label=_("入职日期"), widget=DATE)
    end = forms.DateField(label=_("解除劳动合同日期"), widget=DATE)
    monthly_wage = forms.DecimalField(
        label=_("前十二个月平均工资(元/月)"), min_value=0, max_digits=12
    )
    local_average_wage = forms.DecimalField(
        label=_("当地上年度职工月平均工资(元)"), min_value=0.01, max_digits=12
    )
    minimum_wage = forms.DecimalField(
        label=_("当地月最低工资标准(元,选填)"),
        min_value=0,
        max_digits=12,
        required=False,
        help_text=_("前十二个月平均工资低于最低工资标准的,按最低工资标准计算(实施条例第二十七条)"),
    )


class LayoffCheckForm(forms.Form):
    employees = forms.IntegerField(label=_("职工总数"), min_value=1)
    layoffs = forms.IntegerField(label=_("拟裁减人数"), min_value=0)
    influential = forms.BooleanField(label=_("区域、行业中具有较大影响力"), required=False)
    on = forms.DateField(label=_("判定日期"), required=False, widget=DATE)


class VisitForm(forms.ModelForm):
    enterprise_uscc = EnterpriseField()
    policies_briefed = forms.MultipleChoiceField(
        label=_("宣讲政策"),
        choices=Visit.PolicyBriefed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.MultipleChoiceField(
        label=_("商定的稳岗措施"),
        choices=Visit.Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "visitors",
            "difficulties",
            "policies_briefed",
            "measures",
            "handbook_given",
            "outcome",
            "next_visit_on",
        ]
        widgets = {
            "visited_on": DATE,
            "next_visit_on": DATE,
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise_uscc"]
        assert isinstance(field, EnterpriseField)
        field.user = user
