from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.forms import ChosenRowsField
from incubator.models import PriorityField

from . import selectors, services
from .models import Dismissal, FundingCall, FundingNeed, FundingSource, LegalForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
AMOUNT_WIDGET = forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})
MAX_AMOUNT = 10**10 - 1  # 12 digits, 2 of them after the point


# --- the catalogue's filter ----------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    """The public catalogue's filter (GET); its valid values become ``Filters``."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Priority field"), required=False)
    legal_form = forms.ChoiceField(label=_("Legal form"), required=False)
    scope = forms.ChoiceField(
        label=_("Geographic scope"),
        required=False,
        choices=[("", _("Any scope"))] + FundingSource.Scope.choices,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind"))] + FundingSource.Kind.choices,
    )
    amount = forms.DecimalField(
        label=_("Amount sought (EUR)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
        widget=AMOUNT_WIDGET,
        help_text=_("Sources whose range per project admits it."),
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    closing_soon = forms.BooleanField(label=_("Deadline within 30 days"), required=False)
    show_historic = forms.BooleanField(
        label=_("Also closed programmes (for reference)"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("deadline", _("Deadline")),
            ("relevance", _("Relevance")),
            ("name", _("Name")),
        ],
    )

    FILTER_NAMES = [
        "q",
        "field",
        "legal_form",
        "scope",
        "kind",
        "amount",
        "open_now",
        "closing_soon",
        "show_historic",
        "sort",
    ]

    def __init__(self, *args, priority_fields=None, legal_forms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if priority_fields is None:
            priority_fields = PriorityField.objects.all()
        if legal_forms is None:
            legal_forms = LegalForm.objects.all()
        self.fields["field"].choices = (
            [("", _("Any field"))]
            + [(f.code, f.name) for f in priority_fields]
            + [(selectors.CROSS_CUTTING, _("Cross-cutting / civil society"))]
        )
        self.fields["legal_form"].choices = [("", _("Any legal form"))] + [
            (form.code, form.name) for form in legal_forms
        ]

    def filters(self):
        """The valid part of what was chosen (an invalid value is left out)."""
        data = getattr(self, "cleaned_data", {})
        values = {
            name: data[name] for name in self.FILTER_NAMES if data.get(name) not in (None, "")
        }
        if not values.get("sort"):
            values["sort"] = "relevance" if selectors.search.words(values.get("q")) else "deadline"
        return selectors.Filters(**values)

    SELECTS = ["field", "legal_form", "scope", "kind", "sort"]
    CHECKS = ["open_now", "closing_soon", "show_historic"]

    def selects(self):
        """The drop-downs as the page writes them out (not rendered widget by widget,
        one template per option): each one's name, id, label, errors and options
        (value, label, whether chosen)."""
        shown = []
        for name in self.SELECTS:
            bound = self[name]
            current = bound.value()
            shown.append(
                {
                    "name": name,
                    "id": bound.id_for_label,
                    "label": str(bound.label),
                    "errors": self.errors.get(name, []),
                    "options": [
                        (value, str(label), value == current)
                        for value, label in bound.field.choices
                    ],
                }
            )
        return shown

    def checks(self):
        """The check boxes as the page writes them out: name, id, label, ticked."""
        return [
            {
                "name": name,
                "id": self[name].id_for_label,
                "label": str(self[name].label),
                "checked": bool(self[name].value()),
            }
            for name in self.CHECKS
        ]

    def query(self):
        """The chosen filter as the query string's values (for links and saving)."""
        data = getattr(self, "cleaned_data", {})
        values = {}
        for name in self.FILTER_NAMES:
            value = data.get(name)
            if value in (None, "", False):
                continue
            values[name] = "1" if value is True else str(value)
        return values


def filters_from_query(query):
    """Filters from a saved query ({name: value}); values no longer valid (a field
    removed since) are left out."""
    form = CatalogueFilterForm(QueryDict(urlencode(query or {})))
    form.is_valid()
    return form.filters()


# --- staff: sources and calls ------------------------------------------------------


class SourceForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https"
    )
    priority_fields = ChosenRowsField(
        label=_("Priority fields"),
        queryset=PriorityField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    legal_forms = ChosenRowsField(
        label=_("Eligible legal forms"),
        queryset=LegalForm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all empty when the sources do not say."),
    )

    class Meta:
        model = FundingSource
        fields = [
            "name_lv",
            "name_en",
            "funder",
            "description_lv",
            "description_en",
            "kind",
            "priority_fields",
            "cross_cutting",
            "legal_forms",
            "eligibility_note",
            "scope",
            "regions",
            "municipalities",
            "scope_note",
            "amount_min",
            "amount_max",
            "cofinancing_percent",
            "cofinancing_note",
            "call_frequency",
            "website",
            "facts_sources",
            "verification",
            "verification_note",
            "last_checked_on",
        ]
        widgets = {
            "description_lv": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "eligibility_note": forms.Textarea(attrs={"rows": 2}),
            "facts_sources": forms.Textarea(attrs={"rows": 3}),
            "regions": forms.CheckboxSelectMultiple,
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
            "amount_min": AMOUNT_WIDGET,
            "amount_max": AMOUNT_WIDGET,
            "cofinancing_percent": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "max": "100"}
            ),
            "last_checked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("regions", "municipalities"):
            field = self.fields[name]
            self.fields[name] = ChosenRowsField(
                label=field.label,
                queryset=field.queryset,
                required=False,
                widget=field.widget,
                help_text=field.help_text,
            )

    def clean(self):
        cleaned = super().clean()
        errors = services.scope_errors(
            cleaned.get("scope"), cleaned.get("regions"), cleaned.get("municipalities")
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def values(self):
        """What ``services.save_source`` takes."""
        names = services.SOURCE_FIELDS + services.SOURCE_RELATIONS
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class CallForm(forms.ModelForm):
    rules_url = forms.URLField(
        label=_("Rules of the call"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = FundingCall
        fields = ["title", "status", "opens_at", "deadline", "budget", "rules_url"]
        widgets = {
            "opens_at": DATETIME_WIDGET,
            "deadline": DATETIME_WIDGET,
            "budget": AMOUNT_WIDGET,
        }
        help_texts = {
            "opens_at": _("Riga time."),
            "deadline": _("Riga time. Leave empty for a rolling call."),
        }

    def values(self):
        return {name: self.cleaned_data[name] for name in services.CALL_FIELDS}


# --- people -----------------------------------------------------------------------


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the search"),
        max_length=120,
        help_text=_("We email you each week what is new or changed among its results."),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def catalogue_query(self):
        """The catalogue filter being saved, only its valid values."""
        form = CatalogueFilterForm(QueryDict(self.cleaned_data.get("query", "")))
        form.is_valid()
        return form.query()


class NeedForm(forms.ModelForm):
    class Meta:
        model = FundingNeed
        fields = ["amount_sought"]
        widgets = {"amount_sought": AMOUNT_WIDGET}
        help_texts = {
            "amount_sought": _(
                "What a typical project of yours needs. Matching compares it with each "
                "source's range."
            )
        }

    def clean_amount_sought(self):
        value = self.cleaned_data["amount_sought"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The amount sought must be above zero."))
        return value


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it not for you?"),
        choices=Dismissal.Reason.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Staff read these to see what the catalogue lacks."),
    )


class RecommendForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Funding source"), queryset=FundingSource.objects.none()
    )
    call = forms.ModelChoiceField(
        label=_("Call (optional)"), queryset=FundingCall.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why it suits them, what to prepare. The organisation's people are emailed."),
    )

    def __init__(self, *args, sources=None, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        # What may be chosen: the sources one can apply to and their calls still ahead.
        sources_ahead, calls_ahead = selectors.recommendable(timezone.now())
        self.fields["source"].queryset = sources_ahead
        self.fields["call"].queryset = calls_ahead
        self.fields["call"].label_from_instance = lambda call: f"{call.source.name} — {call.title}"
        if sources is not None:  # already loaded: the page renders without a query
            self.fields["source"].choices = [("", "---------")] + [(s.pk, s.name) for s in sources]
        if calls is not None:
            self.fields["call"].choices = [("", "---------")] + [
                (c.pk, f"{c.source.name} — {c.title}") for c in calls
            ]

    def clean(self):
        cleaned = super().clean()
        call, source = cleaned.get("call"), cleaned.get("source")
        if call is not None and source is not None and call.source_id != source.pk:
            self.add_error("call", _("Choose a call of the recommended source."))
        return cleaned


# --- import ------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "The columns of the export. A row with an id changes that source; one without "
            "changes the source of the same Latvian name, or adds a new one."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
