"""Joining an organisation takes the person's consent: the leader's invitation, the
same answer whether or not the address has an account, accepting (after signing up
if needed), declining, leaving, removing, the history of it all, the daily limit of
invitations, and a reviewer invited into an organisation they review."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as application_services
from applications.models import ReviewAssignment
from incubator import quota, services
from incubator.models import Invitation, Membership, SentInvitation, User

from . import factories


def invite(client, organisation, email):
    return client.post(reverse("colleague_add", args=[organisation.pk]), {"email": email})


def page_of(client, organisation, *emails):
    """The organisation's page with the given addresses blanked out."""
    page = client.get(reverse("organisation_detail", args=[organisation.pk])).content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r"/invitations/\d+/", "/invitations/N/", page)
    for email in emails:
        page = page.replace(email, "EMAIL")
    return page


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, organisation, applicant, outbox_emails
):
    factories.UserFactory(email="ilze@biedriba.lv", first_name="Ilze", last_name="Bērziņa")
    factories.UserFactory(email="aivars@biedriba.lv", first_name="Aivars", last_name="Ozols")
    client.force_login(applicant)
    before = page_of(client, organisation)
    answers = []
    for email in ["ilze@biedriba.lv", "jauns@biedriba.lv", "aivars@biedriba.lv"]:
        response = invite(client, organisation, email)
        assert response.status_code == 302
        answers.append(message_texts(response)[-1].replace(email, "EMAIL"))
    assert answers[0] == answers[1] == answers[2]
    # Nobody joined: three invitations wait, each emailed.
    assert list(organisation.people.all()) == [applicant]
    assert Invitation.objects.filter(organisation=organisation).count() == 3
    for email in ["ilze@biedriba.lv", "jauns@biedriba.lv", "aivars@biedriba.lv"]:
        (sent,) = outbox_emails(to=email)
        assert reverse("invitations") in sent.text_body
    page = page_of(client, organisation)
    assert page != before
    assert "Bērziņa" not in page and "Ilze" not in page and "Ozols" not in page
    # Each invitation's line is the same: the address, nothing else.
    lines = re.findall(r"<li class=\"list-group-item[^>]*>.*?</li>", page, flags=re.S)
    invited = [line for line in lines if "@biedriba.lv" in line and "vaditaja" not in line]
    assert len(invited) == 3
    blanked = {
        line.replace(email, "EMAIL")
        for line, email in zip(
            invited,
            sorted(["ilze@biedriba.lv", "jauns@biedriba.lv", "aivars@biedriba.lv"]),
            strict=True,
        )
    }
    assert len(blanked) == 1


def test_an_invited_person_sees_nothing_until_they_accept(client, organisation, application):
    person = factories.UserFactory(email="kolege@biedriba.lv")
    leader = organisation.memberships.get().user
    services.invite_colleague(organisation=organisation, email="KOLEGE@biedriba.lv", by=leader)
    client.force_login(person)
    for name, args in [
        ("organisation_detail", [organisation.pk]),
        ("organisation_edit", [organisation.pk]),
        ("applications:edit", [application.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    # Signing in, they land on the invitation, which names the organisation.
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("invitations")
    page = client.get(reverse("invitations")).content.decode()
    assert organisation.name in page
    invitation = Invitation.objects.get()
    response = client.post(reverse("invitation_accept", args=[invitation.pk]))
    assert response.url == reverse("organisation_detail", args=[organisation.pk])
    membership = Membership.objects.get(organisation=organisation, user=person)
    assert membership.role == Membership.Role.MEMBER
    assert not Invitation.objects.exists()
    assert client.get(reverse("applications:edit", args=[application.pk])).status_code == 200
    # The history says who joined and who invited them.
    assert membership.history.get().history_user == person
    assert [h.history_type for h in Invitation.history.order_by("history_date")] == ["+", "-"]
    assert Invitation.history.earliest("history_date").history_user == leader


def test_someone_else_cannot_accept_or_decline_an_invitation(client, organisation, applicant):
    services.invite_colleague(organisation=organisation, email="kolege@biedriba.lv", by=applicant)
    invitation = Invitation.objects.get()
    other = factories.UserFactory(email="cits@biedriba.lv")
    client.force_login(other)
    for name in ["invitation_accept", "invitation_decline"]:
        assert client.post(reverse(name, args=[invitation.pk])).status_code == 404
    assert not Membership.objects.filter(user=other).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    with pytest.raises(ValueError):
        services.accept_invitation(invitation, user=other)


def test_a_person_without_an_account_signs_up_and_then_accepts(
    organisation, applicant, outbox_emails, client, django_capture_on_commit_callbacks
):
    services.invite_colleague(organisation=organisation, email="jauns@biedriba.lv", by=applicant)
    assert outbox_emails(to="jauns@biedriba.lv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Jānis",
                "last_name": "Jauns",
                "email": "jauns@biedriba.lv",
                "password1": "Ļoti-drošs-2027",
                "password2": "Ļoti-drošs-2027",
                "privacy_notice": "on",
            },
        )
    assert response.status_code == 302
    record = outbox_emails(to="jauns@biedriba.lv", key__startswith="account:")[0]
    assert record.sensitive and record.status == "sent"
    assert record.text_body == ""  # the link is erased from the outbox once delivered
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    response = client.post(path.group(1))
    assert response.url == reverse("dashboard")  # signed in straight away
    # Confirming the address does not make them a member: the invitation waits.
    assert not organisation.people.filter(email="jauns@biedriba.lv").exists()
    assert client.get(reverse("dashboard")).url == reverse("invitations")
    invitation = Invitation.objects.get()
    client.post(reverse("invitation_accept", args=[invitation.pk]))
    assert organisation.people.filter(email="jauns@biedriba.lv").exists()
    assert User.objects.get(email="jauns@biedriba.lv").first_name == "Jānis"


def test_declining_and_withdrawing_leave_nobody_behind(client, organisation, applicant):
    people = [factories.UserFactory(email=f"k{n}@biedriba.lv") for n in range(3)]
    for person in people:
        services.invite_colleague(organisation=organisation, email=person.email, by=applicant)
    client.force_login(people[0])
    invitation = Invitation.objects.get(email=people[0].email)
    response = client.post(reverse("invitation_decline", args=[invitation.pk]))
    assert response.url == reverse("invitations")
    client.force_login(applicant)
    withdrawn = Invitation.objects.get(email=people[1].email)
    client.post(reverse("invitation_withdraw", args=[organisation.pk, withdrawn.pk]))
    assert list(Invitation.objects.values_list("email", flat=True)) == [people[2].email]
    assert list(organisation.people.all()) == [applicant]
    # The withdrawn one is refused afterwards; it was recorded who withdrew it.
    client.force_login(people[1])
    assert client.post(reverse("invitation_accept", args=[withdrawn.pk])).status_code == 404
    gone = Invitation.history.filter(id=withdrawn.pk, history_type="-").get()
    assert gone.history_user == applicant


def test_a_member_leaves_and_the_only_leader_cannot(client, organisation, applicant):
    members = [factories.UserFactory() for _ in range(3)]
    for person in members:
        Membership.objects.create(organisation=organisation, user=person)
    client.force_login(members[0])
    response = client.post(reverse("organisation_leave", args=[organisation.pk]))
    assert response.url == reverse("dashboard")
    assert not organisation.people.filter(pk=members[0].pk).exists()
    assert client.get(reverse("organisation_detail", args=[organisation.pk])).status_code == 404
    # The only leader stays, with a message saying why.
    client.force_login(applicant)
    response = client.post(reverse("organisation_leave", args=[organisation.pk]), follow=True)
    assert organisation.people.filter(pk=applicant.pk).exists()
    assert response.status_code == 200 and message_texts(response)
    # With a second leader, the first may go.
    Membership.objects.filter(user=members[1]).update(role=Membership.Role.LEADER)
    client.post(reverse("organisation_leave", args=[organisation.pk]))
    assert not organisation.people.filter(pk=applicant.pk).exists()
    # The leader removes a member; the history shows who left and who removed whom.
    client.force_login(members[1])
    removed = Membership.objects.get(user=members[2])
    client.post(reverse("person_remove", args=[organisation.pk, removed.pk]))
    assert list(organisation.people.all()) == [members[1]]
    deletions = Membership.history.filter(history_type="-").order_by("history_date")
    assert [(h.user_id, h.history_user_id) for h in deletions] == [
        (members[0].pk, members[0].pk),
        (applicant.pk, applicant.pk),
        (members[2].pk, members[1].pk),
    ]


def test_the_last_leader_cannot_leave_through_the_service(organisation, applicant):
    with pytest.raises(ValidationError):
        services.leave_organisation(organisation.memberships.get(), user=applicant)


# --- a reviewer invited into an organisation they review --------------------------------


def test_a_reviewer_invited_into_an_organisation_they_review(
    client, cycle, staff, django_capture_on_commit_callbacks
):
    criterion = factories.CriterionFactory(cycle=cycle, scale_max=5)
    leader = factories.UserFactory(email="vaditajs@biedriba.lv")
    organisation = factories.OrganisationFactory(leader=leader)
    applications = [
        factories.ApplicationFactory(cycle=cycle, submitted=True, organisation=organisation),
        factories.ApplicationFactory(cycle=cycle, submitted=True),
    ]
    reviewer = factories.CommitteeMemberFactory(cycle=cycle)
    other_reviewer = factories.CommitteeMemberFactory(cycle=cycle)
    own, elsewhere = (application_services.assign(a, reviewer, by=staff) for a in applications)
    application_services.declare_conflict(own, by=reviewer.user, has_conflict=False)
    application_services.save_review(
        own, by=reviewer.user, scores={criterion.pk: (4, "Labi")}, submit=False
    )
    services.invite_colleague(organisation=organisation, email=reviewer.user.email, by=leader)

    # Before accepting: not a member, sees nothing of the organisation, still reviews.
    client.force_login(reviewer.user)
    assert client.get(reverse("organisation_detail", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("applications:edit", args=[applications[0].pk])).status_code == 404
    assert client.get(reverse("applications:review", args=[own.pk])).status_code == 200
    assert ReviewAssignment.objects.get(pk=own.pk).status == ReviewAssignment.Status.DRAFT
    # Staff can still assign them elsewhere (and the other reviewer here).
    third = factories.ApplicationFactory(cycle=cycle, submitted=True)
    application_services.assign(third, reviewer, by=staff)
    application_services.assign(applications[0], other_reviewer, by=staff)

    # Accepting makes them a member: their review of it becomes a recusal, the scores
    # go, their other reviews stay, and they are never assigned to it again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_accept", args=[Invitation.objects.get().pk]))
    own.refresh_from_db()
    assert own.status == ReviewAssignment.Status.RECUSED and own.has_conflict
    assert not own.scores.exists()
    elsewhere.refresh_from_db()
    assert elsewhere.status != ReviewAssignment.Status.RECUSED
    assert client.get(reverse("applications:review", args=[elsewhere.pk])).status_code == 200
    assert client.get(reverse("organisation_detail", args=[organisation.pk])).status_code == 200
    later = factories.ApplicationFactory(
        cycle=factories.CycleFactory(), submitted=True, organisation=organisation
    )
    with pytest.raises(ValidationError):
        application_services.assign(
            later, factories.CommitteeMemberFactory(cycle=later.cycle, user=reviewer.user), by=staff
        )
    created, _short = application_services.auto_assign(cycle, by=staff, per_application=2)
    assert not any(
        a.member_id == reviewer.pk and a.application_id == applications[0].pk for a in created
    )


# --- the daily limit of invitations -----------------------------------------------------


def test_organisation_invitations_stop_at_the_daily_limit(
    client, organisation, applicant, settings
):
    settings.INVITATIONS_PER_DAY = 3
    client.force_login(applicant)
    for n in range(3):
        assert invite(client, organisation, f"k{n}@biedriba.lv").status_code == 302
    response = invite(client, organisation, "k3@biedriba.lv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "24 stundu laikā" in page and 'value="k3@biedriba.lv"' in page
    assert Invitation.objects.count() == 3
    assert quota.sent_today(applicant) == 3
    # Another leader is not held back by this one's invitations.
    other = factories.UserFactory()
    services.invite_colleague(
        organisation=factories.OrganisationFactory(leader=other), email="k9@biedriba.lv", by=other
    )


def test_the_limit_counts_invitations_of_the_last_day_only(organisation, applicant, settings):
    import datetime

    from django.utils import timezone

    settings.INVITATIONS_PER_DAY = 2
    for _ in range(2):
        quota.spend(applicant, "organisation", now=timezone.now() - datetime.timedelta(hours=25))
    services.invite_colleague(organisation=organisation, email="a@biedriba.lv", by=applicant)
    services.invite_colleague(organisation=organisation, email="b@biedriba.lv", by=applicant)
    with pytest.raises(ValidationError) as refused:
        services.invite_colleague(organisation=organisation, email="c@biedriba.lv", by=applicant)
    assert refused.value.code == "rate_limited"


def test_committee_and_mentor_invitations_share_the_limit(client, cycle, staff, settings):
    settings.INVITATIONS_PER_DAY = 3
    client.force_login(staff)
    committee = reverse("applications:review_committee", args=[cycle.pk])
    for n in range(2):
        response = client.post(committee, {"email": f"r{n}@example.lv", "language": "lv"})
        assert response.status_code == 302
    response = client.post(
        reverse("mentoring:mentors"), {"email": "m0@example.lv", "kind": "mentor", "language": "lv"}
    )
    assert response.status_code == 302
    response = client.post(committee, {"email": "r9@example.lv", "language": "lv"})
    assert response.status_code == 400 and "24 stundu laikā" in response.content.decode()
    response = client.post(
        reverse("mentoring:mentors"), {"email": "m9@example.lv", "kind": "expert", "language": "lv"}
    )
    assert response.status_code == 400 and "24 stundu laikā" in response.content.decode()
    # Sending one again is refused with the same message, not a 500.
    member = cycle.committee.first()
    response = client.post(
        reverse("applications:review_committee_resend", args=[cycle.pk, member.pk]), follow=True
    )
    assert response.status_code == 200 and "24 stundu laikā" in response.content.decode()
    assert not User.objects.filter(email__in=["r9@example.lv", "m9@example.lv"]).exists()
    assert sorted(SentInvitation.objects.values_list("kind", flat=True)) == [
        "committee",
        "committee",
        "mentoring",
    ]


# --- the lists stay at a fixed number of queries ----------------------------------------


def test_the_invitations_and_people_pages_do_not_query_per_row(
    client, count_queries, django_assert_max_num_queries
):
    person = factories.UserFactory(email="daudzi@biedriba.lv")
    leader = factories.UserFactory()
    organisation = factories.OrganisationFactory(leader=leader)
    client.force_login(person)

    def grow(count):
        for _ in range(count):
            inviting = factories.OrganisationFactory(leader=factories.UserFactory())
            inviter = inviting.memberships.get().user
            services.invite_colleague(organisation=inviting, email=person.email, by=inviter)
            services.invite_colleague(
                organisation=organisation, email=factories.UserFactory().email, by=leader
            )
            Membership.objects.create(organisation=organisation, user=factories.UserFactory())

    def pages():
        client.get(reverse("invitations"))
        client.force_login(leader)
        client.get(reverse("organisation_detail", args=[organisation.pk]))
        client.force_login(person)

    grow(1)
    small = count_queries(pages)
    grow(6)
    with django_assert_max_num_queries(small):
        pages()
    assert Invitation.objects.filter(email=person.email).count() == 7


def test_the_admins_resend_action_stops_at_the_limit_with_a_message(client, cycle, settings):
    settings.INVITATIONS_PER_DAY = 2
    admin = factories.AdminFactory()
    members = [factories.CommitteeMemberFactory(cycle=cycle) for _ in range(3)]
    client.force_login(admin)
    response = client.post(
        reverse("admin:applications_committeemember_changelist"),
        {"action": "resend", "_selected_action": [m.pk for m in members]},
        follow=True,
    )
    assert response.status_code == 200
    assert "24 stundu laikā" in response.content.decode()
    assert quota.sent_today(admin) == 2
