"""Demo data for the kernel: people, the 17 organisations of the pilot, two cycles.

Every app may have a ``demo.py`` with ``seed(demo)``; ``manage.py load_demo`` calls
them in INSTALLED_APPS order, passing one ``Demo`` object that carries what the
earlier apps made. Each ``seed`` is idempotent: running it twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from .models import Cycle, Membership, Organisation, PriorityField, User
from .validators import registration_number_with_check_digit

PASSWORD = "inkubators-demo"

# (email, first name, last name, role) — the same people every later feature needs.
# The authenticator key of the demo's staff and administrator (base32).
DEMO_TOTP_KEY = "NVOINKUBATORSDEMONVOINKUBATORS23"

PEOPLE = [
    ("admin@demo.lv", "Andris", "Ozols", "admin"),
    ("staff@demo.lv", "Santa", "Kalniņa", "staff"),
    ("applicant@demo.lv", "Liene", "Bērziņa", "applicant"),
    ("reviewer1@demo.lv", "Rūta", "Liepiņa", "reviewer"),
    ("reviewer2@demo.lv", "Mārtiņš", "Zariņš", "reviewer"),
    ("reviewer3@demo.lv", "Inese", "Jansone", "reviewer"),
    ("mentor1@demo.lv", "Edgars", "Krūmiņš", "mentor"),
    ("mentor3@demo.lv", "Ieva", "Kalniņa", "mentor"),
    ("mentor2@demo.lv", "Laura", "Vītola", "expert"),
    ("expert2@demo.lv", "Raimonds", "Liepa", "expert"),
]

# (name, legal form, priority field code, municipality, members, volunteers, budget, mission)
ORGANISATIONS = [
    (
        "Biedrība “Jūras vārti”",
        "association",
        "culture",
        "Liepāja",
        24,
        10,
        "18500",
        "Saglabājam un dzīvinām Liepājas jūrniecības kultūras mantojumu.",
    ),
    (
        "Biedrība “Liepājas kora skola”",
        "association",
        "culture",
        "Liepāja",
        60,
        8,
        "32000",
        "Kopjam kora dziedāšanas tradīciju bērniem un pieaugušajiem.",
    ),
    (
        "Nodibinājums “Dzintara skaņas”",
        "foundation",
        "culture",
        "Liepāja",
        5,
        12,
        "41000",
        "Atbalstām jaunos mūziķus un rīkojam kamermūzikas koncertus.",
    ),
    (
        "Biedrība “Kurzemes amatu māja”",
        "association",
        "culture",
        "Dienvidkurzemes novads",
        15,
        6,
        "9800",
        "Mācām tradicionālos amatus un rīkojam darbnīcas.",
    ),
    (
        "Biedrība “Digitālā Liepāja”",
        "association",
        "it",
        "Liepāja",
        18,
        9,
        "12000",
        "Palīdzam senioriem un kopienām apgūt digitālās prasmes.",
    ),
    (
        "Biedrība “Jauno uzņēmēju klubs”",
        "association",
        "it",
        "Liepāja",
        35,
        4,
        "22000",
        "Veicinām jauniešu uzņēmējdarbību un sociālo uzņēmējdarbību.",
    ),
    (
        "Biedrība “Kods bērniem”",
        "association",
        "it",
        "Liepāja",
        9,
        14,
        "7600",
        "Rīkojam programmēšanas pulciņus skolēniem.",
    ),
    (
        "Biedrība “Zaļā Liepāja”",
        "association",
        "environment",
        "Liepāja",
        42,
        30,
        "15500",
        "Kopjam pilsētas zaļās teritorijas un rīkojam talkas.",
    ),
    (
        "Biedrība “Karostas kopiena”",
        "association",
        "environment",
        "Liepāja",
        27,
        19,
        "11200",
        "Attīstām Karostas apkaimi kopā ar tās iedzīvotājiem.",
    ),
    (
        "Nodibinājums “Piejūras dabas fonds”",
        "foundation",
        "environment",
        "Dienvidkurzemes novads",
        4,
        22,
        "56000",
        "Aizsargājam piekrastes dabu un kāpas.",
    ),
    (
        "Biedrība “Velo Liepāja”",
        "association",
        "environment",
        "Liepāja",
        80,
        12,
        "6400",
        "Veidojam drošu velosatiksmi un aktīvu pilsētvidi.",
    ),
    (
        "Biedrība “Jauniešu iniciatīvu centrs”",
        "association",
        "youth",
        "Liepāja",
        31,
        25,
        "19800",
        "Atbalstām jauniešu idejas un brīvprātīgo darbu.",
    ),
    (
        "Biedrība “Piedzīvojumu skola”",
        "association",
        "youth",
        "Dienvidkurzemes novads",
        14,
        11,
        "8900",
        "Rīkojam āra nometnes un piedzīvojumu izglītību bērniem.",
    ),
    (
        "Biedrība “Vecāku atbalsta tīkls”",
        "association",
        "youth",
        "Liepāja",
        48,
        16,
        "5300",
        "Stiprinām ģimenes un vecāku savstarpējo atbalstu.",
    ),
    (
        "Biedrība “Sirds siltums”",
        "association",
        "social",
        "Liepāja",
        22,
        40,
        "27400",
        "Palīdzam vientuļiem senioriem un cilvēkiem krīzē.",
    ),
    (
        "Nodibinājums “Veselības kustība”",
        "foundation",
        "social",
        "Liepāja",
        6,
        18,
        "38000",
        "Veicinām veselīgu dzīvesveidu un garīgo veselību.",
    ),
    (
        "Biedrība “Bez barjerām”",
        "association",
        "social",
        "Liepāja",
        37,
        21,
        "14600",
        "Aizstāvam cilvēku ar invaliditāti tiesības un piekļūstamību.",
    ),
]


@dataclass
class Demo:
    users: dict = field(default_factory=dict)  # by email
    staff: User | None = None
    applicant: User | None = None
    reviewers: list = field(default_factory=list)
    mentors: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    pilot: Cycle | None = None
    open_call: Cycle | None = None
    today: datetime.date = field(default_factory=timezone.localdate)
    log: list = field(default_factory=list)


def _user(email, first_name, last_name, role):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": role in ("staff", "admin"),
            "is_superuser": role == "admin",
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if user.is_staff and not Authenticator.objects.filter(user=user, type="totp").exists():
        # Staff sign in with a second factor; the demo's share a published key
        # (`manage.py demo_code` prints its current code). Never in production.
        TOTP.activate(user, DEMO_TOTP_KEY)
    return user


def _next_june_30(today):
    """The pilot's cycle ended on 30 June; the demo's ends on the next 30 June that
    leaves most of a cycle ahead."""
    end = datetime.date(today.year, 6, 30)
    return end if (end - today).days > 90 else datetime.date(today.year + 1, 6, 30)


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _registration_number(index):
    for tweak in range(10):
        number = registration_number_with_check_digit(f"40008{index:03d}{tweak}0"[:10])
        if number:
            return number
    raise RuntimeError("no registration number")


def seed(demo):
    for email, first_name, last_name, role in PEOPLE:
        demo.users[email] = _user(email, first_name, last_name, role)
    demo.staff = demo.users["staff@demo.lv"]
    demo.applicant = demo.users["applicant@demo.lv"]
    demo.reviewers = [demo.users[email] for email, *_n, role in PEOPLE if role == "reviewer"]
    demo.mentors = [
        demo.users[email] for email, *_n, role in PEOPLE if role in ("mentor", "expert")
    ]

    fields = {f.code: f for f in PriorityField.objects.all()}
    for index, (name, form, code, municipality, members, volunteers, budget, mission) in enumerate(
        ORGANISATIONS, start=1
    ):
        slug = f"org{index:02d}"
        organisation, _created = Organisation.objects.get_or_create(
            registration_number=_registration_number(index),
            defaults={
                "name": name,
                "legal_form": form,
                "priority_field": fields[code],
                "municipality": municipality,
                "address": f"Lielā iela {index}, {municipality}",
                "email": f"{slug}@demo.lv",
                "phone": f"+371 2{index:07d}",
                "mission": mission,
                "members_count": members,
                "volunteers_count": volunteers,
                "annual_budget": Decimal(budget),
                "founded_on": datetime.date(2005 + index % 15, 1 + index % 12, 1 + index),
                "website": f"https://{slug}.demo.lv",
            },
        )
        leader = (
            demo.applicant
            if index == 8
            else _user(f"{slug}@demo.lv", "Vadītājs", name.split("“")[-1].rstrip("”"), "applicant")
        )
        Membership.objects.get_or_create(
            organisation=organisation, user=leader, defaults={"role": Membership.Role.LEADER}
        )
        demo.organisations.append(organisation)

    today = demo.today
    ends = _next_june_30(today)
    demo.pilot, _created = Cycle.objects.get_or_create(
        name="NVO izaugsmes inkubators — pilotcikls",
        defaults={
            "description": "Liepājas NVO izaugsmes inkubatora pilotcikls: 11 vietas piecās "
            "prioritārajās jomās, mentoru konsultācijas, finansējuma piesaiste un trīs "
            "kopīgas tikšanās.",
            "call_opens_at": _at(today - datetime.timedelta(days=100), 9),
            "call_closes_at": _at(today - datetime.timedelta(days=50), 23, 59),
            "incubation_starts_on": today - datetime.timedelta(days=35),
            "incubation_ends_on": ends,
            "places": 11,
        },
    )
    demo.open_call, _created = Cycle.objects.get_or_create(
        name="NVO izaugsmes inkubators — nākamais cikls",
        defaults={
            "description": "Pieteikšanās nākamajam inkubācijas ciklam ir atvērta.",
            "call_opens_at": _at(today - datetime.timedelta(days=7), 9),
            "call_closes_at": _at(today + datetime.timedelta(days=40), 23, 59),
            "incubation_starts_on": ends + datetime.timedelta(days=62),
            "incubation_ends_on": datetime.date(ends.year + 1, 6, 30),
            "places": 12,
        },
    )
    demo.log.append(
        f"{len(demo.organisations)} organisations, cycles “{demo.pilot}” and “{demo.open_call}”"
    )
