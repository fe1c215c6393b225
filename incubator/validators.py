from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.lv import pvn

REGISTRATION_NUMBER_FORMAT = _("The registration number must be exactly 11 digits.")
REGISTRATION_NUMBER_PERSONAL = _(
    "This looks like a personal code; enter the organisation's registration number."
)
REGISTRATION_NUMBER_CHECKSUM = _(
    "This registration number is not valid (its check digit does not match). "
    "Please check it against the Register of Enterprises."
)


def validate_registration_number(value):
    """A Latvian legal entity's registration number: 11 digits, first digit above 3,
    and the Register of Enterprises' check digit (the same as in its VAT number)."""
    if not (len(value) == 11 and value.isascii() and value.isdigit()):
        raise ValidationError(REGISTRATION_NUMBER_FORMAT, code="format")
    if value[0] <= "3":
        raise ValidationError(REGISTRATION_NUMBER_PERSONAL, code="personal_code")
    if pvn.checksum(value) != 3:
        raise ValidationError(REGISTRATION_NUMBER_CHECKSUM, code="checksum")


def registration_number_with_check_digit(first_ten):
    """Completes ten digits into a valid registration number, or returns None when no
    eleventh digit can (used to make demo and test data)."""
    for last in "0123456789":
        if pvn.checksum(first_ten + last) == 3:
            return first_ten + last
    return None
