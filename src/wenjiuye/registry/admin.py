from django.contrib import admin

from wenjiuye.core.admin import AuditedAdmin
from wenjiuye.registry.models import Enterprise, Household, Person


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["uscc", "name", "region", "industry", "employees"]
    list_filter = ["region"]
    search_fields = ["uscc", "name"]


@admin.register(Household)
class HouseholdAdmin(AuditedAdmin):
    list_display = ["code", "region", "low_income"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    # Personal data is read and changed through the audited pages, not the admin.
    list_display = ["pk", "name", "region"]
    exclude = ["id_number", "phone"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
