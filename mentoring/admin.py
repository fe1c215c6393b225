"""Mentoring in the administration. The taxonomy, partners and profiles are edited
here; what carries rules and notifies people (assignments, free times, bookings,
logs) is made on the portal's pages through the services, and shown here with its
history."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from incubator.admin_widgets import RelationFieldsMixin

from .models import (
    ActionItem,
    AvailabilityPattern,
    BlockedPeriod,
    Consultation,
    ConsultationFile,
    ConsultationLog,
    ConsultationRequest,
    ExpertiseTag,
    MentorAssignment,
    MentoringSettings,
    MentorPhoto,
    MentorProfile,
    PartnerOrganisation,
    Slot,
)


class ShownOnly:
    """Made through the portal's pages (which check the rules and tell people);
    the administration shows it, with its history where it keeps one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "created_at"]
    search_fields = ["name", "website"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ExpertiseTag)
class ExpertiseTagAdmin(admin.ModelAdmin):
    list_display = ["name_lv", "name_en", "code", "support_need", "order", "is_active"]
    list_filter = ["is_active", "support_need"]
    search_fields = ["code", "name_lv", "name_en"]
    list_editable = ["order", "is_active"]


class MentorPhotoInline(admin.TabularInline):
    model = MentorPhoto
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploaded on the profile page, which checks the picture


@admin.register(MentorProfile)
class MentorProfileAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = [
        "user",
        "kind",
        "partner",
        "capacity",
        "capacity_hours",
        "is_active",
        "activated_at",
    ]
    list_filter = ["kind", "is_active", "partner", "expertise_tags", "priority_fields"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "bio_lv", "bio_en"]
    list_select_related = ["user", "partner"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["expertise_tags", "priority_fields"]
    readonly_fields = ["invited_by", "invited_at", "invitations_sent", "created_at", "updated_at"]
    inlines = [MentorPhotoInline]


@admin.register(MentorPhoto)
class MentorPhotoAdmin(ShownOnly, admin.ModelAdmin):
    list_display = ["name", "profile", "content_type", "size", "uploaded_at"]
    search_fields = ["name", "profile__user__email"]
    list_select_related = ["profile__user"]


@admin.register(MentoringSettings)
class MentoringSettingsAdmin(ShownOnly, admin.ModelAdmin):
    """Changed on the staff page "Mentoring → Settings", which moves the pending
    reminders along."""

    list_display = ["cycle", "cutoff_hours", "reminders", "updated_at"]
    search_fields = ["cycle__name"]
    list_select_related = ["cycle"]


@admin.register(MentorAssignment)
class MentorAssignmentAdmin(ShownOnly, SimpleHistoryAdmin):
    list_display = [
        "mentor",
        "organisation",
        "cycle",
        "status",
        "capacity_override",
        "assigned_by",
        "assigned_at",
        "responded_at",
    ]
    list_filter = ["cycle", "status", "capacity_override"]
    search_fields = [
        "mentor__user__email",
        "mentor__user__last_name",
        "organisation__name",
        "decline_reason",
        "override_reason",
    ]
    list_select_related = ["mentor__user", "organisation", "cycle", "assigned_by"]


@admin.register(AvailabilityPattern)
class AvailabilityPatternAdmin(ShownOnly, admin.ModelAdmin):
    list_display = [
        "mentor",
        "weekday",
        "start_time",
        "end_time",
        "slot_minutes",
        "valid_from",
        "valid_until",
        "mode",
    ]
    list_filter = ["weekday", "mode"]
    search_fields = ["mentor__user__email", "mentor__user__last_name", "location"]
    list_select_related = ["mentor__user"]


@admin.register(Slot)
class SlotAdmin(ShownOnly, admin.ModelAdmin):
    list_display = ["mentor", "starts_at", "ends_at", "mode", "location", "pattern"]
    list_filter = ["mode"]
    search_fields = ["mentor__user__email", "mentor__user__last_name", "location"]
    list_select_related = ["mentor__user", "pattern"]
    date_hierarchy = "starts_at"


@admin.register(BlockedPeriod)
class BlockedPeriodAdmin(ShownOnly, admin.ModelAdmin):
    list_display = ["mentor", "starts_on", "ends_on", "reason"]
    search_fields = ["mentor__user__email", "mentor__user__last_name", "reason"]
    list_select_related = ["mentor__user"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ["description", "owner", "due_on", "done_at", "done_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(ShownOnly, SimpleHistoryAdmin):
    list_display = [
        "starts_at",
        "organisation",
        "mentor",
        "cycle",
        "mode",
        "status",
        "ad_hoc",
        "booked_by",
    ]
    list_filter = ["cycle", "status", "mode", "ad_hoc", "mentor__kind"]
    search_fields = [
        "organisation__name",
        "mentor__user__email",
        "mentor__user__last_name",
        "note",
        "location",
    ]
    list_select_related = ["organisation", "mentor__user", "cycle", "booked_by"]
    date_hierarchy = "starts_at"
    inlines = [ActionItemInline]


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(ShownOnly, admin.ModelAdmin):
    list_display = ["organisation", "mentor", "cycle", "status", "created_at", "answered_at"]
    list_filter = ["cycle", "status"]
    search_fields = ["organisation__name", "mentor__user__email", "note", "answer_note"]
    list_select_related = ["organisation", "mentor__user", "cycle"]


@admin.register(ConsultationLog)
class ConsultationLogAdmin(ShownOnly, SimpleHistoryAdmin):
    list_display = [
        "consultation",
        "outcome",
        "minutes",
        "logged_by",
        "logged_at",
        "confirmed_at",
        "rating",
    ]
    list_filter = ["outcome", "rating", "consultation__cycle"]
    search_fields = [
        "consultation__organisation__name",
        "consultation__mentor__user__email",
        "summary",
        "recommendations",
    ]
    list_select_related = [
        "consultation__organisation",
        "consultation__mentor__user",
        "logged_by",
    ]


@admin.register(ActionItem)
class ActionItemAdmin(ShownOnly, admin.ModelAdmin):
    list_display = [
        "description",
        "organisation",
        "cycle",
        "owner",
        "mentor",
        "consultation",
        "due_on",
        "done_at",
    ]
    list_filter = ["owner", "cycle", ("consultation", admin.EmptyFieldListFilter)]
    search_fields = ["description", "organisation__name"]
    list_select_related = [
        "organisation",
        "cycle",
        "mentor__user",
        "consultation__organisation",
        "consultation__mentor__user",
    ]


@admin.register(ConsultationFile)
class ConsultationFileAdmin(ShownOnly, admin.ModelAdmin):
    list_display = ["name", "consultation", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["name", "consultation__organisation__name"]
    list_select_related = [
        "consultation__organisation",
        "consultation__mentor__user",
        "uploaded_by",
    ]
