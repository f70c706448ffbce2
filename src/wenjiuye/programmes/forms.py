"""Forms of the programme pages. They parse input only; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, User
from wenjiuye.core.selectors import regions_in_scope
from wenjiuye.programmes.models import (
    Certificate,
    Course,
    JobFair,
    Pair,
    PublicWelfarePosition,
    SpotCheck,
)


class DateInput(forms.DateInput):
    input_type = "date"


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


class RegionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A region chosen by its name, never its code."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ScopedRegionForm(forms.Form):
    """A form with a ``region`` choice limited to the user's scope."""

    region = RegionField(label=_("所属区划"), queryset=Region.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = regions_in_scope(user).exclude(level="province")


class CourseForm(ScopedRegionForm):
    title = forms.CharField(label=_("课程名称"), max_length=200)
    kind = forms.ChoiceField(label=_("培训类型"), choices=Course.Kind.choices)
    subtype = forms.ChoiceField(label=_("技能方向"), choices=Course.Subtype.choices, required=False)
    provider = forms.CharField(label=_("培训机构"), max_length=200)
    starts_on = _date(_("开班日期"))
    ends_on = _date(_("结业日期"))
    hours = forms.IntegerField(label=_("课时"), min_value=1)
    capacity = forms.IntegerField(label=_("招生人数"), min_value=1)


class PersonForm(forms.Form):
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18)


class EnrolForm(PersonForm):
    enrolled_on = _date(_("报名日期"))


class RollCallForm(forms.Form):
    day = _date(_("点名日期"))


class CompleteForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    on = _date(_("结业确认日期"))


class CertificateForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label=_("证书编号"), max_length=64)
    kind = forms.ChoiceField(label=_("证书类型"), choices=Certificate.Kind.choices)
    issued_on = _date(_("发证日期"))


class DropForm(forms.Form):
    enrolment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("退出原因"), max_length=200)


class FairForm(ScopedRegionForm):
    title = forms.CharField(label=_("名称"), max_length=200)
    held_on = _date(_("举办日期"))
    venue = forms.CharField(label=_("地点"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=JobFair.Kind.choices)
    layoff_report_id = forms.IntegerField(label=_("关联裁员报告编号"), required=False, min_value=1)


class FairEmployerForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    booth = forms.CharField(label=_("展位"), max_length=32, required=False)
    vacancies = forms.IntegerField(label=_("提供岗位数"), min_value=0, initial=0)


class FairVacancyForm(forms.Form):
    employer = forms.IntegerField(label=_("参会企业编号"))
    title = forms.CharField(label=_("岗位名称"), max_length=200)
    openings = forms.IntegerField(label=_("招聘人数"), min_value=1)
    posting_id = forms.CharField(label=_("岗位编号(可选)"), max_length=64, required=False)


class FairHireForm(PersonForm):
    employer = forms.IntegerField(label=_("参会企业编号"))
    vacancy = forms.IntegerField(label=_("岗位编号(可选)"), required=False)
    hired_on = _date(_("录用日期"))


class PositionForm(ScopedRegionForm):
    title = forms.CharField(label=_("岗位名称"), max_length=200)
    area = forms.ChoiceField(label=_("类别"), choices=PublicWelfarePosition.Area.choices)
    unit = forms.CharField(label=_("用人单位"), max_length=200)
    count = forms.IntegerField(label=_("岗位数"), min_value=1)
    opened_on = _date(_("开发日期"))


class PlacementForm(PersonForm):
    starts_on = _date(_("上岗日期"))


class ExitForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    exited_on = _date(_("退出日期"))
    reason = forms.CharField(label=_("退出原因"), max_length=200)


class CheckForm(forms.Form):
    placement = forms.IntegerField(widget=forms.HiddenInput)
    checked_on = _date(_("检查日期"))
    method = forms.ChoiceField(label=_("方式"), choices=SpotCheck.Method.choices)
    result = forms.ChoiceField(label=_("结论"), choices=SpotCheck.Result.choices)
    finding = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 2}))


class PairForm(ScopedRegionForm):
    helper_kind = forms.ChoiceField(label=_("帮扶方类型"), choices=Pair.HelperKind.choices)
    helper_uscc = forms.CharField(
        label=_("帮扶企业统一社会信用代码"), max_length=18, required=False
    )
    helper_name = forms.CharField(label=_("帮扶单位"), max_length=200, required=False)
    helper_contact = forms.CharField(label=_("帮扶责任人"), max_length=100, required=False)
    mode = forms.ChoiceField(label=_("结对方式"), choices=Pair.Mode.choices)
    id_numbers = forms.CharField(
        label=_("帮扶对象公民身份号码(每行一个)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = _date(_("结对日期"))
    ends_on = _date(_("结束日期"), required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_id_numbers(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["id_numbers"].splitlines() if line.strip()
        ]


class PairEndForm(forms.Form):
    ends_on = _date(_("结束日期"))
    note = forms.CharField(label=_("说明"), required=False)
