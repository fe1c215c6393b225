"""Reminders at scale, and the cohort pages as they grow.

Two shapes of 10,000 due reminder emails (1,000 at the quick size), each written by
one sweep:

- wide: 20 reminder rows (10 joint meetings and 10 deadlines, 7 days before) of a
  cycle with 250 organisations (25) of two people each, 500 emails (50) per row (and
  one to the meetings' organiser); every row written is then delivered through the
  locmem email backend;
- many rows: 10,000 reminder rows (1,000) (staff deadlines) of one email each.

Then the cohort page and "my programme" are loaded with 10 and with 200 rows (50)
(organisations, meetings, deadlines), counting queries. Figures:

    dispatch_ms_per_1000       wide: time the sweep takes per 1,000 emails written
    dispatch_queries_per_1000  wide: its queries per 1,000 (constant per batch: <= 50)
    send_ms_per_1000           delivering 1,000 outbox rows (locmem backend)
    dispatch_rows_ms_per_1000  many rows: time per 1,000 reminder rows (one email each)
    dispatch_rows_queries_per_1000  many rows: queries per 1,000 reminder rows
    cohort_queries_10/_200     queries of a cohort page with 10 / 200 organisations
    my_programme_queries_10/_200  queries of "my programme" with 10 / 200 of everything
"""

import datetime
import itertools
import time
from decimal import Decimal

from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from bench import scaled, with_authenticator

PEOPLE_PER_ORGANISATION = 2
ORGANISATIONS = scaled(250, quick=25)  # wide: 20 reminders to 500 (50) people each
REMINDER_ROWS = scaled(10_000, quick=1_000)  # many rows
PAGE_ROWS = (10, scaled(200, quick=50))
_numbers = itertools.count(1)


def _users(count, prefix):
    from incubator.models import User

    return User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{next(_numbers)}@bench.lv",
                first_name="Vārds",
                last_name="Uzvārds",
                password="!",
            )
            for _ in range(count)
        ]
    )


def _organisations(count, field):
    from incubator.models import Membership, Organisation

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Biedrība {n}",
                legal_form="association",
                registration_number=f"{40000000000 + n}",
                founded_on=datetime.date(2015, 1, 1),
                municipality="Liepāja",
                address="Lielā iela 1",
                email=f"org{n}@bench.lv",
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
    people = _users(count * PEOPLE_PER_ORGANISATION, "person")
    Membership.objects.bulk_create(
        [
            Membership(
                organisation=organisation,
                user=person,
                role="leader" if index % PEOPLE_PER_ORGANISATION == 0 else "member",
            )
            for index, (organisation, person) in enumerate(
                zip(
                    [o for o in organisations for _ in range(PEOPLE_PER_ORGANISATION)],
                    people,
                    strict=True,
                )
            )
        ]
    )
    return organisations


def _cycle(name):
    from incubator.models import Cycle

    today = timezone.localdate()
    return Cycle.objects.create(
        name=name,
        call_opens_at=timezone.now() - datetime.timedelta(days=120),
        call_closes_at=timezone.now() - datetime.timedelta(days=60),
        incubation_starts_on=today - datetime.timedelta(days=30),
        incubation_ends_on=today + datetime.timedelta(days=200),
        places=500,
    )


def _places(cycle, organisations_by_field):
    """Cohorts of ``cycle`` with the organisations as active members."""
    from cohorts.models import Cohort, CohortMembership

    cohorts = {}
    rows = []
    for field, organisations in organisations_by_field.items():
        cohorts[field] = Cohort.objects.create(cycle=cycle, priority_field=field)
        rows += [
            CohortMembership(cohort=cohorts[field], cycle=cycle, organisation=organisation)
            for organisation in organisations
        ]
    CohortMembership.objects.bulk_create(rows)
    return cohorts


def _events(cycle, cohort, meetings, deadlines, first_in, every, staff):
    """Meetings and deadlines ``every`` apart from ``first_in`` ahead, created as the
    services do but without the invitations (not what is measured)."""
    from cohorts.models import Deadline, JointMeeting

    start = timezone.now() + first_in
    made_meetings = JointMeeting.objects.bulk_create(
        [
            JointMeeting(
                cycle=cycle,
                cohort=cohort,
                title=f"Tikšanās {n}",
                place="Lielā iela 3",
                starts_at=start + n * every,
                ends_at=start + n * every + datetime.timedelta(hours=2),
                created_by=staff,
            )
            for n in range(meetings)
        ]
    )
    made_deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                cycle=cycle,
                cohort=cohort,
                title=f"Termiņš {n}",
                audience="participants",
                due_at=start + n * every + datetime.timedelta(hours=1),
                created_by=staff,
            )
            for n in range(deadlines)
        ]
    )
    return made_meetings, made_deadlines


def _page_queries(client, url):
    client.get(url)  # warm up: sessions, caches, template loading
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def measure_dispatch(report, fields, staff):
    from incubator.notifications import reminders
    from incubator.notifications.models import Email

    cycle = _cycle("Mērogs")
    organisations = _organisations(ORGANISATIONS, fields[0])
    _places(cycle, {field: organisations[i::5] for i, field in enumerate(fields)})
    meetings, deadlines = _events(
        cycle,
        None,
        10,
        10,
        first_in=datetime.timedelta(days=3),
        every=datetime.timedelta(hours=3),
        staff=staff,
    )
    # Scheduled ten days ago with a 7-day offset: all due now, every event still ahead.
    scheduled = timezone.now() - datetime.timedelta(days=10)
    week = {"before-7d": datetime.timedelta(days=7)}
    for meeting in meetings:
        reminders.schedule(
            source="meeting",
            object_id=meeting.pk,
            event_at=meeting.starts_at,
            offsets=week,
            now=scheduled,
        )
    for deadline in deadlines:
        reminders.schedule(
            source="deadline",
            object_id=deadline.pk,
            event_at=deadline.due_at,
            offsets=week,
            now=scheduled,
        )
    from cohorts import services as cohort_services

    cohort_services.sync_cycle_deadlines(cycle)  # as the first sweep after creating a cycle

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        written = reminders.sweep()
    elapsed = time.perf_counter() - started
    # Everyone in the cycle for each of the 20 reminders, and the staff member who
    # scheduled the 10 meetings (their host).
    assert written == 20 * ORGANISATIONS * PEOPLE_PER_ORGANISATION + 10, written
    thousands = written / 1000
    report("dispatch_ms_per_1000", round(elapsed * 1000 / thousands, 1))
    report("dispatch_queries_per_1000", round(len(queries) / thousands, 1))

    from incubator.notifications import services

    ids = list(Email.objects.filter(status="queued").values_list("pk", flat=True))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        started = time.perf_counter()
        for start in range(0, len(ids), services.TASK_BATCH):  # as the send_emails task does
            services.deliver_batch(ids[start : start + services.TASK_BATCH])
        elapsed = time.perf_counter() - started
    assert len(mail.outbox) == len(ids) == written
    mail.outbox = []
    report("send_ms_per_1000", round(elapsed * 1000 / (len(ids) / 1000), 1))


def measure_many_rows(report, staff):
    """10,000 (1,000) reminder rows due at once, one email each: one sweep writes them
    all."""
    from cohorts import services as cohort_services
    from cohorts.models import Deadline
    from incubator.notifications import reminders
    from incubator.notifications.models import Reminder

    cycle = _cycle("Daudz termiņu")
    cohort_services.sync_cycle_deadlines(cycle)
    start = timezone.now() + datetime.timedelta(days=3)
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                cycle=cycle,
                title=f"Atskaite {n}",
                audience="staff",
                created_by=staff,
                due_at=start + n * datetime.timedelta(seconds=10),
            )
            for n in range(REMINDER_ROWS)
        ]
    )
    scheduled = timezone.now() - datetime.timedelta(days=10)
    Reminder.objects.bulk_create(
        [
            Reminder(
                source="deadline",
                object_id=deadline.pk,
                label="before-7d",
                due_at=deadline.due_at - datetime.timedelta(days=7),
                event_at=deadline.due_at,
                created_at=scheduled,
            )
            for deadline in deadlines
        ]
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        written = reminders.sweep()
    elapsed = time.perf_counter() - started
    assert written == REMINDER_ROWS, written
    assert not Reminder.objects.filter(status="pending", due_at__lte=timezone.now()).exists()
    thousands = REMINDER_ROWS / 1000
    report("dispatch_rows_ms_per_1000", round(elapsed * 1000 / thousands, 1))
    report("dispatch_rows_queries_per_1000", round(len(queries) / thousands, 1))


def measure_pages(report, fields, staff):
    from cohorts import services as cohort_services

    client = Client()
    for rows in PAGE_ROWS:
        cycle = _cycle(f"Lapas {rows}")
        organisations = _organisations(rows, fields[0])
        cohorts = _places(cycle, {fields[0]: organisations})
        # A few held already, the rest ahead, one a day.
        meetings, _deadlines = _events(
            cycle,
            None,
            rows,
            rows,
            first_in=-datetime.timedelta(days=3),
            every=datetime.timedelta(days=1),
            staff=staff,
        )
        participant = organisations[0].memberships.order_by("pk").first().user
        for meeting in meetings[::2]:
            if meeting.starts_at > timezone.now():
                cohort_services.respond(
                    meeting,
                    organisation=organisations[0],
                    answer="yes",
                    by=participant,
                    attendees=[participant],
                )

        client.force_login(staff)
        cohort_url = reverse("cohorts:cohort_detail", args=[cohorts[fields[0]].pk])
        report(f"cohort_queries_{rows}", _page_queries(client, cohort_url))
        client.force_login(participant)
        report(
            f"my_programme_queries_{rows}", _page_queries(client, reverse("cohorts:my_programme"))
        )


def run(report):
    from incubator.celery import app
    from incubator.models import PriorityField, User

    # Tasks are handed to an in-process broker: the figures measure the database and
    # the rendering, not a network round trip (and never reach a real worker).
    app.conf.broker_url = "memory://localhost/"
    app.conf.task_always_eager = False
    fields = list(PriorityField.objects.order_by("order")[:5])
    staff = with_authenticator(
        User.objects.create(email="staff@bench.lv", is_staff=True, password="!")
    )
    measure_dispatch(report, fields, staff)
    measure_many_rows(report, staff)
    measure_pages(report, fields, staff)
