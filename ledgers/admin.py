"""Administration of the ledgers' decisions (四议两公开) for superusers.

Writes with rules belong to the pages and services: a decision's matter is corrected here only
while the party branch has not proposed it (through `decision_update_draft`, as on its page),
and its recorded steps and publications are shown read-only, as the database keeps them."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from .choices import DecisionState
from .models import Decision, DecisionPolicy, DecisionStep
from .services import decision_update_draft

DRAFT_FIELDS = ["subject", "kind", "amount", "description", "attachments"]


class DecisionStepInline(admin.TabularInline):
    """A meeting held is a fact: never added, changed or removed here."""

    model = DecisionStep
    extra = 0
    fields = ["kind", "assembly", "held_on", "entitled", "present", "votes_for"]
    fields += ["votes_against", "votes_abstain", "quorate", "passed", "minutes"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["display_number", "village", "subject", "kind", "amount", "state"]
    list_filter = ["state", "kind", "year"]
    search_fields = ["subject", "area_code"]
    list_select_related = ["village"]
    inlines = [DecisionStepInline]
    fields = ["village", "year", "number", *DRAFT_FIELDS, "state"]
    fields += ["resolution_published_on", "resolution_text", "implemented_on"]
    fields += ["result_published_on", "result_text", "created_by", "area_code"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state == DecisionState.DRAFTED:
            return [f for f in self.fields if f not in DRAFT_FIELDS]
        return list(self.fields)

    def has_add_permission(self, request):
        return False  # a decision is numbered and recorded by its village's page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            decision_update_draft(
                actor=request.user,
                decision=obj,
                **{f: form.cleaned_data.get(f, getattr(obj, f)) for f in DRAFT_FIELDS},
            )
        except ValidationError as e:
            self.message_user(request, "; ".join(e.messages), level="error")


@admin.register(DecisionPolicy)
class DecisionPolicyAdmin(admin.ModelAdmin):
    """Read-only: the county's supervisor sets it on its page (the service checks who)."""

    list_display = ["area_code", "enabled", "threshold", "result_due_days", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
