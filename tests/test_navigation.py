"""Navigation that knows who you are: after signing in each role lands on its own
home (incubator.landing), and the menu shows what that person can use, one group per
role (incubator.sections)."""

import re

import pytest
from django.urls import reverse

from tests import factories


def sign_in(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    if response.url == reverse("mfa_authenticate"):  # staff: the code of their app too
        response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
        assert response.status_code == 302
    return client.get(response.url)  # the dashboard, which sends each role on


def _nav(client, url=None):
    """The main menu of a page: {group: [hrefs]}; "" is the plain entries."""
    html = client.get(url or reverse("profile")).content.decode()
    nav = html[html.index("navbar-nav main-menu me-auto") : html.index('name="language"')]
    assert "incubator.sections" not in nav  # no comment leaks into the menu's list
    groups = {"": []}
    current = ""
    entry = r'data-role="([\w-]+)"|class="(?:nav-link|dropdown-item)" href="([^"#]+)"'
    for match in re.finditer(entry, nav):
        if match.group(1):
            current = match.group(1)
            groups[current] = []
        elif current and "dropdown-item" in match.group(0):
            groups[current].append(match.group(2))
        else:
            groups[""].append(match.group(2))
    return groups


@pytest.fixture
def reviewer(db):
    return factories.CommitteeMemberFactory(
        user=factories.UserFactory(email="vertetaja@komisija.lv")
    ).user


@pytest.fixture
def mentor_user(expertise_tags):
    return factories.MentorProfileFactory(
        user=factories.UserFactory(email="mentore@partneri.lv")
    ).user


@pytest.fixture
def participant(db):
    staff = factories.StaffFactory(email="darbiniece@inkubators.lv")
    leader = factories.UserFactory(email="vaditaja@biedriba.lv")
    organisation = factories.OrganisationFactory(leader=leader)
    factories.admit(organisation, factories.RunningCycleFactory(), staff)
    return leader


def test_a_newcomer_lands_on_their_applications(client, db):
    newcomer = factories.UserFactory(email="jauna@biedriba.lv")
    response = sign_in(client, newcomer)
    assert response.url == reverse("applications:dashboard")


def test_an_applicant_with_an_organisation_lands_on_their_applications(client, db):
    leader = factories.UserFactory(email="vaditaja@biedriba.lv")
    factories.OrganisationFactory(leader=leader)
    assert sign_in(client, leader).url == reverse("applications:dashboard")


def test_staff_land_on_the_applications(client, db):
    staff = factories.StaffFactory(email="darbiniece@inkubators.lv")
    assert sign_in(client, staff).url == reverse("applications:staff_list")


def test_a_reviewer_lands_on_their_reviews(client, reviewer):
    assert sign_in(client, reviewer).url == reverse("applications:reviewer_dashboard")


def test_a_mentor_lands_on_their_mentoring(client, mentor_user):
    assert sign_in(client, mentor_user).url == reverse("mentoring:dashboard")


def test_a_participant_lands_on_their_programme(client, participant):
    assert sign_in(client, participant).url == reverse("cohorts:my_programme")


def test_a_reviewer_sees_only_their_reviews(client, reviewer):
    client.force_login(reviewer)
    nav = _nav(client)
    assert reverse("applications:reviewer_dashboard") in nav[""]
    everything = [href for hrefs in nav.values() for href in hrefs]
    assert reverse("applications:dashboard") not in everything
    assert reverse("cohorts:my_programme") not in everything
    assert reverse("applications:staff_list") not in everything
    assert list(nav) == [""]  # one role: no groups


def test_a_mentor_sees_only_their_mentoring(client, mentor_user):
    client.force_login(mentor_user)
    nav = _nav(client)
    assert nav[""][:3] == [
        reverse("mentoring:dashboard"),
        reverse("mentoring:availability"),
        reverse("mentoring:profile"),
    ]
    everything = [href for hrefs in nav.values() for href in hrefs]
    assert reverse("applications:dashboard") not in everything
    assert reverse("cohorts:my_programme") not in everything
    assert reverse("applications:reviewer_dashboard") not in everything


def test_an_applicant_sees_their_applications_and_programme(client, participant):
    client.force_login(participant)
    nav = _nav(client)
    assert nav[""][:2] == [reverse("applications:dashboard"), reverse("cohorts:my_programme")]
    assert reverse("funding:catalogue") in nav[""]
    assert list(nav) == [""]


def test_a_newcomer_sees_where_to_start(client, db):
    client.force_login(factories.UserFactory(email="jauna@biedriba.lv"))
    assert _nav(client)[""][:1] == [reverse("applications:dashboard")]


def test_staff_see_the_staff_pages_and_no_applicant_pages(client, db):
    client.force_login(factories.StaffFactory(email="darbiniece@inkubators.lv"))
    nav = _nav(client)
    assert nav[""] == [
        reverse("applications:staff_list"),
        reverse("applications:review_home"),
        reverse("cohorts:cohort_list"),
        reverse("mentoring:overview"),
        reverse("funding:staff_home"),
        reverse("analysis:overview"),
        reverse("notifications:outbox"),
        reverse("privacy:erasure_list"),
        reverse("admin:index"),
    ]
    assert list(nav) == [""]


def test_a_mentor_who_leads_an_organisation_gets_both_roles_grouped(client, mentor_user):
    factories.OrganisationFactory(leader=mentor_user)
    client.force_login(mentor_user)
    nav = _nav(client)
    assert reverse("mentoring:dashboard") in nav[""]  # the role they land in: plain
    assert nav["applicant"] == [
        reverse("applications:dashboard"),
        reverse("cohorts:my_programme"),
    ]
    html = client.get(reverse("profile")).content.decode()
    assert ">Mana organizācija<" in html  # the group is named after the role
    assert sign_in(client, mentor_user).url == reverse("mentoring:dashboard")


def test_a_mentor_who_leads_an_organisation_sees_analysis_once(client, mentor_user):
    factories.OrganisationFactory(leader=mentor_user)
    client.force_login(mentor_user)
    everything = [href for hrefs in _nav(client).values() for href in hrefs]
    assert everything.count(reverse("analysis:home")) == 1
    assert reverse("analysis:home") in _nav(client)[""]  # in the role they land in
    html = client.get(reverse("profile")).content.decode()
    nav = html[html.index("navbar-nav main-menu me-auto") : html.index('name="language"')]
    assert nav.count(">Analīze<") == 1


def test_staff_on_the_committee_get_their_reviews_grouped(client, db):
    staff = factories.StaffFactory(email="darbiniece@inkubators.lv")
    factories.CommitteeMemberFactory(user=staff)
    client.force_login(staff)
    nav = _nav(client)
    assert reverse("applications:staff_list") in nav[""]
    assert nav["reviewer"] == [reverse("applications:reviewer_dashboard")]
    assert ">Vērtēšanas komisija<" in client.get(reverse("profile")).content.decode()


def test_an_expert_sees_their_role_named(client, expertise_tags):
    expert = factories.MentorProfileFactory(
        user=factories.UserFactory(email="eksperts@partneri.lv"), kind="expert"
    ).user
    factories.CommitteeMemberFactory(user=expert)
    client.force_login(expert)
    html = client.get(reverse("profile")).content.decode()
    assert "Mans eksperta profils" in html
    assert _nav(client)["reviewer"] == [reverse("applications:reviewer_dashboard")]


def test_anonymous_visitors_see_the_public_entries_only(client, db):
    nav = _nav(client, reverse("home"))
    assert nav == {"": [reverse("funding:catalogue"), reverse("analysis:public")]}


def test_every_role_given_as_rows_answers_as_its_predicate(db, reviewer, mentor_user, participant):
    """The menu asks the rows of every role at once (incubator.sections): each must
    answer as the role's predicate does, for every kind of person."""
    from incubator import sections

    staff = factories.StaffFactory()
    factories.CommitteeMemberFactory(user=staff)
    inactive = factories.UserFactory(is_active=False)
    factories.CommitteeMemberFactory(user=inactive)
    factories.OrganisationFactory(leader=mentor_user)
    people = [reviewer, mentor_user, participant, staff, inactive, factories.UserFactory()]
    groups = [g for g in sections._groups.values() if g.rows is not None]
    assert {g.name for g in groups} >= {"reviewer", "mentor", "applicant"}
    for person in people:
        for group in groups:
            rows = group.rows(person)
            assert (rows is not None and rows.exists()) == bool(group.applies(person)), (
                person.email,
                group.name,
            )


def test_the_menu_asks_the_database_once_for_every_role(db, participant, django_assert_num_queries):
    from incubator import sections

    factories.CommitteeMemberFactory(user=participant)
    with django_assert_num_queries(1):
        menu = sections.menu_for(participant)
    assert menu.primary.name == "reviewer" and [g.name for g in menu.others] == ["applicant"]
