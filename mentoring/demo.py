"""Demo data: two mentors and two experts from partner organisations, the pilot's 11
organisations assigned to the mentors, free times published ahead, about fifteen
consultations held (logged, with hours, action items and ratings), one still to log,
a request waiting for an answer, and the demo applicant's organisation with a
consultation booked ahead. Idempotent: what exists is left as it is."""

import datetime

from django.utils import timezone

from cohorts.models import CohortMembership
from incubator.models import PriorityField

from . import services
from .models import (
    AvailabilityPattern,
    Consultation,
    ConsultationRequest,
    ExpertiseTag,
    MentorAssignment,
    MentorProfile,
    PartnerOrganisation,
    Slot,
)

PARTNERS = {
    "lbi": ("Liepājas Biznesa inkubators", "https://lbi.example.lv"),
    "cowork": ("Kopstrādes telpa “Darbnīca”", "https://darbnica.example.lv"),
    "chamber": ("Kurzemes Tirdzniecības un rūpniecības kamera", "https://kamera.example.lv"),
    "ngo": ("Liepājas NVO centrs", "https://nvo.example.lv"),
}

# email: (kind, partner, position, tags, fields, languages, organisations, hours, bio)
PROFILES = {
    "mentor1@demo.lv": (
        "mentor",
        "lbi",
        "Projektu vadītājs",
        ["fundraising", "project-applications", "accounting"],
        ["it", "environment", "social"],
        ["lv", "en"],
        6,
        60,
        "Desmit gadu pieredze ES un valsts fondu projektu pieteikumos un budžetos; palīdzu "
        "NVO atrast finansējumu un to pārliecinoši pieprasīt.",
    ),
    "mentor3@demo.lv": (
        "mentor",
        "ngo",
        "Valdes priekšsēdētāja",
        ["communication", "volunteers", "governance", "strategy"],
        ["culture", "youth"],
        ["lv", "ru"],
        6,
        50,
        "Vadu NVO centru; strādāju ar komunikāciju, brīvprātīgo piesaisti un valdes darbu.",
    ),
    "mentor2@demo.lv": (
        "expert",
        "cowork",
        "Juriste",
        ["law", "governance"],
        [],
        ["lv", "en"],
        0,
        30,
        "Konsultēju biedrības un nodibinājumus par statūtiem, līgumiem un datu aizsardzību.",
    ),
    "expert2@demo.lv": (
        "expert",
        "chamber",
        "Grāmatvedis",
        ["accounting", "social-enterprise", "digital"],
        [],
        ["lv", "en", "ru"],
        0,
        25,
        "NVO grāmatvedība, sociālās uzņēmējdarbības modeļi un digitālie rīki grāmatvedībai.",
    ),
}

# email: (weekday, from, until, minutes, mode, place or link)
PATTERNS = {
    "mentor1@demo.lv": (1, 16, 18, 45, "in_person", "Liepājas Biznesa inkubators, Lielā iela 3"),
    "mentor3@demo.lv": (3, 10, 12, 60, "online", "https://meet.example.lv/ieva"),
    "mentor2@demo.lv": (0, 14, 16, 60, "in_person", "Kopstrādes telpa “Darbnīca”, Graudu iela 8"),
    "expert2@demo.lv": (2, 15, 17, 60, "online", "https://meet.example.lv/raimonds"),
}

MENTOR_OF_FIELD = {
    "culture": "mentor3@demo.lv",
    "youth": "mentor3@demo.lv",
    "it": "mentor1@demo.lv",
    "environment": "mentor1@demo.lv",
    "social": "mentor1@demo.lv",
}

SUMMARIES = [
    (
        "fundraising",
        "Pārskatījām organizācijas ieņēmumu avotus un piemērotākos fondus nākamajam pusgadam.",
        "Pieteikties Kopienu fonda konkursam; sagatavot ziedotāju kampaņu.",
    ),
    (
        "project-applications",
        "Izgājām cauri projekta pieteikuma struktūrai un budžeta tāmei.",
        "Precizēt rezultātu rādītājus; pievienot partnera apliecinājumu.",
    ),
    (
        "communication",
        "Pārrunājām komunikācijas plānu un sociālo tīklu kalendāru.",
        "Izveidot mēneša satura plānu; vienot vizuālo identitāti.",
    ),
    (
        "volunteers",
        "Runājām par brīvprātīgo piesaisti un noturēšanu.",
        "Ieviest brīvprātīgo uzņemšanas kārtību un pateicības pasākumu.",
    ),
    (
        "law",
        "Pārskatījām statūtus un valdes lēmumu pieņemšanas kārtību.",
        "Grozīt statūtu 5. punktu; sasaukt biedru kopsapulci.",
    ),
]

ITEMS = [
    ("Sagatavot budžeta tāmi fondam", "organisation"),
    ("Nosūtīt paraugpieteikumu", "mentor"),
    ("Izveidot komunikācijas kalendāru", "organisation"),
]


def _partners():
    partners = {}
    for code, (name, website) in PARTNERS.items():
        partners[code], _created = PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"website": website}
        )
    return partners


def _profiles(demo, partners):
    fields = {f.code: f for f in PriorityField.objects.all()}
    tags = {t.code: t for t in ExpertiseTag.objects.all()}
    profiles = {}
    for email, (
        kind,
        partner,
        job,
        codes,
        field_codes,
        languages,
        orgs,
        hours,
        bio,
    ) in PROFILES.items():
        user = demo.users[email]
        profile, created = MentorProfile.objects.get_or_create(
            user=user, defaults={"kind": kind, "invited_by": demo.staff}
        )
        if created or profile.activated_at is None:
            profile.kind = kind
            profile.save(update_fields=["kind"])
            services.save_profile(
                profile,
                by=user,
                first_name=user.first_name,
                last_name=user.last_name,
                job_title=job,
                partner=partners[partner],
                expertise_tags=[tags[c] for c in codes if c in tags],
                priority_fields=[fields[c] for c in field_codes if c in fields],
                languages=languages,
                capacity=orgs,
                capacity_hours=hours,
                bio_lv=bio,
                now=timezone.now(),
            )
        profiles[email] = profile
    return profiles


def _patterns(demo, profiles, cycle):
    made = 0
    for email, (weekday, start, end, minutes, mode, location) in PATTERNS.items():
        profile = profiles[email]
        if AvailabilityPattern.objects.filter(mentor=profile).exists():
            continue
        services.publish_pattern(
            profile,
            weekday=weekday,
            start_time=datetime.time(start),
            end_time=datetime.time(end),
            slot_minutes=minutes,
            valid_from=demo.today,
            valid_until=cycle.incubation_ends_on,
            mode=mode,
            location=location,
        )
        made += 1
    return made


def _assignments(demo, profiles, places):
    for place in places:
        email = MENTOR_OF_FIELD.get(place.cohort.priority_field.code)
        if email is None:
            continue
        if MentorAssignment.objects.filter(
            cycle=place.cycle, organisation=place.organisation
        ).exists():
            continue
        # The field's mentor, or the other one when the first is full.
        mentor = profiles[email]
        if services.open_assignments(mentor, place.cycle).count() >= mentor.capacity:
            mentor = next(
                profiles[other] for other in set(MENTOR_OF_FIELD.values()) if other != email
            )
        assignment = services.assign_mentor(place.cycle, place.organisation, mentor, by=demo.staff)
        services.accept_assignment(assignment, by=mentor.user)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _held(demo, profiles, places, cycle):
    """About fifteen consultations of the weeks behind, logged by their mentors and
    (mostly) confirmed and rated; one held three days ago and not yet logged."""
    if Consultation.objects.filter(cycle=cycle).exists():
        return 0
    tags = {t.code: t for t in ExpertiseTag.objects.all()}
    experts = [profiles["mentor2@demo.lv"], profiles["expert2@demo.lv"]]
    assigned = {
        a.organisation_id: a.mentor
        for a in MentorAssignment.objects.filter(cycle=cycle, status="accepted").select_related(
            "mentor__user"
        )
    }
    now = timezone.now()
    made = 0
    for index in range(15):
        place = places[index % len(places)]
        mentor = experts[index % 2] if index % 5 == 4 else assigned[place.organisation_id]
        day = demo.today - datetime.timedelta(days=31 - 2 * index)
        starts = _at(day, 10 + index % 6)
        topic_code, summary, recommendations = SUMMARIES[index % len(SUMMARIES)]
        if mentor.is_expert:
            topic_code, summary, recommendations = SUMMARIES[4]
        consultation = Consultation.objects.create(
            cycle=cycle,
            organisation=place.organisation,
            mentor=mentor,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=60),
            mode="online" if index % 3 else "in_person",
            location="https://meet.example.lv/konsultacija"
            if index % 3
            else "Liepājas Biznesa inkubators, Lielā iela 3",
            topic=tags.get(topic_code),
            booked_by=place.organisation.memberships.order_by("pk").first().user,
            booked_at=starts - datetime.timedelta(days=5),
        )
        made += 1
        if index == 14:
            continue  # held three days ago, not yet logged: the mentor is reminded
        outcome = "no_show" if index == 6 else "held"
        description, owner = ITEMS[index % len(ITEMS)]
        services.save_log(
            consultation,
            by=mentor.user,
            outcome=outcome,
            minutes=0 if outcome == "no_show" else 45 + (index * 7) % 40,
            topics=[tags[topic_code]] if topic_code in tags else [],
            summary=summary if outcome == "held" else "",
            recommendations=recommendations if outcome == "held" else "",
            private_note="Organizācijai vajadzīgs vairāk laika budžetam." if index % 4 == 0 else "",
            items=[]
            if outcome == "no_show"
            else [
                {
                    "description": description,
                    "owner": owner,
                    "due_on": day + datetime.timedelta(days=14 + index % 10),
                }
            ],
            now=now,
        )
        if outcome == "held" and index % 5 != 2:
            person = place.organisation.memberships.order_by("pk").first().user
            services.rate(
                consultation, by=person, rating=5 - index % 3, comment="Ļoti noderīgi.", now=now
            )
            if index % 3 == 0:
                for item in consultation.action_items.filter(owner="organisation"):
                    services.set_done(item, by=person, now=now)
    return made


def _ahead(demo, profiles, places, cycle):
    """The demo applicant's organisation has a consultation booked with its mentor;
    another organisation waits for an expert's answer to its proposed times."""
    own = next(
        (p for p in places if p.organisation.memberships.filter(user=demo.applicant).exists()),
        None,
    )
    now = timezone.now()
    if (
        own is not None
        and not Consultation.objects.filter(
            organisation=own.organisation, status="scheduled", starts_at__gt=now
        ).exists()
    ):
        assignment = MentorAssignment.objects.filter(
            cycle=cycle, organisation=own.organisation, status="accepted"
        ).first()
        slot = (
            services.free_slots()
            .filter(mentor=assignment.mentor, starts_at__gt=now + datetime.timedelta(days=2))
            .order_by("starts_at")
            .first()
            if assignment
            else None
        )
        if slot is not None:
            services.book_slot(
                own,
                slot,
                topic=ExpertiseTag.objects.filter(code="fundraising").first(),
                note="Gribam pārrunāt Kopienu fonda pieteikumu un budžetu.",
                by=demo.applicant,
            )
    expert = profiles["mentor2@demo.lv"]
    if not ConsultationRequest.objects.filter(mentor=expert).exists() and len(places) > 1:
        other = next(p for p in places if p != own)
        day = demo.today + datetime.timedelta(days=9)
        services.request_consultation(
            other,
            expert,
            options=[_at(day, 9), _at(day + datetime.timedelta(days=1), 17)],
            minutes=60,
            mode="online",
            topic=ExpertiseTag.objects.filter(code="law").first(),
            note="Vēlamies grozīt statūtus pirms kopsapulces.",
            by=other.organisation.memberships.order_by("pk").first().user,
        )


def seed(demo):
    cycle = demo.pilot
    partners = _partners()
    profiles = _profiles(demo, partners)
    places = list(
        CohortMembership.objects.filter(cycle=cycle, status=CohortMembership.Status.ACTIVE)
        .select_related("organisation", "cohort__priority_field", "cycle")
        .order_by("cohort__priority_field__order", "organisation__name")
    )
    _assignments(demo, profiles, places)
    _patterns(demo, profiles, cycle)
    held = _held(demo, profiles, places, cycle)
    _ahead(demo, profiles, places, cycle)
    demo.log.append(
        f"{len(profiles)} mentors and experts from {len(partners)} partner organisations, "
        f"{MentorAssignment.objects.filter(cycle=cycle, status='accepted').count()} organisations "
        f"assigned, {Slot.objects.count()} free times, "
        f"{Consultation.objects.filter(cycle=cycle).count()} consultations"
        + (f" ({held} made now)" if held else "")
    )
