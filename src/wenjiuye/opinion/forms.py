from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region, User
from wenjiuye.core.selectors import regions_in_scope
from wenjiuye.incidents.models import Incident
from wenjiuye.opinion.models import Category, OpinionItem

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OpinionForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=300)
    text = forms.CharField(label=_("正文"), widget=forms.Textarea, required=False)
    url = forms.URLField(label=_("链接"), max_length=1000, required=False, assume_scheme="https")
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (s.value, s.label)
            for s in (
                OpinionItem.Source.MANUAL,
                OpinionItem.Source.PROVINCE,
                OpinionItem.Source.CITY,
            )
        ],
    )
    published_at = forms.DateTimeField(label=_("发布时间"), widget=DT, required=False)
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=_("涉及区划"), required=False
    )
    reposts = forms.IntegerField(label=_("转发(转载)次数"), min_value=0, required=False)
    spreading_flag = forms.BooleanField(label=_("传播较快(人工标记)"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user).exclude(  # type: ignore[attr-defined]
            level__in=["province", "township", "village"]
        )


class UpdateForm(forms.Form):
    reposts = forms.IntegerField(label=_("转发(转载)次数"), min_value=0, required=False)
    spreading_flag = forms.BooleanField(label=_("传播较快(人工标记)"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=OpinionItem.Status.choices)


class TermForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    term = forms.CharField(label=_("关键词"), max_length=40)
    weight = forms.DecimalField(label=_("权重"), min_value=0.1, max_value=99, initial=1)


class TermUpdateForm(forms.Form):
    term_id = forms.IntegerField(widget=forms.HiddenInput)
    weight = forms.DecimalField(label=_("权重"), min_value=0.1, max_value=99)
    active = forms.BooleanField(label=_("启用"), required=False)


class ClassifyForm(forms.Form):
    text = forms.CharField(label=_("试分类文本"), widget=forms.Textarea(attrs={"rows": 3}))


class IncidentLinkForm(forms.Form):
    incident: forms.ModelChoiceField[Incident] = forms.ModelChoiceField(
        queryset=Incident.objects.none(), label=_("突发事件")
    )

    def __init__(self, *args: Any, incidents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]


class OpinionLinkForm(forms.Form):
    """An opinion item to link to (or unlink from) the incident whose page it is posted on."""

    opinion = forms.IntegerField(label=_("舆情编号"), min_value=1)


class IngestForm(forms.Form):
    file = forms.FileField(label=_("舆情源文件(RSS 2.0、Atom 或 JSON Lines)"))
    source = forms.ChoiceField(
        label=_("来源"),
        required=False,
        choices=[("", _("按文件格式(或每条的 source 字段)"))] + list(OpinionItem.Source.choices),
    )
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        label=_("涉及区划"),
        required=False,
        help_text=_("不填则按每条的区划代码、关联企业或默认区划"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_in_scope(user).exclude(  # type: ignore[attr-defined]
            level__in=["province", "township", "village"]
        )
