"""Cohorts: places made by admission, moves and departures, the staff's pages."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications import services as application_services
from applications import signals
from cohorts import services
from cohorts.models import Cohort, CohortMembership

from . import factories


@pytest.fixture
def youth(priority_fields):
    return next(field for field in priority_fields if field.code == "youth")


@pytest.fixture
def culture(priority_fields):
    return next(field for field in priority_fields if field.code == "culture")


def test_publishing_an_admission_places_the_organisation_in_a_new_cohort(
    running_cycle, staff, culture, django_capture_on_commit_callbacks
):
    application = factories.ApplicationFactory(
        cycle=running_cycle,
        submitted=True,
        organisation__priority_field=culture,
    )
    application_services.decide(application, decision="admitted", by=staff, without_review=True)
    assert not Cohort.objects.exists()  # a decision is internal until published
    with django_capture_on_commit_callbacks(execute=True):
        application_services.publish_decision(application, by=staff)
    membership = CohortMembership.objects.get()
    assert membership.organisation == application.organisation
    assert membership.cohort.priority_field == culture
    assert membership.cohort.cycle == running_cycle
    assert membership.status == "active"
    assert membership.application == application


def test_the_second_organisation_of_a_field_joins_the_same_cohort_and_repeats_change_nothing(
    running_cycle, staff, culture, youth
):
    first = factories.admit(
        factories.OrganisationFactory(priority_field=culture), running_cycle, staff
    )
    second = factories.admit(
        factories.OrganisationFactory(priority_field=culture), running_cycle, staff
    )
    other = factories.admit(
        factories.OrganisationFactory(priority_field=youth), running_cycle, staff
    )
    assert first.cohort == second.cohort != other.cohort
    assert services.place_admitted(second.application) == second
    assert Cohort.objects.count() == 2
    assert CohortMembership.objects.count() == 3


def test_the_applications_priority_field_decides_the_cohort(running_cycle, staff, culture, youth):
    organisation = factories.OrganisationFactory(priority_field=culture)
    membership = factories.admit(organisation, running_cycle, staff, priority_field=youth)
    assert membership.cohort.priority_field == youth


def test_only_an_admitted_application_gets_a_place(running_cycle):
    application = factories.ApplicationFactory(cycle=running_cycle, submitted=True)
    with pytest.raises(ValidationError):
        services.place_admitted(application)
    assert not CohortMembership.objects.exists()


def test_a_revoked_admission_marks_the_place_as_left_and_readmission_restores_it(place):
    signals.admission_revoked.send(sender=None, application=place.application)
    place.refresh_from_db()
    assert place.status == "left"
    assert place.reason == "Uzņemšana tika atsaukta."
    assert place.ended_at is not None
    signals.application_admitted.send(sender=None, application=place.application)
    place.refresh_from_db()
    assert (place.status, place.reason, place.ended_at) == ("active", "", None)


def test_staff_move_an_organisation_within_its_cycle_only(place, staff, youth):
    other = Cohort.objects.create(cycle=place.cycle, priority_field=youth)
    services.move_membership(place, cohort=other, by=staff)
    place.refresh_from_db()
    assert place.cohort == other
    assert place.history.first().history_user == staff
    foreign = Cohort.objects.create(cycle=factories.RunningCycleFactory(), priority_field=youth)
    with pytest.raises(ValidationError):
        services.move_membership(place, cohort=foreign, by=staff)


def test_leaving_needs_a_reason_completing_does_not(place, staff):
    with pytest.raises(ValidationError) as error:
        services.set_membership_status(place, status="left", reason="  ", by=staff)
    assert "reason" in error.value.message_dict
    services.set_membership_status(place, status="left", reason="Beidza darbību", by=staff)
    place.refresh_from_db()
    assert (place.status, place.reason) == ("left", "Beidza darbību")
    services.set_membership_status(place, status="completed", by=staff)
    place.refresh_from_db()
    assert (place.status, place.reason) == ("completed", "")
    assert place.ended_at is not None


def test_the_status_form_shows_a_missing_reason_instead_of_failing(client, place, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:membership_status", args=[place.pk]),
        {f"status{place.pk}-status": "left", f"status{place.pk}-reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Norādiet, kāpēc" in response.content.decode()
    place.refresh_from_db()
    assert place.status == "active"


def test_staff_move_from_the_cohort_page(client, place, staff, youth):
    other = Cohort.objects.create(cycle=place.cycle, priority_field=youth)
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:membership_move", args=[place.pk]), {f"move{place.pk}-cohort": other.pk}
    )
    assert response.url == reverse("cohorts:cohort_detail", args=[other.pk])
    place.refresh_from_db()
    assert place.cohort == other


def test_the_cohort_page_writes_out_each_rows_forms_as_their_views_read_them(
    client, place, staff, youth
):
    """Each organisation's forms on the cohort page: the move offers the cycle's other
    cohorts (not its own) under the name the move view reads; the status form shows
    its status and reason; and what the page offers, posted back, moves it."""
    other = Cohort.objects.create(cycle=place.cycle, priority_field=youth)
    CohortMembership.objects.filter(pk=place.pk).update(reason="Pārcelšanās <uz> Rīgu")
    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    move = re.search(rf'<select name="move{place.pk}-cohort".*?</select>', page, re.S).group()
    offered = re.findall(r'<option value="(\d+)"', move)
    assert offered == [str(other.pk)]
    status = re.search(rf'<select name="status{place.pk}-status".*?</select>', page, re.S).group()
    assert re.search(r'<option value="active" selected>', status)
    assert "Pārcelšanās &lt;uz&gt; Rīgu</textarea>" in page
    response = client.post(
        reverse("cohorts:membership_move", args=[place.pk]), {f"move{place.pk}-cohort": offered[0]}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.cohort == other


def test_the_cohort_page_lists_members_with_their_contact_people(client, place, applicant, staff):
    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert place.organisation.name in page
    assert applicant.email in page
    assert "Apmeklētās tikšanās" in page  # staff see attendance


def test_a_participant_sees_their_cohort_without_the_staff_columns(client, place, applicant):
    client.force_login(applicant)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert place.organisation.name in page
    assert "Apmeklētās tikšanās" not in page
    assert "Pārvietot" not in page


def test_a_participant_sees_each_peers_leader_only_without_phones(client, place, applicant, staff):
    from incubator.models import Membership

    peer_leader = factories.UserFactory(phone="+371 22222222")
    peer = factories.admit(
        factories.OrganisationFactory(
            leader=peer_leader, priority_field=place.cohort.priority_field
        ),
        place.cycle,
        staff,
    )
    peer_member = factories.UserFactory(phone="+371 23333333")
    Membership.objects.create(organisation=peer.organisation, user=peer_member)
    gone = factories.UserFactory(is_active=False)
    Membership.objects.create(
        organisation=peer.organisation, user=gone, role=Membership.Role.LEADER
    )
    client.force_login(applicant)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert peer_leader.email in page and peer_leader.display_name in page
    assert peer_member.email not in page
    assert gone.email not in page
    assert "+371 22222222" not in page and "+371 23333333" not in page

    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert peer_member.email in page and "+371 23333333" in page
    assert gone.email not in page


def test_an_organisation_that_left_is_listed_for_staff_only(client, place, staff, applicant):
    peer = factories.admit(
        factories.OrganisationFactory(
            leader=factories.UserFactory(), priority_field=place.cohort.priority_field
        ),
        place.cycle,
        staff,
    )
    services.set_membership_status(peer, status="left", reason="Beidza darbību", by=staff)
    client.force_login(applicant)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert peer.organisation.name not in page
    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    assert peer.organisation.name in page and "Beidza darbību" in page


def test_a_participant_of_another_cohort_gets_404(client, place, staff, youth):
    stranger = factories.UserFactory()
    factories.admit(
        factories.OrganisationFactory(leader=stranger, priority_field=youth), place.cycle, staff
    )
    client.force_login(stranger)
    assert client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).status_code == 404


def test_the_cohort_list_shows_each_cohort_with_its_counts_and_next_meeting(
    client, staff, place, priority_fields
):
    youth = next(f for f in priority_fields if f.code == "youth")
    for _ in range(2):
        factories.admit(
            factories.OrganisationFactory(
                leader=factories.UserFactory(), priority_field=place.cohort.priority_field
            ),
            place.cycle,
            staff,
        )
    gone = factories.admit(
        factories.OrganisationFactory(leader=factories.UserFactory(), priority_field=youth),
        place.cycle,
        staff,
    )
    services.set_membership_status(gone, status="left", reason="Beidza darbību", by=staff)
    place.cohort.coordinator = staff
    place.cohort.save()
    starts = timezone.now() + timezone.timedelta(days=9)
    services.schedule_meeting(
        cycle=place.cycle,
        by=staff,
        cohort=place.cohort,
        title="Kultūras tikšanās",
        starts_at=starts,
        ends_at=starts + timezone.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_list"), {"cycle": place.cycle_id}).content.decode()
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row.split("</td>")[:-1]]
            for row in page.split("<tr>")[1:]
        )
        if cells
    }
    culture = rows[place.cohort.name]
    assert culture[:4] == [staff.display_name, "3", "0", "0"]
    assert culture[4] == date_format(timezone.localtime(starts), "DATETIME_FORMAT")
    assert rows["Bērni un jaunieši"][:4] == ["—", "0", "0", "1"]


def test_staff_edit_the_cohort_coordinator_and_description(client, place, staff):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:cohort_edit", args=[place.cohort_id]),
        {"coordinator": staff.pk, "description": "Tiekamies katru mēnesi."},
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get()
    assert (cohort.coordinator, cohort.description) == (staff, "Tiekamies katru mēnesi.")


def test_the_coordinator_must_be_staff(client, place, staff, applicant):
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:cohort_edit", args=[place.cohort_id]),
        {"coordinator": applicant.pk, "description": "Apraksts paliek"},
    )
    assert response.status_code == 200
    assert "Apraksts paliek" in response.content.decode()
    assert Cohort.objects.get().coordinator is None
