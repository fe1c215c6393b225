from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from incubator.models import PriorityField

from ..forms import AMOUNT_WIDGET, DATETIME_WIDGET, MAX_AMOUNT
from ..models import FundingCall, FundingSource
from . import services
from .models import Bid


class BidForm(forms.ModelForm):
    class Meta:
        model = Bid
        fields = services.BID_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "amount_requested": AMOUNT_WIDGET,
            "cofinancing": AMOUNT_WIDGET,
            "deadline": DATETIME_WIDGET,
            "chance": forms.NumberInput(attrs={"min": "0", "max": "100", "step": "1"}),
        }
        help_texts = {
            "deadline": _("Riga time. Left empty, the call's deadline is taken."),
            "source": _("From the catalogue; or type the funder's name below."),
        }

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        sources = list(FundingSource.objects.opportunities().only("pk", "name_lv", "name_en"))
        calls = list(
            FundingCall.objects.of_opportunities()
            .select_related("source")
            .only("pk", "title", "source__name_lv", "source__name_en")
            .order_by("source__name_lv", "deadline")
        )
        self.fields["source"].queryset = FundingSource.objects.opportunities()
        self.fields["source"].choices = [("", "---------")] + [(s.pk, s.name) for s in sources]
        self.fields["call"].queryset = FundingCall.objects.of_opportunities()
        self.fields["call"].choices = [("", "---------")] + [
            (c.pk, f"{c.source.name} — {c.title}") for c in calls
        ]
        for name in ("amount_requested", "cofinancing"):
            self.fields[name].max_value = MAX_AMOUNT
            self.fields[name].min_value = 0
        self.fields["chance"].max_value = 100

    def clean(self):
        cleaned = super().clean()
        call, source = cleaned.get("call"), cleaned.get("source")
        if call is not None and source is not None and call.source_id != source.pk:
            self.add_error("call", _("Choose a call of the chosen funding source."))
        return cleaned

    def values(self):
        return {name: self.cleaned_data[name] for name in services.BID_FIELDS}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=Bid.Status.choices)
    amount_awarded = forms.DecimalField(
        label=_("Amount awarded (EUR)"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
        widget=AMOUNT_WIDGET,
    )


class ReviewRequestForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Who should review it"), queryset=None)
    note = forms.CharField(
        label=_("What to look at"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: user.display_name


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("A marked-up file (optional)"), required=False, allow_empty_file=True
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"), allow_empty_file=True)


class BoardFilterForm(forms.Form):
    field = forms.ModelChoiceField(
        label=_("Priority field"),
        queryset=PriorityField.objects.all(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    funder = forms.CharField(
        label=_("Funder"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    def __init__(self, *args, cohorts, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(pk__in=[c.pk for c in cohorts])
        self.fields["cohort"].choices = [("", "---------")] + [
            (c.pk, c.priority_field.name) for c in cohorts
        ]
        self.fields["field"].choices = [("", "---------")] + [(f.pk, f.name) for f in fields]

    def filters(self):
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
