from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
from .privacy import notice
from .services import ORGANISATION_FIELDS, PROFILE_FIELDS

BIGGEST_ID = 2**63 - 1


def possible_id(field, value):
    """Whether ``value`` can be looked up in ``field`` (a row's id) without the
    database failing: "abc", a negative number or one beyond 64 bits (which SQLite
    cannot even compare) cannot."""
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(prepared, int) or 0 <= prepared <= BIGGEST_ID


def put_errors_on(form, error: ValidationError):
    """Puts a service's ValidationError on the form: field errors on their fields
    when the form has them, everything else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def message_of(error: ValidationError):
    """A service's ValidationError as one message for ``messages.error``."""
    return " ".join(error.messages)


class ChosenRowsField(forms.ModelMultipleChoiceField):
    """Ticked rows of a list. A value that cannot be a row's id is refused as an
    invalid value before it reaches the database."""

    def _check_values(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        for pk in value:
            if not possible_id(key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class SignupForm(forms.Form):
    """The fields allauth's sign-up form adds to email and password, and the
    acceptance of the privacy notice (its version is recorded)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    privacy_notice = forms.BooleanField(
        label=_("I have read the privacy notice and agree to my data being processed"),
        help_text=notice.link(),
        error_messages={"required": _("Please read and accept the privacy notice.")},
    )

    field_order = ["first_name", "last_name"]

    def signup(self, request, user):
        from .privacy import services as privacy
        from .privacy.models import Consent

        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name", "language"])
        privacy.record_consent(user, Consent.Context.SIGNUP)


class OrganisationForm(forms.ModelForm):
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=20,
        help_text=_("11 digits, as in the Register of Enterprises."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mission": forms.Textarea(attrs={"rows": 4}),
            # A sum as the active language writes it ("12500,50" in Latvian).
            "annual_budget": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
        localized_fields = ["annual_budget"]

    def clean_registration_number(self):
        # People copy the number with spaces or dashes; the register writes none.
        value = self.cleaned_data["registration_number"]
        return "".join(value.replace("-", " ").split())


class ColleagueForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"))


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
