from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from incubator.admin_widgets import RelationFieldsMixin
from incubator.forms import message_of
from incubator.models import PriorityField

from . import services
from .forms import placeholder_help
from .models import (
    Application,
    Attachment,
    CommitteeMember,
    Criterion,
    DecisionLetter,
    EligibilityCheck,
    EligibilityRequirement,
    FieldQuota,
    LetterTemplate,
    PlaceOffer,
    RankedApplication,
    RankingState,
    ReviewAssignment,
    ReviewerLine,
    ReviewSettings,
    Score,
    StatusChange,
)
from .selectors import quotas as quotas_of
from .selectors import scoring_started
from .services.common import require_open_ranking
from .services.review import (
    check_criteria_changes,
    check_requirement_changes,
    check_review_settings,
)


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
    fields = ["status", "changed_by", "changed_at", "note", "internal_note", "published_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
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
        "status",
        "submitted_at",
        "decision_published_at",
        "published_decision",
        "created_by",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["organisation"]
    inlines = [AttachmentInline, StatusChangeInline]
    # Deciding is internal; the organisation is told with the letter, sent from the
    # cycle's "Decisions and letters" page (there is no publishing without a letter).
    actions = ["admit", "waitlist", "reject"]

    def _decide(self, request, queryset, decision):
        done, refused = 0, []
        for application in queryset:
            try:
                services.decide(application, decision=decision, by=request.user)
                done += 1
            except ValidationError as error:
                refused.append(f"{application.organisation}: {message_of(error)}")
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


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "application", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "application__cycle"]
    search_fields = ["name", "application__organisation__name"]
    list_select_related = ["application__organisation", "application__cycle", "uploaded_by"]
    readonly_fields = ["application", "file", "name", "content_type", "size", "uploaded_by"]

    def has_add_permission(self, request):
        # Files arrive through the application form, which checks their content.
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "status", "changed_by", "changed_at", "published_at"]
    list_filter = ["status", "application__cycle"]
    search_fields = ["application__organisation__name", "note", "internal_note"]
    list_select_related = ["application__organisation", "application__cycle", "changed_by"]
    readonly_fields = [
        "application",
        "status",
        "changed_by",
        "changed_at",
        "note",
        "internal_note",
        "published_at",
    ]

    # The record of what happened: written by the services only, never removed.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- evaluation ---------------------------------------------------------------------
# Writes that carry rules (locks, conflicts, invitations) go through the services;
# the admin shows everything and its history, and edits only what has no rule.


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CheckedForm(forms.ModelForm):
    """An admin form that runs the service's own checks in ``clean()``, so that a
    change the rules refuse is a message on the form rather than an error page.
    ``save_model`` then makes the change through the service."""

    def check(self, data):
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                self.check(data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        self.add_error(field if field in self.fields else None, errors)
                else:
                    self.add_error(None, error)
        return data


class ServiceAdmin(SimpleHistoryAdmin):
    """Deleting goes through ``delete_model`` one object at a time (and only where
    ``has_delete_permission`` allows it), never in bulk past the services."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReviewSettingsAdminForm(CheckedForm):
    def check(self, data):
        cycle = data.get("cycle") or self.instance.cycle
        values = {n: data[n] for n in self.changed_data if n in data and n != "cycle"}
        check_review_settings(cycle, **values)


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(ServiceAdmin):
    form = ReviewSettingsAdminForm
    list_display = [
        "cycle",
        "reviewers_per_application",
        "reviews_due_on",
        "normalise_scores",
        "spread_threshold",
        "reviewers_see_other_reviews",
        "applicants_see_feedback",
        "finalised_at",
    ]
    list_filter = ["normalise_scores", "applicants_see_feedback", "reviewers_see_other_reviews"]
    search_fields = ["cycle__name"]
    list_select_related = ["cycle"]
    readonly_fields = ["finalised_at", "finalised_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *(["cycle"] if obj else [])]

    def has_delete_permission(self, request, obj=None):
        # Deleting the row would silently reopen a finalised ranking.
        return False

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in ("cycle", "finalised_at", "finalised_by")
        }
        saved = services.update_review_settings(obj.cycle, by=request.user, **values)
        obj.pk = saved.pk


def _quotas_with(cycle, field, places):
    """Every quota of ``cycle`` with ``field``'s replaced by ``places`` (minimum,
    maximum): what ``update_review_settings`` takes."""
    current = quotas_of(cycle)
    current[field.pk] = places
    fields = PriorityField.objects.in_bulk(current)
    return {fields[pk]: value for pk, value in current.items()}


class FieldQuotaAdminForm(CheckedForm):
    def check(self, data):
        cycle = data.get("cycle") or self.instance.cycle
        field = data.get("priority_field") or self.instance.priority_field
        check_review_settings(
            cycle,
            quotas=_quotas_with(cycle, field, (data["minimum_places"], data["maximum_places"])),
        )


@admin.register(FieldQuota)
class FieldQuotaAdmin(ServiceAdmin):
    """Places per field are saved as the cycle's settings page saves them, with the
    same checks (the cycle's places, a finalised ranking)."""

    form = FieldQuotaAdminForm
    list_display = ["cycle", "priority_field", "minimum_places", "maximum_places"]
    list_filter = ["cycle", "priority_field"]
    search_fields = ["cycle__name", "priority_field__name_lv"]
    list_select_related = ["cycle", "priority_field"]

    def get_readonly_fields(self, request, obj=None):
        return ["cycle", "priority_field"] if obj else []

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return True
        try:
            require_open_ranking(obj.cycle)
        except ValidationError:
            return False
        return True

    def save_model(self, request, obj, form, change):
        services.update_review_settings(
            obj.cycle,
            by=request.user,
            quotas=_quotas_with(
                obj.cycle, obj.priority_field, (obj.minimum_places, obj.maximum_places)
            ),
        )
        obj.pk = FieldQuota.objects.get(cycle=obj.cycle, priority_field=obj.priority_field).pk

    def delete_model(self, request, obj):
        services.update_review_settings(
            obj.cycle,
            by=request.user,
            quotas=_quotas_with(obj.cycle, obj.priority_field, (0, None)),
        )


class EligibilityRequirementAdminForm(CheckedForm):
    def check(self, data):
        cycle = data.get("cycle") or self.instance.cycle
        stored = (
            EligibilityRequirement.objects.get(pk=self.instance.pk) if self.instance.pk else None
        )
        check_requirement_changes(cycle, [(stored, {}, False)])


@admin.register(EligibilityRequirement)
class EligibilityRequirementAdmin(ServiceAdmin):
    form = EligibilityRequirementAdminForm
    list_display = ["text_lv", "text_en", "cycle", "order"]
    list_filter = ["cycle"]
    search_fields = ["text_lv", "text_en"]
    list_select_related = ["cycle"]

    def get_readonly_fields(self, request, obj=None):
        return ["cycle"] if obj else []

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return True
        try:
            check_requirement_changes(obj.cycle, [(obj, {}, True)])
        except ValidationError:
            return False
        return True

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("text_lv", "text_en", "order")}
        existing = EligibilityRequirement.objects.get(pk=obj.pk) if change else None
        services.save_requirements(obj.cycle, by=request.user, changes=[(existing, values, False)])
        if not change:
            obj.pk = EligibilityRequirement.objects.filter(cycle=obj.cycle).latest("pk").pk

    def delete_model(self, request, obj):
        services.save_requirements(obj.cycle, by=request.user, changes=[(obj, {}, True)])


@admin.register(EligibilityCheck)
class EligibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ["application", "requirement", "met", "note", "checked_by", "checked_at"]
    list_filter = ["met", "application__cycle"]
    search_fields = ["application__organisation__name", "note", "requirement__text_lv"]
    list_select_related = [
        "application__organisation",
        "application__cycle",
        "requirement",
        "checked_by",
    ]


class CriterionAdminForm(CheckedForm):
    def check(self, data):
        cycle = data.get("cycle") or self.instance.cycle
        stored = Criterion.objects.get(pk=self.instance.pk) if self.instance.pk else None
        values = {
            name: data[name] for name in self.changed_data if name in data and name != "cycle"
        }
        check_criteria_changes(cycle, [(stored, values, False)])


@admin.register(Criterion)
class CriterionAdmin(ServiceAdmin):
    form = CriterionAdminForm
    list_display = ["name_lv", "cycle", "weight", "scale_min", "scale_max", "order"]
    list_filter = ["cycle"]
    search_fields = ["name_lv", "name_en", "guidance_lv"]
    list_select_related = ["cycle"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and scoring_started(obj.cycle):
            return ["cycle", "scale_min", "scale_max"]
        return ["cycle"] if obj else []

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return True
        try:
            check_criteria_changes(obj.cycle, [(obj, {}, True)])
        except ValidationError:
            return False
        return True

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in form.changed_data if name != "cycle"}
        existing = Criterion.objects.get(pk=obj.pk) if change else None
        saved = services.save_criteria(
            obj.cycle, by=request.user, changes=[(existing, values, False)]
        )
        obj.pk = saved[0].pk

    def delete_model(self, request, obj):
        services.save_criteria(obj.cycle, by=request.user, changes=[(obj, {}, True)])


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(SimpleHistoryAdmin):
    """Members are invited from the cycle's committee page, which sends the email."""

    list_display = ["user", "cycle", "affiliation", "invited_by", "invited_at", "invitations_sent"]
    list_filter = ["cycle"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "affiliation"]
    list_select_related = ["user", "cycle", "invited_by"]
    readonly_fields = ["cycle", "user", "invited_by", "invited_at", "invitations_sent"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the invitation again"))
    def resend(self, request, queryset):
        for member in queryset.select_related("user", "cycle"):
            try:
                services.resend_invitation(member, by=request.user)
            except ValidationError as error:  # the day's limit of invitations
                self.message_user(request, message_of(error), messages.ERROR)
                return
        self.message_user(request, _("The invitations have been sent again."), messages.SUCCESS)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin):
    list_display = [
        "application",
        "reviewer",
        "status",
        "has_conflict",
        "assigned_at",
        "submitted_at",
    ]
    list_filter = ["status", "has_conflict", "application__cycle"]
    search_fields = [
        "application__organisation__name",
        "member__user__email",
        "member__user__last_name",
        "conflict_reason",
    ]
    list_select_related = ["application__organisation", "application__cycle", "member__user"]
    inlines = [ScoreInline]

    @admin.display(description=_("reviewer"), ordering="member__user__last_name")
    def reviewer(self, assignment):
        return assignment.member.user


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["criterion", "value", "organisation", "reviewer", "status"]
    list_filter = ["criterion__cycle", "assignment__status"]
    search_fields = [
        "assignment__application__organisation__name",
        "comment",
        "assignment__member__user__email",
    ]
    list_select_related = [
        "criterion",
        "assignment__application__organisation",
        "assignment__member__user",
    ]

    @admin.display(description=_("organisation"))
    def organisation(self, score):
        return score.assignment.application.organisation

    @admin.display(description=_("reviewer"))
    def reviewer(self, score):
        return score.assignment.member.user

    @admin.display(description=_("status"))
    def status(self, score):
        return score.assignment.get_status_display()


class LetterTemplateAdminForm(CheckedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What each {placeholder} stands for, in the staff's language.
        explained = format_html_join(mark_safe("<br>"), "<code>{}</code> — {}", placeholder_help())
        for name in ("body_lv", "body_en"):
            if name in self.fields:
                self.fields[name].help_text = format_html("{}<br>{}", _("Placeholders:"), explained)

    def check(self, data):
        services.check_placeholders(
            {name: data[name] for name in ("subject_lv", "body_lv", "subject_en", "body_en")}
        )


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    form = LetterTemplateAdminForm
    list_display = ["cycle", "decision", "subject_lv", "updated_by", "updated_at"]
    list_filter = ["cycle", "decision"]
    search_fields = ["subject_lv", "body_lv", "subject_en", "body_en"]
    list_select_related = ["cycle", "updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        saved = services.save_letter_template(
            obj.cycle,
            decision=obj.decision,
            by=request.user,
            **{
                name: form.cleaned_data[name]
                for name in ("subject_lv", "body_lv", "subject_en", "body_en")
            },
        )
        obj.pk = saved.pk


@admin.register(DecisionLetter)
class DecisionLetterAdmin(admin.ModelAdmin):
    list_display = [
        "subject_lv",
        "application",
        "decision_status",
        "recipients",
        "sent_by",
        "sent_at",
    ]
    list_filter = ["decision__status", "application__cycle", "sent_at"]
    search_fields = ["application__organisation__name", "subject_lv", "body_lv"]
    list_select_related = ["application__organisation", "application__cycle", "decision", "sent_by"]
    readonly_fields = [
        "application",
        "decision",
        "subject_lv",
        "body_lv",
        "subject_en",
        "body_en",
        "recipients",
        "sent_by",
        "sent_at",
        "emails",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("decision"), ordering="decision__status")
    def decision_status(self, letter):
        return letter.decision.get_status_display()

    @admin.display(description=_("emails"))
    def emails(self, letter):
        url = reverse("admin:notifications_email_changelist")
        return format_html(
            '<a href="{}?q=application:{}:decision:{}:letter">{}</a>',
            url,
            letter.application_id,
            letter.decision_id,
            _("The emails in the outbox"),
        )


@admin.register(ReviewerLine)
class ReviewerLineAdmin(admin.ModelAdmin):
    """Each reviewer's normalisation, as the database computes it (a view)."""

    list_display = ["member", "cycle", "scores", "mean", "committee_mean", "slope", "intercept"]
    list_filter = ["member__cycle"]
    search_fields = ["member__user__email", "member__user__last_name"]
    list_select_related = ["member__user", "member__cycle"]

    @admin.display(description=_("cycle"), ordering="member__cycle")
    def cycle(self, line):
        return line.member.cycle

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlaceOffer)
class PlaceOfferAdmin(admin.ModelAdmin):
    """Offers are made and answered through the portal's services; here they are
    read."""

    list_display = ["application", "status", "offered_at", "expires_at", "answered_at"]
    list_filter = ["status", "cycle"]
    search_fields = ["application__organisation__name"]
    list_select_related = ["application__organisation", "application__cycle"]
    readonly_fields = [
        "cycle",
        "application",
        "status",
        "offered_at",
        "expires_at",
        "offered_by",
        "answered_at",
        "answered_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComputedRowsAdmin(admin.ModelAdmin):
    """Rows the services compute from the scores (no history of their own): read here,
    never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RankedApplication)
class RankedApplicationAdmin(ComputedRowsAdmin):
    """The stored ranking, as the services keep it (read only)."""

    list_display = [
        "application",
        "cycle",
        "priority_field",
        "position",
        "total",
        "normalised_position",
        "normalised_total",
        "reviews_done",
        "spread",
    ]
    list_filter = ["cycle", "priority_field"]
    search_fields = ["application__organisation__name"]
    list_select_related = ["application__organisation", "application__cycle", "cycle"]
    ordering = ["cycle", "position"]


@admin.register(RankingState)
class RankingStateAdmin(ComputedRowsAdmin):
    """Each cycle's stored ranking: the last change and the change it reflects."""

    list_display = ["cycle", "changed", "computed", "computed_at", "is_fresh"]
    list_filter = ["computed_at"]
    search_fields = ["cycle__name"]
    list_select_related = ["cycle"]

    @admin.display(description=_("up to date"), boolean=True)
    def is_fresh(self, state):
        return state.is_fresh
