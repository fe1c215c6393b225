"""The writes that views used to make with ``form.save()`` go through services: an
organisation's profile and a cohort keep their history with who changed what, a new
coordinator is invited to the cohort's meetings ahead, a person's profile writes
only its own columns."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cohorts import services as cohort_services
from incubator import services
from incubator.models import Organisation, User
from incubator.notifications.models import Email

from . import factories


def _profile_data(organisation, **changes):
    fields = {name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS}
    fields["priority_field"] = organisation.priority_field_id
    fields["founded_on"] = organisation.founded_on.isoformat()
    return {name: "" if value is None else value for name, value in {**fields, **changes}.items()}


def test_an_organisations_profile_is_saved_with_who_changed_it(client, applicant, organisation):
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        _profile_data(organisation, name="Biedrība “Zilā Liepāja”", members_count=31),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.members_count) == ("Biedrība “Zilā Liepāja”", 31)
    latest = organisation.history.latest()
    assert (latest.history_type, latest.history_user, latest.name) == (
        "~",
        applicant,
        "Biedrība “Zilā Liepāja”",
    )
    assert latest.prev_record.name == "Biedrība “Zaļā Liepāja”"


def test_saving_an_unchanged_profile_adds_no_history(applicant, organisation):
    versions = organisation.history.count()
    fields = {name: getattr(organisation, name) for name in services.ORGANISATION_FIELDS}
    services.update_organisation(organisation, by=applicant, **fields)
    assert organisation.history.count() == versions


def test_another_organisations_registration_number_is_refused_on_the_form(
    client, applicant, organisation
):
    other = factories.OrganisationFactory()
    client.force_login(applicant)
    response = client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        _profile_data(organisation, registration_number=other.registration_number, phone="+371 2"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Organizācija ar šo reģistrācijas numuru jau ir reģistrēta." in page
    assert 'value="+371 2"' in page
    organisation.refresh_from_db()
    assert organisation.registration_number != other.registration_number


def test_the_service_refuses_what_the_register_would(applicant, organisation):
    with pytest.raises(ValidationError) as error:
        services.update_organisation(organisation, by=applicant, registration_number="12345")
    assert "registration_number" in error.value.message_dict
    with pytest.raises(ValueError):
        services.update_organisation(organisation, by=applicant, created_at=timezone.now())


def test_a_profile_writes_only_its_own_columns(client, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("profile"),
        {"first_name": "Ilze", "last_name": "Ozola", "phone": "+371 20000000", "language": "en"},
    )
    assert response.status_code == 302
    person = User.objects.get(pk=applicant.pk)
    assert (person.first_name, person.last_name, person.language) == ("Ilze", "Ozola", "en")
    assert person.optional_reminders is False  # an unticked box
    # Another session changes the password meanwhile: a profile saved from the
    # person as loaded before must not undo it.
    User.objects.filter(pk=applicant.pk).update(password="changed-elsewhere")
    services.update_profile(person, phone="+371 29999999")
    person = User.objects.get(pk=applicant.pk)
    assert (person.phone, person.password) == ("+371 29999999", "changed-elsewhere")
    with pytest.raises(ValueError):
        services.update_profile(person, is_staff=True)


def _meeting(place, staff, days):
    starts = timezone.now() + datetime.timedelta(days=days)
    return cohort_services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=place.cohort,
        title=f"Tikšanās pēc {days} dienām",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )


def _notices(person, meeting):
    emails = Email.objects.filter(recipient=person, key__startswith=f"meeting:{meeting.pk}:")
    keys = emails.order_by("pk").values_list("key", flat=True)
    return [key.split(":")[4].split("@")[0] for key in keys]


def test_a_new_coordinator_is_invited_to_the_meetings_ahead_and_the_old_one_withdrawn(
    client, place, staff
):
    organiser = factories.StaffFactory(email="organizatore@inkubators.lv")
    old, new = factories.StaffFactory(), factories.StaffFactory()
    cohort_services.update_cohort(place.cohort, by=staff, coordinator=old)
    first, second = _meeting(place, organiser, 10), _meeting(place, organiser, 20)
    assert _notices(old, first) == ["invited"]

    client.force_login(staff)
    response = client.post(
        reverse("cohorts:cohort_edit", args=[place.cohort_id]),
        {"coordinator": new.pk, "description": "Tiekamies katru mēnesi."},
    )
    assert response.status_code == 302
    for meeting in (first, second):
        assert _notices(new, meeting) == ["invited"]
        assert _notices(old, meeting) == ["invited", "withdrawn"]
        assert _notices(organiser, meeting) == ["invited"]  # still its host
    cohort = place.cohort.__class__.objects.get(pk=place.cohort_id)
    latest = cohort.history.latest()
    assert (latest.history_user, latest.coordinator, latest.description) == (
        staff,
        new,
        "Tiekamies katru mēnesi.",
    )


def test_a_new_description_tells_nobody(place, staff):
    coordinator = factories.StaffFactory()
    cohort_services.update_cohort(place.cohort, by=staff, coordinator=coordinator)
    meeting = _meeting(place, staff, 10)
    emails = Email.objects.count()
    cohort_services.update_cohort(
        place.cohort, by=staff, coordinator=coordinator, description="Jauns apraksts"
    )
    assert Email.objects.count() == emails
    assert _notices(coordinator, meeting) == ["invited"]


def test_only_active_staff_coordinate(place, staff, applicant):
    retired = factories.StaffFactory(is_active=False)
    for person in (applicant, retired):
        with pytest.raises(ValidationError) as error:
            cohort_services.update_cohort(place.cohort, by=staff, coordinator=person)
        assert "coordinator" in error.value.message_dict
    assert place.cohort.__class__.objects.get(pk=place.cohort_id).coordinator is None


def test_the_organisation_history_lists_in_the_admin(admin_client, organisation):
    response = admin_client.get(
        reverse("admin:incubator_organisation_history", args=[organisation.pk])
    )
    assert response.status_code == 200
    assert Organisation.history.filter(id=organisation.pk).exists()
