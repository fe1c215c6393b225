from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureRequestForm(forms.Form):
    note = forms.CharField(
        label=_("Anything staff should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefusalForm(forms.Form):
    refusal_reason = forms.CharField(
        label=_("Why the programme must keep the records"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person is told this reason by email."),
        error_messages={"required": _("Say why: the person is told the reason.")},
    )


class RetentionForm(forms.Form):
    months = forms.IntegerField(
        label=_("Months kept after the decisions"),
        min_value=1,
        max_value=120,
        help_text=_("Files and answers of applications that were not admitted are then deleted."),
    )
