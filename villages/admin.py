from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import CleanModelForm

from .codes import VILLAGE, parse_area_code
from .models import ContactAssignment, Region, StaffProfile, StaffRole, Village


class RegionAdminForm(CleanModelForm):
    """Takes the official forms of a code (370000, 370800, 370830, 370830102000) and stores
    its significant digits; an empty parent is the region its code extends, if it exists
    (Region.clean names the missing level otherwise)."""

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].max_length = 12
        self.fields["code"].widget.attrs["maxlength"] = 12
        self.fields["code"].validators = []  # the model's max_length (9) sees the typed form
        self.fields["level"].required = False
        self.fields["level"].help_text = _("Left empty: the level the code's length gives.")

    def clean_code(self):
        try:
            area = parse_area_code(self.cleaned_data["code"])
        except ValidationError as e:
            raise ValidationError(e.messages) from e
        if area.level == VILLAGE:
            raise ValidationError(_("A village code: add it as a village, not as a region."))
        self.area = area
        return area.code

    def clean(self):
        cleaned = super().clean()
        area = getattr(self, "area", None)
        if area is not None:
            cleaned["level"] = cleaned.get("level") or area.level
            self.instance.level = cleaned["level"]
            if not cleaned.get("parent") and area.parent_code:
                cleaned["parent"] = Region.objects.filter(code=area.parent_code).first()
                self.instance.parent = cleaned["parent"]
        return cleaned


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionAdminForm
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


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "masked_phone", "must_change_password"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
