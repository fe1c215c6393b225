"""The applicant's pages: start, autosave, save, submit, withdraw; the staff list."""

import datetime

from django.urls import reverse
from django.utils import timezone

from applications.models import Application

from . import factories


def answers(**overrides):
    return {
        "priority_field": "",
        "support_needs": ["mentoring", "funding"],
        "motivation": "Gribam augt.",
        "challenges": "Maz cilvēku.",
        "project_idea": "Kopienas dārzs.",
        "expected_results": "Pieteikums fondam.",
        "participants": "Anna un Jānis",
        "meeting_availability": "all",
        "data_consent": "on",
        **overrides,
    }


def test_starting_an_application_creates_one_draft(client, cycle, organisation, applicant):
    client.force_login(applicant)
    url = reverse("applications:start", args=[cycle.pk, organisation.pk])
    first = client.post(url)
    second = client.post(url, follow=True)
    assert Application.objects.count() == 1
    application = Application.objects.get()
    assert first.url == reverse("applications:edit", args=[application.pk])
    assert application.priority_field == organisation.priority_field
    assert "jau ir pieteikums" in second.content.decode()


def test_starting_after_the_call_closed_is_refused_with_a_message(client, organisation, applicant):
    closed = factories.CycleFactory(
        call_opens_at=timezone.now() - datetime.timedelta(days=30),
        call_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(applicant)
    response = client.post(
        reverse("applications:start", args=[closed.pk, organisation.pk]), follow=True
    )
    assert not Application.objects.exists()
    assert "slēdzās" in response.content.decode()


def test_starting_for_someone_elses_organisation_is_404(client, cycle, applicant):
    stranger = factories.OrganisationFactory()
    client.force_login(applicant)
    response = client.post(reverse("applications:start", args=[cycle.pk, stranger.pk]))
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_autosave_saves_each_change_and_answers_with_the_indicator(client, application, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:autosave", args=[application.pk]),
        {"motivation": "Pirmā doma", "support_needs": ["analysis"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Saglabāts" in response.content.decode()
    application.refresh_from_db()
    assert application.motivation == "Pirmā doma"
    assert application.support_needs == ["analysis"]


def test_autosave_keeps_the_valid_answers_when_one_is_invalid(client, application, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:autosave", args=[application.pk]),
        {"motivation": "Derīgs", "meeting_availability": "tampered", "support_needs": ["x"]},
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.motivation == "Derīgs"
    assert application.meeting_availability == ""
    assert application.support_needs == []


def test_autosave_after_submission_is_refused(client, application, applicant):
    Application.objects.filter(pk=application.pk).update(status="submitted")
    client.force_login(applicant)
    response = client.post(
        reverse("applications:autosave", args=[application.pk]), {"motivation": "Vēlu"}
    )
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.motivation == ""


def test_submitting_an_incomplete_draft_lists_every_missing_item_and_keeps_the_text(
    client, application, applicant
):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:edit", args=[application.pk]),
        {
            "motivation": "Tikai motivācija",
            "priority_field": application.priority_field_id,
            "action": "submit",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "netika iesniegts" in page
    assert page.count("Trūkst:") == 7
    assert "Tikai motivācija" in page
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.motivation == "Tikai motivācija"


def test_submitting_a_complete_draft(client, application, applicant, mailoutbox):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:edit", args=[application.pk]),
        answers(priority_field=application.organisation.priority_field_id, action="submit"),
        follow=True,
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    page = response.content.decode()
    assert "iesniegts" in page
    assert 'name="motivation"' not in page  # the answers are read-only now
    assert "Gribam augt." in page


def test_a_late_submission_gets_a_clear_message_and_the_draft_stays(client, application, applicant):
    Application.objects.filter(pk=application.pk).update(motivation="Mans teksts")
    application.cycle.call_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    application.cycle.call_opens_at = timezone.now() - datetime.timedelta(days=10)
    application.cycle.save()
    client.force_login(applicant)
    data = answers(priority_field=application.organisation.priority_field_id, action="submit")
    response = client.post(reverse("applications:edit", args=[application.pk]), data)
    assert response.status_code == 200
    assert "Rīgas laiks" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert application.motivation == "Gribam augt."  # what was typed is saved


def test_withdrawing_through_the_page(client, application, applicant):
    client.force_login(applicant)
    url = reverse("applications:withdraw", args=[application.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"reason": "Pārdomājām"})
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_dashboard_shows_status_and_timeline(client, application, applicant):
    client.force_login(applicant)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert application.cycle.name in page
    assert "Melnraksts" in page
    assert "Vērtēšana" in page


def test_dashboard_invites_to_create_an_organisation_first(client, db):
    client.force_login(factories.UserFactory())
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert reverse("organisation_create") in page


def test_staff_list_filters_and_counts(client, staff, cycle, priority_fields):
    culture, it = priority_fields[0], priority_fields[1]
    for n in range(3):
        factories.ApplicationFactory(
            cycle=cycle,
            submitted=True,
            organisation__priority_field=culture,
            organisation__name=f"Kultūras biedrība {n}",
        )
    factories.ApplicationFactory(
        cycle=cycle, organisation__priority_field=it, organisation__name="IT klubs"
    )
    factories.ApplicationFactory(submitted=True)  # another cycle: not counted
    client.force_login(staff)
    url = reverse("applications:staff_list")
    page = client.get(url, {"cycle": cycle.pk}).content.decode()
    assert "Kultūras biedrība 0" in page and "IT klubs" in page
    response = client.get(url, {"cycle": cycle.pk, "status": "submitted"})
    assert [a.status for a in response.context["page"]] == ["submitted"] * 3
    assert response.context["count_total"] == 4
    rows = {
        field.code if field else None: cells for field, cells, _t in response.context["count_rows"]
    }
    assert rows["culture"][1] == 3 and rows["it"][0] == 1
    response = client.get(url, {"cycle": cycle.pk, "q": "it klubs"})
    assert [a.organisation.name for a in response.context["page"]] == ["IT klubs"]
    response = client.get(url, {"cycle": cycle.pk, "priority_field": it.pk})
    assert response.context["page"].paginator.count == 1


def test_the_staff_list_counts_what_each_filter_keeps(client, staff, cycle, priority_fields):
    """The number of rows the list says it has (read from the table of counts when no
    search text narrows it) is the number it lists, for every filter."""
    culture, it = priority_fields[0], priority_fields[1]
    for field, submitted in [(culture, True), (culture, True), (culture, False), (it, True)]:
        factories.ApplicationFactory(
            cycle=cycle, submitted=submitted, organisation__priority_field=field
        )
    factories.ApplicationFactory(cycle=cycle, priority_field=None)  # no field chosen
    factories.ApplicationFactory(submitted=True)  # another cycle
    client.force_login(staff)
    url = reverse("applications:staff_list")
    for query, expected in [
        ({}, 5),
        ({"status": "submitted"}, 3),
        ({"status": "draft"}, 2),
        ({"priority_field": culture.pk}, 3),
        ({"priority_field": culture.pk, "status": "draft"}, 1),
        ({"priority_field": it.pk, "status": "draft"}, 0),
        ({"q": "zzz-nothing"}, 0),
        ({"status": "nope"}, None),
    ]:
        page = client.get(url, {"cycle": cycle.pk, **query}).context["page"]
        listed = len(page.object_list)
        assert page.paginator.count == listed, query
        if expected is not None:
            assert listed == expected, query


def test_staff_list_with_bad_filters_is_not_an_error(client, staff, cycle):
    client.force_login(staff)
    url = reverse("applications:staff_list")
    assert client.get(url, {"cycle": cycle.pk, "status": "nope", "page": "x"}).status_code == 200
    assert client.get(url, {"cycle": "999999"}).status_code == 404
    assert client.get(url, {"cycle": cycle.pk, "priority_field": "abc"}).status_code == 200


def _get(client, url, query, count_queries):
    """The response to a GET, and the number of queries it ran."""
    responses = []
    queries = count_queries(lambda: responses.append(client.get(url, query)))
    assert responses[0].status_code == 200
    return responses[0], queries


def test_the_staff_list_runs_as_many_queries_for_30_applications_as_for_3(
    client, staff, cycle, count_queries
):
    """Grown past a page (25 rows), every application is listed once, with its
    organisation, and each page runs as many queries as the list of 3."""
    client.force_login(staff)
    url = reverse("applications:staff_list")
    applications, counts = [], []
    for added in (3, 27):
        for _ in range(added):
            application = factories.ApplicationFactory(cycle=cycle, submitted=True)
            application.attachments.create(
                name="a.pdf", content_type="application/pdf", size=1, file="x.pdf"
            )
            applications.append(application)
        listed = []
        for page in (1, 2) if len(applications) > 25 else (1,):
            response, queries = _get(client, url, {"cycle": cycle.pk, "page": page}, count_queries)
            counts.append(queries)
            rows = list(response.context["page"].object_list)
            listed += [row.pk for row in rows]
            for row in rows:
                assert row.organisation.name in response.content.decode()
        assert sorted(listed) == sorted(a.pk for a in applications)
    assert counts == [counts[0]] * 3


def test_the_applicant_dashboard_runs_as_many_queries_for_6_organisations_as_for_1(
    client, applicant, cycle, count_queries
):
    """Each organisation of the applicant is shown with both its applications (this
    cycle's draft, an earlier one submitted), at the same number of queries."""
    client.force_login(applicant)
    organisations, counts = [], []
    for added in (1, 5):
        for _ in range(added):
            organisation = factories.OrganisationFactory(leader=applicant)
            factories.ApplicationFactory(cycle=cycle, organisation=organisation)
            factories.ApplicationFactory(organisation=organisation, submitted=True)
            organisations.append(organisation)
        response, queries = _get(client, reverse("applications:dashboard"), {}, count_queries)
        counts.append(queries)
        rows = response.context["rows"]
        assert [(o.pk, len(apps)) for o, apps, _current in rows] == [
            (o.pk, 2) for o in sorted(organisations, key=lambda o: o.name)
        ]
        page = response.content.decode()
        assert all(o.name in page for o in organisations)
    assert counts[0] == counts[1]
