"""Action items written without a consultation: a programme turns its
recommendations into action items after the baseline analysis, often before any
consultation. Such an item belongs to the organisation's place in the cycle: the
organisation sees it on My programme and marks it done, it is reminded the day before
it is due, counted on the staff overview, and another organisation's people cannot
reach it. The consultation's own items go on as before."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from analysis import services as analysis_services
from incubator.models import Membership
from incubator.notifications import reminders
from incubator.notifications.models import Email, Reminder
from mentoring import services
from mentoring.models import ActionItem

from . import factories

DAY = datetime.timedelta(days=1)


@pytest.fixture
def recommendation(place, assigned):
    return analysis_services.add_recommendation(
        place,
        by=assigned.mentor.user,
        topic="communication",
        area=None,
        text="Sagatavot vienotu komunikācijas plānu",
        priority=1,
    )


def _add(client, user, recommendation, **data):
    client.force_login(user)
    return client.post(
        reverse("analysis:recommendation_action_item", args=[recommendation.pk]),
        {"consultation": "", "owner": "organisation", **data},
    )


def test_an_item_from_a_recommendation_needs_no_consultation(
    client, place, assigned, recommendation, applicant, staff
):
    due = timezone.localdate() + 10 * DAY
    response = _add(
        client,
        staff,
        recommendation,
        description="Uzrakstīt komunikācijas plānu",
        due_on=due.isoformat(),
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(description="Uzrakstīt komunikācijas plānu")
    assert item.consultation is None
    assert (item.cycle, item.organisation, item.mentor) == (place.cycle, place.organisation, None)
    assert list(recommendation.action_items.all()) == [item]
    # Listed on My programme with a button to mark it done.
    client.force_login(applicant)
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert "Uzrakstīt komunikācijas plānu" in page
    assert reverse("mentoring:item_done", args=[item.pk]) in page
    # The organisation marks it done (no consultation to go back to: My programme).
    done = client.post(reverse("mentoring:item_done", args=[item.pk]))
    assert done.status_code == 302 and done.url == reverse("cohorts:my_programme")
    item.refresh_from_db()
    assert item.is_done and item.done_by == applicant
    page = client.get(reverse("cohorts:my_programme")).content.decode()
    assert reverse("mentoring:item_done", args=[item.pk]) not in page  # no longer open


def test_an_item_without_a_consultation_is_reminded_the_day_before(
    client, place, assigned, recommendation, applicant, staff
):
    due = timezone.localdate() + 10 * DAY
    _add(client, staff, recommendation, description="Budžeta projekts", due_on=due.isoformat())
    item = ActionItem.objects.get(description="Budžeta projekts")
    reminder = Reminder.objects.get(source=services.ACTION_ITEM_SOURCE, object_id=item.pk)
    assert reminder.due_at.date() == due - DAY
    day_before = timezone.make_aware(datetime.datetime.combine(due - DAY, datetime.time(9, 1)))
    with time_machine.travel(day_before - datetime.timedelta(minutes=2)):
        reminders.sweep()
    assert not Email.objects.filter(key__startswith="action-item:").exists()
    # Someone joins the organisation after the item was written: the audience is read
    # when the reminder is sent.
    joined = factories.UserFactory(email="jauna@biedriba.lv")
    Membership.objects.create(user=joined, organisation=place.organisation)
    with time_machine.travel(day_before):
        reminders.sweep()
    sent = list(Email.objects.filter(key__startswith="action-item:"))
    assert {e.to for e in sent} == {applicant.email, joined.email}
    assert all("Budžeta projekts" in e.subject for e in sent)
    assert reverse("cohorts:my_programme") in sent[0].text_body
    assert place.organisation.name in sent[0].text_body


def test_the_mentors_own_item_is_on_their_dashboard_and_reminded_to_them(
    client, place, assigned, recommendation, applicant
):
    mentor = assigned.mentor
    due = timezone.localdate() + 5 * DAY
    response = _add(
        client,
        mentor.user,
        recommendation,
        description="Atsūtīt plāna paraugu",
        owner="mentor",
        due_on=due.isoformat(),
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(description="Atsūtīt plāna paraugu")
    assert item.mentor == mentor and item.consultation is None
    page = client.get(reverse("mentoring:dashboard")).content.decode()
    assert "Atsūtīt plāna paraugu" in page and place.organisation.name in page
    day_before = timezone.make_aware(datetime.datetime.combine(due - DAY, datetime.time(9, 1)))
    with time_machine.travel(day_before):
        reminders.sweep()
    assert [e.to for e in Email.objects.filter(key__startswith="action-item:")] == [
        mentor.user.email
    ]
    # The organisation sees it but does not mark the mentor's item done.
    client.force_login(applicant)
    refused = client.post(reverse("mentoring:item_done", args=[item.pk]))
    assert refused.status_code == 403
    client.force_login(mentor.user)
    done = client.post(reverse("mentoring:item_done", args=[item.pk]))
    assert done.status_code == 302 and done.url == reverse("mentoring:dashboard")


def test_without_a_consultation_staff_cannot_give_the_item_to_a_mentor(
    client, recommendation, staff
):
    response = _add(client, staff, recommendation, description="Kāda darbs", owner="mentor")
    assert response.status_code == 400
    page = response.content.decode()
    assert "izvēlieties tā mentora konsultāciju" in page
    assert "Kāda darbs" in page  # what was typed is kept
    assert not ActionItem.objects.exists()


def test_another_organisations_item_is_not_found(
    client, place, assigned, recommendation, staff, running_cycle
):
    _add(client, staff, recommendation, description="Mūsu darbs")
    item = ActionItem.objects.get()
    other = factories.admit(factories.OrganisationFactory(), running_cycle, staff)
    stranger = factories.UserFactory(email="svesa@citur.lv")
    Membership.objects.create(user=stranger, organisation=other.organisation)
    unassigned = factories.MentorProfileFactory()
    for user in (stranger, unassigned.user):
        client.force_login(user)
        assert client.post(reverse("mentoring:item_done", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert not item.is_done
    # The assigned mentor may see it (and the staff may mark it).
    client.force_login(staff)
    assert client.post(reverse("mentoring:item_done", args=[item.pk])).status_code == 302


def test_the_staff_overview_counts_items_with_and_without_a_consultation(
    client, place, assigned, recommendation, staff, mentor
):
    held = services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - 2 * DAY,
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=60,
        summary="Saruna",
        items=[{"description": "Konsultācijas darbs", "owner": "organisation", "due_on": None}],
    ).consultation
    assert held.action_items.get().organisation == place.organisation
    today = timezone.localdate()
    with time_machine.travel(timezone.now() - 5 * DAY):
        _add(
            client,
            staff,
            recommendation,
            description="Nokavēts darbs",
            due_on=(today - DAY).isoformat(),
        )
    _add(client, staff, recommendation, description="Vēl atvērts darbs")
    client.force_login(staff)
    response = client.get(f"{reverse('mentoring:overview')}?cycle={place.cycle_id}")
    line = next(line for line in response.context["o"].organisations if line.subject == place)
    assert (line.open_items, line.overdue_items) == (3, 1)
    page = response.content.decode()
    assert "Nokavēts darbs" in page


class _Archive:
    """Collects what a holder's export writes (the kernel's archive writes a zip)."""

    def __init__(self):
        self.files = {}

    def add_json(self, name, data):
        self.files[name] = data

    def add_file(self, folder, file, name):
        return name


def test_the_organisations_data_copy_holds_its_items_without_a_consultation(
    client, place, assigned, recommendation, applicant, staff
):
    from mentoring import privacy

    _add(client, staff, recommendation, description="Mūsu plāns")
    archive = _Archive()
    privacy.export(applicant, archive)
    (item,) = archive.files["action_items.json"]
    assert (item["organisation"], item["description"]) == (place.organisation.name, "Mūsu plāns")
    stranger = factories.UserFactory(email="svesa@citur.lv")
    archive = _Archive()
    privacy.export(stranger, archive)
    assert archive.files["action_items.json"] == []
