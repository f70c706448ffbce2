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
class PersonAdmin(AuditedAdmin):
    # Personal data is read and changed through the audited pages, not the admin: the ID number
    # and phone are neither shown nor searchable here (no ``?id_number__startswith=`` oracle),
    # and every change made here is an audited event.
    list_display = ["pk", "name", "region"]
    exclude = ["id_number", "phone"]

    def lookup_allowed(self, lookup, value, request=None):  # type: ignore[no-untyped-def]
        if lookup.split("__")[0] in ("id_number", "phone"):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
