from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from incubator.admin_widgets import RelationFieldsMixin

from . import services
from .models import (
    Attendance,
    Cohort,
    CohortMembership,
    CycleReminders,
    Deadline,
    JointMeeting,
    MeetingMaterial,
    MeetingResponse,
)


class CohortMembershipInline(admin.TabularInline):
    model = CohortMembership
    extra = 0
    fields = ["organisation", "status", "reason", "joined_at", "ended_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # places are made by admission


class CohortAdminForm(forms.ModelForm):
    def clean_coordinator(self):
        coordinator = self.cleaned_data.get("coordinator")
        try:
            services.check_coordinator(coordinator)
        except ValidationError as error:
            raise ValidationError(error.message_dict["coordinator"]) from error
        return coordinator


@admin.register(Cohort)
class CohortAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
    form = CohortAdminForm
    list_display = ["priority_field", "cycle", "coordinator", "created_at"]
    list_filter = ["cycle", "priority_field"]
    search_fields = ["priority_field__name_lv", "priority_field__name_en", "cycle__name"]
    list_select_related = ["priority_field", "cycle", "coordinator"]
    autocomplete_fields = ["coordinator"]
    inlines = [CohortMembershipInline]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # A new coordinator is invited to the meetings ahead, as from the staff pages.
        services.update_cohort(
            obj, by=request.user, **{name: getattr(obj, name) for name in services.COHORT_FIELDS}
        )


@admin.register(CohortMembership)
class CohortMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "cohort", "cycle", "status", "joined_at", "ended_at"]
    list_filter = ["cycle", "status", "cohort__priority_field"]
    search_fields = ["organisation__name", "organisation__registration_number", "reason"]
    list_select_related = ["organisation", "cohort__priority_field", "cycle"]
    # Moves and status changes go through the staff pages (services), never a raw edit.
    readonly_fields = [
        "cohort",
        "cycle",
        "organisation",
        "application",
        "status",
        "reason",
        "joined_at",
        "ended_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(CycleReminders)
class CycleRemindersAdmin(admin.ModelAdmin):
    """Changed on the staff page "Reminders" of a cycle, which moves the pending
    reminders along; shown here read-only."""

    list_display = ["cycle", "meetings", "deadlines", "call_closing", "updated_at"]
    search_fields = ["cycle__name"]
    list_select_related = ["cycle"]
    readonly_fields = ["cycle", "meetings", "deadlines", "call_closing", "updated_at"]

    def has_add_permission(self, request):
        return False


class MeetingMaterialInline(admin.TabularInline):
    model = MeetingMaterial
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JointMeeting)
class JointMeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle", "cohort", "starts_at", "ends_at", "place", "status"]
    list_filter = ["cycle", "status", "cohort__priority_field"]
    search_fields = ["title", "place", "agenda"]
    list_select_related = ["cycle", "cohort__priority_field"]
    date_hierarchy = "starts_at"
    # Scheduling, moving and cancelling notify people: done on the staff pages.
    readonly_fields = [
        "cycle",
        "cohort",
        "starts_at",
        "ends_at",
        "place",
        "online_url",
        "status",
        "cancellation_reason",
        "sequence",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [MeetingMaterialInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled on the staff pages: people are told, reminders withdrawn


@admin.register(MeetingMaterial)
class MeetingMaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "meeting", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "meeting__cycle"]
    search_fields = ["name", "meeting__title"]
    list_select_related = ["meeting", "uploaded_by"]
    readonly_fields = ["meeting", "file", "name", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request):
        # Files arrive through the meeting page, which checks their content.
        return False


@admin.register(MeetingResponse)
class MeetingResponseAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["organisation", "meeting", "answer", "responded_by", "updated_at"]
    list_filter = ["answer", "meeting__cycle"]
    search_fields = ["organisation__name", "meeting__title", "note"]
    list_select_related = ["organisation", "meeting", "responded_by"]
    autocomplete_fields = ["attendees"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "meeting", "status", "people", "recorded_by", "recorded_at"]
    list_filter = ["status", "meeting__cycle", "meeting"]
    search_fields = ["organisation__name", "meeting__title", "note"]
    list_select_related = ["organisation", "meeting", "recorded_by"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "cohort", "kind", "audience", "due_at"]
    list_filter = ["cycle", "kind", "audience"]
    search_fields = ["title", "description"]
    list_select_related = ["cycle", "cohort__priority_field"]
    date_hierarchy = "due_at"
    # Reminders follow a deadline's moment only when it changes through the services.
    readonly_fields = [
        "cycle",
        "cohort",
        "kind",
        "due_at",
        "audience",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleted on the staff pages, which withdraw its reminders
