from django.contrib import admin

from .models import ContactAssignment, Region, StaffRole, Village


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "township", "population", "is_backward"]
    list_filter = ["is_backward"]
    search_fields = ["code", "name"]
    list_select_related = ["township"]
    raw_id_fields = ["township"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "region", "village", "area_code"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "area_code"]
    list_select_related = ["user", "region", "village"]
    raw_id_fields = ["user", "region", "village"]


@admin.register(ContactAssignment)
class ContactAssignmentAdmin(admin.ModelAdmin):
    list_display = ["village", "cadre", "start_date", "end_date"]
    search_fields = ["village__name", "village__code", "cadre__username"]
    list_select_related = ["village", "cadre"]
    raw_id_fields = ["village", "cadre"]
