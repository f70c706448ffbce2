from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from wenjiuye.core.audit import diff, masked_events, record_event, snapshot
from wenjiuye.core.models import (
    Clause,
    ClauseUnit,
    DutyShift,
    Event,
    Member,
    PolicyParameter,
    Region,
    Unit,
    User,
    WorkGroup,
    WorkingGroup,
)


class AuditedAdmin(admin.ModelAdmin):
    """Reference data edited in the admin is audited like every other change."""

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        record_event(
            actor=request.user,
            action=Event.Action.UPDATE if change else Event.Action.CREATE,
            obj=obj,
            changes=diff(before, snapshot(obj)),
            note="admin",
        )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        record_event(
            actor=request.user,
            action=Event.Action.DELETE,
            obj=obj,
            changes=diff(snapshot(obj), {}),
            note="admin",
        )
        super().delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "role", "region", "is_active"]
    list_filter = ["role", "region"]
    fieldsets = [
        *(BaseUserAdmin.fieldsets or ()),
        ("角色与管辖范围", {"fields": ["role", "region", "unit", "phone"]}),
    ]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_id", "region_code"]
    list_filter = ["action", "object_type"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        """Masked as on every other page: the admin is no way around the audited reveal
        (``/audit/<id>/reveal/``)."""
        return masked_events(super().get_queryset(request))

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(PolicyParameter)
class PolicyParameterAdmin(admin.ModelAdmin):
    # Changes go through `wenjiuye policy set` / the policy service so that versions never overlap.
    list_display = ["key", "label", "value", "unit", "effective_from", "effective_to", "clause"]
    search_fields = ["key", "label"]
    readonly_fields = [f.name for f in PolicyParameter._meta.fields]


class ClauseUnitInline(admin.TabularInline):
    model = ClauseUnit
    extra = 0


@admin.register(Clause)
class ClauseAdmin(AuditedAdmin):
    list_display = ["code", "document", "title", "requirement_ids"]
    inlines = [ClauseUnitInline]


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    extra = 0
    fields = ["code", "name", "lead_unit", "sort_order"]


@admin.register(WorkGroup)
class WorkGroupAdmin(AuditedAdmin):
    list_display = ["name", "region", "office_location", "duty_24h"]
    inlines = [WorkingGroupInline]


for model in (Unit, WorkingGroup, Member, DutyShift):
    admin.site.register(model, AuditedAdmin)
admin.site.site_header = "稳就业监测预警与处置系统 · 管理"
admin.site.site_title = "稳就业"
