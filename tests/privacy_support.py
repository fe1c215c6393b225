"""A person the portal knows a lot about, for the personal data tests: the leader of
two organisations with three applications (one admitted to a running cycle, one
draft, one submitted), who also reviews another organisation's application, booked
a consultation, answered a meeting invitation and follows a funding source."""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services as applications
from cohorts import services as cohorts
from funding.models import Follow
from mentoring import services as mentoring

from . import factories

PDF = b"%PDF-1.4 pieteikuma pielikums"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@dataclass
class Person:
    user: object
    first: object
    second: object
    admitted: object
    draft: object
    submitted: object
    reviewed: object
    consultation: object
    meeting: object
    mentor: object
    staff: object
    place: object = None


def at(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rich_person(expertise_tags, email="anna@biedriba.lv"):
    staff = factories.StaffFactory(email="darbiniece@inkubators.lv")
    user = factories.UserFactory(
        email=email, first_name="Anna", last_name="Bērziņa", phone="+371 20000001"
    )
    first = factories.OrganisationFactory(leader=user, name="Biedrība “Zaļā Liepāja”")
    second = factories.OrganisationFactory(leader=user, name="Nodibinājums “Jūras vārti”")
    running = factories.RunningCycleFactory(name="Pilotcikls")
    place = factories.admit(first, running, staff)
    open_call = factories.CycleFactory(name="Inkubators 2027")
    draft = factories.ApplicationFactory(
        cycle=open_call, organisation=first, complete=True, created_by=user
    )
    applications.add_attachment(draft, SimpleUploadedFile("budzets.pdf", PDF), by=user)
    another = factories.CycleFactory(name="Reģionālais inkubators")
    submitted = factories.ApplicationFactory(
        cycle=another, organisation=second, complete=True, created_by=user
    )
    applications.add_attachment(submitted, SimpleUploadedFile("statuti.pdf", PDF), by=user)
    applications.add_attachment(submitted, SimpleUploadedFile("logo.png", PNG), by=user)
    applications.submit(submitted, by=user)

    # Anna reviews a third organisation's application in the open call.
    reviewed = factories.ApplicationFactory(cycle=open_call, submitted=True)
    criterion = factories.CriterionFactory(cycle=open_call)
    member = factories.CommitteeMemberFactory(cycle=open_call, user=user)
    assignment = applications.assign(reviewed, member, by=staff)
    applications.declare_conflict(assignment, by=user, has_conflict=False)
    applications.save_review(
        assignment, by=user, scores={criterion.pk: (4, "Skaidrs plāns.")}, submit=True
    )

    mentor = factories.MentorProfileFactory(
        user=factories.UserFactory(email="mentors@example.lv", first_name="Jānis")
    )
    assignment = mentoring.assign_mentor(running, first, mentor, by=staff)
    mentoring.accept_assignment(assignment, by=mentor.user)
    slot = mentoring.add_slot(
        mentor, starts_at=at(5, 16), ends_at=at(5, 17), mode="in_person", location="Lielā iela 3"
    )
    consultation = mentoring.book_slot(
        place, slot, topic=expertise_tags["fundraising"], note="Fondu meklēšana", by=user
    )
    meeting = cohorts.schedule_meeting(
        cycle=running,
        by=staff,
        cohort=None,
        title="Otrā kopīgā tikšanās",
        starts_at=at(20),
        ends_at=at(20, 18),
        place="Lielā iela 3, Liepāja",
        online_url="",
        agenda="",
    )
    cohorts.respond(meeting, organisation=first, answer="yes", by=user, attendees=[user])
    Follow.objects.create(user=user, source=factories.FundingSourceFactory())
    return Person(
        user=user,
        first=first,
        second=second,
        admitted=place.application,
        draft=draft,
        submitted=submitted,
        reviewed=reviewed,
        consultation=consultation,
        meeting=meeting,
        mentor=mentor,
        staff=staff,
        place=place,
    )
