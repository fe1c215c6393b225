"""Mentors and experts through the services: invitations and profiles, matching and
assignments with the capacity override, availability with weekly patterns and
blocked dates, logs with action items, confirmations and ratings."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incubator.notifications.models import Email
from mentoring import services
from mentoring.models import (
    ActionItem,
    Consultation,
    ConsultationLog,
    MentorAssignment,
    MentorProfile,
    Slot,
)
from mentoring.selectors import matching

from . import factories

DAY = datetime.timedelta(days=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


# --- invitations and profiles -------------------------------------------------------


def test_staff_invite_a_new_expert_who_fills_in_the_profile(staff, expertise_tags):
    partner = services.save_partner(name="Liepājas Biznesa inkubators", website="https://lbi.lv")
    profile = services.invite_mentor(
        email="Jurists@Example.lv",
        kind="expert",
        first_name="Jānis",
        last_name="Bērziņš",
        partner=partner,
        by=staff,
    )
    assert (profile.user.email, profile.kind, profile.activated_at) == (
        "jurists@example.lv",
        "expert",
        None,
    )
    assert not profile.user.has_usable_password()
    (invitation,) = Email.objects.filter(key__startswith=f"mentor-invitation:{profile.pk}:")
    assert invitation.sensitive and "/accounts/password/reset/key/" in invitation.text_body
    assert invitation.subject == "Uzaicinājums kļūt par inkubatora ekspertu"
    # Incomplete, the profile is refused with each problem on its field.
    with pytest.raises(ValidationError) as refused:
        services.save_profile(
            profile,
            by=profile.user,
            first_name="Jānis",
            last_name="Bērziņš",
            capacity=0,
            capacity_hours=10,
        )
    assert set(refused.value.error_dict) == {"languages", "expertise_tags", "bio_lv"}
    services.save_profile(
        profile,
        by=profile.user,
        first_name="Jānis",
        last_name="Bērziņš",
        partner=partner,
        expertise_tags=[expertise_tags["law"]],
        languages=["lv", "ru", "xx"],
        capacity=0,
        capacity_hours=12,
        bio_lv="Biedrību tiesības un statūti.",
        photo=SimpleUploadedFile("es.png", PNG),
    )
    profile.refresh_from_db()
    assert profile.is_ready and profile.languages == ["lv", "ru"]
    assert profile.photo.content_type == "image/png"


def test_a_photo_is_checked_by_its_contents(mentor):
    with pytest.raises(ValidationError, match="nav JPG vai PNG attēls"):
        services.check_photo(SimpleUploadedFile("es.pdf", b"%PDF-1.4 not a picture"))
    with pytest.raises(ValidationError, match="nav PDF"):
        services.check_photo(SimpleUploadedFile("es.png", b"GIF89a"))


def test_inviting_an_existing_mentor_again_is_refused(staff, mentor):
    with pytest.raises(ValidationError) as refused:
        services.invite_mentor(email=mentor.user.email, kind="mentor", by=staff)
    assert "email" in refused.value.error_dict
    # An account that exists is not given a password link.
    other = factories.UserFactory(email="esosais@example.lv")
    profile = services.invite_mentor(email=other.email, kind="mentor", by=staff)
    invitation = Email.objects.get(key=f"mentor-invitation:{profile.pk}:1")
    assert not invitation.sensitive and "/mentoring/profile/" in invitation.text_body


# --- matching and assignments ---------------------------------------------------------


@pytest.fixture
def candidates(expertise_tags, priority_fields):
    """Three mentors: one for the culture field with fundraising (what the
    applicant's organisation asked for) and Latvian; one with other expertise, in
    English only; one full."""
    culture = next(f for f in priority_fields if f.code == "culture")
    fitting = factories.MentorProfileFactory(
        tags=["fundraising", "law"], fields=[culture], languages=["lv"]
    )
    other = factories.MentorProfileFactory(tags=["digital"], languages=["en"])
    full = factories.MentorProfileFactory(tags=["fundraising"], capacity=0)
    return fitting, other, full


def test_suggestions_are_ranked_by_a_score_with_its_reasons(
    running_cycle, organisation, staff, candidates
):
    place = factories.admit(organisation, running_cycle, staff)
    fitting, other, full = candidates
    rows, _mentors, _used = matching.matching(running_cycle)
    (row,) = rows
    assert row.place == place
    ranked = [s.mentor for s in row.suggestions]
    assert ranked[0] == fitting
    best = row.suggestions[0]
    assert best.score == 3 + 2 + 1 + 1
    reasons = " | ".join(text for _points, text in best.reasons)
    assert "Tā pati prioritārā joma: Kultūra" in reasons
    assert "Kompetence tajā, kas organizācijai vajadzīgs: Finansējuma piesaiste" in reasons
    assert "Kopīga valoda: Latviešu" in reasons
    assert "Brīva kapacitāte: 3 no 3 organizācijām" in reasons
    weakest = next(s for s in row.suggestions if s.mentor == full)
    assert weakest.full and "tikai kā izņēmums" in weakest.reasons[-1][1]
    assert next(s for s in row.suggestions if s.mentor == other).score == 1


def test_capacity_is_a_hard_limit_with_a_recorded_override(
    running_cycle, staff, candidates, priority_fields
):
    fitting, _other, _full = candidates
    fitting.capacity = 1
    fitting.save()
    places = [
        factories.admit(
            factories.OrganisationFactory(leader=factories.UserFactory()), running_cycle, staff
        )
        for _ in range(2)
    ]
    services.assign_mentor(running_cycle, places[0].organisation, fitting, by=staff)
    with pytest.raises(ValidationError) as refused:
        services.assign_mentor(running_cycle, places[1].organisation, fitting, by=staff)
    assert refused.value.code == "over_capacity"
    with pytest.raises(ValidationError) as refused:
        services.assign_mentor(
            running_cycle, places[1].organisation, fitting, by=staff, override=True
        )
    assert "override_reason" in refused.value.error_dict
    assignment = services.assign_mentor(
        running_cycle,
        places[1].organisation,
        fitting,
        by=staff,
        override=True,
        override_reason="Vienīgā juriste ar šo pieredzi",
    )
    assert assignment.capacity_override and assignment.override_reason
    assert assignment.history.first().history_user == staff


def test_the_mentor_accepts_and_the_organisation_is_told_or_declines_and_staff_are(
    place, mentor, staff, applicant
):
    assignment = services.assign_mentor(place.cycle, place.organisation, mentor, by=staff)
    (asked,) = Email.objects.filter(key__startswith=f"mentor-assignment:{assignment.pk}:proposed")
    assert asked.to == mentor.user.email
    services.accept_assignment(assignment, by=mentor.user)
    told = set(
        Email.objects.filter(
            key__startswith=f"mentor-assignment:{assignment.pk}:accepted"
        ).values_list("to", flat=True)
    )
    assert told == {applicant.email, staff.email}
    with pytest.raises(ValidationError):
        services.decline_assignment(assignment, by=mentor.user, reason="Nē")

    other = factories.MentorProfileFactory()
    declined = services.assign_mentor(place.cycle, place.organisation, other, by=staff)
    with pytest.raises(ValidationError):
        services.decline_assignment(declined, by=other.user, reason=" ")
    services.decline_assignment(declined, by=other.user, reason="Interešu konflikts")
    (notice,) = Email.objects.filter(key__startswith=f"mentor-assignment:{declined.pk}:declined")
    assert notice.to == staff.email and "Interešu konflikts" in notice.text_body
    # A declined mentor can be asked again.
    again = services.assign_mentor(place.cycle, place.organisation, other, by=staff)
    assert again.status == "proposed"


def test_experts_are_not_assigned_and_organisations_outside_the_cycle_neither(
    place, expert, mentor, staff, cycle, organisation
):
    with pytest.raises(ValidationError, match="Ekspertus nepiešķir"):
        services.assign_mentor(place.cycle, place.organisation, expert, by=staff)
    with pytest.raises(ValidationError, match="nepiedalās"):
        services.assign_mentor(cycle, organisation, mentor, by=staff)


def test_ending_an_assignment_cancels_the_consultations_ahead(
    place, assigned, mentor, staff, applicant, moment
):
    slot = services.add_slot(
        mentor,
        starts_at=moment(4, 10),
        ends_at=moment(4, 11),
        mode="online",
        location="https://x.lv/a",
    )
    consultation = services.book_slot(place, slot, by=applicant)
    services.end_assignment(assigned, by=staff, reason="Mentore slimo")
    consultation.refresh_from_db()
    assert consultation.status == "cancelled"
    assert Email.objects.filter(key__endswith=":cancelled").count() == 2
    told = set(
        Email.objects.filter(key__startswith=f"mentor-assignment:{assigned.pk}:ended").values_list(
            "to", flat=True
        )
    )
    assert told == {mentor.user.email, applicant.email}
    assert MentorAssignment.objects.get(pk=assigned.pk).status == "ended"


# --- availability ----------------------------------------------------------------------


def _monday(weeks_ahead=1):
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks_ahead)


def test_a_weekly_pattern_makes_its_times_and_skips_blocked_dates(mentor):
    first = _monday()
    block, removed, bookings = services.block_dates(
        mentor,
        starts_on=first + datetime.timedelta(days=8),
        ends_on=first + datetime.timedelta(days=8),
    )
    assert (removed, bookings) == (0, [])
    pattern, count = services.publish_pattern(
        mentor,
        weekday=1,  # Tuesdays
        start_time=datetime.time(16),
        end_time=datetime.time(18),
        slot_minutes=45,
        valid_from=first,
        valid_until=first + datetime.timedelta(weeks=4) - DAY,
        mode="in_person",
        location="Lielā iela 3",
    )
    # Four Tuesdays, one blocked; two 45-minute times fit in 16:00–18:00.
    assert count == 6
    times = list(Slot.objects.filter(pattern=pattern).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).strftime("%a %H:%M") for s in times[:2]] == [
        "Tue 16:00",
        "Tue 16:45",
    ]
    assert all(timezone.localdate(s.starts_at) != block.starts_on for s in times)
    # The block removed comes back with its times.
    assert services.unblock(block) == 2
    assert Slot.objects.filter(pattern=pattern).count() == 8


def test_blocking_dates_removes_free_times_and_points_out_bookings(
    place, assigned, mentor, applicant
):
    first = _monday()
    _pattern, count = services.publish_pattern(
        mentor,
        weekday=2,
        start_time=datetime.time(10),
        end_time=datetime.time(12),
        slot_minutes=60,
        valid_from=first,
        valid_until=first + datetime.timedelta(days=6),
        mode="online",
        location="https://meet.example/m",
    )
    assert count == 2
    wednesday = first + datetime.timedelta(days=2)
    booked = Slot.objects.order_by("starts_at").first()
    consultation = services.book_slot(place, booked, by=applicant)
    _block, removed, bookings = services.block_dates(
        mentor, starts_on=wednesday, ends_on=wednesday, reason="Konference"
    )
    assert (removed, bookings) == (1, [consultation])
    assert Slot.objects.filter(mentor=mentor).count() == 1  # the booked one stays


def test_a_pattern_overlapping_other_times_is_refused_whole(mentor):
    first = _monday()
    services.add_slot(
        mentor,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(first + datetime.timedelta(days=1), datetime.time(16, 30))
        ),
        ends_at=timezone.make_aware(
            datetime.datetime.combine(first + datetime.timedelta(days=1), datetime.time(17))
        ),
        mode="in_person",
        location="Lielā iela 3",
    )
    with pytest.raises(ValidationError, match="pārklājas"):
        services.publish_pattern(
            mentor,
            weekday=1,
            start_time=datetime.time(16),
            end_time=datetime.time(18),
            slot_minutes=60,
            valid_from=first,
            valid_until=first + datetime.timedelta(weeks=2),
            mode="in_person",
            location="Lielā iela 3",
        )
    assert Slot.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.publish_pattern(
            mentor,
            weekday=1,
            start_time=datetime.time(18),
            end_time=datetime.time(16),
            slot_minutes=5,
            valid_from=first,
            valid_until=first - DAY,
            mode="online",
            location="Zoom",
        )
    assert "location" in refused.value.error_dict


# --- logs, confirmations, ratings, action items ----------------------------------------


@pytest.fixture
def held(place, assigned, mentor, applicant, moment):
    slot = services.add_slot(
        mentor,
        starts_at=moment(2, 10),
        ends_at=moment(2, 11),
        mode="online",
        location="https://x.lv/a",
    )
    consultation = services.book_slot(place, slot, by=applicant)
    with time_machine.travel(consultation.ends_at + datetime.timedelta(minutes=5)):
        yield consultation


def test_the_mentor_logs_and_the_organisation_confirms_rates_and_marks_done(
    held, mentor, applicant, expertise_tags
):
    log = services.save_log(
        held,
        by=mentor.user,
        outcome="held",
        minutes=55,
        topics=[expertise_tags["fundraising"]],
        summary="Pārrunājām fondus.",
        recommendations="Pieteikties Kopienu fondam.",
        private_note="Vadītāja noslogota",
        items=[
            {
                "description": "Sagatavot budžetu",
                "owner": "organisation",
                "due_on": timezone.localdate() + 7 * DAY,
            },
            {"description": "Nosūtīt paraugus", "owner": "mentor", "due_on": None},
            {"description": "   ", "owner": "mentor", "due_on": None},
        ],
    )
    held.refresh_from_db()
    assert (held.status, log.minutes, log.hours) == ("held", 55, 0.92)
    assert held.action_items.count() == 2
    (notice,) = Email.objects.filter(key=f"consultation:{held.pk}:logged:user:{applicant.pk}")
    assert "Vadītāja noslogota" not in notice.text_body
    services.confirm_log(held, by=applicant)
    services.rate(held, by=applicant, rating=5, comment="Ļoti noderīgi")
    log.refresh_from_db()
    assert (log.rating, log.confirmed_by) == (5, applicant)
    with pytest.raises(ValidationError):
        services.rate(held, by=applicant, rating=6)
    item = held.action_items.get(owner="organisation")
    services.set_done(item, by=applicant)
    assert ActionItem.objects.get(pk=item.pk).is_done
    # The log keeps its history.
    assert log.history.count() == 3
    # A correction does not tell the organisation again, and edits items in place.
    services.save_log(
        held,
        by=mentor.user,
        outcome="held",
        minutes=60,
        summary="Pārrunājām fondus un budžetu.",
        items=[
            {
                "id": item.pk,
                "description": "Sagatavot budžetu",
                "owner": "organisation",
                "delete": True,
            }
        ],
    )
    assert not ActionItem.objects.filter(pk=item.pk).exists()
    assert Email.objects.filter(key__contains=":logged:").count() == 1


def test_a_log_needs_what_happened_and_a_no_show_cannot_be_rated(held, mentor, applicant):
    with pytest.raises(ValidationError) as refused:
        services.save_log(held, by=mentor.user, outcome="held", minutes=0, summary="")
    assert set(refused.value.error_dict) == {"minutes", "summary"}
    services.save_log(held, by=mentor.user, outcome="no_show", minutes=0)
    held.refresh_from_db()
    assert held.status == "no_show"
    with pytest.raises(ValidationError, match="notikušu"):
        services.rate(held, by=applicant, rating=3)


def test_a_consultation_ahead_cannot_be_logged(place, assigned, mentor, applicant, moment):
    slot = services.add_slot(
        mentor,
        starts_at=moment(3, 10),
        ends_at=moment(3, 11),
        mode="online",
        location="https://x.lv/a",
    )
    consultation = services.book_slot(place, slot, by=applicant)
    with pytest.raises(ValidationError, match="kad tā ir sākusies"):
        services.save_log(consultation, by=mentor.user, outcome="held", minutes=60, summary="x")
    assert not ConsultationLog.objects.exists()


def test_an_ad_hoc_consultation_is_logged_directly(place, assigned, mentor):
    log = services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - 3 * DAY,
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=20,
        summary="Telefonsaruna par statūtiem.",
    )
    consultation = log.consultation
    assert consultation.ad_hoc and consultation.status == "held"
    assert consultation.ends_at - consultation.starts_at == datetime.timedelta(minutes=20)
    with pytest.raises(ValidationError) as refused:
        services.log_ad_hoc(
            place,
            mentor,
            starts_at=timezone.now() + DAY,
            mode="online",
            by=mentor.user,
            outcome="held",
            minutes=20,
            summary="x",
        )
    assert "starts_at" in refused.value.error_dict
    assert Consultation.objects.count() == 1


def test_a_mentor_profile_of_an_expert_is_ready_only_when_completed(db):
    profile = factories.MentorProfileFactory(activated_at=None)
    assert not profile.is_ready
    assert MentorProfile.objects.get(pk=profile.pk).kind == "mentor"
