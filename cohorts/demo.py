"""Demo data: the pilot cycle's five cohorts with its 11 admitted organisations,
three joint meetings (one held, with attendance; two ahead) and deadlines up to the
cycle's end on 30 June. Idempotent."""

import datetime

from django.utils import timezone

from applications import services as application_services
from applications.models import Application

from . import audiences, services
from .models import Attendance, Cohort, CohortMembership, Deadline, JointMeeting, MeetingResponse

PLACES = 11
# How many of each field's applications the pilot admits (the pilot: 11 in five fields).
QUOTAS = {"culture": 3, "it": 2, "environment": 2, "youth": 2, "social": 2}

DESCRIPTIONS = {
    "culture": "Kultūras organizācijas: auditorijas piesaiste, pasākumu finansēšana un sadarbība "
    "ar pašvaldību. Sagaidām dalību visās kopīgajās tikšanās un attīstības plānu līdz maijam.",
    "it": "Digitalizācija un uzņēmējdarbība: sociālās uzņēmējdarbības modeļi un digitālie rīki "
    "biedru darbam.",
    "environment": "Vide un kopienas: brīvprātīgo darbs, pilsētvides projekti un sadarbība ar "
    "apkaimēm.",
    "youth": "Bērni un jaunieši: drošas vides politika, jauniešu līdzdalība un projektu "
    "pieteikumi jaunatnes programmām.",
    "social": "Sociālā joma un veselība: pakalpojumu kvalitāte, sadarbība ar sociālo dienestu "
    "un ilgtspējīgs finansējums.",
}


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _admit_pilot(demo):
    """Until the review's own demo admits the pilot's organisations, admit the first
    of each field in the demo's order (the demo applicant's among them), through the
    same services staff use."""
    cycle = demo.pilot
    admitted = Application.objects.filter(
        cycle=cycle, status=Application.Status.ADMITTED, decision_published_at__isnull=False
    )
    if admitted.count() >= PLACES:
        return 0
    applications = {
        a.organisation_id: a
        for a in Application.objects.filter(cycle=cycle).select_related("priority_field")
    }
    taken = {code: 0 for code in QUOTAS}
    chosen = []
    for organisation in demo.organisations:
        application = applications.get(organisation.pk)
        if application is None or application.priority_field is None:
            continue
        code = application.priority_field.code
        if taken.get(code, 0) < QUOTAS.get(code, 0):
            taken[code] += 1
            chosen.append(application)
    done = 0
    for application in chosen:
        if application.status in (Application.Status.SUBMITTED, Application.Status.WAITLISTED):
            application = application_services.decide(
                application,
                decision=Application.Status.ADMITTED,
                by=demo.staff,
                reason="Atbilst programmas mērķim un prioritārajai jomai.",
                without_review=True,
            )
        if application.status in (
            Application.Status.SUBMITTED,
            Application.Status.WAITLISTED,
            Application.Status.ADMITTED,
        ):
            application_services.publish_decision(application, by=demo.staff)
            done += 1
    return done


def _meetings(demo, cycle):
    start, end = cycle.incubation_starts_on, cycle.incubation_ends_on
    today = demo.today
    first_ahead = min(today + datetime.timedelta(days=16), end - datetime.timedelta(days=40))
    plans = [
        (
            "1. kopīgā tikšanās: iepazīšanās un organizāciju izpēte",
            _at(start + datetime.timedelta(days=10), 15),
            3,
            "Liepājas Biznesa inkubators, Lielā iela 3, Liepāja",
            "",
            "1. Iepazīšanās un inkubatora plāns\n2. Organizāciju padziļinātās izpētes "
            "metode\n3. Mentoru un nozares profesionāļu iepazīstināšana",
        ),
        (
            "2. kopīgā tikšanās: finansējuma avoti un projektu pieteikumi",
            _at(max(first_ahead, today + datetime.timedelta(days=2)), 14),
            3,
            "Liepājas Biznesa inkubators, Lielā iela 3, Liepāja",
            "https://meet.example.lv/inkubators-2",
            "1. Aktuālie fondi un programmas NVO\n2. Kā sagatavot projekta pieteikumu\n"
            "3. Darbs grupās pa prioritārajām jomām",
        ),
        (
            "3. kopīgā tikšanās: rezultāti un ilgtspējas ieteikumi",
            _at(end - datetime.timedelta(days=12), 15),
            3,
            "Liepājas pilsētas dome, Rožu iela 6, Liepāja",
            "",
            "1. Organizāciju rezultātu prezentācijas\n2. Ieteikumi ilgtspējai un "
            "komunikācijai\n3. Inkubatora cikla noslēgums",
        ),
    ]
    meetings = []
    for title, starts_at, hours, place, link, agenda in plans:
        meeting = JointMeeting.objects.filter(cycle=cycle, title=title).first()
        if meeting is None:
            meeting = services.schedule_meeting(
                cycle=cycle,
                by=demo.staff,
                cohort=None,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                place=place,
                online_url=link,
                agenda=agenda,
            )
        meetings.append(meeting)
    return meetings


def _answers_and_attendance(demo, meetings, places):
    held, next_one = meetings[0], meetings[1]
    now = timezone.now()
    organisations = [place.organisation for place in places]
    if not held.responses.exists():
        MeetingResponse.objects.bulk_create(
            [
                MeetingResponse(
                    meeting=held,
                    organisation=organisation,
                    answer="yes",
                    responded_by=organisation.memberships.first().user,
                )
                for organisation in organisations
            ]
        )
    if not held.attendance.exists():
        rows = []
        for index, organisation in enumerate(organisations):
            if index == 4:
                rows.append((organisation, Attendance.Status.EXCUSED, 0, "Slimības dēļ"))
            elif index == 9:
                rows.append((organisation, Attendance.Status.ABSENT, 0, ""))
            else:
                rows.append((organisation, Attendance.Status.PRESENT, 1 + index % 2, ""))
        services.record_attendance(held, rows, by=demo.staff, now=now)
    # Some organisations have answered the next invitation; the demo applicant's has not.
    if next_one.starts_at > now and not next_one.responses.exists():
        for index, organisation in enumerate(organisations[:6]):
            if organisation.memberships.filter(user=demo.applicant).exists():
                continue
            leader = organisation.memberships.order_by("pk").first().user
            services.respond(
                next_one,
                organisation=organisation,
                by=leader,
                answer="maybe" if index == 5 else "yes",
                attendees=[leader],
            )


def _deadlines(demo, cycle):
    today, end = demo.today, cycle.incubation_ends_on
    start = cycle.incubation_starts_on

    def day(value):
        return min(value, end - datetime.timedelta(days=1))

    plans = [
        (
            "Organizācijas pašnovērtējuma anketa",
            start + datetime.timedelta(days=21),
            17,
            audiences.PARTICIPANTS,
            "Aizpildiet pašnovērtējuma anketu: tā ir organizācijas padziļinātās izpētes pamats.",
        ),
        (
            "Attīstības plāna melnraksts",
            day(today + datetime.timedelta(days=10)),
            23,
            audiences.PARTICIPANTS,
            "Iesūtiet organizācijas attīstības plāna melnrakstu savam koordinatoram.",
        ),
        (
            "Projekta pieteikuma melnraksts mentoram",
            day(today + datetime.timedelta(days=45)),
            23,
            audiences.PARTICIPANTS,
            "Nosūtiet mentoram projekta pieteikuma melnrakstu izvēlētajam fondam.",
        ),
        (
            "Gala atskaite un ilgtspējas pašvērtējums",
            end - datetime.timedelta(days=5),
            23,
            audiences.PARTICIPANTS,
            "Gala atskaite par inkubācijas ciklā paveikto un ilgtspējas pašvērtējums.",
        ),
        (
            "Konsultāciju uzskaite par ceturksni",
            day(today + datetime.timedelta(days=20)),
            17,
            "mentors",
            "Ievadiet notikušās konsultācijas, stundas un ieteikumus.",
        ),
        (
            "Ieteikumi katrai organizācijai",
            end - datetime.timedelta(days=10),
            17,
            audiences.STAFF,
            "Ilgtspējas un komunikācijas ieteikumi katrai dalībniecei.",
        ),
    ]
    made = 0
    for title, on, hour, audience, description in plans:
        if (
            audiences.get(audience) is None
            or Deadline.objects.filter(cycle=cycle, title=title).exists()
        ):
            continue
        services.create_deadline(
            cycle=cycle,
            by=demo.staff,
            cohort=None,
            title=title,
            description=description,
            due_at=_at(on, hour, 0 if hour != 23 else 59),
            audience=audience,
        )
        made += 1
    return made


def seed(demo):
    cycle = demo.pilot
    admitted_now = _admit_pilot(demo)
    for application in Application.objects.filter(
        cycle=cycle, status=Application.Status.ADMITTED, decision_published_at__isnull=False
    ):
        services.place_admitted(application)
    for cohort in Cohort.objects.filter(cycle=cycle).select_related("priority_field"):
        if not cohort.description:
            services.update_cohort(
                cohort,
                by=demo.staff,
                coordinator=cohort.coordinator or demo.staff,
                description=DESCRIPTIONS.get(cohort.priority_field.code, ""),
            )
    places = list(
        CohortMembership.objects.filter(cycle=cycle, status=CohortMembership.Status.ACTIVE)
        .select_related("organisation")
        .order_by("cohort__priority_field__order", "organisation__name")
    )
    services.sync_cycle_deadlines(cycle)
    if demo.open_call is not None:
        services.sync_cycle_deadlines(demo.open_call)
    meetings = _meetings(demo, cycle)
    _answers_and_attendance(demo, meetings, places)
    _deadlines(demo, cycle)
    # Only says who it admitted itself (when the review's demo did not): never "0".
    admitted_here = f" ({admitted_now} of them admitted here)" if admitted_now else ""
    demo.log.append(
        f"{Cohort.objects.filter(cycle=cycle).count()} cohorts with {len(places)} organisations"
        f"{admitted_here}, {len(meetings)} joint meetings, "
        f"{Deadline.objects.filter(cycle=cycle).count()} deadlines in “{cycle}”"
    )
