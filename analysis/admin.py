"""The analysis in the administration. Staff edit the instrument here (areas and
questions inline); an instrument that organisations have answered is frozen, and the
action "Make a new version" copies it to change. Answers, agreed scores and
recommendations are made on the portal's pages and shown here with their history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incubator.admin_widgets import RelationFieldsMixin

from . import services
from .models import (
    AgreedScore,
    Answer,
    Area,
    Assessment,
    Feedback,
    Instrument,
    Invitee,
    Question,
    Recommendation,
    Response,
)


class ShownOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NotFrozenForm(forms.ModelForm):
    """Refuses a change to an area or question of an answered instrument."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and set(self.changed_data) <= {"expertise_tags"}:
            # Which expertise helps an area changes no answer: allowed when frozen.
            return cleaned
        instrument = cleaned.get("instrument") or getattr(cleaned.get("area"), "instrument", None)
        if instrument is None and self.instance.pk:
            instrument = (
                self.instance.instrument
                if isinstance(self.instance, Area)
                else self.instance.area.instrument
            )
        try:
            services.check_editable(instrument)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return cleaned


class AreaInline(RelationFieldsMixin, admin.TabularInline):
    model = Area
    form = NotFrozenForm
    extra = 0
    show_change_link = True


class QuestionInline(RelationFieldsMixin, admin.StackedInline):
    model = Question
    form = NotFrozenForm
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["cycle", "version", "frozen", "created_at"]
    list_filter = ["cycle"]
    search_fields = ["cycle__name"]
    inlines = [AreaInline]
    actions = ["make_new_version"]

    @admin.display(boolean=True, description=_("answered (frozen)"))
    def frozen(self, instrument):
        return instrument.is_frozen

    @admin.action(description=_("Make a new version to change"))
    def make_new_version(self, request, queryset):
        for instrument in queryset:
            copy = services.new_version(instrument)
            self.message_user(request, _("%(copy)s made.") % {"copy": copy}, messages.SUCCESS)


@admin.register(Area)
class AreaAdmin(RelationFieldsMixin, admin.ModelAdmin):
    form = NotFrozenForm
    list_display = ["name_lv", "name_en", "code", "instrument", "order"]
    list_filter = ["instrument__cycle"]
    search_fields = ["name_lv", "name_en", "code"]
    filter_horizontal = ["expertise_tags"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(RelationFieldsMixin, admin.ModelAdmin):
    form = NotFrozenForm
    list_display = ["text_lv", "area", "order"]
    list_filter = ["area__instrument__cycle", "area__code"]
    search_fields = ["text_lv", "text_en"]


@admin.register(Assessment)
class AssessmentAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["organisation", "cycle", "kind", "instrument", "opened_at", "agreed_at"]
    list_filter = ["cycle", "kind"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "instrument"]


class AnswerInline(RelationFieldsMixin, ShownOnly, admin.TabularInline):
    model = Answer
    extra = 0


@admin.register(Response)
class ResponseAdmin(RelationFieldsMixin, ShownOnly, admin.ModelAdmin):
    list_display = ["respondent", "assessment", "started_at", "submitted_at"]
    list_filter = ["assessment__cycle", "assessment__kind"]
    search_fields = ["respondent__email", "assessment__organisation__name"]
    inlines = [AnswerInline]


@admin.register(Invitee)
class InviteeAdmin(RelationFieldsMixin, ShownOnly, admin.ModelAdmin):
    list_display = ["email", "assessment", "invited_at"]
    list_filter = ["assessment__cycle"]
    search_fields = ["email", "assessment__organisation__name"]


@admin.register(AgreedScore)
class AgreedScoreAdmin(RelationFieldsMixin, ShownOnly, SimpleHistoryAdmin):
    list_display = ["assessment", "question", "score", "recorded_by", "recorded_at"]
    list_filter = ["assessment__cycle", "assessment__kind", "score"]
    search_fields = ["assessment__organisation__name", "comment"]


@admin.register(Recommendation)
class RecommendationAdmin(RelationFieldsMixin, ShownOnly, SimpleHistoryAdmin):
    list_display = ["organisation", "cycle", "subject", "priority", "status", "created_at"]
    list_filter = ["cycle", "status", "priority", "topic", "expertise"]
    search_fields = ["organisation__name", "text"]


@admin.register(Feedback)
class FeedbackAdmin(RelationFieldsMixin, ShownOnly, admin.ModelAdmin):
    list_display = ["organisation", "cycle", "overall", "anonymous", "given_at"]
    list_filter = ["cycle", "overall", "anonymous"]
    search_fields = ["organisation__name", "comment"]
