"""Administration of the cadres app for superusers.

Writes with rules (posts, certificates, pledges, advices) belong to the pages and services; the
admin shows them read-only so it cannot bypass a transition or a frozen text. Standard pledge
clauses and the reserve-cadre norm of ordinary villages are configured here per county.
"""

from django.contrib import admin

from .models import (
    Cadre,
    Pledge,
    PledgeClause,
    Post,
    Promise,
    QualificationCertificate,
    ReserveCadre,
    ReserveNorm,
    ResignationAdvice,
    TermChange,
    Training,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: these records change only through their services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Cadre)
class CadreAdmin(ReadOnlyAdmin):
    list_display = ["name", "village", "gender", "birth_date", "is_party_member"]
    search_fields = ["name", "area_code"]
    list_select_related = ["village"]
    exclude = ["id_number", "id_number_hash", "phone"]  # personal data stays masked here too


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["village", "cadre", "kind", "start_date", "end_date", "end_reason"]
    list_filter = ["kind", "end_reason"]
    search_fields = ["cadre__name", "area_code"]
    list_select_related = ["village", "cadre"]


@admin.register(TermChange)
class TermChangeAdmin(ReadOnlyAdmin):
    list_display = ["village", "held_on", "recorded_by"]
    list_select_related = ["village", "recorded_by"]


@admin.register(QualificationCertificate)
class QualificationCertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "post", "issued_on", "state"]
    list_filter = ["state", "year"]
    search_fields = ["number"]
    list_select_related = ["post__village", "post__cadre"]


class PromiseInline(admin.TabularInline):
    model = Promise
    extra = 0
    fields = ["position", "audience", "category", "text", "target", "due_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["post", "version", "state", "drafted_on", "in_force_on"]
    list_filter = ["state"]
    list_select_related = ["post__village", "post__cadre"]
    inlines = [PromiseInline]


@admin.register(ResignationAdvice)
class ResignationAdviceAdmin(ReadOnlyAdmin):
    list_display = ["post", "opened_on", "state", "outcome"]
    list_filter = ["state", "outcome"]
    list_select_related = ["post__village", "post__cadre"]


@admin.register(PledgeClause)
class PledgeClauseAdmin(admin.ModelAdmin):
    list_display = ["county", "position", "text"]
    list_select_related = ["county"]
    raw_id_fields = ["county"]
    exclude = ["area_code"]


@admin.register(ReserveCadre)
class ReserveCadreAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "village", "post", "since", "withdrawn_on"]
    list_filter = ["post"]
    search_fields = ["cadre__name", "area_code"]
    list_select_related = ["village", "cadre"]


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "course", "start_date", "end_date", "hours"]
    search_fields = ["cadre__name", "course", "area_code"]
    list_select_related = ["cadre"]


@admin.register(ReserveNorm)
class ReserveNormAdmin(admin.ModelAdmin):
    list_display = ["county", "per_post"]
    list_select_related = ["county"]
    raw_id_fields = ["county"]
    exclude = ["area_code"]
