"""Every URL of the portal over the role matrix, in one table (after pretix's
test_permissions.py). A URL missing from the table fails
``test_every_url_is_in_the_table``.

Expected values: an HTTP status code, or LOGIN for a redirect to the sign-in page.
"""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications import services as application_services
from cohorts import services as cohort_services
from incubator import services as kernel_services
from incubator.models import Invitation, Membership
from incubator.notifications import services as notification_services

from . import factories

LOGIN = "login"
ROLES = [
    "anonymous",
    "owner",
    "other_applicant",
    "other_participant",
    "outsider",
    "reviewer",
    "assigned_reviewer",
    "recused_reviewer",
    "mentor",
    "staff",
    "admin",
]
OUR_PACKAGES = ("incubator", "applications", "cohorts", "mentoring", "funding")


@dataclass
class World:
    """One organisation's application (the object under test) and a user per role."""

    users: dict
    cycle: object
    organisation: object
    application: object
    attachment: object
    colleague: object
    invitation: object
    # Review: another organisation's submitted application, assigned to the
    # "assigned_reviewer" (who declared no conflict) and to the "recused_reviewer"
    # (who declared a conflict); "reviewer" sits on the same committee without
    # being assigned.
    reviewed: object = None
    assignment: object = None
    recusal: object = None
    member: object = None
    reviewed_attachment: object = None
    # The owner's organisation also takes part in a running cycle, in its own cohort.
    place: object = None
    other_cohort: object = None
    meeting: object = None
    material: object = None
    deadline: object = None
    email: object = None


def _programme(world, staff):
    """Admits the owner's organisation to a running cycle (cohort A) and the other
    participant's to another cohort (B); a cohort A meeting with a file, a deadline."""
    import datetime

    from django.utils import timezone

    pilot = factories.RunningCycleFactory()
    world.place = factories.admit(world.organisation, pilot, staff)
    youth = factories.PriorityFieldFactory(code="youth", name_lv="Jaunatne", name_en="Youth")
    other = factories.admit(
        factories.OrganisationFactory(
            leader=world.users["other_participant"], priority_field=youth
        ),
        pilot,
        staff,
    )
    world.other_cohort = other.cohort
    starts = timezone.now() + datetime.timedelta(days=10)
    world.meeting = cohort_services.schedule_meeting(
        cycle=pilot,
        by=staff,
        cohort=world.place.cohort,
        title="Kohortas tikšanās",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="Lielā iela 3",
        online_url="",
        agenda="",
    )
    world.material = cohort_services.add_material(
        world.meeting, SimpleUploadedFile("plans.pdf", b"%PDF-1.4 plan"), by=staff
    )
    world.deadline = cohort_services.create_deadline(
        cycle=pilot,
        by=staff,
        cohort=None,
        title="Plāns",
        description="",
        due_at=starts,
        audience="participants",
    )
    world.email = notification_services.queue_rendered(
        key="test:permissions",
        recipient=world.users["owner"],
        to="owner@example.lv",
        subject="Sveiki",
        text="Teksts",
    )
    kernel_services.reset_calendar_token(world.users["owner"])


@pytest.fixture
def world(db):
    owner = factories.UserFactory(email="owner@example.lv")
    organisation = factories.OrganisationFactory(leader=owner)
    colleague = Membership.objects.create(
        organisation=organisation, user=factories.UserFactory(email="colleague@example.lv")
    )
    invitation = Invitation.objects.create(
        organisation=organisation, email="invited@example.lv", invited_by=owner
    )
    cycle = factories.CycleFactory()
    application = factories.ApplicationFactory(cycle=cycle, organisation=organisation)
    attachment = application_services.add_attachment(
        application, SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), by=owner
    )
    other = factories.UserFactory(email="other@example.lv")
    reviewed = factories.ApplicationFactory(
        cycle=cycle, organisation=factories.OrganisationFactory(leader=other), complete=True
    )
    reviewed_attachment = application_services.add_attachment(
        reviewed, SimpleUploadedFile("b.pdf", b"%PDF-1.4 test"), by=other
    )
    application_services.submit(reviewed, by=other)
    users = {
        "anonymous": None,
        "owner": owner,
        "other_applicant": other,
        # Takes part in the same running cycle as the owner, in another cohort.
        "other_participant": factories.UserFactory(email="participant@example.lv"),
        "outsider": factories.UserFactory(email="outsider@example.lv"),
        # A reviewer and a mentor who are not assigned to the world's organisation.
        "reviewer": factories.UserFactory(email="reviewer@example.lv"),
        "mentor": factories.MentorProfileFactory(
            user=factories.UserFactory(email="mentor@example.lv")
        ).user,
        "staff": factories.StaffFactory(email="staff@example.lv"),
        "admin": factories.AdminFactory(email="admin@example.lv"),
        "assigned_reviewer": factories.UserFactory(email="assigned-reviewer@example.lv"),
        "recused_reviewer": factories.UserFactory(email="recused-reviewer@example.lv"),
    }
    factories.CriterionFactory(cycle=cycle)
    member = factories.CommitteeMemberFactory(cycle=cycle, user=users["reviewer"])
    assigned = factories.CommitteeMemberFactory(cycle=cycle, user=users["assigned_reviewer"])
    assignment = application_services.assign(reviewed, assigned, by=users["staff"])
    application_services.declare_conflict(
        assignment, by=users["assigned_reviewer"], has_conflict=False
    )
    recused = factories.CommitteeMemberFactory(cycle=cycle, user=users["recused_reviewer"])
    recusal = application_services.assign(reviewed, recused, by=users["staff"])
    application_services.declare_conflict(
        recusal, by=users["recused_reviewer"], has_conflict=True, reason="Valdes loceklis"
    )
    world = World(
        users,
        cycle,
        organisation,
        application,
        attachment,
        colleague,
        invitation,
        reviewed=reviewed,
        assignment=assignment,
        member=member,
        reviewed_attachment=reviewed_attachment,
        recusal=recusal,
    )
    _programme(world, users["staff"])
    return world


def everyone(code, anonymous=LOGIN):
    return {"anonymous": anonymous, **{role: code for role in ROLES[1:]}}


def only_owner(code):
    """The organisation's own pages: another person's object is a 404, even for staff."""
    return {**everyone(404), "owner": code}


def owner_and_staff(code):
    return {**only_owner(code), "staff": code, "admin": code}


def staff_only(code):
    return {**everyone(403), "staff": code, "admin": code}


def reviewers(code):
    """Pages of committee members; others are refused (403)."""
    return {**everyone(403), "reviewer": code, "assigned_reviewer": code, "recused_reviewer": code}


def only_assigned_reviewer(code):
    """A review: its reviewer only. Another committee member gets a 404, as the
    application is not assigned to them."""
    return {**reviewers(404), "assigned_reviewer": code}


# name: (method, args from the world, POST data, expected per role)
CASES = {
    "home": ("get", lambda w: [], None, everyone(200, anonymous=200)),
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
    # A committee member without an organisation lands on their reviews.
    "applications:dashboard": (
        "get",
        lambda w: [],
        None,
        {**everyone(200), "reviewer": 302, "assigned_reviewer": 302, "recused_reviewer": 302},
    ),
    "applications:start": ("post", lambda w: [w.cycle.pk, w.organisation.pk], {}, only_owner(302)),
    "applications:edit": ("get", lambda w: [w.application.pk], None, only_owner(200)),
    "applications:autosave": (
        "post",
        lambda w: [w.application.pk],
        {"motivation": "x"},
        only_owner(200),
    ),
    "applications:withdraw": ("get", lambda w: [w.application.pk], None, only_owner(200)),
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
        {"has_conflict": "no"},
        only_assigned_reviewer(302),
    ),
    "applications:review_reopen": (
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
    "applications:eligibility": ("post", lambda w: [w.reviewed.pk], {}, staff_only(302)),
    "applications:decide": (
        "post",
        lambda w: [w.reviewed.pk],
        {"decision": "admitted", "reason": "Labi"},
        staff_only(302),
    ),
    "applications:assign": ("post", lambda w: [w.reviewed.pk], {}, staff_only(302)),
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
        {"per_application": 1},
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
    "applications:review_letters_send": ("post", lambda w: [w.cycle.pk], {}, staff_only(302)),
}


def _fill(data, world):
    """POST data whose field names carry an object's id (form prefixes)."""
    if not data:
        return {}
    names = {"pk": world.place.pk, "meeting": world.meeting.pk}
    values = {"other_cohort": world.other_cohort.pk}
    return {key.format(**names): values.get(value, value) for key, value in data.items()}


def _our_url_names(patterns=None, namespace=None):
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            names |= _our_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "")
            if module.split(".")[0] in OUR_PACKAGES:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_every_url_is_in_the_table():
    from .test_permissions_funding import CASES as FUNDING_CASES

    assert _our_url_names() == set(CASES) | set(FUNDING_CASES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(client, world, name, role):
    method, args, data, expected = CASES[name]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args(world))
    response = getattr(client, method)(url, _fill(data, world))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == want, f"{role} on {name}"


# The recused reviewer on their own review of the world's application: they see
# that they are recused, and can neither score, reopen nor download anything.
RECUSAL_CASES = {
    "applications:review": ("get", None, 200),
    "applications:review_autosave": ("post", {"overall_comment": "x"}, 409),
    "applications:review_conflict": ("post", {"has_conflict": "no"}, 302),
    "applications:review_reopen": ("post", {}, 302),
}


@pytest.mark.parametrize("name", sorted(RECUSAL_CASES))
def test_a_recused_reviewer_on_their_own_review(client, world, name):
    method, data, expected = RECUSAL_CASES[name]
    client.force_login(world.users["recused_reviewer"])
    response = getattr(client, method)(reverse(name, args=[world.recusal.pk]), data or {})
    assert response.status_code == expected
    world.recusal.refresh_from_db()
    assert world.recusal.status == "recused" and not world.recusal.scores.exists()
    download = reverse(
        "applications:review_attachment", args=[world.recusal.pk, world.reviewed_attachment.pk]
    )
    assert client.get(download).status_code == 404
