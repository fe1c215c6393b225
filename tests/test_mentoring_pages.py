"""What the other mentoring tests reach only through services, driven here through the
pages: the staff's warnings on the overview (a consultation without a log two days
on, an organisation without a consultation for three weeks, a mentor beyond their
capacity), files on a consultation (content-checked), the cohort's and the
application's pages showing the consultations, an ad-hoc consultation logged, a
consultation moved, a request answered, and staff booking on an organisation's
behalf."""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from incubator.notifications.models import Email
from mentoring import services
from mentoring.models import Consultation, ConsultationFile, ConsultationRequest

from . import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _slot(mentor, starts, minutes=45, now=None):
    return services.add_slot(
        mentor,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        mode="online",
        location="https://meet.example.lv/k",
        now=now,
    )


def _booked_in_the_past(place, mentor, by, starts):
    """A consultation booked a week before ``starts`` (in the past now)."""
    with time_machine.travel(starts - datetime.timedelta(days=7)):
        return services.book_slot(place, _slot(mentor, starts), by=by)


def _section(page, heading):
    """The text of the warnings' list under ``heading`` (up to the next heading)."""
    start = page.index(heading)
    end = page.find("<h3", start + 1)
    return page[start : end if end != -1 else page.index("</section>", start)]


@pytest.fixture
def second_place(running_cycle, staff):
    organisation = factories.OrganisationFactory(name="Biedrība “Klusā ieleja”")
    return factories.admit(organisation, running_cycle, staff)


def test_the_overview_warns_of_missing_logs_quiet_organisations_and_full_mentors(
    client, place, second_place, assigned, mentor, applicant, staff, moment
):
    forgotten = _booked_in_the_past(place, mentor, applicant, moment(-4, 10))
    recent = _booked_in_the_past(place, mentor, applicant, moment(-1, 10))
    logged = _booked_in_the_past(place, mentor, applicant, moment(-5, 10))
    services.save_log(logged, by=mentor.user, outcome="held", minutes=45, summary="Par budžetu")
    # The mentor works with two organisations but said they could take one.
    mentor.capacity = 1
    mentor.save()
    services.assign_mentor(
        place.cycle,
        second_place.organisation,
        mentor,
        by=staff,
        override=True,
        override_reason="Vienīgais ar pieredzi",
    )
    client.force_login(staff)
    response = client.get(f"{reverse('mentoring:overview')}?cycle={place.cycle_id}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jāpievērš uzmanība" in page

    # Held four days ago and never logged: listed; a day ago or logged: not yet, or not.
    unlogged = _section(page, "Konsultācijas bez atskaites pēc 48 stundām")
    detail = reverse("mentoring:consultation_detail", args=[forgotten.pk])
    assert f'href="{detail}"' in unlogged
    for other in (recent, logged):
        assert reverse("mentoring:consultation_detail", args=[other.pk]) + '"' not in unlogged

    # The cycle began 30 days ago: the organisation without any consultation is named,
    # the one that had consultations this week is not.
    quiet = _section(page, "Organizācijas bez konsultācijas 21 dienu")
    assert "Klusā ieleja" in quiet and "vēl nav bijusi" in quiet
    assert place.organisation.name not in quiet

    beyond = _section(page, "Mentori, kuru kapacitāte pārsniegta")
    assert mentor.name in beyond and "2 organizācijas no 1" in beyond


def test_no_warning_for_an_organisation_before_three_weeks_of_the_cycle(
    client, staff, expertise_tags
):
    cycle = factories.RunningCycleFactory(
        incubation_starts_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    factories.admit(factories.OrganisationFactory(name="Biedrība “Jaunpienācēji”"), cycle, staff)
    client.force_login(staff)
    page = client.get(f"{reverse('mentoring:overview')}?cycle={cycle.pk}").content.decode()
    assert "Organizācijas bez konsultācijas 21 dienu" not in page


def test_the_mentor_adds_a_file_that_is_checked_and_the_organisation_downloads_it(
    client, place, assigned, mentor, applicant, moment
):
    held = _booked_in_the_past(place, mentor, applicant, moment(-2, 10))
    url = reverse("mentoring:file_upload", args=[held.pk])
    client.force_login(mentor.user)
    refused = client.post(url, {"file": SimpleUploadedFile("tame.pdf", b"MZ not a pdf at all")})
    assert refused.status_code == 400
    assert "“tame.pdf” nav PDF, DOCX, ODT, XLSX, ODS, JPG vai PNG" in refused.content.decode()
    assert not ConsultationFile.objects.exists()

    added = client.post(url, {"file": SimpleUploadedFile("tāme.pdf", PDF)})
    assert added.url == reverse("mentoring:consultation_detail", args=[held.pk])
    document = ConsultationFile.objects.get()

    client.force_login(applicant)
    page = client.get(added.url).content.decode()
    download = reverse("mentoring:file_download", args=[held.pk, document.pk])
    assert f'href="{download}"' in page
    # Files are the mentor's (and staff's) to add.
    assert f'action="{reverse("mentoring:file_upload", args=[held.pk])}"' not in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_cohort_and_the_application_pages_show_the_consultations(
    client, place, assigned, mentor, applicant, staff, moment
):
    held = _booked_in_the_past(place, mentor, applicant, moment(-3, 10))
    services.save_log(held, by=mentor.user, outcome="held", minutes=90, summary="Par budžetu")
    client.force_login(staff)
    page = client.get(reverse("cohorts:cohort_detail", args=[place.cohort_id])).content.decode()
    consultations = page[page.index('id="cohort-consultations"') :]
    row = re.search(
        rf"<tr>\s*<td><a [^>]*>{re.escape(place.organisation.name)}</a>.*?</tr>",
        consultations,
        re.S,
    )
    assert row is not None
    assert mentor.name in row.group(0) and ">1,5<" in row.group(0).replace(" ", "")

    page = client.get(
        reverse("applications:staff_detail", args=[place.application_id])
    ).content.decode()
    section = page[page.index('id="application-consultations"') :]
    assert "Mentorings šajā ciklā" in section and mentor.name in section
    assert reverse("mentoring:consultation_detail", args=[held.pk]) in section


def test_an_ad_hoc_consultation_is_logged_through_its_page(
    client, place, assigned, mentor, applicant
):
    client.force_login(mentor.user)
    url = reverse("mentoring:ad_hoc")
    page = client.get(url).content.decode()
    assert place.organisation.name in page
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "place": place.pk,
        "starts_at": f"{yesterday:%Y-%m-%d}T11:00",
        "mode": "online",
        "outcome": "held",
        "minutes": "25",
        "summary": "Zvans par statūtiem",
        "recommendations": "",
        "private_note": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Nosūtīt statūtu projektu",
        "items-0-owner": "organisation",
        "items-0-due_on": f"{yesterday + datetime.timedelta(days=10):%Y-%m-%d}",
    }
    bad = client.post(url, {**data, "minutes": "-5"})
    assert bad.status_code == 400 and "Zvans par statūtiem" in bad.content.decode()
    done = client.post(url, data)
    assert done.status_code == 302
    consultation = Consultation.objects.get()
    assert (consultation.ad_hoc, consultation.status) == (True, Consultation.Status.HELD)
    assert consultation.log.minutes == 25
    assert consultation.action_items.get().description == "Nosūtīt statūtu projektu"
    # The organisation sees it on its programme, with the item to do.
    client.force_login(applicant)
    programme = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Nosūtīt statūtu projektu" in programme


def test_the_organisation_moves_a_consultation_through_its_page(
    client, place, assigned, mentor, applicant, moment
):
    booked = services.book_slot(place, _slot(mentor, moment(5, 10)), by=applicant)
    later = _slot(mentor, moment(6, 14))
    client.force_login(applicant)
    url = reverse("mentoring:consultation_reschedule", args=[booked.pk])
    page = client.get(url).content.decode()
    assert f'value="{later.pk}"' in page
    response = client.post(url, {"slot": later.pk})
    assert response.url == reverse("mentoring:consultation_detail", args=[booked.pk])
    booked.refresh_from_db()
    assert (booked.slot_id, booked.starts_at, booked.sequence) == (later.pk, later.starts_at, 1)
    assert (
        Email.objects.filter(
            key__startswith=f"consultation:{booked.pk}:", key__endswith=":moved-1"
        ).count()
        == 2
    )


def test_the_mentor_answers_requests_through_the_page(
    client, place, assigned, mentor, applicant, expertise_tags, moment
):
    def ask():
        return services.request_consultation(
            place,
            mentor,
            options=[moment(8, 10), moment(9, 12)],
            minutes=60,
            mode="online",
            topic=expertise_tags["fundraising"],
            by=applicant,
        )

    first, second = ask(), ask()
    client.force_login(mentor.user)
    page = client.get(reverse("mentoring:request_detail", args=[first.pk])).content.decode()
    assert reverse("mentoring:request_accept", args=[first.pk]) in page
    accept = reverse("mentoring:request_accept", args=[first.pk])
    chosen = f"{moment(9, 12).astimezone(datetime.UTC):%Y-%m-%dT%H:%M:%S+00:00}"
    assert f'value="{chosen}"' in page
    missing = client.post(accept, {"accept-starts_at": chosen})
    assert missing.status_code == 400
    response = client.post(
        accept,
        {"accept-starts_at": chosen, "accept-location": "https://meet.lv/a"},
    )
    consultation = Consultation.objects.get()
    assert response.url == reverse("mentoring:consultation_detail", args=[consultation.pk])
    assert consultation.starts_at == moment(9, 12)

    decline = reverse("mentoring:request_decline", args=[second.pk])
    assert client.post(decline, {"decline-note": ""}).status_code == 400
    assert client.post(decline, {"decline-note": "Tajā nedēļā esmu prom"}).status_code == 302
    second.refresh_from_db()
    assert second.status == ConsultationRequest.Status.DECLINED


def test_staff_book_a_free_time_through_the_page_on_the_organisations_behalf(
    client, place, assigned, mentor, staff, applicant, expertise_tags, moment
):
    slot = _slot(mentor, moment(4, 10))
    client.force_login(staff)
    booking = client.get(reverse("mentoring:book"))
    assert reverse("mentoring:week", args=[place.pk]) in booking.content.decode()
    week = client.get(
        f"{reverse('mentoring:week', args=[place.pk])}?week={slot.starts_at:%Y-%m-%d}"
    ).content.decode()
    url = reverse("mentoring:book_slot", args=[place.pk, slot.pk])
    assert f'href="{url}"' in week
    response = client.post(url, {"topic": expertise_tags["fundraising"].pk, "note": "Pa tālruni"})
    consultation = Consultation.objects.get()
    assert response.url == reverse("mentoring:consultation_detail", args=[consultation.pk])
    assert (consultation.organisation, consultation.booked_by) == (place.organisation, staff)
    told = {e.to for e in Email.objects.filter(key__endswith=":booked")}
    assert told == {mentor.user.email, applicant.email}


def test_the_staff_told_of_an_accepted_mentor_are_sent_to_the_matching_page(
    place, mentor, staff, applicant
):
    assignment = services.assign_mentor(place.cycle, place.organisation, mentor, by=staff)
    services.accept_assignment(assignment, by=mentor.user)
    told = {
        e.to: e
        for e in Email.objects.filter(key__startswith=f"mentor-assignment:{assignment.pk}:accepted")
    }
    programme = reverse("cohorts:my_programme")
    matching = reverse("mentoring:matching", args=[place.cycle_id])
    assert programme in told[applicant.email].text_body
    assert "savu mentoru" in told[applicant.email].text_body
    for body in (told[staff.email].text_body, told[staff.email].html_body):
        assert matching in body
        assert programme not in body and "savu mentoru" not in body


def test_my_programme_keeps_the_past_consultations_and_their_logs_within_reach(
    client, place, assigned, mentor, applicant, moment
):
    done = _booked_in_the_past(place, mentor, applicant, moment(-9, 10))
    services.save_log(done, by=mentor.user, outcome="held", minutes=45, summary="Par budžetu")
    services.confirm_log(done, by=applicant)
    services.rate(done, by=applicant, rating=4, comment="")
    unlogged = _booked_in_the_past(place, mentor, applicant, moment(-2, 10))
    called_off = _booked_in_the_past(place, mentor, applicant, moment(5, 10))
    services.cancel_consultation(called_off, by=applicant, reason="Slimība")
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    section = page[page.index(f'id="mentoring-{place.pk}"') :]
    section = section[: section.index("</section>")]
    # Confirmed and rated, it still opens from the programme; so does the one whose
    # log the mentor has yet to write. A cancelled one is not among them.
    for consultation in (done, unlogged):
        assert reverse("mentoring:consultation_detail", args=[consultation.pk]) in section
    assert reverse("mentoring:consultation_detail", args=[called_off.pk]) not in section
    assert "Iepriekšējās konsultācijas" in section and "Gaida atskaiti" in section


def test_an_expert_reaches_the_consultations_given_from_the_dashboard(
    client, place, expert, applicant, moment
):
    # An expert has no organisations assigned: the dashboard is the way back to a log.
    given = _booked_in_the_past(place, expert, applicant, moment(-6, 10))
    services.save_log(given, by=expert.user, outcome="held", minutes=45, summary="Statūti")
    services.rate(given, by=applicant, rating=5, comment="")
    missed = _booked_in_the_past(place, expert, applicant, moment(-3, 10))
    services.save_log(missed, by=expert.user, outcome="no_show", minutes=0)
    called_off = _booked_in_the_past(place, expert, applicant, moment(4, 10))
    services.cancel_consultation(called_off, by=applicant, reason="Slimība")
    client.force_login(expert.user)
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    section = page[page.index('id="past-heading"') :]
    section = section[: section.index("</section>")]
    assert "Iepriekšējās konsultācijas" in section
    for consultation in (given, missed):
        assert reverse("mentoring:consultation_detail", args=[consultation.pk]) in section
    assert reverse("mentoring:consultation_detail", args=[called_off.pk]) not in section
    assert "★ 5" in section and "Organizācija neieradās" in section
