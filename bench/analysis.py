"""The organisation analysis as a cycle grows: the staff's page of a cycle's
assessments and an organisation's results (with its cohort's average), at 10 and at
1,000 organisations, counting queries; and the results page against its figures'
queries alone' queries alone.

Figures:

    analysis_cycle_queries_10       queries of the staff's cycle page, 10 organisations
    analysis_cycle_queries_1000     the same with 1,000 (must be equal)
    analysis_results_queries_10     queries of an organisation's results, cohort of 10
    analysis_results_queries_1000   the same with a cohort of 1,000 (must be equal)
    analysis_results_over_figures   the results page's time over its figures' queries alone
    results_queries_10              queries of the results dashboard, 10 organisations
    results_queries_1000            the same with 1,000 (must be equal)
    results_public_queries_10       queries of the public results page, 10 organisations
    results_public_queries_1000     the same with 1,000 (must be equal)
    results_page_over_sql           the dashboard's time over the bare SQL of its figures,
                                    at 1,000 organisations (target: at most 2)

``grow`` is also what the query-count tests use.
"""

import datetime
import time
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import scaled, with_authenticator
from bench.mentoring import _cycle, _organisations


def grow(cycle, field, staff, *, organisations, recommendations=2, end=True):
    """Adds ``organisations`` organisations taking part in ``cycle`` (in ``field``'s
    cohort), each with a submitted baseline self-assessment by its leader, agreed
    scores and ``recommendations`` recommendations; with ``end``, the end assessment
    answered and agreed too. Bulk inserts, no notices."""
    from analysis import services
    from analysis.models import AgreedScore, Answer, Assessment, Question, Recommendation, Response
    from cohorts.models import Cohort, CohortMembership
    from incubator.models import Membership

    cohort, _created = Cohort.objects.get_or_create(cycle=cycle, priority_field=field)
    new = _organisations(organisations, field)
    CohortMembership.objects.bulk_create(
        [CohortMembership(cohort=cohort, cycle=cycle, organisation=o) for o in new]
    )
    kinds = ["baseline", "end"] if end else ["baseline"]
    for kind in kinds:
        services.open_assessments(cycle, kind=kind, by=staff)
    assessments = list(Assessment.objects.filter(cycle=cycle, organisation__in=new, kind__in=kinds))
    leaders = dict(
        Membership.objects.filter(organisation__in=new, role="leader").values_list(
            "organisation_id", "user_id"
        )
    )
    now = timezone.now()
    responses = Response.objects.bulk_create(
        [
            Response(assessment=a, respondent_id=leaders[a.organisation_id], submitted_at=now)
            for a in assessments
        ]
    )
    questions = list(
        Question.objects.filter(area__instrument__cycle=cycle).values_list(
            "pk", "area__instrument_id"
        )
    )
    answers, agreed = [], []
    for i, (assessment, response) in enumerate(zip(assessments, responses, strict=True)):
        lift = 1 if assessment.kind == "end" else 0
        for j, (question_id, instrument_id) in enumerate(questions):
            if instrument_id != assessment.instrument_id:
                continue
            answers.append(
                Answer(
                    response=response, question_id=question_id, score=min(4, 1 + (i + j) % 4 + lift)
                )
            )
            agreed.append(
                AgreedScore(
                    assessment=assessment,
                    question_id=question_id,
                    score=min(4, 1 + (i + 2 * j) % 3 + lift),
                    recorded_by=staff,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    AgreedScore.objects.bulk_create(agreed, batch_size=2000)
    Recommendation.objects.bulk_create(
        [
            Recommendation(
                cycle=cycle,
                organisation=o,
                topic="communication",
                text=f"Ieteikums {n}",
                priority=1 + n % 3,
                written_by=staff,
            )
            for o in new
            for n in range(recommendations)
        ]
    )
    return new


def add_programme(cycle, organisations, staff):
    """Gives ``organisations`` (taking part in ``cycle``) the rest of a programme's
    record: a submitted and admitted application (most consenting to be listed), three
    joint meetings held with their attendance, two consultations held and logged, a
    submitted bid (every third awarded) and end-of-cycle feedback. Bulk inserts."""
    from analysis.models import Feedback
    from applications.models import Application
    from bench.mentoring import _profiles
    from cohorts.models import Attendance, CohortMembership, JointMeeting
    from funding.bids.models import Bid, BidStatusChange
    from incubator.models import Membership
    from mentoring.models import Consultation, ConsultationLog

    now = timezone.now()
    places = {
        p.organisation_id: p
        for p in CohortMembership.objects.filter(cycle=cycle, organisation__in=organisations)
    }
    applications = Application.objects.bulk_create(
        [
            Application(
                cycle=cycle,
                organisation=o,
                priority_field=o.priority_field,
                status="admitted",
                submitted_at=now - datetime.timedelta(days=60),
                decision_published_at=now - datetime.timedelta(days=45),
                published_decision="admitted",
                data_consent=True,
                listing_consent=i % 5 != 0,
            )
            for i, o in enumerate(organisations)
        ]
    )
    for application in applications:
        places[application.organisation_id].application = application
    CohortMembership.objects.bulk_update(places.values(), ["application"])
    meetings = list(JointMeeting.objects.filter(cycle=cycle, cohort__isnull=True))
    if not meetings:
        meetings = JointMeeting.objects.bulk_create(
            [
                JointMeeting(
                    cycle=cycle,
                    title=f"Kopīgā tikšanās {n}",
                    place="Liepāja",
                    starts_at=now - datetime.timedelta(days=30 - 10 * n),
                    ends_at=now - datetime.timedelta(days=30 - 10 * n, hours=-3),
                    created_by=staff,
                )
                for n in range(3)
            ]
        )
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=m,
                organisation=o,
                status=("present", "present", "excused", "absent")[(i + n) % 4],
                people=1 + i % 2 if (i + n) % 4 < 2 else 0,
                recorded_by=staff,
            )
            for i, o in enumerate(organisations)
            for n, m in enumerate(meetings)
        ]
    )
    mentors = _profiles(max(1, len(organisations) // 5))
    # One after another (90 minutes apart): no mentor's consultations overlap.
    first = now - datetime.timedelta(days=160)
    consultations = Consultation.objects.bulk_create(
        [
            Consultation(
                cycle=cycle,
                organisation=o,
                mentor=mentors[i % len(mentors)],
                starts_at=first + datetime.timedelta(minutes=90 * (2 * i + n)),
                ends_at=first + datetime.timedelta(minutes=90 * (2 * i + n) + 60),
                mode="online",
                status="held",
                booked_by=staff,
            )
            for i, o in enumerate(organisations)
            for n in range(2)
        ]
    )
    ConsultationLog.objects.bulk_create(
        [
            ConsultationLog(consultation=c, outcome="held", minutes=45 + 15 * (i % 3))
            for i, c in enumerate(consultations)
        ]
    )
    bids = Bid.objects.bulk_create(
        [
            Bid(
                place=places[o.pk],
                funder="Pašvaldība",
                title=f"Projekts {i}",
                amount_requested=Decimal(2000 + 500 * (i % 4)),
                status="awarded" if i % 3 == 0 else "submitted",
                amount_awarded=Decimal(1500 + 500 * (i % 4)) if i % 3 == 0 else None,
                created_by=staff,
            )
            for i, o in enumerate(organisations)
        ]
    )
    BidStatusChange.objects.bulk_create(
        [BidStatusChange(bid=b, from_status="drafting", to_status="submitted") for b in bids]
    )
    leaders = dict(
        Membership.objects.filter(organisation__in=organisations, role="leader").values_list(
            "organisation_id", "user_id"
        )
    )
    Feedback.objects.bulk_create(
        [
            Feedback(
                cycle=cycle,
                organisation=o,
                analysis=3 + i % 3,
                consultations=4 + i % 2,
                meetings=2 + i % 4,
                funding_help=3 + i % 3,
                overall=4 + i % 2,
                comment="Noderīgi." if i % 4 == 0 else "",
                anonymous=i % 8 == 0,
                given_by_id=leaders.get(o.pk),
            )
            for i, o in enumerate(organisations)
        ]
    )


def _queries(client, url):
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _timed(call, rounds):
    start = time.perf_counter()
    for _ in range(rounds):
        call()
    return (time.perf_counter() - start) / rounds


def measure(report, field, staff):
    from analysis import selectors
    from cohorts.models import CohortMembership

    client = Client()
    client.force_login(staff)
    largest = scaled(1000, 100)
    for count in (10, largest):
        cycle = _cycle()
        add_programme(cycle, grow(cycle, field, staff, organisations=count), staff)
        place = CohortMembership.objects.filter(cycle=cycle).first()
        size = count
        report(
            f"analysis_cycle_queries_{size}",
            _queries(client, reverse("analysis:cycle", args=[cycle.pk])),
        )
        results = reverse("analysis:results", args=[place.pk])
        report(f"analysis_results_queries_{size}", _queries(client, results))
        dashboard = reverse("analysis:dashboard", args=[cycle.pk])
        report(f"results_queries_{size}", _queries(client, dashboard))
        public = reverse("analysis:public_cycle", args=[cycle.pk])
        report(f"results_public_queries_{size}", _queries(client, public))
    rounds = scaled(20, 3)
    page = _timed(lambda: client.get(results), rounds)
    sql = _timed(lambda: selectors.results(place), rounds)
    report("analysis_results_over_figures", round(page / sql, 2))
    report("results_page_over_sql", round(_dashboard_over_sql(client, cycle, rounds), 2))


def _dashboard_over_sql(client, cycle, rounds):
    """The dashboard's time over the time of the SQL its figures run, captured from
    the selectors and run again bare."""
    from analysis import figures, selectors

    with CaptureQueriesContext(connection) as captured:
        figures.Figures(cycle).tables()
        selectors.assessment_progress(cycle.pk)
        selectors.recommendation_states(cycle.pk)
    statements = [query["sql"] for query in captured.captured_queries]

    def bare():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()

    url = reverse("analysis:dashboard", args=[cycle.pk])
    return _timed(lambda: client.get(url), rounds) / _timed(bare, rounds)


def run(report):
    from incubator.models import PriorityField, User

    field = PriorityField.objects.order_by("order").first()
    staff = with_authenticator(
        User.objects.create(email="analysis-staff@bench.lv", is_staff=True, password="!")
    )
    measure(report, field, staff)
