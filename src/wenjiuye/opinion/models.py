"""Public opinion (舆情, E4, E5, E9): items collected by hand or from feeds, classified by an
officer-editable keyword lexicon, linked to the registry's enterprises.

The services in ``opinion.services`` are the only writers; each write is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.models import Region
from wenjiuye.registry.models import Enterprise


class Category(models.TextChoices):
    LAYOFF = "layoff", _("裁员")
    WAGE_ARREARS = "wage_arrears", _("欠薪")
    STOPPAGE = "stoppage", _("停产")
    COLLECTIVE = "collective", _("群体性事件")
    ABSCONDING = "absconding", _("老板跑路")


class OpinionItem(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", _("人工录入")
        RSS = "rss", _("RSS")
        ATOM = "atom", _("Atom")
        JSONL = "jsonl", _("JSON Lines")
        PROVINCE = "province", _("省人社厅转办")
        CITY = "city", _("市人社局转办")

    class Status(models.TextChoices):
        NEW = "new", _("待研判")
        VERIFYING = "verifying", _("核实中")
        REPORTED = "reported", _("已报告")
        CLOSED = "closed", _("已办结")

    TRANSFERRED = (Source.PROVINCE, Source.CITY)

    title = models.CharField(_("标题"), max_length=300)
    text = models.TextField(_("正文"), blank=True)
    url = models.URLField(_("链接"), max_length=1000, blank=True)
    guid = models.CharField(_("源标识"), max_length=500, blank=True)
    dedupe_key = models.CharField(
        _("去重键"), max_length=1000, blank=True, help_text=_("源标识或链接;重复导入时跳过")
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("涉及区划")
    )
    enterprises = models.ManyToManyField(
        Enterprise, blank=True, related_name="opinion_items", verbose_name=_("涉及企业")
    )
    categories = models.JSONField(_("类别"), default=list, blank=True)
    reasons = models.JSONField(
        _("归类依据"), default=dict, blank=True, help_text=_("每一类命中的关键词及得分")
    )
    reposts = models.PositiveIntegerField(_("转发(转载)次数"), null=True, blank=True)
    spreading_flag = models.BooleanField(_("人工标记传播较快"), default=False)
    spreading = models.BooleanField(_("传播较快"), default=False, db_index=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinion_items",
        verbose_name=_("关联突发事件"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("舆情")
        verbose_name_plural = _("舆情")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="opinion_item_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title[:80]

    def get_absolute_url(self) -> str:
        return reverse("opinion-detail", args=[self.pk])

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories if c in Category.values]


class LexiconTerm(models.Model):
    """A keyword of a category, with its weight; officers edit the lexicon."""

    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    term = models.CharField(_("关键词"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=1, default=1)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "-weight", "term"]
        verbose_name = _("舆情关键词")
        verbose_name_plural = _("舆情关键词")
        constraints = [
            models.UniqueConstraint(fields=["category", "term"], name="lexicon_term_once"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="lexicon_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}:{self.term}"
