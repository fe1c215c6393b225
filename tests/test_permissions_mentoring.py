"""Every mentoring URL over the mentoring role matrix, in one table of the same shape
as ``tests/test_permissions.py`` (name → (method, args from the world, POST data,
expected per role)); that module's "every URL is in a table" test counts this one's
``CASES`` too.

The world: a running cycle with organisation A (the "participant" leads it) and B
(the "other_participant"); a mentor assigned to A (accepted) and proposed to B; a
mentor assigned to no one; an expert; a reviewer; staff and an administrator. A
consultation ahead and one held (logged, with an action item and a file) between the
mentor and A; a request from A; the mentor's free time, weekly pattern and blocked
dates. Another party's object is a 404; a page of a role the user does not have, a
403."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mentoring import services

from . import factories
from .role_matrix import LOGIN

ROLES = [
    "anonymous",
    "mentor",
    "other_mentor",
    "expert",
    "participant",
    "other_participant",
    "reviewer",
    "staff",
    "admin",
]
MENTORS = ("mentor", "other_mentor", "expert")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@dataclass
class World:
    users: dict
    cycle: object = None
    place: object = None
    other_place: object = None
    profile: object = None
    proposed: object = None
    slot: object = None
    pattern: object = None
    block: object = None
    consultation: object = None
    held: object = None
    item: object = None
    document: object = None
    request: object = None
    tag: object = None
    partner: object = None


def _at(days, hour):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def world(db, expertise_tags):
    staff = factories.StaffFactory(email="staff@example.lv")
    users = {
        "anonymous": None,
        "participant": factories.UserFactory(email="participant@example.lv"),
        "other_participant": factories.UserFactory(email="other-participant@example.lv"),
        "reviewer": factories.UserFactory(email="reviewer@example.lv"),
        "staff": staff,
        "admin": factories.AdminFactory(email="admin@example.lv"),
    }
    w = World(users)
    w.cycle = factories.RunningCycleFactory()
    w.place = factories.admit(
        factories.OrganisationFactory(leader=users["participant"]), w.cycle, staff
    )
    w.other_place = factories.admit(
        factories.OrganisationFactory(leader=users["other_participant"]), w.cycle, staff
    )
    factories.CommitteeMemberFactory(user=users["reviewer"])
    w.partner = services.save_partner(name="Liepājas biznesa inkubators")
    w.profile = factories.MentorProfileFactory(
        user=factories.UserFactory(email="mentor@example.lv"), tags=["fundraising"]
    )
    users["mentor"] = w.profile.user
    users["other_mentor"] = factories.MentorProfileFactory(
        user=factories.UserFactory(email="other-mentor@example.lv")
    ).user
    expert = factories.MentorProfileFactory(
        user=factories.UserFactory(email="expert@example.lv"), kind="expert"
    )
    users["expert"] = expert.user
    services.save_profile(
        w.profile,
        by=users["mentor"],
        first_name="Ilze",
        last_name="Krūmiņa",
        expertise_tags=[expertise_tags["fundraising"]],
        languages=["lv"],
        capacity=3,
        capacity_hours=20,
        bio_lv="Par mani",
        photo=SimpleUploadedFile("es.png", PNG),
    )
    assignment = services.assign_mentor(w.cycle, w.place.organisation, w.profile, by=staff)
    services.accept_assignment(assignment, by=users["mentor"])
    w.proposed = services.assign_mentor(w.cycle, w.other_place.organisation, w.profile, by=staff)
    mentor = users["mentor"]
    w.slot = services.add_slot(
        w.profile,
        starts_at=_at(5, 16),
        ends_at=_at(5, 17),
        mode="in_person",
        location="Lielā iela 3",
    )
    booked = services.add_slot(
        w.profile,
        starts_at=_at(6, 10),
        ends_at=_at(6, 11),
        mode="online",
        location="https://meet.example/a",
    )
    w.consultation = services.book_slot(w.place, booked, by=users["participant"])
    w.pattern, _count = services.publish_pattern(
        w.profile,
        weekday=(_at(10, 9).weekday()),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        slot_minutes=30,
        valid_from=_at(8, 9).date(),
        valid_until=_at(30, 9).date(),
        mode="in_person",
        location="Lielā iela 3",
    )
    w.block, _removed, _bookings = services.block_dates(
        w.profile, starts_on=_at(40, 9).date(), ends_on=_at(41, 9).date(), reason="Atvaļinājums"
    )
    w.held = services.log_ad_hoc(
        w.place,
        w.profile,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        mode="online",
        by=mentor,
        outcome="held",
        minutes=45,
        summary="Runājām par fondiem.",
        private_note="Tikai darbiniekiem",
        items=[{"description": "Sagatavot budžetu", "owner": "organisation", "due_on": None}],
    ).consultation
    w.item = w.held.action_items.get()
    w.document = services.add_file(
        w.held, SimpleUploadedFile("plans.pdf", b"%PDF-1.4 plans"), by=mentor
    )
    w.request = services.request_consultation(
        w.place,
        w.profile,
        options=[_at(12, 10), _at(13, 10)],
        minutes=60,
        mode="online",
        topic=expertise_tags["fundraising"],
        by=users["participant"],
    )
    w.tag = expertise_tags["law"]
    return w


def everyone(code, anonymous=LOGIN):
    return {"anonymous": anonymous, **{role: code for role in ROLES[1:]}}


def staff_only(code):
    return {**everyone(403), "staff": code, "admin": code}


def mentors(code, others=403):
    """A mentor's or expert's own pages; everyone else is refused (403)."""
    return {**everyone(others), **{role: code for role in MENTORS}}


def only_the_mentor(code):
    """The mentor's own object: another mentor or expert gets a 404, other roles a 403."""
    return {**mentors(404), "mentor": code}


def participant_and_staff(code, mentor=404):
    """The organisation's own pages (staff book on its behalf)."""
    return {**everyone(404), "participant": code, "staff": code, "admin": code, "mentor": mentor}


def consultation_parties(code):
    """A consultation: its mentor, the organisation's people and staff."""
    return participant_and_staff(code, mentor=code)


def only_participant(code):
    return {**everyone(404), "participant": code}


# name: (method, args from the world, POST data, expected per role)
CASES = {
    # The mentor's or expert's pages.
    "mentoring:dashboard": ("get", lambda w: [], None, mentors(200)),
    "mentoring:profile": ("get", lambda w: [], None, mentors(200)),
    "mentoring:mentor_detail": (
        "get",
        lambda w: [w.profile.pk],
        None,
        {**consultation_parties(200), "other_mentor": 404, "expert": 404},
    ),
    "mentoring:mentor_photo": ("get", lambda w: [w.profile.pk], None, consultation_parties(200)),
    "mentoring:organisation_detail": (
        "get",
        lambda w: [w.place.organisation_id],
        None,
        {**only_the_mentor(200), "staff": 200, "admin": 200},
    ),
    "mentoring:assignment_accept": ("post", lambda w: [w.proposed.pk], {}, only_the_mentor(302)),
    "mentoring:assignment_decline": (
        "post",
        lambda w: [w.proposed.pk],
        {"a{proposed}-reason": "Nav laika"},
        only_the_mentor(302),
    ),
    "mentoring:availability": ("get", lambda w: [], None, mentors(200)),
    "mentoring:slot_add": ("post", lambda w: [], {}, mentors(400)),
    "mentoring:slot_delete": ("post", lambda w: [w.slot.pk], {}, only_the_mentor(302)),
    "mentoring:pattern_add": ("post", lambda w: [], {}, mentors(400)),
    "mentoring:pattern_delete": ("post", lambda w: [w.pattern.pk], {}, only_the_mentor(302)),
    "mentoring:block_add": ("post", lambda w: [], {}, mentors(400)),
    "mentoring:block_delete": ("post", lambda w: [w.block.pk], {}, only_the_mentor(302)),
    # Booking.
    "mentoring:book": (
        "get",
        lambda w: [],
        None,
        {**everyone(200), "participant": 302, "other_participant": 302},
    ),
    "mentoring:week": ("get", lambda w: [w.place.pk], None, participant_and_staff(200)),
    "mentoring:book_slot": (
        "get",
        lambda w: [w.place.pk, w.slot.pk],
        None,
        participant_and_staff(200),
    ),
    "mentoring:request_create": (
        "get",
        lambda w: [w.place.pk, w.profile.pk],
        None,
        participant_and_staff(200),
    ),
    "mentoring:request_detail": ("get", lambda w: [w.request.pk], None, consultation_parties(200)),
    "mentoring:request_accept": ("post", lambda w: [w.request.pk], {}, only_the_mentor(400)),
    "mentoring:request_decline": ("post", lambda w: [w.request.pk], {}, only_the_mentor(400)),
    "mentoring:request_withdraw": ("post", lambda w: [w.request.pk], {}, only_participant(302)),
    # One consultation.
    "mentoring:ad_hoc": ("get", lambda w: [], None, mentors(200)),
    "mentoring:consultation_detail": (
        "get",
        lambda w: [w.consultation.pk],
        None,
        consultation_parties(200),
    ),
    "mentoring:consultation_log": (
        "get",
        lambda w: [w.held.pk],
        None,
        {**everyone(404), "mentor": 200, "staff": 200, "admin": 200},
    ),
    "mentoring:consultation_cancel": (
        "get",
        lambda w: [w.consultation.pk],
        None,
        consultation_parties(200),
    ),
    "mentoring:consultation_reschedule": (
        "get",
        lambda w: [w.consultation.pk],
        None,
        consultation_parties(200),
    ),
    "mentoring:consultation_confirm": ("post", lambda w: [w.held.pk], {}, only_participant(302)),
    "mentoring:consultation_rate": (
        "post",
        lambda w: [w.held.pk],
        {"rating": "5"},
        only_participant(302),
    ),
    "mentoring:file_upload": (
        "post",
        lambda w: [w.held.pk],
        {},
        {**everyone(404), "mentor": 400, "staff": 400, "admin": 400},
    ),
    "mentoring:file_download": (
        "get",
        lambda w: [w.held.pk, w.document.pk],
        None,
        consultation_parties(200),
    ),
    "mentoring:file_delete": (
        "post",
        lambda w: [w.held.pk, w.document.pk],
        {},
        {**everyone(404), "mentor": 302, "staff": 302, "admin": 302},
    ),
    "mentoring:item_done": ("post", lambda w: [w.item.pk], {}, consultation_parties(302)),
    # Staff.
    "mentoring:overview": ("get", lambda w: [], None, staff_only(200)),
    "mentoring:export_csv": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "mentoring:export_xlsx": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "mentoring:matching": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "mentoring:assign": ("post", lambda w: [w.cycle.pk, w.place.pk], {}, staff_only(400)),
    "mentoring:assignment_end": ("post", lambda w: [w.proposed.pk], {}, staff_only(302)),
    "mentoring:cycle_settings": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "mentoring:mentors": ("get", lambda w: [], None, staff_only(200)),
    "mentoring:invitation_resend": ("post", lambda w: [w.profile.pk], {}, staff_only(302)),
    "mentoring:tags": ("get", lambda w: [], None, staff_only(200)),
    "mentoring:tag_edit": ("get", lambda w: [w.tag.pk], None, staff_only(200)),
    "mentoring:partners": ("get", lambda w: [], None, staff_only(200)),
    "mentoring:partner_edit": ("get", lambda w: [w.partner.pk], None, staff_only(200)),
}


def _fill(data, world):
    if not data:
        return {}
    return {key.format(proposed=world.proposed.pk): value for key, value in data.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(client, world, name, role):
    method, args, data, expected = CASES[name]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args(world))
    response = getattr(client, method)(url, _fill(data, world))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, f"{role} on {name}"


def test_the_private_note_is_for_the_mentor_and_staff_only(client, world):
    url = reverse("mentoring:consultation_detail", args=[world.held.pk])
    for role, sees in [("mentor", True), ("staff", True), ("participant", False)]:
        client.force_login(world.users[role])
        page = client.get(url).content.decode()
        assert ("Tikai darbiniekiem" in page) is sees, role
        assert "Runājām par fondiem." in page
