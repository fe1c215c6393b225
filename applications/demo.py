"""Demo data: the pilot's 17 submitted applications."""

import datetime

from .models import Application, StatusChange

SUPPORT = ["analysis", "mentoring", "funding", "project_applications", "communication"]


def seed(demo):
    cycle = demo.pilot
    submitted_at = cycle.call_closes_at - datetime.timedelta(days=3)
    for index, organisation in enumerate(demo.organisations):
        leader = organisation.memberships.order_by("pk").first().user
        application, created = Application.objects.get_or_create(
            cycle=cycle,
            organisation=organisation,
            defaults={
                "status": Application.Status.SUBMITTED,
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
                "participants": f"{leader.display_name} (vadītāja/vadītājs) un viens "
                "valdes loceklis",
                "meeting_availability": Application.Availability.ALL
                if index % 4
                else Application.Availability.SOME,
                "data_consent": True,
                "created_by": leader,
                "submitted_at": submitted_at - datetime.timedelta(hours=index * 7),
            },
        )
        if created:
            StatusChange.objects.create(
                application=application,
                status=Application.Status.DRAFT,
                changed_by=leader,
                changed_at=application.submitted_at - datetime.timedelta(days=6),
            )
            StatusChange.objects.create(
                application=application,
                status=Application.Status.SUBMITTED,
                changed_by=leader,
                changed_at=application.submitted_at,
            )
    demo.applications = list(
        Application.objects.filter(cycle=cycle).select_related("organisation")
    )
    demo.log.append(f"{len(demo.applications)} submitted applications in “{cycle}”")
