from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.models import ActionItem, ExpertiseTag

from .models import Assessment, Recommendation


def posted_scores(data, prefix="q"):
    """{question id: score} of the form's ``q<id>`` fields, as typed (the service
    checks them)."""
    return {key[len(prefix) :]: data.get(key) for key in data if key.startswith(prefix)}


def posted_agreed(data):
    """{question id: (score, comment)} of the ``agreed<id>`` and ``comment<id>`` fields."""
    return {
        key[len("agreed") :]: (data.get(key), data.get(f"comment{key[len('agreed') :]}", ""))
        for key in data
        if key.startswith("agreed")
    }


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address of a colleague or board member"))


class RecommendationForm(forms.Form):
    topic = forms.ChoiceField(
        label=pgettext_lazy("recommendation", "About"), choices=Recommendation.Topic.choices
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}))
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=Recommendation.Priority.choices,
        coerce=int,
        initial=Recommendation.Priority.MEDIUM,
    )
    expertise = forms.ModelChoiceField(
        label=_("Expertise that would help"),
        queryset=ExpertiseTag.objects.filter(is_active=True),
        required=False,
        help_text=_("The organisation is shown the experts and mentors who have it."),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ActionItemForm(forms.Form):
    """A recommendation turned into an action item of one of the organisation's
    consultations, or of none (before any consultation)."""

    description = forms.CharField(label=_("What to do"), max_length=300)
    owner = forms.ChoiceField(
        label=_("Who does it"),
        choices=ActionItem.Owner.choices,
        initial=ActionItem.Owner.ORGANISATION,
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    consultation = forms.TypedChoiceField(
        label=_("Agreed at the consultation"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Chosen, the action item is kept with the consultation's action items; "
            "without one, with the organisation's programme."
        ),
    )

    def __init__(self, *args, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        consultations = list(consultations)
        self.fields["consultation"].choices = [("", _("No consultation"))] + [
            (c.pk, f"{_day(c.starts_at)} · {c.mentor.name}") for c in consultations
        ]
        if consultations:  # the latest consultation, as before; none can be chosen
            self.fields["consultation"].initial = consultations[0].pk


def _day(moment):
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


class FundingLinkForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Funding source"), coerce=int)
    call = forms.TypedChoiceField(
        label=_("Call (optional)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, sources, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "—")] + [(s.pk, s.name) for s in sources]
        self.fields["call"].choices = [("", "—")] + [
            (c.pk, f"{c.source.name}: {c.title}") for c in calls
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What you did with it"),
        choices=[c for c in Recommendation.Status.choices if c[0] != Recommendation.Status.NEW],
    )
    reason = forms.CharField(
        label=_("Reason (when not relevant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OpenForm(forms.Form):
    """Staff open an assessment for the cycle. The end assessment needs a date to
    answer by: without one nobody would be reminded of it."""

    kind = forms.ChoiceField(label=_("Assessment"), choices=Assessment.Kind.choices)
    due_on = forms.DateField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required for the end assessment: the organisations are reminded of it."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == Assessment.Kind.END
            and cleaned.get("due_on") is None
            and "due_on" not in self.errors
        ):
            self.add_error(
                "due_on",
                _(
                    "Give the date to answer the end assessment by: the organisations "
                    "are reminded of it before that day."
                ),
            )
        return cleaned


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    analysis = forms.TypedChoiceField(
        label=_("The organisation analysis"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    consultations = forms.TypedChoiceField(
        label=_("Mentor and expert consultations"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    meetings = forms.TypedChoiceField(
        label=_("Joint meetings"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    funding_help = forms.TypedChoiceField(
        label=_("Help with funding"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    overall = forms.TypedChoiceField(
        label=_("The programme overall"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What else would you tell us?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("Show my words to staff without my name"), required=False
    )
