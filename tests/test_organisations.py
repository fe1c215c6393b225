"""Organisation profiles and their people."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from incubator import services
from incubator.forms import OrganisationForm
from incubator.models import Invitation, Membership, Organisation
from incubator.validators import (
    registration_number_with_check_digit,
    validate_registration_number,
)

from . import factories

VALID = "40003521600"  # a real-format number whose check digit is right


def profile_data(**overrides):
    return {
        "name": "Biedrība “Kopā”",
        "legal_form": "association",
        "registration_number": VALID,
        "founded_on": "2016-04-12",
        "priority_field": overrides.pop("priority_field"),
        "municipality": "Liepāja",
        "address": "Zivju iela 3",
        "website": "kopa.lv",
        "email": "info@kopa.lv",
        "phone": "+371 26000000",
        "mission": "Stiprinām kaimiņu kopienu.",
        "members_count": "12",
        "volunteers_count": "30",
        "annual_budget": "12500.50",
        **overrides,
    }


# Written out, so that no computed fallback can stand in for one of them: two of
# today's 4… numbers and one of the older 5… ones.
VALID_NUMBERS = [VALID, "40008001019", "50008001010"]


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_valid_registration_numbers_pass(number, priority_fields):
    validate_registration_number(number)  # raises nothing
    typed = f"{number[:4]} {number[4:7]}-{number[7:]}"  # as people copy it
    form = OrganisationForm(
        profile_data(priority_field=priority_fields[0].pk, registration_number=typed)
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["registration_number"] == number


def test_ten_digits_are_completed_with_their_check_digit_when_one_exists():
    """The demo and the factories make their numbers with this helper."""
    assert [registration_number_with_check_digit(n[:10]) for n in VALID_NUMBERS] == VALID_NUMBERS
    # No eleventh digit makes 4000800009… valid: the helper says so instead of guessing.
    assert registration_number_with_check_digit("4000800009") is None


@pytest.mark.parametrize(
    "number, code",
    [
        ("4000352160", "format"),
        ("400035216000", "format"),
        ("4000352160A", "format"),
        ("40003521601", "checksum"),
        ("16117519997", "personal_code"),
    ],
)
def test_malformed_registration_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as refused:
        validate_registration_number(number)
    assert refused.value.code == code


def test_creating_an_organisation_makes_the_creator_its_leader(client, applicant, priority_fields):
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_create"),
        profile_data(priority_field=priority_fields[0].pk, registration_number="4000 3521 600"),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.registration_number == VALID
    assert organisation.website == "https://kopa.lv"
    assert str(organisation.annual_budget) == "12500.50"
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.LEADER


def test_a_bad_or_taken_registration_number_keeps_what_was_typed(
    client, applicant, priority_fields
):
    factories.OrganisationFactory(registration_number=VALID)
    client.force_login(applicant)
    data = profile_data(priority_field=priority_fields[1].pk, name="Mūsu biedrība")
    response = client.post(reverse("organisation_create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "jau ir reģistrēta" in page  # the Latvian "already registered" message
    assert 'value="Mūsu biedrība"' in page
    assert "Stiprinām kaimiņu kopienu." in page
    # The banner does not claim a save that did not happen.
    assert "Vēl nekas nav saglabāts" in page and "ir saglabāts" not in page
    response = client.post(reverse("organisation_create"), {**data, "registration_number": "12345"})
    assert "11 cipar" in response.content.decode()
    assert Organisation.objects.count() == 1


def test_a_negative_budget_is_refused(client, applicant, priority_fields):
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_create"),
        profile_data(priority_field=priority_fields[0].pk, annual_budget="-5"),
    )
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_only_the_leader_manages_people(client, organisation):
    member = factories.UserFactory()
    organisation.memberships.create(user=member)
    client.force_login(member)
    response = client.post(
        reverse("colleague_add", args=[organisation.pk]), {"email": "x@example.lv"}, follow=True
    )
    assert not Invitation.objects.exists()
    assert "vadītājs" in response.content.decode()


def test_the_last_leader_cannot_be_removed(organisation, applicant):
    membership = organisation.memberships.get(user=applicant)
    with pytest.raises(ValidationError):
        services.remove_person(membership=membership, by=applicant)
    assert organisation.memberships.count() == 1


def test_profile_edit_keeps_input_on_error(client, organisation, applicant):
    client.force_login(applicant)
    url = reverse("organisation_edit", args=[organisation.pk])
    data = profile_data(
        priority_field=organisation.priority_field_id,
        registration_number=organisation.registration_number,
        name="Jauns nosaukums",
        email="nav-epasts",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'value="Jauns nosaukums"' in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name != "Jauns nosaukums"


def test_the_budget_is_written_and_read_as_the_language_writes_decimals(
    client, applicant, priority_fields
):
    """ "12500,50" in Latvian (the point is understood too); the edit form shows it so."""
    client.force_login(applicant)
    for typed, saved in [("12500,50", "12500.50"), ("900.25", "900.25"), ("7400", "7400.00")]:
        data = profile_data(priority_field=priority_fields[0].pk, annual_budget=typed)
        data["registration_number"] = VALID_NUMBERS[len(Organisation.objects.all())]
        response = client.post(reverse("organisation_create"), data)
        assert response.status_code == 302, typed
        assert str(Organisation.objects.latest("pk").annual_budget) == saved
    organisation = Organisation.objects.order_by("pk").first()
    page = client.get(reverse("organisation_edit", args=[organisation.pk])).content.decode()
    assert 'value="12500,50"' in page and 'inputmode="decimal"' in page
    english = client.get("/en" + reverse("organisation_edit", args=[organisation.pk]))
    assert 'value="12500.50"' in english.content.decode()
