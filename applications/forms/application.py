from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.privacy import notice
from incubator.uploads import ACCEPT_ATTRIBUTE

from ..models import Application
from ..services.application import DRAFT_FIELDS


class ApplicationForm(forms.ModelForm):
    """The applicant's answers. Nothing is required while drafting: completeness is
    checked when submitting, so a half-written draft always saves."""

    support_needs = forms.MultipleChoiceField(
        label=_("Which support does your organisation want?"),
        choices=Application.Support.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Application
        fields = DRAFT_FIELDS
        labels = {
            "priority_field": _("Priority field of the application"),
            "motivation": _("Why does your organisation want to take part in the incubator?"),
            "challenges": _("What are your organisation's main challenges now?"),
            "project_idea": _("Which project idea would you like to develop?"),
            "expected_results": _("What do you expect to achieve by the end of the cycle?"),
            "participants": _("Who from the organisation will take part?"),
            "meeting_availability": _("Can they attend the programme's three joint meetings?"),
            "data_consent": _(
                "I agree that the personal data in this application is processed to "
                "evaluate it and to run the incubation programme."
            ),
            "listing_consent": _(
                "We agree that our organisation's name is listed on the public results "
                "page if admitted."
            ),
        }
        help_texts = {
            "participants": _("Names, roles and how much time each can give."),
            "project_idea": _("A few sentences are enough: the problem, the idea, who benefits."),
            "data_consent": notice.link(),
            "listing_consent": _(
                "Optional. Only the name is shown, with the programme's figures as a whole; "
                "the organisation's leader can change this later on My programme."
            ),
        }
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "challenges": forms.Textarea(attrs={"rows": 4}),
            "project_idea": forms.Textarea(attrs={"rows": 5}),
            "expected_results": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "meeting_availability": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["meeting_availability"].choices = Application.Availability.choices

    def valid_answers(self):
        """The answers that passed validation, for saving even when another did not."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Add a document"),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, JPG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        # Attachments are optional for the application: the field is not marked
        # required; an upload without a file still gets a clear message.
        required=False,
    )

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError(_("Choose a file to attach."), code="required")
        return file


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
