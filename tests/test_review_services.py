"""The evaluation's rules, through its services: the committee, assignments,
conflicts of interest, scoring, locks, finalising, and the audit history."""

import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.models import (
    CommitteeMember,
    Criterion,
    ReviewAssignment,
    ReviewSettings,
    Score,
)
from incubator.models import Membership
from incubator.notifications.models import Email

from . import factories


@pytest.fixture
def criteria(cycle):
    return [
        factories.CriterionFactory(cycle=cycle, weight=2, scale_max=5, order=1),
        factories.CriterionFactory(cycle=cycle, weight=1, scale_max=10, order=2),
    ]


@pytest.fixture
def submitted(cycle):
    return factories.ApplicationFactory(cycle=cycle, submitted=True)


@pytest.fixture
def member(cycle):
    return factories.CommitteeMemberFactory(cycle=cycle)


@pytest.fixture
def assignment(submitted, member, staff):
    return services.assign(submitted, member, by=staff)


def scores(criteria, *values, comment=""):
    return {c.pk: (v, comment) for c, v in zip(criteria, values, strict=False)}


# --- the committee ----------------------------------------------------------------------


def test_inviting_a_new_person_creates_their_account_and_sends_a_password_link(
    cycle, staff, outbox_emails
):
    member = services.invite_reviewer(
        cycle,
        email=" Rūta.Liepiņa@Partneris.lv ",
        first_name="Rūta",
        last_name="Liepiņa",
        affiliation="Liepājas NVO centrs",
        language="lv",
        by=staff,
    )
    user = member.user
    assert user.email == "rūta.liepiņa@partneris.lv"
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    (email,) = outbox_emails()
    assert email.to == user.email and email.sensitive
    assert "/accounts/password/reset/key/" in email.text_body
    assert cycle.name in email.subject


def test_an_existing_account_is_given_the_role_without_a_password_link(cycle, staff, outbox_emails):
    person = factories.UserFactory(email="eksperts@example.lv")
    member = services.invite_reviewer(cycle, email="EKSPERTS@example.lv", by=staff)
    assert member.user == person
    (email,) = outbox_emails()
    assert not email.sensitive
    assert "password/reset" not in email.text_body


def test_the_same_person_is_not_invited_twice(cycle, staff, member):
    with pytest.raises(ValidationError):
        services.invite_reviewer(cycle, email=member.user.email, by=staff)
    assert CommitteeMember.objects.filter(cycle=cycle).count() == 1


def test_resending_an_invitation_sends_a_new_email(cycle, staff, outbox_emails):
    member = services.invite_reviewer(cycle, email="jauns@example.lv", by=staff)
    services.resend_invitation(member, by=staff)
    assert len(outbox_emails(to="jauns@example.lv")) == 2


def test_a_member_with_reviews_cannot_be_removed(assignment, staff):
    with pytest.raises(ValidationError):
        services.remove_member(assignment.member, by=staff)


# --- assignments --------------------------------------------------------------------------


def test_assigning_emails_the_reviewer(assignment, outbox_emails):
    (email,) = outbox_emails(recipient=assignment.member.user)
    assert assignment.application.organisation.name in email.text_body


@pytest.mark.parametrize("status", ["draft", "withdrawn"])
def test_only_submitted_applications_are_assigned(cycle, member, staff, status):
    application = factories.ApplicationFactory(cycle=cycle, status=status)
    with pytest.raises(ValidationError):
        services.assign(application, member, by=staff)


def test_a_member_of_the_organisation_is_never_assigned(submitted, member, staff):
    Membership.objects.create(organisation=submitted.organisation, user=member.user)
    with pytest.raises(ValidationError, match="ir organizācijā"):
        services.assign(submitted, member, by=staff)


def test_a_conflict_declared_in_another_cycle_still_counts(submitted, member, staff):
    earlier = factories.ApplicationFactory(organisation=submitted.organisation, submitted=True)
    old_member = factories.CommitteeMemberFactory(cycle=earlier.cycle, user=member.user)
    old = services.assign(earlier, old_member, by=staff)
    services.declare_conflict(old, by=member.user, has_conflict=True, reason="Brālis valdē")
    with pytest.raises(ValidationError):
        services.assign(submitted, member, by=staff)


def test_automatic_assignment_balances_the_load_and_avoids_conflicts(cycle, staff):
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
    applications = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(5)]
    Membership.objects.create(organisation=applications[0].organisation, user=members[0].user)
    created, short = services.auto_assign(cycle, by=staff, per_application=2)
    assert len(created) == 10 and short == []
    loads = sorted(ReviewAssignment.objects.filter(member=m).count() for m in members)
    assert loads == [3, 3, 4]
    assert not ReviewAssignment.objects.filter(
        application=applications[0], member=members[0]
    ).exists()
    # Running it again changes nothing: everyone already has two reviewers.
    assert services.auto_assign(cycle, by=staff, per_application=2) == ([], [])


def test_automatic_assignment_replaces_a_recused_reviewer(cycle, staff):
    first, second, third = (factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3))
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    assignment = services.assign(application, first, by=staff)
    services.declare_conflict(assignment, by=first.user, has_conflict=True, reason="Valdē")
    created, short = services.auto_assign(cycle, by=staff, per_application=2)
    assert {a.member for a in created} == {second, third}
    assert short == []


def test_automatic_assignment_reports_applications_short_of_reviewers(cycle, staff):
    only = factories.CommitteeMemberFactory(cycle=cycle)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    created, short = services.auto_assign(cycle, by=staff, per_application=2)
    assert [a.member for a in created] == [only]
    assert short == [application]


def test_automatic_assignment_needs_a_committee(cycle, staff, submitted):
    with pytest.raises(ValidationError):
        services.auto_assign(cycle, by=staff)


# --- conflict of interest and scoring ------------------------------------------------


def test_scoring_waits_for_the_conflict_of_interest_answer(assignment, criteria):
    with pytest.raises(ValidationError, match="interešu konflikt"):
        services.save_review(assignment, by=assignment.member.user, scores=scores(criteria, 3))


def test_a_declared_conflict_recuses_for_good(assignment, criteria):
    reviewer = assignment.member.user
    with pytest.raises(ValidationError):
        services.declare_conflict(assignment, by=reviewer, has_conflict=True, reason=" ")
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 3))
    # Having started, the reviewer realises there is a conflict after all.
    services.declare_conflict(assignment, by=reviewer, has_conflict=True, reason="Mana māsa")
    assignment.refresh_from_db()
    assert assignment.status == "recused" and assignment.conflict_reason == "Mana māsa"
    assert not Score.objects.exists()
    with pytest.raises(ValidationError, match="interešu konflikt"):
        services.save_review(assignment, by=reviewer, scores=scores(criteria, 3, 4), submit=True)
    with pytest.raises(ValidationError):
        services.declare_conflict(assignment, by=reviewer, has_conflict=False)


def test_only_the_assigned_reviewer_scores(assignment, criteria):
    services.declare_conflict(assignment, by=assignment.member.user, has_conflict=False)
    with pytest.raises(ValueError):
        services.save_review(assignment, by=factories.UserFactory(), scores={})


def test_a_score_outside_the_scale_saves_nothing(assignment, criteria):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    with pytest.raises(ValidationError) as error:
        services.save_review(
            assignment,
            by=reviewer,
            scores=scores(criteria, 4, 11, comment="Labi"),
            overall_comment="Kopumā labi",
        )
    assert list(error.value.error_dict) == [f"score_{criteria[1].pk}"]
    assert not Score.objects.exists()
    assignment.refresh_from_db()
    assert assignment.overall_comment == "" and assignment.status == "assigned"


def test_a_draft_may_be_partial_but_a_submission_is_complete(assignment, criteria):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(assignment, by=reviewer, scores={criteria[0].pk: (4, "Labi")})
    assert assignment.scores.get().value == 4
    with pytest.raises(ValidationError) as error:
        services.save_review(assignment, by=reviewer, scores={criteria[0].pk: (4, "")}, submit=True)
    assert f"score_{criteria[1].pk}" in error.value.error_dict
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 4, 7), submit=True)
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and assignment.submitted_at is not None
    # The criterion's scale is copied onto the score, where the database checks it.
    assert [(s.value, s.scale_max) for s in assignment.scores.order_by("criterion__order")] == [
        (4, 5),
        (7, 10),
    ]


def test_a_score_from_another_cycle_is_refused(assignment, criteria):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    stranger = factories.CriterionFactory()
    with pytest.raises(ValueError):
        services.save_review(assignment, by=reviewer, scores={stranger.pk: (1, "")})


def _review_of(assignment):
    """The review as saved: its status, whether it carries a submission time, its scores."""
    assignment = ReviewAssignment.objects.get(pk=assignment.pk)
    values = list(assignment.scores.order_by("criterion__order").values_list("value", flat=True))
    return assignment.status, assignment.submitted_at is not None, values


def test_a_reviewer_reopens_their_review_until_the_ranking_is_finalised(
    assignment, criteria, staff
):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 4, 7), submit=True)
    with pytest.raises(ValidationError) as refused:
        services.save_review(assignment, by=reviewer, scores=scores(criteria, 5, 7))
    assert refused.value.code == "submitted"
    assert _review_of(assignment) == ("submitted", True, [4, 7])

    services.reopen_review(assignment, by=reviewer)
    assert _review_of(assignment) == ("draft", False, [4, 7])
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 5, 7), submit=True)
    assert _review_of(assignment) == ("submitted", True, [5, 7])

    services.finalise_ranking(assignment.application.cycle, by=staff)
    with pytest.raises(ValidationError, match="apstiprināts") as refused:
        services.reopen_review(assignment, by=reviewer)
    assert refused.value.code == "finalised"
    assert _review_of(assignment) == ("submitted", True, [5, 7])


def test_the_ranking_is_finalised_only_when_every_review_is_in(assignment, criteria, staff):
    cycle = assignment.application.cycle
    with pytest.raises(ValidationError, match="nav iesniegt"):
        services.finalise_ranking(cycle, by=staff)
    services.unassign(assignment, by=staff)
    services.finalise_ranking(cycle, by=staff)
    assert ReviewSettings.objects.get(cycle=cycle).finalised_by == staff


def test_a_finalised_ranking_locks_reviews_criteria_and_eligibility(
    cycle, criteria, submitted, member, staff
):
    requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
    reviewed = services.assign(submitted, member, by=staff)
    reviewer = member.user
    services.declare_conflict(reviewed, by=reviewer, has_conflict=False)
    services.save_review(reviewed, by=reviewer, scores=scores(criteria, 4, 7), submit=True)
    services.finalise_ranking(cycle, by=staff)
    newcomer = factories.CommitteeMemberFactory(cycle=cycle)
    for attempt in (
        # The reviews: neither changed, nor reopened by their reviewer or by staff.
        lambda: services.save_review(reviewed, by=reviewer, scores=scores(criteria, 1, 1)),
        lambda: services.reopen_review(reviewed, by=reviewer),
        lambda: services.reopen_review(reviewed, by=staff, as_staff=True),
        lambda: services.declare_conflict(reviewed, by=reviewer, has_conflict=True, reason="Valdē"),
        # Who reviews, the criteria and the eligibility.
        lambda: services.assign(submitted, newcomer, by=staff),
        lambda: services.unassign(reviewed, by=staff),
        lambda: services.save_criteria(
            cycle, by=staff, changes=[(criteria[0], {"weight": 9}, False)]
        ),
        lambda: services.record_eligibility(
            submitted, by=staff, findings={requirement: (True, "")}
        ),
        lambda: services.update_review_settings(cycle, by=staff, normalise_scores=True),
        lambda: services.auto_assign(cycle, by=staff),
    ):
        with pytest.raises(ValidationError, match="apstiprināts"):
            attempt()
    assert _review_of(reviewed) == ("submitted", True, [4, 7])
    assert ReviewAssignment.objects.filter(application=submitted).count() == 1
    assert Criterion.objects.get(pk=criteria[0].pk).weight == criteria[0].weight
    assert not submitted.eligibility_checks.exists()
    # What only decides who sees what may still change.
    services.update_review_settings(cycle, by=staff, applicants_see_feedback=True)
    assert ReviewSettings.objects.get(cycle=cycle).applicants_see_feedback

    services.reopen_ranking(cycle, by=staff)
    services.save_criteria(cycle, by=staff, changes=[(criteria[0], {"weight": 9}, False)])
    assert Criterion.objects.get(pk=criteria[0].pk).weight == 9
    services.reopen_review(reviewed, by=reviewer)
    assert _review_of(reviewed) == ("draft", False, [4, 7])


# --- criteria and eligibility ------------------------------------------------------------


def test_criteria_are_free_until_the_first_score_then_only_the_scale_locks(
    cycle, criteria, review, staff
):
    services.save_criteria(
        cycle,
        by=staff,
        changes=[
            (criteria[0], {"scale_max": 10}, False),
            (
                None,
                {"name_lv": "Jauns", "weight": 1, "scale_min": 0, "scale_max": 5, "order": 3},
                False,
            ),
        ],
    )
    third = Criterion.objects.get(name_lv="Jauns")
    services.save_criteria(cycle, by=staff, changes=[(third, {}, True)])
    review(
        factories.UserFactory(),
        factories.ApplicationFactory(cycle=cycle, submitted=True),
        {criteria[0]: 3, criteria[1]: 3},
        submit=False,
    )
    for change in (
        (criteria[0], {"scale_max": 7}, False),
        (criteria[1], {}, True),
        (
            None,
            {"name_lv": "Vēl viens", "weight": 1, "scale_min": 0, "scale_max": 5, "order": 4},
            False,
        ),
    ):
        with pytest.raises(ValidationError, match="tiek vērtēti"):
            services.save_criteria(cycle, by=staff, changes=[change])
    services.save_criteria(
        cycle,
        by=staff,
        changes=[(criteria[0], {"weight": 4, "name_lv": "Atbilstība", "order": 9}, False)],
    )
    criteria[0].refresh_from_db()
    assert (criteria[0].weight, criteria[0].scale_max) == (4, 10)


def test_an_unmet_requirement_needs_a_reason(cycle, submitted, staff):
    requirement = cycle.eligibility_requirements.create(text_lv="Darbojas Liepājā")
    with pytest.raises(ValidationError, match="norādiet, kāpēc"):
        services.record_eligibility(submitted, by=staff, findings={requirement: (False, "")})
    services.record_eligibility(
        submitted, by=staff, findings={requirement: (False, "Darbojas Rīgā")}
    )
    check = submitted.eligibility_checks.get()
    assert (check.met, check.note, check.checked_by) == (False, "Darbojas Rīgā", staff)


def test_a_checked_requirement_cannot_be_deleted(cycle, submitted, staff):
    requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
    services.record_eligibility(submitted, by=staff, findings={requirement: (True, "")})
    with pytest.raises(ValidationError):
        services.save_requirements(cycle, by=staff, changes=[(requirement, {}, True)])


# --- the audit history ----------------------------------------------------------------------


def test_who_changed_scores_criteria_and_eligibility_is_recorded(
    cycle, criteria, assignment, staff
):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 2, 5))
    services.save_review(assignment, by=reviewer, scores=scores(criteria, 3, 5))
    score = Score.objects.get(criterion=criteria[0])
    assert [(h.value, h.history_user) for h in score.history.order_by("history_date")] == [
        (2, reviewer),
        (3, reviewer),
    ]
    # An unchanged score writes no history.
    assert Score.objects.get(criterion=criteria[1]).history.count() == 1
    services.save_criteria(cycle, by=staff, changes=[(criteria[0], {"weight": 3}, False)])
    assert criteria[0].history.latest().history_user == staff


def test_the_reviewer_emails_are_written_once(cycle, staff):
    member = factories.CommitteeMemberFactory(cycle=cycle)
    for _ in range(3):
        factories.ApplicationFactory(cycle=cycle, submitted=True)
    services.auto_assign(cycle, by=staff, per_application=1)
    (email,) = Email.objects.filter(recipient=member.user)
    assert "3" in email.subject
