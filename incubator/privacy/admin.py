from django.contrib import admin

from incubator.admin_widgets import RelationFieldsMixin

from .models import Consent, DataExport, ErasureRequest, Purge, RetentionPolicy


class RecordAdmin(admin.ModelAdmin):
    """Records the services write (a copy asked for, a request decided, a consent
    given, a deletion done): read here, never added or changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DataExport)
class DataExportAdmin(RecordAdmin):
    list_display = ["user", "status", "requested_at", "ready_at", "expires_at", "size"]
    list_filter = ["status", "requested_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    # The file is the person's data: only they download it, through the signed link.
    exclude = ["file"]
    readonly_fields = ["user", "status", "size", "requested_at", "ready_at", "expires_at"]
    list_select_related = ["user"]


@admin.register(ErasureRequest)
class ErasureRequestAdmin(RecordAdmin):
    list_display = ["user", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status", "requested_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "refusal_reason"]
    # Carried out or refused on the staff's page, through the services.
    readonly_fields = [
        "user",
        "status",
        "note",
        "requested_at",
        "decided_at",
        "decided_by",
        "refusal_reason",
        "outcome",
    ]
    list_select_related = ["user", "decided_by"]


@admin.register(Consent)
class ConsentAdmin(RecordAdmin):
    list_display = ["user", "version", "context", "reference", "language", "accepted_at"]
    list_filter = ["version", "context", "language"]
    search_fields = ["user__email", "reference"]
    readonly_fields = ["user", "version", "context", "reference", "language", "accepted_at"]
    list_select_related = ["user"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["cycle", "months", "updated_by", "updated_at"]
    list_filter = ["months"]
    search_fields = ["cycle__name"]
    autocomplete_fields = ["cycle"]
    readonly_fields = ["updated_by"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Purge)
class PurgeAdmin(RecordAdmin):
    list_display = ["ran_at", "kind", "cycle", "counts"]
    list_filter = ["kind", "ran_at"]
    search_fields = ["kind", "cycle__name"]
    readonly_fields = ["ran_at", "kind", "cycle", "counts"]
