"""A small programme whose results are counted by hand in the tests of the results
dashboard, its exports, the programme report and the public results page.

A running cycle, two priority fields:

    culture  A (listed), B (not listed), C (listed, but left), E (ineligible, rejected)
    youth    D (listed), F (eligible, rejected)

Meetings: M1 for everyone 10 days ago (A present with 2 people, B excused, C absent,
D present with 1), M2 for the culture cohort 5 days ago (A and B present, 1 each),
one ahead and one cancelled (neither held).

Consultations held: A with Ilze (mentor) 60 and 90 minutes and with Pēteris (expert)
30; D with Ilze 60. Not held: D with Ilze cancelled, B with Pēteris a no-show and one
booked ahead.

Bids: A submitted 10,000 (awarded 8,000) and 5,000 (rejected), A drafting 3,000;
D submitted 4,000 (waiting).

Feedback (analysis, consultations, meetings, funding help, overall): A 4 5 3 4 5
with a comment under its name, D 2 3 5 4 4 with a comment without a name, B 3 4 4 2
3 without a comment.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from analysis import services as analysis_services
from applications.models import Application, EligibilityCheck, EligibilityRequirement
from cohorts.models import Attendance, CohortMembership, JointMeeting
from funding.bids.models import Bid, BidStatusChange
from incubator.models import Membership, PriorityField
from mentoring.models import Consultation, ConsultationLog

from . import factories, helpers


@dataclass
class Programme:
    cycle: object
    staff: object
    places: dict
    organisations: dict
    leaders: dict
    mentor: object
    expert: object


def _organisation(letter, field, listed):
    leader = factories.UserFactory(email=f"vaditajs-{letter.lower()}@biedriba.lv")
    organisation = factories.OrganisationFactory(
        name=f"Biedrība “{letter} kopiena”", leader=leader, priority_field=field
    )
    return leader, organisation


def _admit(letter, field, cycle, staff, listed):
    leader, organisation = _organisation(letter, field, listed)
    place = factories.admit(organisation, cycle, staff)
    Application.objects.filter(pk=place.application_id).update(listing_consent=listed)
    return leader, organisation, place


def _applied(letter, field, cycle, eligible):
    leader, organisation = _organisation(letter, field, False)
    application = factories.ApplicationFactory(
        cycle=cycle, organisation=organisation, submitted=True, status="rejected"
    )
    requirement, _created = EligibilityRequirement.objects.get_or_create(
        cycle=cycle, text_lv="Reģistrēta Liepājā"
    )
    EligibilityCheck.objects.create(
        application=application,
        requirement=requirement,
        met=eligible,
        note="" if eligible else "Juridiskā adrese ārpus Liepājas.",
    )
    return leader, organisation


def _ago(days, hour=12):
    return timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) - (
        datetime.timedelta(days=days)
    )


def _meetings(cycle, places, staff):
    culture = places["A"].cohort
    m1 = JointMeeting.objects.create(
        cycle=cycle,
        title="Ievadtikšanās",
        starts_at=_ago(10),
        ends_at=_ago(10, 15),
        place="Rātsnams",
    )
    m2 = JointMeeting.objects.create(
        cycle=cycle,
        cohort=culture,
        title="Kultūras darbnīca",
        starts_at=_ago(5),
        ends_at=_ago(5, 15),
        place="Bibliotēka",
    )
    JointMeeting.objects.create(
        cycle=cycle, title="Noslēgums", starts_at=_ago(-20), ends_at=_ago(-20, 15), place="Rātsnams"
    )
    JointMeeting.objects.create(
        cycle=cycle,
        title="Atcelta",
        starts_at=_ago(3),
        ends_at=_ago(3, 15),
        place="Rātsnams",
        status=JointMeeting.Status.CANCELLED,
    )
    rows = [
        (m1, "A", "present", 2),
        (m1, "B", "excused", 0),
        (m1, "C", "absent", 0),
        (m1, "D", "present", 1),
        (m2, "A", "present", 1),
        (m2, "B", "present", 1),
    ]
    for meeting, letter, status, people in rows:
        Attendance.objects.create(
            meeting=meeting,
            organisation=places[letter].organisation,
            status=status,
            people=people,
            recorded_by=staff,
        )


def _consultations(cycle, places, mentor, expert, staff):
    rows = [
        ("A", mentor, 20, "held", 60),
        ("A", mentor, 18, "held", 90),
        ("A", expert, 17, "held", 30),
        ("D", mentor, 16, "held", 60),
        ("D", mentor, 15, "cancelled", None),
        ("B", expert, 14, "no_show", 0),
        ("B", expert, -3, "scheduled", None),
    ]
    for letter, profile, days, status, minutes in rows:
        consultation = Consultation.objects.create(
            cycle=cycle,
            organisation=places[letter].organisation,
            mentor=profile,
            starts_at=_ago(days, 10),
            ends_at=_ago(days, 11),
            mode="online",
            location="https://meet.example/a",
            status=status,
            booked_by=staff,
        )
        if minutes is not None:
            ConsultationLog.objects.create(
                consultation=consultation, outcome=status, minutes=minutes, logged_by=staff
            )


def _bid(place, title, requested, steps, awarded=None):
    bid = Bid.objects.create(
        place=place,
        funder="Liepājas pašvaldība",
        title=title,
        amount_requested=Decimal(requested),
        status=steps[-1],
        amount_awarded=Decimal(awarded) if awarded else None,
    )
    previous = "idea"
    for step in steps:
        BidStatusChange.objects.create(bid=bid, from_status=previous, to_status=step)
        previous = step
    return bid


def _feedback(places, leaders):
    answers = [
        ("A", (4, 5, 3, 4, 5), "Ļoti noderīgi: tagad mums ir finanšu plāns.", False),
        ("D", (2, 3, 5, 4, 4), "Gribētos vairāk par finansēm.", True),
        ("B", (3, 4, 4, 2, 3), "", False),
    ]
    for letter, ratings, comment, anonymous in answers:
        analysis_services.give_feedback(
            places[letter],
            by=leaders[letter],
            **dict(
                zip(
                    ["analysis", "consultations", "meetings", "funding_help", "overall"],
                    ratings,
                    strict=True,
                )
            ),
            comment=comment,
            anonymous=anonymous,
        )


def programme():
    helpers.make_priority_fields()
    culture = PriorityField.objects.get(code="culture")
    youth = PriorityField.objects.get(code="youth")
    cycle = factories.RunningCycleFactory(name="Inkubators 2027")
    staff = factories.StaffFactory(email="koordinatore@inkubators.lv")
    leaders, organisations, places = {}, {}, {}
    for letter, field, listed in [
        ("A", culture, True),
        ("B", culture, False),
        ("C", culture, True),
        ("D", youth, True),
    ]:
        leaders[letter], organisations[letter], places[letter] = _admit(
            letter, field, cycle, staff, listed
        )
    CohortMembership.objects.filter(pk=places["C"].pk).update(
        status=CohortMembership.Status.LEFT, reason="Valde nolēma", ended_at=timezone.now()
    )
    for letter, field, eligible in [("E", culture, False), ("F", youth, True)]:
        leaders[letter], organisations[letter] = _applied(letter, field, cycle, eligible)
    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="ilze@example.lv", first_name="Ilze", last_name="Ozola")
    )
    expert = factories.MentorProfileFactory(
        kind="expert",
        user=factories.UserFactory(
            email="peteris@example.lv", first_name="Pēteris", last_name="Kalns"
        ),
    )
    _meetings(cycle, places, staff)
    _consultations(cycle, places, mentor, expert, staff)
    _bid(places["A"], "Kultūras festivāls", "10000", ["submitted", "awarded"], awarded="8000")
    _bid(places["A"], "Teātra studija", "5000", ["submitted", "rejected"])
    _bid(places["A"], "Koris", "3000", ["drafting"])
    _bid(places["D"], "Jauniešu klubs", "4000", ["submitted"])
    _feedback(places, leaders)
    for letter in places:
        places[letter].refresh_from_db()
    assert Membership.objects.filter(user=leaders["A"]).exists()
    return Programme(cycle, staff, places, organisations, leaders, mentor.user, expert.user)
