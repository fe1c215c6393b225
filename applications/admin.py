from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _, ngettext

from . import services

from .models import Application, Attachment, StatusChange


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["status", "changed_by", "changed_at", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "cycle",
        "priority_field",
        "status",
        "submitted_at",
        "updated_at",
    ]
    list_filter = ["cycle", "status", "priority_field", "meeting_availability"]
    search_fields = [
        "organisation__name",
        "organisation__registration_number",
        "project_idea",
    ]
    list_select_related = ["organisation", "cycle", "priority_field"]
    date_hierarchy = "submitted_at"
    # Status changes go through the services (submit, withdraw), never a raw edit.
    readonly_fields = [
        "status", "submitted_at", "decision_published_at", "created_by", "created_at", "updated_at"
    ]
    autocomplete_fields = ["organisation"]
    inlines = [AttachmentInline, StatusChangeInline]
    actions = ["admit", "waitlist", "reject", "publish"]

    def _decide(self, request, queryset, decision):
        done, refused = 0, []
        for application in queryset:
            try:
                services.decide(application, decision=decision, by=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{application.organisation}: {' '.join(error.messages)}")
        if done:
            self.message_user(
                request,
                ngettext("%d application decided.", "%d applications decided.", done) % done,
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Admit the selected applications"))
    def admit(self, request, queryset):
        self._decide(request, queryset, Application.Status.ADMITTED)

    @admin.action(description=_("Wait-list the selected applications"))
    def waitlist(self, request, queryset):
        self._decide(request, queryset, Application.Status.WAITLISTED)

    @admin.action(description=_("Reject the selected applications"))
    def reject(self, request, queryset):
        self._decide(request, queryset, Application.Status.REJECTED)

    @admin.action(description=_("Publish the decisions on the selected applications"))
    def publish(self, request, queryset):
        published = 0
        for application in queryset:
            try:
                services.publish_decision(application, by=request.user)
                published += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{application.organisation}: {' '.join(error.messages)}",
                    messages.ERROR,
                )
        if published:
            self.message_user(
                request,
                ngettext("%d decision published.", "%d decisions published.", published)
                % published,
                messages.SUCCESS,
            )


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "application", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "application__cycle"]
    search_fields = ["name", "application__organisation__name"]
    list_select_related = ["application__organisation", "application__cycle", "uploaded_by"]
    readonly_fields = ["application", "file", "name", "content_type", "size", "uploaded_by"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "status", "changed_by", "changed_at"]
    list_filter = ["status", "application__cycle"]
    search_fields = ["application__organisation__name", "note"]
    list_select_related = ["application__organisation", "application__cycle", "changed_by"]
    readonly_fields = ["application", "status", "changed_by", "changed_at", "note"]
