from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_widgets import RelationFieldsMixin
from .models import (
    Cycle,
    Invitation,
    Membership,
    Organisation,
    PriorityField,
    SentInvitation,
    User,
)

# Django's own, with relation fields that refuse a tampered id as a form error.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RelationFieldsMixin, DjangoGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(RelationFieldsMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "language",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "groups"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


@admin.register(PriorityField)
class PriorityFieldAdmin(admin.ModelAdmin):
    list_display = ["name_lv", "name_en", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name_lv", "name_en", "code"]


class MembershipInline(RelationFieldsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    readonly_fields = ["invited_by", "created_at"]


@admin.register(Organisation)
class OrganisationAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "registration_number",
        "legal_form",
        "priority_field",
        "municipality",
        "members_count",
        "annual_budget",
    ]
    list_filter = ["legal_form", "priority_field", "municipality"]
    search_fields = ["name", "registration_number", "email", "municipality"]
    list_select_related = ["priority_field"]
    inlines = [MembershipInline, InvitationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Membership)
class MembershipAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__last_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]


@admin.register(SentInvitation)
class SentInvitationAdmin(admin.ModelAdmin):
    list_display = ["sender", "kind", "sent_at"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["sender__email", "sender__last_name"]
    list_select_related = ["sender"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "call_opens_at",
        "call_closes_at",
        "incubation_starts_on",
        "incubation_ends_on",
        "places",
    ]
    search_fields = ["name"]
    date_hierarchy = "call_opens_at"
