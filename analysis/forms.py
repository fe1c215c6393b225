from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


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
    kind = forms.ChoiceField(label=_("Assessment"), choices=Assessment.Kind.choices)
    due_on = forms.DateField(
        label=_("Answer by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


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
