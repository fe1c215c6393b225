"""Every URL of the kernel, of applications and of cohorts over the role matrix, in
one table (after pretix's test_permissions.py); where a role is sent on, where to
and what its request changed. The shared pieces and the pattern that every
``tests/test_permissions_<app>.py`` follows are in ``tests/role_matrix.py``.
``test_every_url_is_in_a_table`` reads the tables of all those modules: a URL
without its row fails it.

Expected values: an HTTP status code, or LOGIN for a redirect to the sign-in page.
"""

from collections import Counter

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import path, reverse

from applications import services as application_services
from applications.models import (
    Application,
    Attachment,
    CommitteeMember,
    Criterion,
    DecisionLetter,
    EligibilityCheck,
    PlaceOffer,
    ReviewAssignment,
    ReviewSettings,
)
from cohorts.models import CohortMembership, Deadline, MeetingMaterial, MeetingResponse
from incubator import services as kernel_services
from incubator import views as kernel_views
from incubator.models import Cycle, Invitation, Membership, User
from incubator.notifications.models import Email

from . import factories, role_matrix
from .role_matrix import (
    LOGIN,  # noqa: F401 (read from here by tests/test_permissions_funding.py)
    ROLES,
    Redirect,
    everyone,
    only_owner,
    owner_and_staff,
    reviewers,
    staff_only,
)


def _place_offer(w):
    """A place offered from another cycle's waiting list to the owner's second
    organisation."""
    from tests import factories

    staff = w.users["staff"]
    w.offer_cycle = factories.CycleFactory(places=1)
    waiting = factories.ApplicationFactory(
        cycle=w.offer_cycle, organisation=w.newcomer, submitted=True
    )
    application_services.decide(
        waiting, decision="waitlisted", by=staff, reason="Rezervē", without_review=True
    )
    application_services.publish_decision(waiting, by=staff)
    (w.offer,) = application_services.offer_free_places(w.offer_cycle)


def _invited_outsider(world):
    """The outsider has an invitation to the owner's organisation waiting."""
    world.outsider_invitation = Invitation.objects.create(
        organisation=world.organisation,
        email="outsider@example.lv",
        invited_by=world.users["owner"],
    )


world = role_matrix.world_fixture(_place_offer, _invited_outsider)


def only_assigned_reviewer(code):
    """A review: its reviewer only. Another committee member gets a 404, as the
    application is not assigned to them."""
    return {**reviewers(404), "assigned_reviewer": code}


# What some actions need before they can happen (each case's savepoint undoes it).


def _submitted_review(w):
    criterion = Criterion.objects.get(cycle=w.cycle)
    application_services.save_review(
        w.assignment, by=w.users["assigned_reviewer"], scores={criterion.pk: (4, "")}, submit=True
    )


def _others_to_read(w):
    """The assigned reviewer's review and a second reviewer's are submitted, in a
    cycle that shows reviewers each other's reviews."""
    _submitted_review(w)
    application_services.update_review_settings(
        w.cycle, by=w.users["staff"], reviewers_see_other_reviews=True
    )
    second = factories.CommitteeMemberFactory(cycle=w.cycle)
    assignment = application_services.assign(
        Application.objects.get(pk=w.reviewed.pk), second, by=w.users["staff"]
    )
    application_services.declare_conflict(assignment, by=second.user, has_conflict=False)
    criterion = Criterion.objects.get(cycle=w.cycle)
    application_services.save_review(
        assignment, by=second.user, scores={criterion.pk: (3, "")}, submit=True
    )


def _finalised_ranking(w):
    _submitted_review(w)
    application_services.finalise_ranking(w.cycle, by=w.users["staff"])


def _decided_and_finalised(w):
    _submitted_review(w)
    application_services.decide(
        Application.objects.get(pk=w.reviewed.pk),
        decision="admitted",
        by=w.users["staff"],
        reason="Labi",
    )
    application_services.finalise_ranking(w.cycle, by=w.users["staff"])


def _previewed(w):
    """The fingerprint of the letters staff read on the preview page (whose links
    point at the test client's host, as inside its requests)."""
    with override_settings(SITE_URL="http://testserver"):
        letters = application_services.prepare_letters(
            w.cycle, [Application.objects.get(pk=w.reviewed.pk)]
        )
        return application_services.fingerprint(letters)


def _everyone_has_a_calendar(w):
    for user in User.objects.all():
        kernel_services.reset_calendar_token(user)


def _new_calendar_address(w, role):
    user = w.users[role]
    return user is not None and User.objects.get(pk=user.pk).calendar_token not in (
        "",
        None,
        user.calendar_token,
    )


def _calendar_switched_off(w, role):
    user = w.users[role]
    return user is not None and User.objects.get(pk=user.pk).calendar_token in ("", None)


def _review_status(w, status):
    return ReviewAssignment.objects.filter(pk=w.assignment.pk, status=status).exists()


# name: (method, args from the world, POST data, expected per role)
CASES = {
    "home": ("get", lambda w: [], None, everyone(200, anonymous=200)),
    # Browsers post policy violations here; what is not a report is refused.
    "csp_report": ("post", lambda w: [], {}, everyone(400, anonymous=400)),
    # Browsers ask for the icon before anyone signs in: sent on to the static file.
    "favicon": ("get", lambda w: [], None, everyone(302, anonymous=302)),
    "dashboard": ("get", lambda w: [], None, everyone(302)),
    "profile": ("get", lambda w: [], None, everyone(200)),
    "organisation_create": ("get", lambda w: [], None, everyone(200)),
    "organisation_detail": ("get", lambda w: [w.organisation.pk], None, only_owner(200)),
    "organisation_edit": ("get", lambda w: [w.organisation.pk], None, only_owner(200)),
    "colleague_add": (
        "post",
        lambda w: [w.organisation.pk],
        {"email": "new@example.lv"},
        only_owner(302),
    ),
    "person_remove": ("post", lambda w: [w.organisation.pk, w.colleague.pk], {}, only_owner(302)),
    "invitation_withdraw": (
        "post",
        lambda w: [w.organisation.pk, w.invitation.pk],
        {},
        only_owner(302),
    ),
    # A member leaves (the owner, once a colleague leads the organisation too).
    "organisation_leave": ("post", lambda w: [w.organisation.pk], {}, only_owner(302)),
    # Invitations are reached through the person's own address: another's is a 404.
    "invitations": ("get", lambda w: [], None, everyone(200)),
    "invitation_accept": (
        "post",
        lambda w: [w.outsider_invitation.pk],
        {},
        {**everyone(404), "outsider": 302},
    ),
    "invitation_decline": (
        "post",
        lambda w: [w.outsider_invitation.pk],
        {},
        {**everyone(404), "outsider": 302},
    ),
    # A committee member without an organisation lands on their reviews.
    "applications:dashboard": (
        "get",
        lambda w: [],
        None,
        {**everyone(200), "reviewer": 302, "assigned_reviewer": 302, "recused_reviewer": 302},
    ),
    "applications:start": ("post", lambda w: [w.cycle.pk, w.newcomer.pk], {}, only_owner(302)),
    "applications:edit": ("get", lambda w: [w.application.pk], None, only_owner(200)),
    "applications:autosave": (
        "post",
        lambda w: [w.application.pk],
        {"motivation": "x"},
        only_owner(200),
    ),
    "applications:withdraw": ("get", lambda w: [w.application.pk], None, only_owner(200)),
    "applications:offer": ("get", lambda w: [w.offer.pk], None, only_owner(200)),
    "applications:offer_accept": ("post", lambda w: [w.offer.pk], None, only_owner(302)),
    "applications:offer_decline": ("post", lambda w: [w.offer.pk], None, only_owner(302)),
    "applications:attachment_upload": ("post", lambda w: [w.application.pk], {}, only_owner(400)),
    "applications:attachment_download": (
        "get",
        lambda w: [w.application.pk, w.attachment.pk],
        None,
        owner_and_staff(200),
    ),
    "applications:attachment_delete": (
        "post",
        lambda w: [w.application.pk, w.attachment.pk],
        {},
        only_owner(302),
    ),
    "applications:staff_list": ("get", lambda w: [], None, staff_only(200)),
    "applications:staff_detail": ("get", lambda w: [w.application.pk], None, staff_only(200)),
    # The calendar feed's address is its credential: whoever holds it reads it.
    "calendar_feed": (
        "get",
        lambda w: [w.users["owner"].calendar_token],
        None,
        everyone(200, anonymous=200),
    ),
    "calendar_link_reset": ("post", lambda w: [], {}, everyone(302)),
    "calendar_link_revoke": ("post", lambda w: [], {}, everyone(302)),
    "notifications:outbox": ("get", lambda w: [], None, staff_only(200)),
    "notifications:email_detail": ("get", lambda w: [w.email.pk], None, staff_only(200)),
    "notifications:email_retry": ("post", lambda w: [w.email.pk], {}, staff_only(302)),
    "cohorts:my_programme": ("get", lambda w: [], None, everyone(200)),
    "cohorts:cohort_list": ("get", lambda w: [], None, staff_only(200)),
    "cohorts:cohort_detail": ("get", lambda w: [w.place.cohort_id], None, owner_and_staff(200)),
    "cohorts:cohort_edit": ("get", lambda w: [w.place.cohort_id], None, staff_only(200)),
    "cohorts:membership_move": (
        "post",
        lambda w: [w.place.pk],
        {"move{pk}-cohort": "other_cohort"},
        staff_only(302),
    ),
    "cohorts:membership_status": (
        "post",
        lambda w: [w.place.pk],
        {"status{pk}-status": "completed"},
        staff_only(302),
    ),
    "cohorts:meeting_create": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "cohorts:meeting_detail": ("get", lambda w: [w.meeting.pk], None, owner_and_staff(200)),
    "cohorts:meeting_edit": ("get", lambda w: [w.meeting.pk], None, staff_only(200)),
    "cohorts:meeting_cancel": ("get", lambda w: [w.meeting.pk], None, staff_only(200)),
    "cohorts:material_upload": ("post", lambda w: [w.meeting.pk], {}, staff_only(400)),
    "cohorts:material_download": (
        "get",
        lambda w: [w.meeting.pk, w.material.pk],
        None,
        owner_and_staff(200),
    ),
    "cohorts:material_delete": (
        "post",
        lambda w: [w.meeting.pk, w.material.pk],
        {},
        staff_only(302),
    ),
    "cohorts:rsvp": (
        "post",
        lambda w: [w.meeting.pk, w.organisation.pk],
        {"m{meeting}-answer": "yes"},
        only_owner(302),
    ),
    "cohorts:attendance": ("get", lambda w: [w.meeting.pk], None, staff_only(200)),
    "cohorts:attendance_report": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "cohorts:attendance_csv": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "cohorts:deadline_create": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    "cohorts:deadline_edit": ("get", lambda w: [w.deadline.pk], None, staff_only(200)),
    "cohorts:deadline_delete": ("post", lambda w: [w.deadline.pk], {}, staff_only(302)),
    "cohorts:reminder_settings": ("get", lambda w: [w.place.cycle_id], None, staff_only(200)),
    # Review and selection: the reviewer's pages.
    "applications:reviewer_dashboard": ("get", lambda w: [], None, reviewers(200)),
    "applications:review": ("get", lambda w: [w.assignment.pk], None, only_assigned_reviewer(200)),
    "applications:review_autosave": (
        "post",
        lambda w: [w.assignment.pk],
        {"overall_comment": "x"},
        only_assigned_reviewer(200),
    ),
    "applications:review_conflict": (
        "post",
        lambda w: [w.assignment.pk],
        {"has_conflict": "yes", "reason": "Valdes loceklis"},
        only_assigned_reviewer(302),
    ),
    "applications:review_reopen": (
        "post",
        lambda w: [w.assignment.pk],
        {},
        only_assigned_reviewer(302),
    ),
    "applications:review_others": (
        "post",
        lambda w: [w.assignment.pk],
        {},
        only_assigned_reviewer(302),
    ),
    "applications:review_attachment": (
        "get",
        lambda w: [w.assignment.pk, w.reviewed_attachment.pk],
        None,
        only_assigned_reviewer(200),
    ),
    # Review and selection: staff.
    "applications:eligibility": (
        "post",
        lambda w: [w.reviewed.pk],
        lambda w: {f"met_{w.cycle.eligibility_requirements.get().pk}": "yes"},
        staff_only(302),
    ),
    "applications:decide": (
        "post",
        lambda w: [w.reviewed.pk],
        {"decision": "admitted", "reason": "Labi"},
        staff_only(302),
    ),
    "applications:assign": (
        "post",
        lambda w: [w.reviewed.pk],
        lambda w: {"member": w.member.pk},
        staff_only(302),
    ),
    "applications:unassign": ("post", lambda w: [w.assignment.pk], {}, staff_only(302)),
    "applications:staff_reopen_review": ("post", lambda w: [w.assignment.pk], {}, staff_only(302)),
    "applications:review_home": ("get", lambda w: [], None, staff_only(302)),
    "applications:review_settings": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_criteria": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_requirements": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_committee": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_committee_resend": (
        "post",
        lambda w: [w.cycle.pk, w.member.pk],
        {},
        staff_only(302),
    ),
    "applications:review_committee_remove": (
        "post",
        lambda w: [w.cycle.pk, w.member.pk],
        {},
        staff_only(302),
    ),
    "applications:review_progress": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_auto_assign": (
        "post",
        lambda w: [w.cycle.pk],
        {"per_application": 2},
        staff_only(302),
    ),
    "applications:review_ranking": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_finalise": ("post", lambda w: [w.cycle.pk], {}, staff_only(302)),
    "applications:review_decide": ("post", lambda w: [w.cycle.pk], {}, staff_only(400)),
    "applications:review_ranking_csv": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_ranking_xlsx": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_protocol": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_conflicts": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_conflicts_csv": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_audit": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_decisions": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_letter_templates": ("get", lambda w: [w.cycle.pk], None, staff_only(200)),
    "applications:review_letters_preview": (
        "get",
        lambda w: [w.cycle.pk],
        {"unsent": "1"},
        staff_only(200),
    ),
    "applications:review_offer_places": (
        "post",
        lambda w: [w.offer_cycle.pk],
        None,
        staff_only(302),
    ),
    "applications:review_letters_send": (
        "post",
        lambda w: [w.cycle.pk],
        lambda w: {"applications": [w.reviewed.pk], "fingerprint": _previewed(w)},
        staff_only(302),
    ),
}


def _offer_is(w, status):
    return PlaceOffer.objects.filter(pk=w.offer.pk, status=status).exists()


def _another_place_and_waiting(w):
    """Staff freed a place: the offer cycle has two, and a second organisation waits."""
    from tests import factories

    Cycle.objects.filter(pk=w.offer_cycle.pk).update(places=2)
    waiting = factories.ApplicationFactory(cycle=w.offer_cycle, submitted=True)
    staff = w.users["staff"]
    application_services.decide(
        waiting, decision="waitlisted", by=staff, reason="Rezervē", without_review=True
    )
    application_services.publish_decision(waiting, by=staff)


def _to(name, *args):
    """Where a redirect leads: the URL ``name`` with arguments read from the world."""
    return lambda w, role: reverse(name, args=[arg(w) for arg in args])


def _staff_detail(w, role):
    return reverse("applications:staff_detail", args=[w.reviewed.pk])


def _organisation(w, role):
    return reverse("organisation_detail", args=[w.organisation.pk])


def _calendar(w, role):
    return reverse("profile") + "#calendar"


# Where each role lands after signing in (``incubator/landing.py``).
HOMES = {
    "staff": "applications:staff_list",
    "admin": "applications:staff_list",
    "mentor": "mentoring:dashboard",
    "reviewer": "applications:reviewer_dashboard",
    "assigned_reviewer": "applications:reviewer_dashboard",
    "recused_reviewer": "applications:reviewer_dashboard",
    "owner": "cohorts:my_programme",
    "other_participant": "cohorts:my_programme",
    # An invitation waits for the outsider: they land where they can accept it.
    "outsider": "invitations",
}

# name: Redirect(where the request leads, whether its change happened, what it needs)
REDIRECTS = {
    # Each role lands on its own home (incubator.landing).
    "dashboard": Redirect(to=lambda w, role: reverse(HOMES.get(role, "applications:dashboard"))),
    "favicon": Redirect(to=lambda w, role: static("favicon.svg")),
    "colleague_add": Redirect(
        to=_organisation,
        done=lambda w, role: Invitation.objects.filter(
            organisation=w.organisation, email="new@example.lv"
        ).exists(),
    ),
    "person_remove": Redirect(
        to=_organisation,
        done=lambda w, role: not Membership.objects.filter(pk=w.colleague.pk).exists(),
    ),
    "invitation_withdraw": Redirect(
        to=_organisation,
        done=lambda w, role: not Invitation.objects.filter(pk=w.invitation.pk).exists(),
    ),
    "organisation_leave": Redirect(
        to=lambda w, role: reverse("dashboard"),
        done=lambda w, role: (
            not Membership.objects.filter(
                organisation=w.organisation, user=w.users["owner"]
            ).exists()
        ),
        given=lambda w: Membership.objects.filter(pk=w.colleague.pk).update(
            role=Membership.Role.LEADER
        ),
    ),
    "invitation_accept": Redirect(
        to=_organisation,
        done=lambda w, role: Membership.objects.filter(
            organisation=w.organisation, user=w.users["outsider"]
        ).exists(),
    ),
    "invitation_decline": Redirect(
        to=lambda w, role: reverse("invitations"),
        done=lambda w, role: not Invitation.objects.filter(pk=w.outsider_invitation.pk).exists(),
    ),
    "applications:dashboard": Redirect(to=_to("applications:reviewer_dashboard")),
    "applications:review_others": Redirect(
        to=lambda w, role: (
            reverse("applications:review", args=[w.assignment.pk]) + "#other-reviews"
        ),
        done=lambda w, role: ReviewAssignment.objects.filter(
            pk=w.assignment.pk, others_seen_at__isnull=False
        ).exists(),
        given=_others_to_read,
    ),
    "applications:start": Redirect(
        to=lambda w, role: reverse(
            "applications:edit",
            args=[Application.objects.get(cycle=w.cycle, organisation=w.newcomer).pk],
        ),
        done=lambda w, role: Application.objects.filter(
            cycle=w.cycle, organisation=w.newcomer
        ).exists(),
    ),
    "applications:attachment_delete": Redirect(
        to=_to("applications:edit", lambda w: w.application.pk),
        done=lambda w, role: not Attachment.objects.filter(pk=w.attachment.pk).exists(),
    ),
    "calendar_link_reset": Redirect(
        to=_calendar,
        done=_new_calendar_address,
    ),
    "calendar_link_revoke": Redirect(
        given=_everyone_has_a_calendar,
        to=_calendar,
        done=_calendar_switched_off,
    ),
    "notifications:email_retry": Redirect(
        given=lambda w: Email.objects.filter(pk=w.email.pk).update(status="failed"),
        to=_to("notifications:email_detail", lambda w: w.email.pk),
        done=lambda w, role: Email.objects.filter(pk=w.email.pk, status="queued").exists(),
    ),
    "cohorts:membership_move": Redirect(
        to=_to("cohorts:cohort_detail", lambda w: w.other_cohort.pk),
        done=lambda w, role: CohortMembership.objects.filter(
            pk=w.place.pk, cohort=w.other_cohort
        ).exists(),
    ),
    "cohorts:membership_status": Redirect(
        to=_to("cohorts:cohort_detail", lambda w: w.place.cohort_id),
        done=lambda w, role: CohortMembership.objects.filter(
            pk=w.place.pk, status="completed"
        ).exists(),
    ),
    "cohorts:material_delete": Redirect(
        to=_to("cohorts:meeting_detail", lambda w: w.meeting.pk),
        done=lambda w, role: not MeetingMaterial.objects.filter(pk=w.material.pk).exists(),
    ),
    "cohorts:rsvp": Redirect(
        to=_to("cohorts:meeting_detail", lambda w: w.meeting.pk),
        done=lambda w, role: MeetingResponse.objects.filter(
            meeting=w.meeting, organisation=w.organisation, answer="yes"
        ).exists(),
    ),
    "cohorts:deadline_delete": Redirect(
        to=lambda w, role: f"{reverse('cohorts:cohort_list')}?cycle={w.place.cycle_id}#deadlines",
        done=lambda w, role: not Deadline.objects.filter(pk=w.deadline.pk).exists(),
    ),
    "applications:review_conflict": Redirect(
        to=_to("applications:reviewer_dashboard"),
        done=lambda w, role: _review_status(w, "recused"),
    ),
    "applications:review_reopen": Redirect(
        given=_submitted_review,
        to=_to("applications:review", lambda w: w.assignment.pk),
        done=lambda w, role: _review_status(w, "draft"),
    ),
    "applications:eligibility": Redirect(
        given=lambda w: w.cycle.eligibility_requirements.create(text_lv="Latvijā"),
        to=_staff_detail,
        done=lambda w, role: EligibilityCheck.objects.filter(
            application=w.reviewed, met=True
        ).exists(),
    ),
    "applications:decide": Redirect(
        given=_submitted_review,
        to=_staff_detail,
        done=lambda w, role: Application.objects.filter(
            pk=w.reviewed.pk, status="admitted"
        ).exists(),
    ),
    "applications:assign": Redirect(
        to=_staff_detail,
        done=lambda w, role: ReviewAssignment.objects.filter(
            application=w.reviewed, member=w.member
        ).exists(),
    ),
    "applications:unassign": Redirect(
        to=_staff_detail,
        done=lambda w, role: not ReviewAssignment.objects.filter(pk=w.assignment.pk).exists(),
    ),
    "applications:staff_reopen_review": Redirect(
        given=_submitted_review,
        to=_staff_detail,
        done=lambda w, role: _review_status(w, "draft"),
    ),
    # The evaluation being run: the newest cycle whose call has closed (the pilot).
    "applications:review_home": Redirect(
        to=_to("applications:review_progress", lambda w: w.place.cycle_id)
    ),
    "applications:review_committee_resend": Redirect(
        to=_to("applications:review_committee", lambda w: w.cycle.pk),
        done=lambda w, role: Email.objects.filter(recipient=w.users["reviewer"]).exists(),
    ),
    "applications:review_committee_remove": Redirect(
        to=_to("applications:review_committee", lambda w: w.cycle.pk),
        done=lambda w, role: not CommitteeMember.objects.filter(pk=w.member.pk).exists(),
    ),
    "applications:review_auto_assign": Redirect(
        to=_to("applications:review_progress", lambda w: w.cycle.pk),
        done=lambda w, role: ReviewAssignment.objects.filter(member=w.member).exists(),
    ),
    "applications:review_finalise": Redirect(
        given=_submitted_review,
        to=_to("applications:review_ranking", lambda w: w.cycle.pk),
        done=lambda w, role: ReviewSettings.objects.filter(
            cycle=w.cycle, finalised_at__isnull=False
        ).exists(),
    ),
    "applications:offer_accept": Redirect(
        to=_to("applications:offer", lambda w: w.offer.pk),
        done=lambda w, role: _offer_is(w, "accepted"),
    ),
    "applications:offer_decline": Redirect(
        to=_to("applications:offer", lambda w: w.offer.pk),
        done=lambda w, role: _offer_is(w, "declined"),
    ),
    "applications:review_offer_places": Redirect(
        given=_another_place_and_waiting,
        to=_to("applications:review_decisions", lambda w: w.offer_cycle.pk),
        done=lambda w, role: PlaceOffer.objects.filter(cycle=w.offer_cycle).count() == 2,
    ),
    "applications:review_letters_send": Redirect(
        given=_decided_and_finalised,
        to=_to("applications:review_decisions", lambda w: w.cycle.pk),
        done=lambda w, role: DecisionLetter.objects.filter(application=w.reviewed).exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(db, client, world, name, role):
    role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))


# --- every URL in a table ----------------------------------------------------------------


def _tables():
    """{module name: (CASES, REDIRECTS, ROLES)} of every tests/test_permissions*.py
    module (a module with a world of its own has its own ROLES)."""
    return {
        module.__name__: (module.CASES, getattr(module, "REDIRECTS", {}), module.ROLES)
        for module in role_matrix.table_modules()
    }


def test_every_url_is_in_a_table():
    tables = _tables()
    assert __name__ in tables
    rows = Counter(name for cases, _redirects, _roles in tables.values() for name in cases)
    assert sorted(name for name, times in rows.items() if times > 1) == [], "in two tables"
    urls = role_matrix.url_names()
    assert sorted(urls - set(rows)) == [], "URLs without a row"
    assert sorted(set(rows) - urls) == [], "rows without a URL"


def test_a_url_added_without_a_row_is_found():
    from django.urls import get_resolver

    patterns = [*get_resolver().url_patterns, path("new/", kernel_views.home, name="new_page")]
    assert role_matrix.url_names(patterns) - role_matrix.url_names() == {"new_page"}


def test_every_row_states_every_role_and_where_its_redirects_lead():
    for module, (cases, redirects, roles) in _tables().items():
        for name, (method, _args, _data, expected) in cases.items():
            assert sorted(expected) == sorted(roles), f"{module}: {name}"
            sends_on = 302 in expected.values()
            assert (name in redirects) == sends_on, f"{module}: {name} and REDIRECTS"
            if sends_on and method == "post":
                assert redirects[name].done is not None, f"{module}: what {name} changes"
        assert set(redirects) <= set(cases), module


# The recused reviewer on their own review of the world's application: they see
# that they are recused, and can neither score, reopen nor download anything.
RECUSAL_CASES = {
    "applications:review": ("get", None, 200),
    "applications:review_autosave": ("post", {"overall_comment": "x"}, 409),
    "applications:review_conflict": ("post", {"has_conflict": "no"}, 302),
    "applications:review_reopen": ("post", {}, 302),
    "applications:review_others": ("post", {}, 302),
}


@pytest.mark.parametrize("name", sorted(RECUSAL_CASES))
def test_a_recused_reviewer_on_their_own_review(db, client, world, name):
    method, data, expected = RECUSAL_CASES[name]
    client.force_login(world.users["recused_reviewer"])
    response = getattr(client, method)(reverse(name, args=[world.recusal.pk]), data or {})
    assert response.status_code == expected
    recusal = ReviewAssignment.objects.get(pk=world.recusal.pk)
    assert recusal.status == "recused" and not recusal.scores.exists()
    download = reverse(
        "applications:review_attachment", args=[world.recusal.pk, world.reviewed_attachment.pk]
    )
    assert client.get(download).status_code == 404
