"""Erasure: a person asks, staff carry it out or refuse it with the reason; the
person is anonymised everywhere, what the programme must keep is kept without
their name (reviews stay attached to an anonymous reviewer, so rankings do not
change), and the request records what was done and why."""

import datetime
import os

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ReviewAssignment, Score
from applications.selectors.figures import criteria_of, ranked_applications
from cohorts.models import MeetingResponse
from funding.models import Follow
from incubator.models import Membership, User
from incubator.notifications.models import Email
from incubator.privacy import services
from incubator.privacy.models import ErasureRequest
from incubator.uploads import store_document
from mentoring import services as mentoring
from mentoring.models import Consultation, MentorPhoto

from . import factories
from .privacy_support import PNG, rich_person


@pytest.fixture
def person(expertise_tags):
    return rich_person(expertise_tags)


def _ranking(cycle):
    return [
        (a.pk, round(a.total or 0, 4))
        for a in sorted(ranked_applications(cycle, criteria_of(cycle)), key=lambda a: a.position)
    ]


def test_a_person_asks_and_staff_erase_them_everywhere(client, person):
    user = person.user
    client.force_login(user)
    response = client.post(reverse("privacy:erasure_request"), {"note": "Vairs nedarbojos NVO"})
    assert response.status_code == 302
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "Jūs" in page and "lūdzāt dzēst savu kontu" in page
    assert "Atsaukt manu pieprasījumu" in page
    request = ErasureRequest.objects.get(user=user)
    (told,) = Email.objects.filter(key__startswith=f"privacy:erasure:{request.pk}:requested:")
    assert (told.recipient, told.subject) == (person.staff, "Pieprasījums dzēst kontu")

    client.force_login(person.staff)
    listing = client.get(reverse("privacy:erasure_list")).content.decode()
    assert "Anna Bērziņa" in listing and "Gaida darbinieku lēmumu" in listing
    detail = client.get(reverse("privacy:erasure_detail", args=[request.pk])).content.decode()
    assert "Vairs nedarbojos NVO" in detail
    # Anna leads both her organisations alone: staff are warned before erasing.
    assert "Persona ir vienīgā šo organizāciju vadītāja" in detail
    assert "Biedrība “Zaļā Liepāja”" in detail and "Nodibinājums “Jūras vārti”" in detail
    response = client.post(reverse("privacy:erasure_carry_out", args=[request.pk]))
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert authenticate(email="anna@biedriba.lv", password=factories.PASSWORD) is None
    assert not Membership.objects.filter(user=user).exists()
    assert not Follow.objects.filter(user=user).exists()
    assert not MeetingResponse.attendees.through.objects.filter(user=user).exists()
    assert not Email.objects.filter(to__iexact="anna@biedriba.lv").exists()
    assert not Email.objects.filter(recipient=user).exclude(text_body="").exists()
    assert not User.objects.filter(email="anna@biedriba.lv").exists()

    # What belongs to the organisations and the programme stays.
    for application in (person.admitted, person.draft, person.submitted):
        application.refresh_from_db()
    assert person.draft.motivation == "Vēlamies augt."
    assert person.submitted.attachments.count() == 2
    assert Consultation.objects.filter(pk=person.consultation.pk).exists()
    assert MeetingResponse.objects.filter(meeting=person.meeting).count() == 1

    request.refresh_from_db()
    assert request.status == "done" and request.decided_by == person.staff
    assert request.note == ""  # what the person wrote about themselves goes too
    actions = {row["what"]: (row["action"], row["count"]) for row in request.outcome}
    assert actions["Dalība organizācijās"] == ("deleted", 2)
    assert actions["Vērtējumi un punkti"] == ("kept", 1)
    assert actions["Sekošana finansējuma avotiem un konkursiem"] == ("deleted", 1)
    kept = [row for row in request.outcome if row["action"] == "kept"]
    assert kept and all(row["reason"] for row in kept)
    shown = client.get(reverse("privacy:erasure_detail", args=[request.pk])).content.decode()
    assert "Tie paliek piesaistīti anonīmam vērtētājam" in shown


def test_rankings_do_not_change_when_one_of_two_reviewers_is_erased(person, review):
    cycle = person.reviewed.cycle
    criterion = cycle.criteria.get()
    others = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _n in range(2)]
    second = factories.UserFactory(email="otrs.vertetajs@example.lv")
    review(person.user, others[0], {criterion: 2})
    review(person.user, others[1], {criterion: 5}, comment="Ļoti labi")
    for application, value in zip([person.reviewed, *others], [1, 3, 4], strict=True):
        review(second, application, {criterion: value})
    assignment = ReviewAssignment.objects.get(application=others[0], member__user=person.user)
    assignment.conflict_reason = "Esmu valdes locekle citā biedrībā"
    assignment.save(update_fields=["conflict_reason"])
    before = _ranking(cycle)
    scores = sorted(
        Score.objects.filter(assignment__member__user=person.user).values_list("value", "comment")
    )
    assert len(before) == 3

    request = services.request_erasure(person.user)
    services.carry_out_erasure(request, by=person.staff)

    assert _ranking(cycle) == before
    kept = ReviewAssignment.objects.filter(member__user=person.user)
    assert kept.count() == 3 and not kept.exclude(conflict_reason="").exists()
    assert (
        sorted(Score.objects.filter(assignment__in=kept).values_list("value", "comment")) == scores
    )
    assert ReviewAssignment.objects.filter(member__user=second).count() == 3


def test_a_mentor_is_erased_and_the_consultations_stay(person, django_capture_on_commit_callbacks):
    mentor = person.mentor
    photo = store_document(MentorPhoto(profile=mentor), SimpleUploadedFile("foto.png", PNG), 10**4)
    mentor.bio_lv = "Strādāju fondu piesaistē 15 gadus."
    mentor.save(update_fields=["bio_lv"])
    held = mentoring.log_ad_hoc(
        person.place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        mode="in_person",
        location="Lielā iela 3",
        by=mentor.user,
        outcome="held",
        minutes=45,
        summary="Apspriedām fondus.",
        private_note="Vadītāja šķiet nogurusi.",
    )
    request = services.request_erasure(mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_erasure(request, by=person.staff)
    held.refresh_from_db()
    assert (held.summary, held.private_note, held.minutes) == (
        "Apspriedām fondus.",
        "",
        45,
    )
    mentor.refresh_from_db()
    assert (mentor.bio_lv, mentor.is_active) == ("", False)
    assert not MentorPhoto.objects.filter(profile=mentor).exists()
    assert not os.path.exists(photo.file.path)
    assert Consultation.objects.filter(mentor=mentor).count() == 2
    assert Membership.objects.filter(user=person.user).count() == 2  # others untouched


def test_staff_refuse_with_a_reason_the_person_reads(
    client, person, django_capture_on_commit_callbacks
):
    request = services.request_erasure(person.user, note="Lūdzu")
    client.force_login(person.staff)
    url = reverse("privacy:erasure_refuse", args=[request.pk])
    response = client.post(url, {"refusal_reason": "   "})
    assert response.status_code == 400
    assert (
        "Norādiet iemeslu" in response.content.decode() or "obligāts" in response.content.decode()
    )
    reason = "Pieteikums ir atbalstīts; programmas finansētājs prasa ierakstus līdz 2028. gadam."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"refusal_reason": reason})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("refused", reason)
    (letter,) = [m for m in mail.outbox if m.to == ["anna@biedriba.lv"] and reason in m.body]
    assert letter.subject == "Jūsu pieprasījums dzēst kontu"
    person.user.refresh_from_db()
    assert person.user.is_active and person.user.email == "anna@biedriba.lv"
    client.force_login(person.user)
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert reason in page and "Lūgt dzēst manu kontu" in page  # may ask again
    with pytest.raises(ValidationError):
        services.carry_out_erasure(request, by=person.staff)  # already decided


def test_asking_twice_withdrawing_and_erasing_oneself(client, person):
    services.request_erasure(person.user)
    client.force_login(person.user)
    response = client.post(reverse("privacy:erasure_request"), {"note": "vēlreiz"}, follow=True)
    assert "Jūsu konta dzēšana jau ir pieprasīta." in response.content.decode()
    assert ErasureRequest.objects.filter(user=person.user).count() == 1
    client.post(reverse("privacy:erasure_withdraw"))
    assert ErasureRequest.objects.get(user=person.user).status == "withdrawn"
    too_long = "Garš teksts " * 200
    response = client.post(reverse("privacy:erasure_request"), {"note": too_long})
    assert response.status_code == 400
    assert too_long.strip() in response.content.decode()  # what was typed is kept
    assert not ErasureRequest.objects.filter(user=person.user, status="pending").exists()
    staff_request = services.request_erasure(person.staff)
    with pytest.raises(ValidationError):
        services.carry_out_erasure(staff_request, by=person.staff)
    other_staff = factories.StaffFactory()
    services.carry_out_erasure(staff_request, by=other_staff)
    person.staff.refresh_from_db()
    assert not person.staff.is_staff and not person.staff.is_active


def test_the_staff_list_takes_the_same_queries_for_one_request_or_many(
    client, django_assert_max_num_queries, db
):
    staff = factories.StaffFactory()
    client.force_login(staff)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("privacy:erasure_list")).status_code == 200
        return len(queries)

    services.request_erasure(factories.UserFactory())
    small = count()
    for _n in range(6):
        request = services.request_erasure(factories.UserFactory())
    services.refuse_erasure(request, by=staff, reason="Jāsaglabā")
    assert count() == small
    with django_assert_max_num_queries(small):
        client.get(reverse("privacy:erasure_list"))
    assert Application.objects.count() == 0
