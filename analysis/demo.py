"""Demo data: every cycle gets the default instrument; in the pilot cycle all 11
organisations have a baseline (the leader's self-assessment submitted, agreed scores
recorded by their mentor), eight have their end assessment too, and each has
recommendations in different states. Idempotent: an organisation whose baseline has
answers is left as it is."""

import datetime

from django.utils import timezone

from cohorts.models import CohortMembership
from funding.models import FundingSource
from incubator.models import Cycle, Membership
from mentoring.models import ExpertiseTag, MentorAssignment

from . import follow_up, services
from .models import Assessment, Feedback, Question, Recommendation

ENDS = 8  # organisations whose end assessment is answered
COMMENTS = {
    "governance": "Valde tiekas regulāri, bet protokoli nav visiem pieejami.",
    "fundraising": "Gandrīz visi ienākumi no viena pašvaldības konkursa.",
    "communication": "Sociālie tīkli aktīvi, vēstījums vēl neskaidrs.",
}
RECOMMENDATIONS = [
    (
        "fundraising",
        1,
        "Ieviest biedru naudu un vienu ziedojumu kampaņu gadā, lai neviens avots "
        "nepārsniegtu pusi no ienākumiem.",
        "in_progress",
        "",
    ),
    (
        "communication",
        2,
        "Vienoties par vienu teikumu, kas apraksta organizāciju, un lietot to visos kanālos.",
        "accepted",
        "",
    ),
    (
        "sustainability",
        2,
        "Izveidot trīs mēnešu izdevumu rezervi no pašu ienākumiem līdz nākamā gada beigām.",
        "new",
        "",
    ),
    (
        "positioning",
        3,
        "Kļūt par pašvaldības partneri jauniešu brīvā laika pakalpojumos.",
        "not_relevant",
        "Šo jau dara cita organizācija; mēs strādājam ar senioriem.",
    ),
    ("governance", 1, "Pārskatīt statūtus un ieviest interešu konflikta noteikumus.", "done", ""),
]


def _score(index, area_index, question_index, lift=0):
    return min(4, 1 + (index + 2 * area_index + question_index) % 3 + lift)


def _answer(assessment, person, index, lift):
    questions = Question.objects.filter(area__instrument=assessment.instrument).select_related(
        "area"
    )
    response = services.response_for(assessment, person)
    services.save_answers(
        response,
        {str(q.pk): _score(index, q.area.order, q.order, lift) for q in questions},
    )
    services.submit_response(response)
    return questions


def _agree(assessment, questions, by, index, lift):
    scores = {}
    for q in questions:
        self_score = _score(index, q.area.order, q.order, lift)
        agreed = max(1, self_score - 1) if (index + q.order) % 4 == 0 else self_score
        comment = COMMENTS.get(q.area.code, "") if q.order == 1 else ""
        scores[str(q.pk)] = (agreed, comment)
    services.record_agreed(assessment, scores, by=by)


# The expertise each recommendation suggests (codes of the seeded taxonomy).
EXPERTISE = {
    "fundraising": "fundraising",
    "communication": "communication",
    "sustainability": "accounting",
    "positioning": "strategy",
    "governance": "law",
}
ACTION_ITEMS = {
    "fundraising": ("Sagatavot biedru naudas nolikumu valdes sēdei", "organisation", 14),
    "communication": (
        "Uzrakstīt vienu teikumu par organizāciju un saskaņot to valdē",
        "organisation",
        10,
    ),
    "sustainability": ("Aprēķināt trīs mēnešu izdevumus un rezerves mērķi", "organisation", 21),
    "positioning": ("Sarunāt tikšanos ar pašvaldības jaunatnes lietu speciālistu", "mentor", 7),
    "governance": ("Atsūtīt interešu konflikta noteikumu paraugu", "mentor", 5),
}


def _lead_somewhere(recommendation, code, by, staff, index):
    """The recommendation's follow-up: the expertise it suggests, an action item of
    the organisation's latest consultation and, for money matters, a source of the
    catalogue (with its next call)."""
    recommendation.expertise = ExpertiseTag.objects.filter(code=EXPERTISE.get(code)).first()
    recommendation.save(update_fields=["expertise", "updated_at"])
    consultation = (
        follow_up.item_consultations(recommendation.cycle_id, recommendation.organisation_id, by)
        .filter(status="held")
        .first()
    )
    if consultation is not None:
        description, owner, days = ACTION_ITEMS[code]
        follow_up.add_action_item(
            recommendation,
            consultation=consultation.pk,
            description=description,
            owner=owner,
            due_on=timezone.localdate() + datetime.timedelta(days=days),
            by=by,
        )
    if code in ("fundraising", "sustainability"):
        sources, calls = follow_up.funding_choices()
        call = calls.order_by("deadline", "pk")[index % 3 : index % 3 + 1].first()
        source = call.source if call else sources.exclude(kind=FundingSource.Kind.LOAN).first()
        if source is not None:
            follow_up.link_funding(
                recommendation, source=source.pk, call=call.pk if call else None, by=staff
            )


def _recommend(place, by, leader, index, staff=None):
    areas = {a.code: a for a in services.current_instrument(place.cycle).areas.all()}
    for n in range(3):
        code, priority, text, status, reason = RECOMMENDATIONS[(index + n) % len(RECOMMENDATIONS)]
        area = areas.get(code)
        recommendation = services.add_recommendation(
            place,
            by=by,
            topic="area" if area else code,
            area=area,
            text=text,
            priority=priority,
        )
        if staff is not None:
            _lead_somewhere(recommendation, code, by, staff, index)
        if status != "new":
            services.set_recommendation_status(
                recommendation, status=status, reason=reason, by=leader
            )


FEEDBACK = [
    ("Analīze palīdzēja valdei pirmo reizi vienoties, kur esam vāji.", False),
    ("Mentores konsultācijas bija praktiskas; gribētos vairāk par finansēm.", True),
    ("", False),
    ("Kopīgās tikšanās deva kontaktus ar citām biedrībām.", False),
]


def _feedback(places, cycle):
    """Nine of the eleven organisations answered the end-of-cycle survey."""
    for index, place in enumerate(places[:9]):
        if Feedback.objects.filter(cycle=cycle, organisation=place.organisation).exists():
            continue
        comment, anonymous = FEEDBACK[index % len(FEEDBACK)]
        leader = place.organisation.memberships.order_by("-role", "created_at").first().user
        services.give_feedback(
            place,
            by=leader,
            analysis=3 + index % 3,
            consultations=4 + index % 2,
            meetings=3 + (index + 1) % 3,
            funding_help=2 + index % 4,
            overall=4 + index % 2,
            comment=comment,
            anonymous=anonymous,
        )


def _listing(places, by):
    """Most organisations (not all) agreed to be named on the public results page:
    every fifth did not."""
    from applications import services as application_services

    for index, place in enumerate(places):
        if place.application_id is None:
            continue
        leader = place.organisation.memberships.order_by("-role", "created_at").first()
        application_services.set_listing_consent(
            place.application, consent=index % 5 != 4, by=leader.user if leader else by
        )


def seed(demo):
    for cycle in Cycle.objects.filter(instruments__isnull=True):
        services.ensure_instrument(cycle)
    cycle = demo.pilot
    places = list(
        CohortMembership.objects.filter(cycle=cycle, status=CohortMembership.Status.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    # The demo applicant's organisation first: its record is complete, so its report
    # prints well.
    own = set(Membership.objects.filter(user=demo.applicant).values_list("organisation", flat=True))
    places.sort(key=lambda place: place.organisation_id not in own)
    services.open_assessments(cycle, kind="baseline", by=demo.staff)
    services.open_assessments(cycle, kind="end", by=demo.staff)
    mentors = {
        a.organisation_id: a.mentor.user
        for a in MentorAssignment.objects.filter(cycle=cycle, status="accepted").select_related(
            "mentor__user"
        )
    }
    made = 0
    for index, place in enumerate(places):
        baseline = Assessment.objects.get(
            cycle=cycle, organisation=place.organisation, kind="baseline"
        )
        if baseline.responses.exists():
            continue
        leader = (
            Membership.objects.filter(organisation=place.organisation)
            .order_by("-role", "created_at")
            .first()
            .user
        )
        by = mentors.get(place.organisation_id, demo.staff)
        questions = _answer(baseline, leader, index, 0)
        _agree(baseline, questions, by, index, 0)
        if index < ENDS:
            end = Assessment.objects.get(cycle=cycle, organisation=place.organisation, kind="end")
            questions = _answer(end, leader, index, 1)
            _agree(end, questions, by, index, 1)
        if not Recommendation.objects.filter(cycle=cycle, organisation=place.organisation).exists():
            # The demo applicant's organisation (the first) has a complete record: its
            # recommendations lead to action items, funding and experts.
            _recommend(place, by, leader, index, staff=demo.staff if index < 3 else None)
        made += 1
    _feedback(places, cycle)
    _listing(places, demo.staff)
    demo.log.append(
        f"Analysis: {len(places)} baselines in the pilot cycle ({made} answered now), "
        f"{Recommendation.objects.filter(cycle=cycle).count()} recommendations"
    )
