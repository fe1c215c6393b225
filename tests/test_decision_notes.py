"""A decision carries two texts: the reason for the organisation, which its letter
may quote, and staff's internal note, which never leaves the staff pages."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from applications.models import DecisionLetter, StatusChange
from incubator.notifications.models import Email

from . import factories

INTERNAL = "IEKŠĒJI-7Q: valdes priekšsēdētājs ir vērtētāja kaimiņš"


@pytest.fixture
def three_decided(cycle, application, review, staff):
    """Three scored applications: admitted, wait-listed and rejected, each with a
    reason for the organisation and an internal note."""
    criterion = factories.CriterionFactory(cycle=cycle, name_lv="Atbilstība", scale_max=5)
    application.status = "submitted"
    application.save()
    others = [
        factories.ApplicationFactory(
            cycle=cycle, submitted=True, organisation__leader=factories.UserFactory()
        )
        for _ in range(2)
    ]
    applications = [application, *others]
    for value, each in zip((5, 4, 2), applications, strict=True):
        review(factories.UserFactory(), each, {criterion: value}, comment="Labi pamatots")
    services.update_review_settings(cycle, by=staff, applicants_see_feedback=True)
    for (decision, reason), each in zip(
        (
            ("admitted", "Spēcīga komanda."),
            ("waitlisted", "Vietas beidzās jūsu jomā."),
            ("rejected", "Projekta ideja vēl nav gatava."),
        ),
        applications,
        strict=True,
    ):
        services.decide(each, decision=decision, by=staff, reason=reason, internal_note=INTERNAL)
    return applications


def test_the_form_labels_the_reason_for_the_organisation_and_the_internal_note(
    client, cycle, three_decided, staff
):
    client.force_login(staff)
    detail = client.get(reverse("applications:staff_detail", args=[three_decided[0].pk]))
    page = detail.content.decode()
    assert "Pamatojums organizācijai" in page and "Iekšēja piezīme" in page
    ranking = client.get(reverse("applications:review_ranking", args=[cycle.pk])).content
    assert "Pamatojums organizācijai" in ranking.decode()
    # Staff see both, labelled.
    decisions = client.get(reverse("applications:review_decisions", args=[cycle.pk]))
    assert INTERNAL in decisions.content.decode()
    assert INTERNAL in page


def test_the_view_records_both_texts(client, cycle, three_decided, staff):
    client.force_login(staff)
    client.post(
        reverse("applications:decide", args=[three_decided[2].pk]),
        {"decision": "waitlisted", "reason": "Rezervē.", "internal_note": "Pārrunāt 5. maijā"},
    )
    change = StatusChange.objects.filter(application=three_decided[2]).latest("pk")
    assert (change.status, change.note, change.internal_note) == (
        "waitlisted",
        "Rezervē.",
        "Pārrunāt 5. maijā",
    )


def test_the_internal_note_never_reaches_the_organisation(
    client, cycle, three_decided, staff, applicant, django_capture_on_commit_callbacks
):
    services.finalise_ranking(cycle, by=staff)
    letters = services.prepare_letters(cycle, three_decided)
    assert all(
        INTERNAL not in text
        for letter in letters
        for pair in letter.texts.values()
        for text in pair
    )
    # The reason for the organisation is quoted where the letter says {reason}.
    rejected = next(letter for letter in letters if letter.application == three_decided[2])
    assert "Projekta ideja vēl nav gatava." in rejected.text("lv")[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_decision_letters(cycle, three_decided, by=staff)
    assert DecisionLetter.objects.count() == 3
    for letter in DecisionLetter.objects.all():
        stored = f"{letter.subject_lv}{letter.body_lv}{letter.subject_en}{letter.body_en}"
        assert INTERNAL not in stored and INTERNAL not in str(letter.feedback)
    for email in Email.objects.all():
        assert INTERNAL not in f"{email.subject}{email.text_body}{email.html_body}"

    # Every organisation's own pages, its feedback included.
    for each in three_decided:
        leader = each.organisation.people.first()
        client.force_login(leader)
        for url in (
            reverse("applications:dashboard"),
            reverse("applications:edit", args=[each.pk]),
        ):
            page = client.get(url).content.decode()
            assert INTERNAL not in page
        assert (
            "Labi pamatots"
            in client.get(reverse("applications:edit", args=[each.pk])).content.decode()
        )

    # Nor the exports and the protocol, which leave the portal.
    client.force_login(staff)
    csv = client.get(reverse("applications:review_ranking_csv", args=[cycle.pk]))
    assert INTERNAL not in b"".join(csv.streaming_content).decode("utf-8-sig")
    xlsx = client.get(reverse("applications:review_ranking_xlsx", args=[cycle.pk]))
    body = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    workbook = load_workbook(io.BytesIO(body))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not any(INTERNAL in cell for cell in cells)
    protocol = client.get(reverse("applications:review_protocol", args=[cycle.pk]))
    assert INTERNAL not in protocol.content.decode()
    assert re.search(r"Spēcīga komanda|Uzņemt", protocol.content.decode())
