"""Every URL of the analysis app over its role matrix (see ``tests/role_matrix.py``).

Roles: the organisation itself (the "owner", its leader, taking part in the running
cycle), another organisation taking part ("other_participant"), the organisation's
mentor ("mentor", assigned and accepted), another organisation's mentor
("other_mentor"), a reviewer, staff, an administrator and an anonymous visitor.
Another party's assessment, results or recommendation is a 404; a page of a role the
person does not have there (the organisation agreeing its own scores, the mentor
answering for it), a 403."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import services
from analysis.models import Assessment, Invitee, Recommendation
from applications.models import Application
from incubator.models import Cycle
from mentoring import services as mentoring_services

from . import factories, role_matrix
from .role_matrix import LOGIN, Redirect

ROLES = [
    "anonymous",
    "owner",
    "other_participant",
    "mentor",
    "other_mentor",
    "reviewer",
    "staff",
    "admin",
]


def extend(world):
    """The owner's organisation's baseline (with the owner's answers under way), its
    mentor, another organisation's mentor, and a recommendation."""
    staff = world.users["staff"]
    place = world.place
    cycle = place.cycle
    mentor = world.users["mentor"].mentor_profile
    assignment = mentoring_services.assign_mentor(cycle, place.organisation, mentor, by=staff)
    mentoring_services.accept_assignment(assignment, by=mentor.user)
    other_place = world.other_cohort.memberships.get()
    other = factories.MentorProfileFactory(user=factories.UserFactory(email="cits@example.lv"))
    assignment = mentoring_services.assign_mentor(cycle, other_place.organisation, other, by=staff)
    mentoring_services.accept_assignment(assignment, by=other.user)
    world.users["other_mentor"] = other.user
    services.open_assessments(cycle, kind="baseline", by=staff)
    world.baseline = Assessment.objects.get(organisation=place.organisation, kind="baseline")
    world.recommendation = services.add_recommendation(
        place, by=staff, topic="communication", area=None, text="Vienots vēstījums", priority=1
    )
    # A consultation of the organisation with its mentor, for the recommendation's
    # action items; a source and a call of the catalogue for its funding.
    world.consultation = mentoring_services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=60,
        summary="Analīzes saruna",
    ).consultation
    world.call = factories.FundingCallFactory()


world = role_matrix.world_fixture(extend)


def everyone(code, anonymous=LOGIN):
    return {"anonymous": anonymous, **{role: code for role in ROLES[1:]}}


def only_owner(code):
    return {**everyone(404), "owner": code}


def staff_only(code):
    return {**everyone(403), "staff": code, "admin": code}


def its_people(code, owner=None, writers=None):
    """The organisation's page: its people, its mentor and staff; others a 404."""
    return {
        **everyone(404),
        "owner": code if owner is None else owner,
        **{role: code if writers is None else writers for role in ("mentor", "staff", "admin")},
    }


def _results(w, role=None):
    return reverse("analysis:results", args=[w.place.pk])


CASES = {
    "analysis:home": ("get", lambda w: [], None, everyone(200)),
    "analysis:assessment": ("get", lambda w: [w.baseline.pk], None, only_owner(200)),
    "analysis:autosave": ("post", lambda w: [w.baseline.pk], {}, only_owner(200)),
    "analysis:invite": (
        "post",
        lambda w: [w.baseline.pk],
        {"email": "kolega@example.lv"},
        only_owner(302),
    ),
    "analysis:agree": ("get", lambda w: [w.baseline.pk], None, its_people(200, owner=403)),
    "analysis:results": ("get", lambda w: [w.place.pk], None, its_people(200)),
    "analysis:feedback": ("get", lambda w: [w.place.pk], None, only_owner(200)),
    "analysis:recommendation_add": (
        "post",
        lambda w: [w.place.pk],
        {"topic": "positioning", "text": "Jauns ieteikums", "priority": "2"},
        its_people(302, owner=403),
    ),
    "analysis:recommendation_status": (
        "post",
        lambda w: [w.recommendation.pk],
        {"status": "accepted"},
        its_people(403, owner=302),
    ),
    "analysis:recommendation_action_item": (
        "post",
        lambda w: [w.recommendation.pk],
        lambda w: {
            "description": "Uzrakstīt komunikācijas plānu",
            "owner": "organisation",
            "consultation": w.consultation.pk,
        },
        its_people(302, owner=403),
    ),
    "analysis:recommendation_funding": (
        "post",
        lambda w: [w.recommendation.pk],
        lambda w: {"source": w.call.source_id, "call": w.call.pk},
        its_people(302, owner=403),
    ),
    "analysis:report": ("get", lambda w: [w.place.pk], None, its_people(200)),
    "analysis:public": ("get", lambda w: [], None, everyone(200, anonymous=200)),
    "analysis:public_cycle": (
        "get",
        lambda w: [w.place.cycle_id],
        None,
        everyone(200, anonymous=200),
    ),
    "analysis:overview": ("get", lambda w: [], None, staff_only(302)),
    "analysis:cycle": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "analysis:dashboard": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "analysis:export_csv": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "analysis:export_xlsx": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "analysis:results_csv": ("get", lambda w: [w.place.cycle_id, "funnel"], None, staff_only(200)),
    "analysis:results_xlsx": (
        "get",
        lambda w: [w.place.cycle_id, "hours-mentors"],
        None,
        staff_only(200),
    ),
    "analysis:programme_report": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "analysis:listing": (
        "post",
        lambda w: [w.place.pk],
        {"consent": "1"},
        its_people(403, owner=302),
    ),
}

REDIRECTS = {
    "analysis:invite": Redirect(
        to=lambda w, role: reverse("analysis:assessment", args=[w.baseline.pk]),
        done=lambda w, role: Invitee.objects.filter(email="kolega@example.lv").exists(),
    ),
    "analysis:recommendation_add": Redirect(
        to=_results,
        done=lambda w, role: Recommendation.objects.filter(text="Jauns ieteikums").exists(),
    ),
    "analysis:recommendation_status": Redirect(
        to=_results,
        done=lambda w, role: Recommendation.objects.filter(
            pk=w.recommendation.pk, status="accepted"
        ).exists(),
    ),
    "analysis:recommendation_action_item": Redirect(
        to=lambda w, role: _results(w) + f"#recommendation-{w.recommendation.pk}",
        done=lambda w, role: Recommendation.objects.filter(
            pk=w.recommendation.pk, action_items__description="Uzrakstīt komunikācijas plānu"
        ).exists(),
    ),
    "analysis:recommendation_funding": Redirect(
        to=lambda w, role: _results(w) + f"#recommendation-{w.recommendation.pk}",
        done=lambda w, role: Recommendation.objects.filter(
            pk=w.recommendation.pk, funding_calls=w.call.pk
        ).exists(),
    ),
    "analysis:listing": Redirect(
        to=lambda w, role: reverse("cohorts:my_programme"),
        done=lambda w, role: Application.objects.filter(
            cohort_membership__pk=w.place.pk, listing_consent=True
        ).exists(),
    ),
    "analysis:overview": Redirect(
        to=lambda w, role: reverse(
            "analysis:cycle", args=[Cycle.objects.order_by("-incubation_starts_on").first().pk]
        )
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(db, client, world, name, role):
    role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))


def test_another_organisations_assessment_is_404_even_by_a_guessed_id(db, client, world):
    other = Assessment.objects.exclude(pk=world.baseline.pk).get()
    client.force_login(world.users["owner"])
    for name in ("analysis:assessment", "analysis:agree"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    client.force_login(world.users["mentor"])
    assert client.get(reverse("analysis:agree", args=[other.pk])).status_code == 404
