"""Demo data: the pilot's 17 submitted applications, their evaluation by a
three-member committee against five weighted criteria, and the decisions —
11 organisations admitted in the five priority fields, their letters sent."""

import datetime
import math

from django.utils import timezone

from . import services
from .models import (
    Application,
    CommitteeMember,
    Criterion,
    EligibilityRequirement,
    ReviewAssignment,
    ReviewSettings,
    StatusChange,
)

SUPPORT = ["analysis", "mentoring", "funding", "project_applications", "communication"]

# (name lv, name en, guidance lv, guidance en, weight), scored 0–5.
CRITERIA = [
    (
        "Atbilstība programmas mērķim",
        "Fit with the programme's goal",
        "Vai organizācijas vajadzības un idejas atbilst inkubatora mērķim stiprināt NVO ilgtspēju?",
        "Do the organisation's needs and ideas fit the incubator's goal of "
        "making NGOs sustainable?",
        3,
    ),
    (
        "Attīstības potenciāls",
        "Potential to grow",
        "Cik lielā mērā inkubācija var palīdzēt organizācijai augt?",
        "How much can the incubation help the organisation grow?",
        2,
    ),
    (
        "Projekta idejas kvalitāte",
        "Quality of the project idea",
        "Skaidra problēma, risinājums un mērķa grupa; reālistisks plāns.",
        "A clear problem, solution and target group; a realistic plan.",
        2,
    ),
    (
        "Ietekme uz kopienu",
        "Impact on the community",
        "Kam un cik daudziem cilvēkiem ieguvums; vai ieguvums ir ilgstošs?",
        "Who benefits and how many; does the benefit last?",
        2,
    ),
    (
        "Komandas kapacitāte un motivācija",
        "Capacity and motivation of the team",
        "Vai komanda var piedalīties visās aktivitātēs un ieviest ieteikumus?",
        "Can the team take part in all activities and put the advice into practice?",
        1,
    ),
]
REQUIREMENTS = [
    (
        "Reģistrēta biedrība vai nodibinājums Latvijā",
        "A registered association or foundation in Latvia",
    ),
    (
        "Darbojas Liepājā vai Dienvidkurzemes novadā",
        "Works in Liepāja or South Kurzeme municipality",
    ),
]
# The committee's view of each organisation (in demo.organisations order), as a
# percentage, and the decision taken on it. 11 are admitted: at least two per
# field, then the best of the rest.
QUALITY = [86, 80, 70, 52, 84, 58, 76, 90, 82, 78, 68, 81, 74, 55, 85, 71, 77]
ADMITTED, WAITLISTED, REJECTED = "admitted", "waitlisted", "rejected"
DECISIONS = [
    ADMITTED,
    ADMITTED,
    WAITLISTED,
    REJECTED,  # culture
    ADMITTED,
    REJECTED,
    ADMITTED,  # IT, digitalisation and entrepreneurship
    ADMITTED,
    ADMITTED,
    ADMITTED,
    WAITLISTED,  # environment (the 8th is the demo applicant's)
    ADMITTED,
    ADMITTED,
    REJECTED,  # children and youth
    ADMITTED,
    WAITLISTED,
    ADMITTED,  # social and health
]
REASONS = {
    ADMITTED: "Augsts kopvērtējums; organizācija atbilst programmas mērķim.",
    WAITLISTED: "Labs vērtējums, taču jomā vietas aizpildītas ar augstāk novērtētiem pieteikumiem.",
    REJECTED: "Vērtējums zem uzņemšanas sliekšņa; aicinām pieteikties nākamajā ciklā.",
}
# Each reviewer's habit (harsh, neutral, lenient) and how criteria vary around the mean.
HABITS = [-0.45, 0.0, 0.4]
VARIATION = [0.3, -0.2, 0.1, -0.3, 0.2]
COMMENTS = {
    5: "Izcili: skaidri pamatots un pārliecinošs.",
    4: "Labi pamatots; dažas detaļas vēl jāprecizē.",
    3: "Pietiekami, bet trūkst konkrētu piemēru.",
    2: "Vāji pamatots; nepieciešams skaidrāks plāns.",
}


def _scores(index, reviewer):
    base = QUALITY[index] / 20
    habit = HABITS[reviewer]
    if index == 5 and reviewer == 0:
        habit = -1.6  # one strong disagreement, for the committee to discuss
    return [
        max(0, min(5, math.floor(base + habit + VARIATION[(c + index) % 5] + 0.5)))
        for c in range(len(CRITERIA))
    ]


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _answers(organisation, index, leader):
    return {
        "priority_field": organisation.priority_field,
        "support_needs": SUPPORT[index % 5 :] + SUPPORT[: index % 3],
        "motivation": f"{organisation.name} vēlas stiprināt savu darbību un "
        "piesaistīt jaunus biedrus un brīvprātīgos.",
        "challenges": "Neliela komanda, neregulārs finansējums, maz laika "
        "projektu pieteikumu rakstīšanai.",
        "project_idea": f"{organisation.mission} Vēlamies to pārvērst ilgtspējīgā "
        "projektā ar stabilu finansējumu.",
        "expected_results": "Sagatavots projekta pieteikums, komunikācijas plāns "
        "un skaidra attīstības stratēģija.",
        "participants": f"{leader.display_name} (vadītāja/vadītājs) un viens valdes loceklis",
        "meeting_availability": Application.Availability.ALL
        if index % 4
        else Application.Availability.SOME,
        "data_consent": True,
        "created_by": leader,
    }


def _apply(cycle, organisation, index, *, submitted_at=None):
    """An organisation's application as its leader left it: submitted at the given
    moment, or a draft (half written) when there is none."""
    leader = organisation.memberships.order_by("pk").first().user
    answers = _answers(organisation, index, leader)
    if submitted_at is None:
        answers.update(
            status=Application.Status.DRAFT,
            expected_results="",
            participants="",
            data_consent=False,
        )
    else:
        answers.update(status=Application.Status.SUBMITTED, submitted_at=submitted_at)
    application, created = Application.objects.get_or_create(
        cycle=cycle, organisation=organisation, defaults=answers
    )
    if created:
        started = (submitted_at or timezone.now()) - datetime.timedelta(days=6)
        StatusChange.objects.create(
            application=application,
            status=Application.Status.DRAFT,
            changed_by=leader,
            changed_at=started,
        )
        if submitted_at is not None:
            StatusChange.objects.create(
                application=application,
                status=Application.Status.SUBMITTED,
                changed_by=leader,
                changed_at=submitted_at,
            )
    return application


def _applications(demo):
    cycle = demo.pilot
    submitted_at = cycle.call_closes_at - datetime.timedelta(days=3)
    return [
        _apply(
            cycle,
            organisation,
            index,
            submitted_at=submitted_at - datetime.timedelta(hours=index * 7),
        )
        for index, organisation in enumerate(demo.organisations)
    ]


def _open_call_applications(demo):
    """Organisations the pilot did not admit try again in the open call: two have
    submitted, one is still writing."""
    again = [a.organisation for a in demo.applications if a.status == Application.Status.REJECTED]
    opened = demo.open_call.call_opens_at
    for index, organisation in enumerate(again):
        submitted_at = opened + datetime.timedelta(days=2 + index) if index < 2 else None
        _apply(demo.open_call, organisation, index, submitted_at=submitted_at)


def _set_up(cycle, staff, priority_fields, *, quotas):
    if not ReviewSettings.objects.filter(cycle=cycle).exists():
        services.update_review_settings(
            cycle,
            by=staff,
            reviewers_per_application=3,
            reviews_due_on=cycle.call_closes_at.date() + datetime.timedelta(days=10),
            spread_threshold=20,
            applicants_see_feedback=True,
            quotas={field: (2, None) for field in priority_fields} if quotas else None,
        )
    if not Criterion.objects.filter(cycle=cycle).exists():
        services.save_criteria(
            cycle,
            by=staff,
            changes=[
                (
                    None,
                    {
                        "name_lv": lv,
                        "name_en": en,
                        "guidance_lv": g_lv,
                        "guidance_en": g_en,
                        "weight": weight,
                        "scale_min": 0,
                        "scale_max": 5,
                        "order": order,
                    },
                    False,
                )
                for order, (lv, en, g_lv, g_en, weight) in enumerate(CRITERIA, start=1)
            ],
        )
    if not EligibilityRequirement.objects.filter(cycle=cycle).exists():
        services.save_requirements(
            cycle,
            by=staff,
            changes=[
                (None, {"text_lv": lv, "text_en": en, "order": order}, False)
                for order, (lv, en) in enumerate(REQUIREMENTS, start=1)
            ],
        )


def _evaluate(demo, applications):
    cycle, staff = demo.pilot, demo.staff
    reviewed_on = cycle.call_closes_at + datetime.timedelta(days=5)
    criteria = list(Criterion.objects.filter(cycle=cycle).order_by("order", "pk"))
    requirements = list(EligibilityRequirement.objects.filter(cycle=cycle))
    members = [
        CommitteeMember.objects.get_or_create(
            cycle=cycle,
            user=reviewer,
            defaults={
                "invited_by": staff,
                "affiliation": affiliation,
                "invited_at": cycle.call_opens_at,
            },
        )[0]
        for reviewer, affiliation in zip(
            demo.reviewers,
            [
                "Liepājas NVO centrs",
                "Liepājas biznesa inkubators",
                "Kurzemes tirdzniecības un rūpniecības kamera",
            ],
            strict=True,
        )
    ]
    for index, application in enumerate(applications):
        if not application.eligibility_checks.exists():
            services.record_eligibility(
                application, by=staff, findings={r: (True, "") for r in requirements}
            )
        for number, member in enumerate(members):
            assignment, created = ReviewAssignment.objects.get_or_create(
                application=application,
                member=member,
                defaults={"assigned_by": staff, "assigned_at": cycle.call_closes_at},
            )
            if not created:
                continue
            services.declare_conflict(assignment, by=member.user, has_conflict=False)
            values = _scores(index, number)
            services.save_review(
                assignment,
                by=member.user,
                scores={
                    c.pk: (v, COMMENTS.get(v, "") if (c.order + number) % 2 else "")
                    for c, v in zip(criteria, values, strict=True)
                },
                overall_comment=COMMENTS.get(round(sum(values) / len(values)), ""),
                submit=True,
                now=reviewed_on + datetime.timedelta(hours=index + number),
            )
    services.finalise_ranking(cycle, by=staff, now=reviewed_on + datetime.timedelta(days=3))


def _decide(demo, applications):
    cycle, staff = demo.pilot, demo.staff
    decided_at = _at(cycle.incubation_starts_on - datetime.timedelta(days=10), 11)
    for application, decision in zip(applications, DECISIONS, strict=True):
        if application.status == Application.Status.SUBMITTED:
            services.decide(application, decision=decision, by=staff, reason=REASONS[decision])
            StatusChange.objects.filter(application=application, status=decision).update(
                changed_at=decided_at
            )
    services.send_decision_letters(
        cycle, applications, by=staff, now=decided_at + datetime.timedelta(hours=2)
    )


def seed(demo):
    from incubator.models import PriorityField

    fields = list(PriorityField.objects.all())
    applications = _applications(demo)
    _set_up(demo.pilot, demo.staff, fields, quotas=True)
    _evaluate(demo, applications)
    _decide(demo, applications)
    _set_up(demo.open_call, demo.staff, fields, quotas=True)
    demo.applications = list(
        Application.objects.filter(cycle=demo.pilot).select_related("organisation")
    )
    _open_call_applications(demo)
    admitted = sum(a.status == Application.Status.ADMITTED for a in demo.applications)
    demo.log.append(
        f"{len(demo.applications)} applications in “{demo.pilot}”, each scored by "
        f"{len(demo.reviewers)} reviewers; {admitted} admitted, letters sent; "
        f"{demo.open_call.applications.count()} in “{demo.open_call}”"
    )
