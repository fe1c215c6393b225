"""Mentoring through its pages: where a mentor lands and what the menu offers, booking
(and losing a race for a time) with what was typed kept, the profile with its photo,
the staff's assignment beyond capacity, the log with its action items, free times
with blocked dates, invitations, cancelling after the cut-off, and the exports."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from incubator.models import Membership
from incubator.notifications.models import Email
from mentoring import services
from mentoring.models import ActionItem, Consultation, MentorAssignment, MentorProfile

from . import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _slot(mentor, starts, minutes=45):
    return services.add_slot(
        mentor,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        mode="in_person",
        location="Lielā iela 3",
    )


# --- landing and menu -------------------------------------------------------------------


def test_a_mentor_lands_on_the_mentor_dashboard_and_an_invited_one_on_the_profile(client, mentor):
    client.force_login(mentor.user)
    assert client.get(reverse("dashboard")).url == reverse("mentoring:dashboard")
    invited = factories.MentorProfileFactory(activated_at=None)
    client.force_login(invited.user)
    response = client.get(reverse("mentoring:dashboard"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentoring:profile")
    assert "Vispirms aizpildiet savu profilu" in response.content.decode()


def test_the_menu_groups_the_mentor_pages_next_to_the_participants(
    client, place, applicant, expertise_tags
):
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Mana programma" in page and "Mani brīvie laiki" not in page
    # The participant is an expert as well: both are offered; the expert's pages (the
    # role they now land in) first, the organisation's grouped under its name.
    factories.MentorProfileFactory(user=applicant, kind="expert")
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Mana programma" in page
    assert 'data-bs-toggle="dropdown" aria-expanded="false">Mana organizācija</a>' in page
    assert f'class="nav-link" href="{reverse("mentoring:availability")}"' in page
    assert "Mans eksperta profils" in page
    # Staff have the mentoring overview in their menu.
    client.force_login(factories.StaffFactory())
    page = client.get(reverse("mentoring:overview")).content.decode()
    assert f'href="{reverse("mentoring:overview")}">Mentorings</a>' in page


# --- booking ------------------------------------------------------------------------------


def test_a_time_taken_a_moment_earlier_is_refused_and_the_note_stays(
    client, place, assigned, mentor, applicant, expertise_tags, moment
):
    colleague = factories.UserFactory()
    Membership.objects.create(organisation=place.organisation, user=colleague)
    slot = _slot(mentor, moment(4, 16))
    client.force_login(applicant)
    week = client.get(
        reverse("mentoring:week", args=[place.pk]), {"week": f"{slot.starts_at:%Y-%m-%d}"}
    )
    url = reverse("mentoring:book_slot", args=[place.pk, slot.pk])
    assert url in week.content.decode()
    data = {"topic": expertise_tags["fundraising"].pk, "note": "Fondi"}
    booked = client.post(url, data)
    consultation = Consultation.objects.get()
    assert booked.url == reverse("mentoring:consultation_detail", args=[consultation.pk])
    client.force_login(colleague)
    refused = client.post(url, {**data, "note": "Mūsu jautājums"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Kāds tikko rezervēja šo laiku" in page and "Mūsu jautājums" in page
    # The taken time is no longer offered in the week.
    week = client.get(
        reverse("mentoring:week", args=[place.pk]), {"week": f"{slot.starts_at:%Y-%m-%d}"}
    )
    assert url not in week.content.decode()


def test_bad_week_and_filters_are_ignored(client, place, assigned, applicant):
    client.force_login(applicant)
    for query in [
        {"week": "2026-13-45"},
        {"week": "abc", "mentor": "99999999999999999999", "topic": "-1"},
    ]:
        assert client.get(reverse("mentoring:week", args=[place.pk]), query).status_code == 200


def test_a_request_through_the_page_keeps_what_was_typed_when_refused(
    client, place, assigned, mentor, applicant, expertise_tags, moment
):
    client.force_login(applicant)
    url = reverse("mentoring:request_create", args=[place.pk, mentor.pk])
    data = {
        "option_1": f"{moment(6, 10):%Y-%m-%dT%H:%M}",
        "option_2": f"{moment(6, 10):%Y-%m-%dT%H:%M}",
        "minutes": "60",
        "mode": "online",
        "topic": expertise_tags["law"].pk,
        "note": "Statūti",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Piedāvājiet atšķirīgus laikus." in refused.content.decode()
    data["option_2"] = f"{moment(7, 12):%Y-%m-%dT%H:%M}"
    assert client.post(url, data).status_code == 302
    request = mentor.requests.get()
    client.force_login(mentor.user)
    accept = client.post(
        reverse("mentoring:request_accept", args=[request.pk]),
        {"accept-starts_at": request.option_2.isoformat(), "accept-location": "https://meet.x/y"},
    )
    assert accept.status_code == 302
    assert Consultation.objects.get().starts_at == request.option_2


# --- the profile ------------------------------------------------------------------------


def test_the_profile_checks_the_photo_and_activates(client, expertise_tags):
    profile = factories.MentorProfileFactory(activated_at=None)
    client.force_login(profile.user)
    data = {
        "first_name": "Ilze",
        "last_name": "Ozola",
        "expertise_tags": [expertise_tags["law"].pk],
        "languages": ["lv"],
        "capacity": "2",
        "capacity_hours": "15",
        "bio_lv": "Juriste.",
    }
    bad = client.post(
        reverse("mentoring:profile"),
        {**data, "photo": SimpleUploadedFile("es.jpg", b"not a picture at all")},
    )
    assert bad.status_code == 400
    assert "nav PDF, DOCX, ODT, XLSX, ODS, JPG vai PNG" in bad.content.decode()
    profile.refresh_from_db()
    assert profile.activated_at is None
    good = client.post(
        reverse("mentoring:profile"), {**data, "photo": SimpleUploadedFile("es.png", PNG)}
    )
    assert good.url == reverse("mentoring:availability")
    profile.refresh_from_db()
    assert profile.is_ready
    photo = client.get(reverse("mentoring:mentor_photo", args=[profile.pk]))
    assert photo.status_code == 200 and photo["Cache-Control"] == "private, no-store"


# --- staff ------------------------------------------------------------------------------


def test_staff_assign_beyond_capacity_only_with_a_recorded_reason(
    client, place, staff, running_cycle
):
    full = factories.MentorProfileFactory(capacity=0)
    client.force_login(staff)
    url = reverse("mentoring:assign", args=[running_cycle.pk, place.pk])
    refused = client.post(url, {f"p{place.pk}-mentor": full.pk})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Lai piešķirtu, pārsniedzot kapacitāti, apstipriniet to ar pamatojumu." in page
    assert "Piešķirt, pārsniedzot mentora kapacitāti" in page
    assert not MentorAssignment.objects.exists()
    done = client.post(
        url,
        {
            f"p{place.pk}-mentor": full.pk,
            f"p{place.pk}-override": "on",
            f"p{place.pk}-override_reason": "Vienīgais ar pieredzi kultūrā",
        },
    )
    assert done.status_code == 302
    assignment = MentorAssignment.objects.get()
    assert assignment.capacity_override
    assert assignment.override_reason == "Vienīgais ar pieredzi kultūrā"


def test_staff_invite_a_mentor(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("mentoring:mentors"),
        {"email": "jauna@mentori.lv", "kind": "mentor", "language": "lv", "first_name": "Anna"},
    )
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user__email="jauna@mentori.lv")
    assert profile.activated_at is None
    assert Email.objects.filter(key=f"mentor-invitation:{profile.pk}:1").exists()
    bad = client.post(reverse("mentoring:mentors"), {"email": "nav-epasts", "kind": "x"})
    assert bad.status_code == 400


def test_the_exports_guard_against_formulas(client, place, assigned, mentor, staff):
    organisation = place.organisation
    organisation.name = "=HYPERLINK(1)"
    organisation.save()
    services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=90,
        summary="Telefonsaruna",
    )
    client.force_login(staff)
    response = client.get(reverse("mentoring:export_csv", args=[place.cycle_id]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "Organizācija"
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][13] == "1.5"
    response = client.get(reverse("mentoring:export_xlsx", args=[place.cycle_id]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][2] == "'=HYPERLINK(1)" and values[1][13] == 1.5


# --- the mentor's pages -------------------------------------------------------------------


def test_the_log_page_saves_the_action_items(client, place, assigned, mentor, applicant, moment):
    consultation = services.book_slot(place, _slot(mentor, moment(2, 10)), by=applicant)
    client.force_login(mentor.user)
    url = reverse("mentoring:consultation_log", args=[consultation.pk])
    assert client.get(url).status_code == 302  # not yet: it is ahead
    data = {
        "outcome": "held",
        "minutes": "50",
        "summary": "Par budžetu",
        "recommendations": "",
        "private_note": "",
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Budžets",
        "items-0-owner": "organisation",
        "items-0-due_on": "2099-01-01",
        "items-1-description": "",
        "items-1-owner": "mentor",
        "items-2-description": "",
        "items-2-owner": "mentor",
    }
    with time_machine.travel(consultation.ends_at + datetime.timedelta(hours=1)):
        assert client.get(url).status_code == 200
        bad = client.post(url, {**data, "items-0-owner": "nobody", "minutes": "abc"})
        assert bad.status_code == 400 and "Par budžetu" in bad.content.decode()
        assert client.post(url, data).status_code == 302
    (item,) = ActionItem.objects.all()
    assert (item.description, item.owner) == ("Budžets", "organisation")


def test_blocking_dates_through_the_page_points_out_the_bookings(
    client, place, assigned, mentor, applicant, moment
):
    booked = services.book_slot(place, _slot(mentor, moment(5, 10)), by=applicant)
    _slot(mentor, moment(5, 14))
    client.force_login(mentor.user)
    day = f"{booked.starts_at:%Y-%m-%d}"
    response = client.post(
        reverse("mentoring:block_add"),
        {"block-starts_on": day, "block-ends_on": day, "block-reason": "Konference"},
        follow=True,
    )
    page = response.content.decode()
    assert "noņemts 1 brīvais laiks" in page
    assert "Bloķētajos datumos jau ir rezervētas šīs konsultācijas" in page
    bad = client.post(reverse("mentoring:pattern_add"), {"pattern-location": "Lielā iela 3"})
    assert bad.status_code == 400 and "Lielā iela 3" in bad.content.decode()


def test_after_the_cut_off_the_organisation_cannot_cancel(
    client, place, assigned, mentor, applicant, moment
):
    consultation = services.book_slot(place, _slot(mentor, moment(3, 10)), by=applicant)
    client.force_login(applicant)
    with time_machine.travel(consultation.starts_at - datetime.timedelta(hours=3)):
        response = client.post(
            reverse("mentoring:consultation_cancel", args=[consultation.pk]), {"reason": "x"}
        )
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    assert "to var atcelt tikai programmas darbinieki" in page
    consultation.refresh_from_db()
    assert consultation.is_scheduled


@pytest.mark.parametrize("done", ["1", "0"])
def test_the_organisation_marks_its_items_and_not_the_mentors(
    client, place, assigned, mentor, applicant, done
):
    log = services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=30,
        summary="x",
        items=[
            {"description": "Mūsu", "owner": "organisation", "due_on": None},
            {"description": "Mentora", "owner": "mentor", "due_on": None},
        ],
    )
    ours = log.consultation.action_items.get(owner="organisation")
    theirs = log.consultation.action_items.get(owner="mentor")
    client.force_login(applicant)
    client.post(reverse("mentoring:item_done", args=[ours.pk]), {"done": done})
    client.post(reverse("mentoring:item_done", args=[theirs.pk]), {"done": "1"})
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.is_done is (done == "1")
    assert not theirs.is_done
