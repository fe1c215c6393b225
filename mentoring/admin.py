from django.contrib import admin

from incubator.admin_widgets import RelationFieldsMixin

from .models import MentorProfile


@admin.register(MentorProfile)
class MentorProfileAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["user", "capacity", "is_active", "updated_at"]
    list_filter = ["is_active", "priority_fields"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "expertise"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["priority_fields"]
