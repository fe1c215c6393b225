from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Email, Reminder


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to",
        "subject",
        "language",
        "status",
        "attempts",
        "possibly_duplicated",
        "sent_at",
        "expires_at",
    ]
    list_filter = ["status", "possibly_duplicated", "language", "sensitive", "created_at"]
    search_fields = ["to", "subject", "key", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["retry"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.sensitive:
            return [f for f in fields if f not in ("text_body", "html_body")]
        return fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed emails"))
    def retry(self, request, queryset):
        count = sum(services.retry_failed(email) for email in queryset)
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "object_id",
        "label",
        "due_at",
        "event_at",
        "status",
        "emails_written",
        "processed_at",
    ]
    list_filter = ["status", "source", "label"]
    search_fields = ["source", "label"]
    date_hierarchy = "due_at"
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
