"""Mentoring: no double booking under a race, and the staff overview as it grows.

- 50 bookings of one free time fired at once, each from its own thread and database
  connection (PostgreSQL's row locks and exclusion constraint): exactly one wins;
- the staff overview of a cycle with 10 and with 500 consultations (held with logs,
  ratings and action items, booked ahead, cancelled), counting queries: equal.

Figures:

    booking_race_winners           bookings that won (must be 1)
    booking_race_refused           bookings refused with the clear message (must be 49)
    mentoring_overview_queries_10  queries of the staff overview, 10 consultations
    mentoring_overview_queries_500 the same with 500 (must be equal)

``grow`` is also what the query-count tests use to make a cycle grow.
"""

import datetime
import itertools
import threading
from decimal import Decimal

from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import with_authenticator

RACERS = 50
_numbers = itertools.count(1)


def _organisations(count, field):
    from incubator.models import Membership, Organisation, User

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Biedrība M{n}",
                legal_form="association",
                registration_number=f"{41000000000 + n}",
                founded_on=datetime.date(2015, 1, 1),
                municipality="Liepāja",
                address="Lielā iela 1",
                email=f"m{n}@bench.lv",
                phone="+371 20000000",
                mission="Kopiena.",
                members_count=10,
                volunteers_count=5,
                annual_budget=Decimal("1000"),
                priority_field=field,
            )
            for n in (next(_numbers) for _ in range(count))
        ]
    )
    people = User.objects.bulk_create(
        [
            User(email=f"m-person{next(_numbers)}@bench.lv", first_name="Vārds", password="!")
            for _ in organisations
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(organisation=o, user=u, role="leader")
            for o, u in zip(organisations, people, strict=True)
        ]
    )
    return organisations


def _profiles(count, kind="mentor"):
    from incubator.models import User
    from mentoring.models import MentorProfile

    users = User.objects.bulk_create(
        [
            User(email=f"{kind}{next(_numbers)}@bench.lv", first_name="Mentors", password="!")
            for _ in range(count)
        ]
    )
    return MentorProfile.objects.bulk_create(
        [
            MentorProfile(
                user=user,
                kind=kind,
                languages=["lv"],
                capacity=50,
                capacity_hours=Decimal("500"),
                activated_at=timezone.now(),
            )
            for user in users
        ]
    )


def grow(cycle, field, staff, *, organisations, consultations, place=None, mentor=None):
    """Adds ``organisations`` organisations taking part in ``cycle`` (in the cohort of
    ``field``), each assigned to a mentor (``mentor`` and new ones), and
    ``consultations`` consultations spread over them and ``place``'s organisation:
    held (logged, rated, with open, overdue and done action items), booked ahead and
    cancelled; action items without a consultation; free times ahead for every
    mentor. Bulk inserts, no notices."""
    from cohorts.models import Cohort, CohortMembership
    from mentoring.models import (
        ActionItem,
        Consultation,
        ConsultationLog,
        MentorAssignment,
        Slot,
    )

    cohort, _created = Cohort.objects.get_or_create(cycle=cycle, priority_field=field)
    new = _organisations(organisations, field)
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, cycle=cycle, organisation=o) for o in new]
    )
    mentors = _profiles(max(1, organisations // 5)) + ([mentor] if mentor else [])
    MentorAssignment.objects.bulk_create(
        [
            MentorAssignment(
                cycle=cycle,
                organisation=o,
                mentor=mentors[i % len(mentors)],
                status="accepted",
                assigned_by=staff,
                responded_at=timezone.now(),
            )
            for i, o in enumerate(new)
        ]
    )
    targets = new + ([place.organisation] if place else [])
    now = timezone.now()
    first = now - datetime.timedelta(days=25)
    # Every consultation at its own time: nobody's overlap another.
    offset = Consultation.objects.count() + Slot.objects.count() + 1
    rows = []
    for i in range(consultations):
        starts = first + datetime.timedelta(minutes=90 * (offset + i))
        status = "held" if starts < now - datetime.timedelta(hours=2) else "scheduled"
        if i % 7 == 3:
            status = "cancelled"
        rows.append(
            Consultation(
                cycle=cycle,
                organisation=targets[i % len(targets)],
                mentor=mentors[i % len(mentors)],
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
                mode="online",
                location="https://meet.example/x",
                status=status,
                booked_by=staff,
            )
        )
    made = Consultation.objects.bulk_create(rows)
    held = [c for c in made if c.status == "held"]
    ConsultationLog.objects.bulk_create(
        [
            ConsultationLog(
                consultation=c,
                outcome="held",
                minutes=45 + i % 30,
                summary="Pārrunājām.",
                rating=1 + i % 5 if i % 2 else None,
                confirmed_at=now if i % 3 else None,
            )
            for i, c in enumerate(held)
        ]
    )
    today = timezone.localdate()
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                consultation=c,
                cycle_id=c.cycle_id,
                organisation_id=c.organisation_id,
                mentor_id=c.mentor_id,
                description=f"Uzdevums {i}",
                owner="organisation" if i % 2 else "mentor",
                due_on=today + datetime.timedelta(days=(i % 9) - 4),
                done_at=now if i % 4 == 0 else None,
            )
            for i, c in enumerate(held)
        ]
    )
    # And action items written without a consultation (from the analysis), some the
    # mentor's.
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                cycle=cycle,
                organisation=targets[i % len(targets)],
                mentor=mentors[i % len(mentors)] if i % 2 else None,
                description=f"Ieteikuma uzdevums {i}",
                owner="mentor" if i % 2 else "organisation",
                due_on=today + datetime.timedelta(days=(i % 7) - 3),
            )
            for i in range(max(1, consultations // 3))
        ]
    )
    # Free times after every consultation and free time there is, none overlapping.
    latest = Slot.objects.aggregate(end=Max("ends_at"))["end"]
    last = max(first + datetime.timedelta(minutes=90 * (offset + consultations)), now)
    last = max(last, latest or last)
    Slot.objects.bulk_create(
        [
            Slot(
                mentor=mentors[i % len(mentors)],
                starts_at=last + datetime.timedelta(minutes=90 * i + 30),
                ends_at=last + datetime.timedelta(minutes=90 * i + 75),
                mode="in_person",
                location="Lielā iela 3",
            )
            for i in range(max(10, consultations // 5))
        ]
    )
    return new, mentors


def _cycle():
    from incubator.models import Cycle

    today = timezone.localdate()
    return Cycle.objects.create(
        name=f"Mentorings {next(_numbers)}",
        call_opens_at=timezone.now() - datetime.timedelta(days=120),
        call_closes_at=timezone.now() - datetime.timedelta(days=60),
        incubation_starts_on=today - datetime.timedelta(days=40),
        incubation_ends_on=today + datetime.timedelta(days=200),
        places=500,
    )


def _page_queries(client, url):
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def measure_overview(report, field, staff):
    client = Client()
    client.force_login(staff)
    for count in (10, 500):
        cycle = _cycle()
        grow(cycle, field, staff, organisations=max(2, count // 10), consultations=count)
        url = f"{reverse('mentoring:overview')}?cycle={cycle.pk}"
        report(f"mentoring_overview_queries_{count}", _page_queries(client, url))


def race(place, slot, people, racers=RACERS):
    """Fires ``racers`` bookings of ``slot`` at once, each in its own thread and
    connection. Returns (winners, refused with the clear message, other errors)."""
    from django.core.exceptions import ValidationError

    from mentoring import services

    start = threading.Barrier(racers)
    results = []
    lock = threading.Lock()

    def book(person):
        try:
            start.wait(30)
            services.book_slot(place, slot, by=person)
            outcome = "won"
        except ValidationError as error:
            outcome = "refused" if error.code == "taken" else f"other: {error.messages}"
        except Exception as error:  # reported, never hidden
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [
        threading.Thread(target=book, args=(people[i % len(people)],), daemon=True)
        for i in range(racers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    won = results.count("won")
    refused = results.count("refused")
    return won, refused, [r for r in results if r not in ("won", "refused")]


def race_world(field, staff):
    """One organisation with fifty people, its mentor and one free time ahead."""
    from cohorts.models import Cohort, CohortMembership
    from incubator.models import Membership, User
    from mentoring import services
    from mentoring.models import MentorAssignment

    cycle = _cycle()
    (organisation,) = _organisations(1, field)
    cohort, _created = Cohort.objects.get_or_create(cycle=cycle, priority_field=field)
    place = CohortMembership.objects.create(cohort=cohort, cycle=cycle, organisation=organisation)
    people = User.objects.bulk_create(
        [User(email=f"racer{next(_numbers)}@bench.lv", password="!") for _ in range(RACERS)]
    )
    Membership.objects.bulk_create(
        [Membership(organisation=organisation, user=person) for person in people]
    )
    (mentor,) = _profiles(1)
    MentorAssignment.objects.create(
        cycle=cycle, organisation=organisation, mentor=mentor, status="accepted"
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    slot = services.add_slot(
        mentor,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        mode="in_person",
        location="Lielā iela 3",
    )
    return place, slot, people


def measure_race(report, field, staff):
    from incubator.notifications.models import Email
    from mentoring.models import Consultation

    if connection.vendor != "postgresql":
        return
    place, slot, people = race_world(field, staff)
    won, refused, others = race(place, slot, people)
    assert not others, others[:3]
    # Nothing half-written: the one booking, and the invitations of its people only.
    assert Consultation.objects.filter(slot=slot).count() == won
    booked = Consultation.objects.filter(slot=slot).first()
    emails = Email.objects.filter(key__endswith=":booked")
    assert not emails.exclude(key__startswith=f"consultation:{booked.pk}:").exists()
    assert emails.count() == place.organisation.memberships.count() + 1
    report("booking_race_winners", won)
    report("booking_race_refused", refused)


def run(report):
    from incubator.celery import app
    from incubator.models import PriorityField, User

    app.conf.broker_url = "memory://localhost/"
    app.conf.task_always_eager = False
    field = PriorityField.objects.order_by("order").first()
    staff = with_authenticator(
        User.objects.create(email="mentoring-staff@bench.lv", is_staff=True, password="!")
    )
    measure_race(report, field, staff)
    measure_overview(report, field, staff)
