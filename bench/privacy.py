"""Personal data: the copy of a person's data and the staff's erasure list as they grow.

- the copy (``incubator.privacy.services.build_export``) of a person with 2
  applications and few emails, and of one with many organisations, applications
  with their files, reviews and emails, counting queries: equal (each app's export
  loads its rows in a fixed number of queries, never one per row);
- the staff's list of erasure requests with 1 and with many requests: equal queries.

Figures:

    privacy_export_queries_small     queries to build the copy of the small person
    privacy_export_queries_grown     the same for the grown person (must be equal)
    privacy_export_rows_grown        applications + emails + reviews in the grown copy
    privacy_export_seconds_grown     time to build the grown copy (ZIP with its files)
    privacy_export_kb_grown          its size
    erasure_list_queries_1           queries of the staff's list with 1 request
    erasure_list_queries_grown       the same with many (must be equal)
"""

import datetime
import itertools
import os
import tempfile
import time
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import scaled, with_authenticator

_numbers = itertools.count(1)
PDF = b"%PDF-1.4 " + os.urandom(20_000)


def _person(organisations, cycles, emails, reviews):
    """A leader of ``organisations`` organisations, each applying to ``cycles``
    cycles with one file per application; ``emails`` emails sent to them; ``reviews``
    reviews they wrote (one criterion each)."""
    from applications.models import (
        Application,
        Attachment,
        CommitteeMember,
        Criterion,
        ReviewAssignment,
        Score,
    )
    from incubator.models import Cycle, Membership, Organisation, PriorityField, User
    from incubator.notifications.models import Email

    n = next(_numbers)
    field = PriorityField.objects.order_by("order").first()
    user = User.objects.create(email=f"person{n}@bench.lv", first_name="Anna", password="!")
    now = timezone.now()
    cycle_rows = Cycle.objects.bulk_create(
        [
            Cycle(
                name=f"Cikls {n}-{c}",
                call_opens_at=now - datetime.timedelta(days=30),
                call_closes_at=now + datetime.timedelta(days=30),
                incubation_starts_on=datetime.date(2027, 1, 1),
                incubation_ends_on=datetime.date(2027, 6, 30),
                places=10,
            )
            for c in range(max(cycles, 1))
        ]
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Biedrība P{n}-{o}",
                legal_form="association",
                registration_number=f"{42000000000 + n * 1000 + o}",
                founded_on=datetime.date(2015, 1, 1),
                municipality="Liepāja",
                address="Lielā iela 1",
                email=f"p{n}-{o}@bench.lv",
                phone="+371 20000000",
                mission="Kopiena.",
                members_count=10,
                volunteers_count=5,
                annual_budget=Decimal("1000"),
                priority_field=field,
            )
            for o in range(organisations)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(organisation=o, user=user, role="leader") for o in orgs]
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                cycle=cycle,
                organisation=organisation,
                priority_field=field,
                motivation="Vēlamies augt.",
                project_idea="Kopienas dārzs.",
                created_by=user,
            )
            for organisation in orgs
            for cycle in cycle_rows[:cycles]
        ]
    )
    for application in applications:
        attachment = Attachment(
            application=application,
            name="statuti.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=user,
        )
        attachment.file.save("statuti.pdf", ContentFile(PDF), save=False)
        attachment.save()
    Email.objects.bulk_create(
        [
            Email(
                key=f"bench:{n}:{e}",
                recipient=user,
                to=user.email,
                language="lv",
                subject="Sveiki",
                text_body="Teksts " * 40,
                status="sent",
            )
            for e in range(emails)
        ]
    )
    if reviews:
        other = Organisation.objects.exclude(memberships__user=user).first() or orgs[0]
        cycle = cycle_rows[0]
        criterion = Criterion.objects.create(cycle=cycle, name_lv="Kritērijs", weight=1)
        member = CommitteeMember.objects.create(cycle=cycle, user=user)
        reviewed = Application.objects.bulk_create(
            [
                Application(
                    cycle=Cycle.objects.create(
                        name=f"Vērtēšana {n}-{r}",
                        call_opens_at=now - datetime.timedelta(days=30),
                        call_closes_at=now + datetime.timedelta(days=30),
                        incubation_starts_on=datetime.date(2027, 1, 1),
                        incubation_ends_on=datetime.date(2027, 6, 30),
                        places=10,
                    ),
                    organisation=other,
                    status="submitted",
                )
                for r in range(reviews)
            ]
        )
        assignments = ReviewAssignment.objects.bulk_create(
            [ReviewAssignment(application=a, member=member) for a in reviewed]
        )
        Score.objects.bulk_create(
            [
                Score(
                    assignment=a,
                    criterion=criterion,
                    value=3,
                    comment="Labi",
                    scale_min=0,
                    scale_max=5,
                )
                for a in assignments
            ]
        )
    return user, len(applications) + emails + reviews


def _build(user):
    from incubator.privacy import services
    from incubator.privacy.models import DataExport

    export = DataExport.objects.create(user=user)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        export = services.build_export(export.pk)
    return len(queries), time.perf_counter() - started, export.size


def measure_export(report):
    small, _rows = _person(organisations=2, cycles=1, emails=5, reviews=1)
    grown, rows = _person(
        organisations=scaled(10, 3),
        cycles=scaled(5, 2),
        emails=scaled(3000, 100),
        reviews=scaled(40, 4),
    )
    _build(small)  # warm up (templates, translations)
    small_queries, _seconds, _size = _build(small)
    grown_queries, seconds, size = _build(grown)
    report("privacy_export_queries_small", small_queries)
    report("privacy_export_queries_grown", grown_queries)
    report("privacy_export_rows_grown", rows)
    report("privacy_export_seconds_grown", round(seconds, 3))
    report("privacy_export_kb_grown", size // 1024)


def measure_erasure_list(report, staff):
    from incubator.models import User
    from incubator.privacy.models import ErasureRequest

    client = Client()
    client.force_login(staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("privacy:erasure_list")).status_code == 200
        return len(captured)

    def ask(count):
        people = User.objects.bulk_create(
            [User(email=f"asks{next(_numbers)}@bench.lv", password="!") for _ in range(count)]
        )
        ErasureRequest.objects.bulk_create([ErasureRequest(user=p) for p in people])

    ask(1)
    one = queries()
    ask(scaled(500, 30))
    report("erasure_list_queries_1", one)
    report("erasure_list_queries_grown", queries())


def run(report):
    from incubator.models import User

    staff = with_authenticator(
        User.objects.create(email="privacy-staff@bench.lv", is_staff=True, password="!")
    )
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        measure_export(report)
        measure_erasure_list(report, staff)
