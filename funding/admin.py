from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incubator.admin_widgets import RelationFieldsMixin

from . import services
from .bids import services as bid_services
from .forms import CallForm, SourceForm
from .models import (
    Bid,
    BidComment,
    BidDocument,
    BidReviewRequest,
    BidStatusChange,
    Dismissal,
    Follow,
    FundingCall,
    FundingNeed,
    FundingSource,
    LegalForm,
    Municipality,
    Recommendation,
    Region,
    SavedSearch,
)


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ["name_lv", "name_en", "code", "order"]
    search_fields = ["name_lv", "name_en", "code"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_lv", "name_en", "code", "order"]
    search_fields = ["name_lv", "name_en", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name"]
    list_select_related = ["region"]


class CallInline(admin.TabularInline):
    """A source's calls, to open; they are changed on their own page, which keeps
    their reminders in step."""

    model = FundingCall
    extra = 0
    fields = ["title", "status", "opens_at", "deadline", "budget"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingSource)
class FundingSourceAdmin(SimpleHistoryAdmin):
    """Saved through the services, as on the staff pages: a source turned historic
    withdraws its calls' reminders, and saved searches see what changed."""

    form = SourceForm
    list_display = [
        "name_lv",
        "funder_short",
        "kind",
        "scope",
        "amount_min",
        "amount_max",
        "verification",
        "last_checked_on",
    ]
    list_filter = ["verification", "kind", "scope", "priority_fields", "legal_forms", "regions"]
    search_fields = ["name_lv", "name_en", "funder", "description_lv", "description_en"]
    date_hierarchy = "changed_at"
    inlines = [CallInline]

    @admin.display(description=FundingSource._meta.get_field("funder").verbose_name)
    def funder_short(self, source):
        return source.funder[:80]

    def save_model(self, request, obj, form, change):
        saved, _changed = services.save_source(
            obj if change else None, by=request.user, values=form.values()
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # The relations were saved by the service; only the inlines are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.delete_source(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for source in queryset:
            services.delete_source(source, by=request.user)


class CallAdminForm(CallForm):
    """The staff page's call form with its source, and the admin's date widgets."""

    class Meta(CallForm.Meta):
        fields = ["source", *CallForm.Meta.fields]
        widgets = {}


@admin.register(FundingCall)
class FundingCallAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
    """Saved through the services, which schedule the deadline's reminders."""

    form = CallAdminForm
    list_display = ["title", "source", "status", "opens_at", "deadline", "budget"]
    list_filter = ["status", "source__verification", "source__kind"]
    search_fields = ["title", "source__name_lv", "source__name_en"]
    list_select_related = ["source"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["source"]

    def save_model(self, request, obj, form, change):
        saved = services.save_call(
            obj if change else None,
            source=form.cleaned_data["source"],
            by=request.user,
            values=form.values(),
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.delete_call(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for call in queryset:
            services.delete_call(call, by=request.user)


@admin.register(Follow)
class FollowAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["user", "source", "call", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__email", "source__name_lv", "call__title"]
    list_select_related = ["user", "source", "call"]
    autocomplete_fields = ["user", "source", "call"]


@admin.register(SavedSearch)
class SavedSearchAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_sent_at"]
    search_fields = ["name", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["covered_until", "last_sent_at"]


@admin.register(FundingNeed)
class FundingNeedAdmin(RelationFieldsMixin, admin.ModelAdmin):
    list_display = ["organisation", "amount_sought", "updated_by", "updated_at"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "updated_by"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["updated_by"]


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    """What organisations said; shown, not changed."""

    list_display = ["organisation", "source", "reason", "comment", "dismissed_by", "created_at"]
    list_filter = ["reason", "created_at"]
    search_fields = ["organisation__name", "source__name_lv", "comment"]
    list_select_related = ["organisation", "source", "dismissed_by"]
    readonly_fields = ["organisation", "source", "reason", "comment", "dismissed_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Made on the staff page of an organisation, which emails its people; shown
    here read-only."""

    list_display = ["source", "organisation", "call", "author", "created_at"]
    list_filter = ["created_at", "place__cycle"]
    search_fields = ["source__name_lv", "place__organisation__name", "note"]
    list_select_related = ["source", "call", "author", "place__organisation"]
    readonly_fields = ["place", "source", "call", "note", "author", "created_at"]

    @admin.display(description=Recommendation._meta.get_field("place").verbose_name)
    def organisation(self, recommendation):
        return recommendation.place.organisation

    def has_add_permission(self, request):
        return False


# --- bids -------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class BidStatusChangeInline(ReadOnlyInline):
    model = BidStatusChange
    fields = ["changed_at", "from_status", "to_status", "changed_by"]


class BidReviewRequestInline(ReadOnlyInline):
    model = BidReviewRequest
    fields = ["requested_at", "reviewer", "note", "answered_at"]


class BidCommentInline(ReadOnlyInline):
    model = BidComment
    fields = ["created_at", "author", "text"]


@admin.register(Bid)
class BidAdmin(RelationFieldsMixin, SimpleHistoryAdmin):
    """Saved through the services, which keep its deadline's reminders in step. Its
    status moves on the portal's pages (each move recorded), not here."""

    list_display = [
        "title",
        "organisation",
        "funder_name",
        "status",
        "deadline",
        "amount_requested",
        "chance",
        "amount_awarded",
    ]
    list_filter = ["status", "place__cycle", "place__cohort__priority_field"]
    search_fields = ["title", "funder", "source__name_lv", "place__organisation__name"]
    list_select_related = ["place__organisation", "source"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["source", "call"]
    readonly_fields = ["status", "status_changed_at", "amount_awarded", "created_by", "created_at"]
    inlines = [BidStatusChangeInline, BidReviewRequestInline, BidCommentInline]

    @admin.display(description=Bid._meta.get_field("place").verbose_name)
    def organisation(self, bid):
        return bid.place.organisation

    @admin.display(description=Bid._meta.get_field("funder").verbose_name)
    def funder_name(self, bid):
        return bid.funder_name

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "place"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in bid_services.BID_FIELDS}
        saved = bid_services.save_bid(
            obj if change else None,
            place=None if change else form.cleaned_data["place"],
            by=request.user,
            values=values,
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # the inlines are read-only


class BidRecordAdmin(RelationFieldsMixin, admin.ModelAdmin):
    """Records the portal writes (moves, requests, comments, files): read here."""

    list_select_related = ["bid"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BidStatusChange)
class BidStatusChangeAdmin(BidRecordAdmin):
    list_display = ["bid", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    search_fields = ["bid__title"]


@admin.register(BidReviewRequest)
class BidReviewRequestAdmin(BidRecordAdmin):
    list_display = ["bid", "reviewer", "requested_at", "answered_at"]
    list_filter = ["answered_at"]
    search_fields = ["bid__title", "reviewer__email"]


@admin.register(BidComment)
class BidCommentAdmin(BidRecordAdmin):
    list_display = ["bid", "author", "created_at"]
    search_fields = ["bid__title", "text"]


@admin.register(BidDocument)
class BidDocumentAdmin(BidRecordAdmin):
    list_display = ["name", "bid", "comment", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "bid__title"]
    list_filter = ["content_type"]
