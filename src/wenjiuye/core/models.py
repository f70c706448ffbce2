"""Core domain: regions, users, audit events, policy parameters, organisation, duty."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenjiuye.core.roles import Role


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    ZONE = "zone", _("功能区")
    TOWNSHIP = "township", _("乡镇(街道)")
    VILLAGE = "village", _("村(社区)")


class Region(models.Model):
    """An administrative division (GB/T 2260 code) or a functional zone with its own scope.

    Functional zones (e.g. a high-tech zone) carry the statistical division code the
    National Bureau of Statistics gives them (``4104 71``) and act as a county for scope.
    Township (9 digits) and village (12 digits) codes start with their county's code.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    sort_order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$"),
                name="region_code_6_9_or_12_digits",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_prefix(self) -> str:
        """The code prefix that every division inside this one starts with."""
        if self.level == RegionLevel.PROVINCE:
            return self.code[:2]
        if self.level == RegionLevel.CITY:
            return self.code[:4]
        return self.code

    @property
    def county(self) -> Region | None:
        """The county (or functional zone) this division lies in: itself when it is one, ``None``
        for a city or province. The one answer to "which county is this in"."""
        current: Region | None = self
        while current is not None:
            if current.level in (RegionLevel.COUNTY, RegionLevel.ZONE):
                return current
            current = current.parent
        return None


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        Region,
        verbose_name=_("管辖范围"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("用户只能查看和处理该区划内的数据;系统管理员和审计员可为空(全部)。"),
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("所在单位"), on_delete=models.SET_NULL, null=True, blank=True
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[Role.ADMIN, Role.AUDITOR]) | Q(region__isnull=False),
                name="user_scoped_unless_admin_or_auditor",
            )
        ]


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class Event(models.Model):
    """The one append-only event table: every change and every unmasked view.

    Written in the same transaction as the change it records (see ``core.audit``).
    UPDATE and DELETE are refused here and by database triggers (migration 0002).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        VIEW_UNMASKED = "view_unmasked", _("查看未脱敏个人信息")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, null=True, blank=True
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class PolicyParameter(models.Model):
    """One version of one policy parameter: a number, amount, duration or list from the plan.

    A parameter's versions never overlap in time; a change closes the current version and
    opens a new one (``core.services.policy_set``), and the change is audited.
    """

    key = models.CharField(_("参数键"), max_length=100, db_index=True)
    label = models.CharField(_("名称"), max_length=200)
    value = models.JSONField(_("取值"))
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    clause = models.CharField(_("条款编号"), max_length=64, help_text=_("需求编号,如 L1、U3"))
    source = models.CharField(_("出处"), max_length=300)
    source_text = models.TextField(_("原文"))
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "effective_from"]
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "effective_from"], name="policy_key_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="policy_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{self.key}={self.value} [{self.effective_from.isoformat()}..{end}]"


# --- Organisation (O1, O2) -------------------------------------------------------------


class Unit(models.Model):
    """A responsible unit (责任单位): a section, centre, bureau or detachment, or an outside body."""

    class Kind(models.TextChoices):
        SECTION = "section", _("科室")
        CENTRE = "centre", _("中心")
        BUREAU = "bureau", _("局")
        DETACHMENT = "detachment", _("支队")
        OFFICE = "office", _("办公室")
        COUNTY_BUREAU = "county_bureau", _("县级人社部门")
        EXTERNAL = "external", _("外部单位")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("所属区划"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")

    def __str__(self) -> str:
        return self.name


class WorkGroup(models.Model):
    """The stabilisation work group (稳就业工作专班) of a city or county."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, verbose_name=_("区划"))
    name = models.CharField(_("名称"), max_length=200)
    office_location = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办公室设在"),
    )
    office_units = models.ManyToManyField(
        Unit, blank=True, related_name="office_of", verbose_name=_("负责日常工作的单位")
    )
    duty_24h = models.BooleanField(_("24小时值守"), default=True)
    source = models.CharField(_("出处"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工作专班")
        verbose_name_plural = _("工作专班")

    def __str__(self) -> str:
        return self.name


class WorkingGroup(models.Model):
    """One of the working groups under a work group (综合组, 规模裁员应对组, …)."""

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    lead_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("牵头单位"),
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="working_groups", verbose_name=_("参加单位")
    )
    duties = models.TextField(_("职责"), blank=True)
    source = models.CharField(_("出处"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["work_group_id", "sort_order"]
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        constraints = [
            models.UniqueConstraint(fields=["work_group", "code"], name="working_group_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A named person in a work group or working group, with the position the plan gives."""

    class Position(models.TextChoices):
        HEAD = "head", _("总负责人")
        LEADER = "leader", _("负责人")
        GROUP_LEADER = "group_leader", _("组长")
        DEPUTY_LEADER = "deputy_leader", _("副组长")
        MEMBER = "member", _("成员")
        PARTICIPANT = "participant", _("参加人员")
        CONTACT = "contact", _("联络员")

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="members")
    working_group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=200, blank=True)
    position = models.CharField(_("在组职务"), max_length=32, choices=Position.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("单位")
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("系统账号")
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["work_group_id", "working_group_id", "sort_order"]
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")

    def __str__(self) -> str:
        return f"{self.name}({self.get_position_display()})"


class Clause(models.Model):
    """A clause of the plan with the units it names as responsible (责任单位)."""

    code = models.CharField(_("条款代码"), max_length=40, unique=True)
    document = models.CharField(_("所属预案"), max_length=100)
    title = models.CharField(_("标题"), max_length=200)
    requirement_ids = models.CharField(_("需求编号"), max_length=100, blank=True)
    units: models.ManyToManyField[Unit, ClauseUnit] = models.ManyToManyField(
        Unit, through="ClauseUnit", related_name="clauses"
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("预案条款")
        verbose_name_plural = _("预案条款")

    def __str__(self) -> str:
        return f"{self.document} {self.title}"


class ClauseUnit(models.Model):
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(default=0, help_text=_("原文中的顺序;第一个为牵头单位"))

    class Meta:
        ordering = ["clause_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "unit"], name="clause_unit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.clause_id}:{self.unit_id}"


class DutyShift(models.Model):
    """A 24-hour duty shift (24小时值守) of a work group, with its handover notes."""

    work_group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="duty_shifts")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    on_duty = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("值班人")
    )
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    handover_notes = models.TextField(_("交接班记录"), blank=True)
    handed_over_to = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接班人"),
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("值班记录")
        verbose_name_plural = _("值班记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_shift_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_group} {self.starts_at:%Y-%m-%d %H:%M}"
