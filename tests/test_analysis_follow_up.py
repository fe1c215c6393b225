"""What a recommendation leads to: action items of a consultation (reminded by
mentoring), funding sources and calls of the catalogue, and the experts who have the
expertise it suggests; the organisation sees them all and says what it did with the
recommendation. Bad input (another organisation's consultation, a past due date, a
closed programme, a call of another source, a made-up id) is a clear message."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import follow_up, services
from analysis.models import Recommendation
from funding.models import FundingSource
from incubator.notifications.models import Reminder
from mentoring import services as mentoring_services
from mentoring.models import ActionItem

from . import factories


def _held(place, mentor, days_ago=2):
    return mentoring_services.log_ad_hoc(
        place,
        mentor,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        mode="online",
        by=mentor.user,
        outcome="held",
        minutes=90,
        summary="Analīzes saruna par komunikāciju",
    ).consultation


@pytest.fixture
def recommendation(place, assigned, staff):
    return services.add_recommendation(
        place,
        by=assigned.mentor.user,
        topic="communication",
        area=None,
        text="Sagatavot vienotu komunikācijas plānu",
        priority=1,
    )


@pytest.fixture
def held(place, assigned):
    return _held(place, assigned.mentor)


def _results(client, user, place):
    client.force_login(user)
    response = client.get(reverse("analysis:results", args=[place.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- action items ----------------------------------------------------------------------


def test_the_mentor_turns_a_recommendation_into_a_reminded_action_item(
    client, place, assigned, recommendation, held, applicant
):
    due = timezone.localdate() + datetime.timedelta(days=10)
    client.force_login(assigned.mentor.user)
    response = client.post(
        reverse("analysis:recommendation_action_item", args=[recommendation.pk]),
        {
            "description": "Uzrakstīt komunikācijas plānu",
            "owner": "organisation",
            "due_on": due.isoformat(),
            "consultation": held.pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get(description="Uzrakstīt komunikācijas plānu")
    assert item.consultation == held and item.due_on == due and item.owner == "organisation"
    assert list(recommendation.action_items.all()) == [item]
    # Reminded the day before through mentoring's action items.
    reminder = Reminder.objects.get(source=mentoring_services.ACTION_ITEM_SOURCE, object_id=item.pk)
    assert reminder.due_at.date() == due - datetime.timedelta(days=1)
    # The organisation sees it with the recommendation and with the consultation.
    page = _results(client, applicant, place)
    assert "Uzrakstīt komunikācijas plānu" in page
    assert reverse("mentoring:consultation_detail", args=[held.pk]) in page
    detail = client.get(reverse("mentoring:consultation_detail", args=[held.pk]))
    assert "Uzrakstīt komunikācijas plānu" in detail.content.decode()
    # The history says who changed the recommendation.
    assert recommendation.history.first().history_user == assigned.mentor.user


def test_a_past_due_date_and_another_organisations_consultation_are_refused(
    client, place, assigned, recommendation, held, running_cycle, staff
):
    other_place = factories.admit(factories.OrganisationFactory(), running_cycle, staff)
    other_mentor = factories.MentorProfileFactory()
    assignment = mentoring_services.assign_mentor(
        running_cycle, other_place.organisation, other_mentor, by=staff
    )
    mentoring_services.accept_assignment(assignment, by=other_mentor.user)
    foreign = _held(other_place, other_mentor)
    client.force_login(assigned.mentor.user)
    url = reverse("analysis:recommendation_action_item", args=[recommendation.pk])
    past = client.post(
        url,
        {
            "description": "Vakardienas darbs",
            "owner": "organisation",
            "due_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "consultation": held.pk,
        },
    )
    assert past.status_code == 400
    page = past.content.decode()
    assert "nevar būt pagātnē" in page
    assert "Vakardienas darbs" in page  # what was typed is kept
    for tampered in (foreign.pk, 999999, "abc"):
        refused = client.post(
            url, {"description": "Svešs darbs", "owner": "organisation", "consultation": tampered}
        )
        assert refused.status_code == 400
    # Straight through the service, another organisation's consultation is refused too.
    with pytest.raises(Exception, match="konsultācij"):
        follow_up.add_action_item(
            recommendation,
            consultation=foreign.pk,
            description="Svešs darbs",
            owner="organisation",
            due_on=None,
            by=staff,
        )
    assert not ActionItem.objects.filter(description__in=["Vakardienas darbs", "Svešs darbs"])
    assert not recommendation.action_items.exists()


def test_a_mentor_keeps_items_with_their_own_consultations_only(
    client, place, assigned, recommendation, held, expert
):
    experts_consultation = _held(place, expert, days_ago=3)
    client.force_login(assigned.mentor.user)
    response = client.post(
        reverse("analysis:recommendation_action_item", args=[recommendation.pk]),
        {
            "description": "Eksperta darbs",
            "owner": "mentor",
            "consultation": experts_consultation.pk,
        },
    )
    assert response.status_code == 400
    assert not experts_consultation.action_items.exists()


def test_each_recommendations_forms_have_fields_of_their_own(
    client, place, assigned, recommendation, held, staff
):
    second = services.add_recommendation(
        place, by=staff, topic="positioning", area=None, text="Otrs", priority=2
    )
    page = _results(client, assigned.mentor.user, place)
    for pk in (recommendation.pk, second.pk):
        for field in ("description", "consultation", "source", "call"):
            assert page.count(f'id="id_r{pk}_{field}"') == 1


def test_without_a_consultation_the_form_offers_none(client, place, assigned, recommendation):
    page = _results(client, assigned.mentor.user, place)
    assert f'id="id_r{recommendation.pk}_consultation"' in page
    assert "Bez konsultācijas" in page
    assert "Uzdevumi tiek glabāti pie konsultācijas" not in page


# --- funding ---------------------------------------------------------------------------


def test_the_mentor_links_a_source_and_a_call_and_the_organisation_sees_the_links(
    client, place, assigned, recommendation, applicant
):
    call = factories.FundingCallFactory(title="NVO fonda 2. kārta")
    client.force_login(assigned.mentor.user)
    url = reverse("analysis:recommendation_funding", args=[recommendation.pk])
    response = client.post(url, {"source": call.source_id, "call": call.pk})
    assert response.status_code == 302
    assert list(recommendation.funding_sources.all()) == [call.source]
    assert list(recommendation.funding_calls.all()) == [call]
    page = _results(client, applicant, place)
    assert reverse("funding:source_detail", args=[call.source_id]) in page
    assert "NVO fonda 2. kārta" in page
    # Taken off again (with its call).
    client.force_login(assigned.mentor.user)
    assert client.post(url, {"remove": call.source_id}).status_code == 302
    assert not recommendation.funding_sources.exists()
    assert not recommendation.funding_calls.exists()


def test_bad_funding_choices_are_refused_with_a_message(client, assigned, recommendation, staff):
    source = factories.FundingSourceFactory()
    others_call = factories.FundingCallFactory()
    historic = factories.FundingSourceFactory(verification=FundingSource.Verification.HISTORIC)
    client.force_login(assigned.mentor.user)
    url = reverse("analysis:recommendation_funding", args=[recommendation.pk])
    for data in (
        {"source": source.pk, "call": others_call.pk},
        {"source": historic.pk},
        {"source": 999999},
        {"source": "abc"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    with pytest.raises(Exception, match="konkursu"):
        follow_up.link_funding(recommendation, source=source.pk, call=others_call.pk, by=staff)
    with pytest.raises(Exception, match="katalog"):
        follow_up.link_funding(recommendation, source=historic.pk, by=staff)
    assert not recommendation.funding_sources.exists()


# --- experts ---------------------------------------------------------------------------


def test_a_suggested_expertise_shows_the_experts_who_have_it(
    client, place, assigned, expert, expertise_tags, applicant
):
    client.force_login(assigned.mentor.user)
    response = client.post(
        reverse("analysis:recommendation_add", args=[place.pk]),
        {
            "topic": "sustainability",
            "text": "Pārskatīt statūtus",
            "priority": "2",
            "expertise": expertise_tags["law"].pk,
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(text="Pārskatīt statūtus")
    assert recommendation.expertise == expertise_tags["law"]
    page = _results(client, applicant, place)
    assert expert.name in page
    assert reverse("mentoring:mentor_detail", args=[expert.pk]) in page


# --- the organisation says what it did -------------------------------------------------


def test_the_organisation_accepts_a_recommendation_and_a_not_relevant_needs_a_reason(
    client, place, applicant, recommendation
):
    client.force_login(applicant)
    url = reverse("analysis:recommendation_status", args=[recommendation.pk])
    refused = client.post(url, {"status": "not_relevant", "reason": ""})
    assert refused.status_code == 400
    assert "Norādiet, kāpēc" in refused.content.decode()
    assert client.post(url, {"status": "accepted"}).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "accepted"
    assert client.post(url, {"status": "not_relevant", "reason": "Jau ir"}).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.reason) == ("not_relevant", "Jau ir")
    assert [h.status for h in recommendation.history.order_by("history_date")] == [
        "new",
        "accepted",
        "not_relevant",
    ]
