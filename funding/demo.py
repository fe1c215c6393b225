"""Demo data: the 25 researched funding sources, calls whose dates are placed
relative to today (demo only: the real calls are for staff to enter), a few
recommendations to participating organisations, and what the demo applicant
follows, seeks, saved and dismissed. Idempotent."""

import datetime
from decimal import Decimal

from django.utils import timezone

from cohorts.models import CohortMembership
from mentoring.models import MentorAssignment

from . import services, spreadsheet
from .bids import services as bid_services
from .management.commands.import_funding_sources import SEED
from .models import Bid, Dismissal, Follow, FundingCall, FundingSource, Recommendation, SavedSearch

# (the source's English name starts with, title, opens in days, deadline in days or
# None for a rolling call, hour of the deadline, status, total budget)
CALLS = [
    ("Liepāja City", "NVO projektu līdzfinansēšanas konkurss", -5, 12, 23, "open", "30000"),
    ("NGO Fund", "NVO fonda mikroprojektu konkurss", -20, 25, 23, "open", "750000"),
    ("Kurzeme Culture", "Kurzemes kultūras programmas konkurss", 20, 55, 23, "announced", "167500"),
    (
        "State Youth Policy",
        "Jaunatnes organizāciju atbalsta konkurss",
        30,
        75,
        23,
        "announced",
        "42000",
    ),
    ("Erasmus+ Youth", "Jauniešu apmaiņas un līdzdalības projekti", -60, 70, 13, "open", None),
    ("European Solidarity", "Solidaritātes projekti", -60, 70, 13, "open", None),
    ("Erasmus+ Adult", "Maza mēroga partnerības", -40, 95, 13, "open", None),
    ("Nordic Council", "NVO sadarbības projektu kārta", 40, 80, 23, "announced", "60000"),
    ("CERV", "Pilsētu sadraudzības projekti", -50, 33, 17, "open", None),
    ("Creative Europe", "Eiropas sadarbības projekti (maza mēroga)", -30, 160, 17, "open", None),
    ("Interreg VI-A Latvia", "Trešais projektu konkurss", -120, -30, 23, "closed", "9000000"),
    (
        "Riga neighbourhood",
        "Apkaimju iniciatīvu konkurss: pastāvīga pieteikšanās",
        -14,
        None,
        0,
        "open",
        "40000",
    ),
    ("Boris and Ināra", "Ideju pieteikumi “Pats savam saimes galdam”", -10, 8, 23, "open", None),
    (
        "Valmiera Municipality",
        "Iedzīvotāju iniciatīvu projektu konkurss",
        90,
        120,
        23,
        "announced",
        "20000",
    ),
    ("Latvian Environmental", "Vides izglītības projektu konkurss", -3, 40, 23, "open", "500000"),
]

APPLICANT_ORGANISATION = "Biedrība “Zaļā Liepāja”"
# (organisation, the source's English name starts with, call title or None, note)
RECOMMENDATIONS = [
    (
        APPLICANT_ORGANISATION,
        "Liepāja City",
        "NVO projektu līdzfinansēšanas konkurss",
        "Jūsu talku programma labi atbilst konkursa prioritātei “vietējo problēmu risināšana”. "
        "Sagatavojiet budžetu ar 30 % līdzfinansējumu; pieteikumu varam izskatīt konsultācijā.",
    ),
    (
        "Biedrība “Jūras vārti”",
        "Kurzeme Culture",
        "Kurzemes kultūras programmas konkurss",
        "Jūrniecības mantojuma pasākumi atbilst programmas mērķim “Kurzemes identitāte”.",
    ),
    (
        "Biedrība “Jauniešu iniciatīvu centrs”",
        "Erasmus+ Youth",
        None,
        "Jauniešu apmaiņa ar partneriem Lietuvā būtu labs pirmais Erasmus+ projekts.",
    ),
]


def _at(day, hour):
    moment = datetime.time(23, 59) if hour == 23 else datetime.time(hour)
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _source(name_en):
    return FundingSource.objects.filter(name_en__startswith=name_en).first()


def _calls(demo):
    today = demo.today
    made = 0
    for name_en, title, opens, deadline, hour, status, budget in CALLS:
        source = _source(name_en)
        if source is None or FundingCall.objects.filter(source=source, title=title).exists():
            continue
        services.save_call(
            source=source,
            by=demo.staff,
            values={
                "title": title,
                "opens_at": _at(today + datetime.timedelta(days=opens), 9),
                "deadline": _at(today + datetime.timedelta(days=deadline), hour)
                if deadline is not None
                else None,
                "status": status,
                "budget": Decimal(budget) if budget else None,
                "rules_url": source.website,
            },
        )
        made += 1
    return made


def _recommendations(demo):
    places = {
        place.organisation.name: place
        for place in CohortMembership.objects.filter(cycle=demo.pilot).select_related(
            "organisation"
        )
    }
    for organisation, name_en, title, note in RECOMMENDATIONS:
        place, source = places.get(organisation), _source(name_en)
        if place is None or source is None:
            continue
        if Recommendation.objects.filter(place=place, source=source).exists():
            continue
        call = FundingCall.objects.filter(source=source, title=title).first() if title else None
        services.recommend(place, source=source, call=call, note=note, by=demo.staff)


def _applicant(demo):
    applicant = demo.applicant
    organisation = next((o for o in demo.organisations if o.name == APPLICANT_ORGANISATION), None)
    if organisation is None:
        return
    if not hasattr(organisation, "funding_need"):
        services.set_need(organisation, amount_sought=Decimal("2000"), by=applicant)
    liepaja_call = FundingCall.objects.filter(title=CALLS[0][1]).first()
    if liepaja_call and not Follow.objects.filter(user=applicant, call=liepaja_call).exists():
        services.follow(applicant, call=liepaja_call)
    kurzeme = _source("Kurzeme Culture")
    if kurzeme and not Follow.objects.filter(user=applicant, source=kurzeme).exists():
        services.follow(applicant, source=kurzeme)
    central_baltic = _source("Interreg Central Baltic")
    if central_baltic and not Dismissal.objects.filter(organisation=organisation).exists():
        services.dismiss(
            organisation,
            central_baltic,
            reason=Dismissal.Reason.CAPACITY,
            comment="Vajag partnerus vismaz divās valstīs; pagaidām mums nav tādas kapacitātes.",
            by=applicant,
        )
    if not SavedSearch.objects.filter(user=applicant).exists():
        services.save_search(
            applicant, name="Vides projekti", query={"field": "environment", "sort": "deadline"}
        )


# Bids of the pilot's organisations, one or more in every status: (status, the
# source's English name starts with or None for a funder typed by hand, the funder,
# project title, amount requested, chance %, amount awarded, deadline in days). The
# first two are the demo applicant's organisation's; the first of them waits for
# its mentor's review.
BIDS = [
    ("review", "Liepāja City", "", "Upes krastu talkas 2026", "3000", 60, None, 12),
    (
        "awarded",
        "Latvian Environmental",
        "",
        "Vides izglītības darbnīcas skolām",
        "8000",
        70,
        "6500",
        -20,
    ),
    ("drafting", "Kurzeme Culture", "", "Jūrniecības mantojuma festivāls", "12000", 40, None, 55),
    ("submitted", "Erasmus+ Youth", "", "Jauniešu apmaiņa ar Klaipēdu", "25000", 50, None, -3),
    (
        "idea",
        None,
        "Liepājas novada kopienas fonds",
        "Kopienas dārzs Karostā",
        "1500",
        30,
        None,
        None,
    ),
    ("rejected", "NGO Fund", "", "Brīvprātīgo akadēmija", "5000", 30, None, -40),
    ("withdrawn", "Nordic Council", "", "Ziemeļvalstu koru sadarbība", "9000", 20, None, 80),
    ("awarded", "Liepāja City", "", "Digitālo prasmju vakari senioriem", "2500", 80, "2500", -60),
    ("submitted", "Creative Europe", "", "Amatu prasmju rezidences", "40000", 25, None, -10),
]
PATHS = {
    "idea": [],
    "drafting": ["drafting"],
    "review": ["drafting"],
    "submitted": ["drafting", "submitted"],
    "awarded": ["drafting", "submitted", "awarded"],
    "rejected": ["drafting", "submitted", "rejected"],
    "withdrawn": ["drafting", "withdrawn"],
}


def _leader(place):
    people = services.organisation_people([place.organisation_id]).get(place.organisation_id)
    return people[0] if people else None


def _bids(demo):
    if Bid.objects.filter(place__cycle=demo.pilot).exists():
        return 0
    places = list(
        CohortMembership.objects.filter(cycle=demo.pilot)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    mine = [p for p in places if p.organisation.name == APPLICANT_ORGANISATION]
    others = [p for p in places if p not in mine]
    if not mine or not others:
        return 0
    owners = mine * 2 + [others[i % len(others)] for i in range(len(BIDS) - 2)]
    made = 0
    for place, row in zip(owners, BIDS, strict=False):
        status, name_en, funder, title, requested, chance, awarded, days = row
        by = _leader(place) or demo.staff
        source = _source(name_en) if name_en else None
        bid = bid_services.save_bid(
            place=place,
            by=by,
            values={
                "source": source,
                "funder": funder if source is None else "",
                "title": title,
                "amount_requested": Decimal(requested),
                "cofinancing": Decimal(requested) / 10,
                "chance": chance,
                "deadline": _at(demo.today + datetime.timedelta(days=days), 23)
                if days is not None
                else None,
            },
        )
        for step in PATHS[status]:
            bid_services.change_status(
                bid, step, by=by, amount_awarded=Decimal(awarded) if awarded else None
            )
        if status == "review":
            _ask_mentor(demo, place, bid, by)
        made += 1
    return made


def _ask_mentor(demo, place, bid, by):
    assignment = (
        MentorAssignment.objects.filter(
            cycle=place.cycle,
            organisation=place.organisation,
            status=MentorAssignment.Status.ACCEPTED,
        )
        .select_related("mentor__user")
        .first()
    )
    reviewer = assignment.mentor.user if assignment else demo.staff
    bid_services.request_review(
        bid,
        reviewer=reviewer,
        note="Lūdzu, paskatieties budžetu un līdzfinansējuma aprēķinu.",
        by=by,
    )


def seed(demo):
    counts = spreadsheet.import_file(SEED, by=demo.staff, only_new=True)
    calls = _calls(demo)
    _recommendations(demo)
    _applicant(demo)
    bids = _bids(demo)
    demo.log.append(
        f"funding: {counts['new']} sources added ({FundingSource.objects.count()} in the "
        f"catalogue), {calls} calls, recommendations, follows, {bids} bids"
    )
