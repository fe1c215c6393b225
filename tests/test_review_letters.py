"""Decisions, decision letters and what the organisation sees: letters are read
first, sent exactly once, and the decision shows on the dashboard as they leave."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services, signals
from applications.models import Application, DecisionLetter
from incubator.models import Membership
from incubator.notifications.models import Email

from . import factories


@pytest.fixture
def scored(cycle, review, application):
    """The fixture organisation's application, submitted and scored 4/5."""
    criterion = factories.CriterionFactory(
        cycle=cycle, name_lv="Atbilstība", name_en="Fit", weight=1, scale_max=5
    )
    application.status = "submitted"
    application.save()
    review(factories.UserFactory(), application, {criterion: 4}, comment="Pārliecinoši")
    return application


def send_letters(cycle, applications, *, by, **kwargs):
    """Sends the letters as staff do: from a finalised ranking."""
    services.finalise_ranking(cycle, by=by)
    return services.send_decision_letters(cycle, applications, by=by, **kwargs)


@pytest.fixture
def english_colleague(organisation):
    colleague = factories.UserFactory(email="kolega@biedriba.lv", language="en")
    Membership.objects.create(organisation=organisation, user=colleague)
    return colleague


@pytest.fixture
def revoked_events():
    received = []

    def receiver(sender, application, **kwargs):
        received.append(application.pk)

    signals.admission_revoked.connect(receiver)
    yield received
    signals.admission_revoked.disconnect(receiver)


def test_letters_are_rendered_per_language_with_the_figures(
    cycle, scored, staff, english_colleague
):
    services.decide(scored, decision="admitted", by=staff, reason="Augsts vērtējums")
    (letter,) = services.prepare_letters(cycle, [scored])
    subject_lv, body_lv = letter.text("lv")
    subject_en, body_en = letter.text("en")
    assert "Biedrība “Zaļā Liepāja”" in subject_lv and "uzņemta" in subject_lv
    assert "80,0 %" in body_lv and "Atbilstība: 4,0 / 5" in body_lv
    assert "has been admitted" in subject_en and "Fit: 4.0 / 5" in body_en
    assert "{" not in body_lv + body_en


def test_sending_queues_one_letter_per_person_and_publishes_the_decision(
    cycle, scored, staff, applicant, english_colleague, django_capture_on_commit_callbacks
):
    services.decide(scored, decision="admitted", by=staff, reason="Augsts vērtējums")
    with django_capture_on_commit_callbacks(execute=True):
        sent, skipped = send_letters(cycle, [scored], by=staff)
    assert (len(sent), skipped) == (1, [])
    scored.refresh_from_db()
    assert scored.decision_published_at is not None
    emails = {e.to: e for e in Email.objects.filter(key__contains=":letter:")}
    assert set(emails) == {applicant.email, english_colleague.email}
    assert emails[applicant.email].subject.startswith(cycle.name)
    assert "has been admitted" in emails[english_colleague.email].subject
    assert {m.to[0] for m in mail.outbox} == {applicant.email, english_colleague.email}
    letter = DecisionLetter.objects.get()
    assert (letter.recipients, letter.sent_by) == (2, staff)


def test_a_letter_is_sent_exactly_once(cycle, scored, staff, django_capture_on_commit_callbacks):
    services.decide(scored, decision="rejected", by=staff, reason="Zem sliekšņa")
    with django_capture_on_commit_callbacks(execute=True):
        send_letters(cycle, [scored], by=staff)
        sent, skipped = send_letters(cycle, [scored], by=staff)
    assert sent == [] and len(skipped) == 1
    assert Email.objects.filter(key__contains=":letter:").count() == 1
    assert len(mail.outbox) == 1
    # A changed decision is a new decision, with its own letter.
    services.decide(scored, decision="waitlisted", by=staff, reason="Pārskatīts")
    with django_capture_on_commit_callbacks(execute=True):
        sent, _skipped = send_letters(cycle, [scored], by=staff)
    assert len(sent) == 1 and len(mail.outbox) == 2


def test_letters_that_changed_since_the_preview_are_not_sent(cycle, scored, staff):
    services.decide(scored, decision="admitted", by=staff, reason="Labi")
    previewed = services.fingerprint(services.prepare_letters(cycle, [scored]))
    services.save_letter_template(
        cycle,
        decision="admitted",
        by=staff,
        subject_lv="Uzņemti: {organisation}",
        body_lv="Apsveicam!",
        subject_en="",
        body_en="",
    )
    with pytest.raises(ValidationError, match="mainījušās"):
        send_letters(cycle, [scored], by=staff, expected_fingerprint=previewed)
    assert not Email.objects.filter(key__contains=":letter:").exists()
    scored.refresh_from_db()
    assert scored.decision_published_at is None


def test_a_template_with_an_unknown_placeholder_is_refused(cycle, staff):
    with pytest.raises(ValidationError) as error:
        services.save_letter_template(
            cycle,
            decision="admitted",
            by=staff,
            subject_lv="{organizacija}",
            body_lv="x",
            subject_en="",
            body_en="",
        )
    assert "{organizacija}" in str(error.value)


def test_an_english_letter_left_empty_falls_back_to_latvian(cycle, scored, staff):
    services.save_letter_template(
        cycle,
        decision="admitted",
        by=staff,
        subject_lv="Uzņemti: {organisation}",
        body_lv="Kopvērtējums {total}.",
        subject_en="",
        body_en="",
    )
    services.decide(scored, decision="admitted", by=staff, reason="")
    (letter,) = services.prepare_letters(cycle, [scored])
    assert letter.text("en") == ("Uzņemti: Biedrība “Zaļā Liepāja”", "Kopvērtējums 80.0 %.")


def test_staff_read_the_letters_then_send_them_from_the_pages(
    client, cycle, scored, staff, applicant, django_capture_on_commit_callbacks
):
    services.decide(scored, decision="admitted", by=staff, reason="Augsts vērtējums")
    services.finalise_ranking(cycle, by=staff)
    client.force_login(staff)
    preview = client.get(
        reverse("applications:review_letters_preview", args=[cycle.pk]), {"unsent": "1"}
    )
    page = preview.content.decode()
    assert "Biedrība “Zaļā Liepāja”" in page and "80,0 %" in page
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page).group(1)
    send = reverse("applications:review_letters_send", args=[cycle.pk])
    data = {"applications": [scored.pk], "fingerprint": fingerprint}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, data, follow=True)
        client.post(send, data, follow=True)  # a second click: nothing new
    assert "ceļā" in response.content.decode()
    assert [email.to for email in Email.objects.filter(key__contains=":letter:")] == [
        applicant.email
    ]
    # Admitted, the organisation is also told that its baseline self-assessment is open.
    to_applicant = Email.objects.filter(to=applicant.email)
    assert sorted(email.key.split(":")[0] for email in to_applicant) == [
        "application",
        "assessment",
    ]

    client.force_login(applicant)
    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert "Uzņemts" in dashboard
    detail = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    assert "decision-letter" in detail
    # The reason is staff's; this letter does not quote it.
    assert "Augsts vērtējums" not in detail


def test_staff_tick_three_decisions_and_read_exactly_their_letters(
    client, cycle, scored, staff, review
):
    """The decisions page's form (a GET with the ticked rows, nothing else) opens
    the preview of those letters, and only those."""
    criterion = cycle.criteria.get()
    others = []
    for name, value in (("Biedrība “Jūras vārti”", 3), ("Nodibinājums “Liepu aleja”", 2)):
        other = factories.ApplicationFactory(cycle=cycle, submitted=True, organisation__name=name)
        review(factories.UserFactory(), other, {criterion: value})
        others.append(other)
    untouched = factories.ApplicationFactory(
        cycle=cycle, submitted=True, organisation__name="Biedrība “Neatzīmētā”"
    )
    review(factories.UserFactory(), untouched, {criterion: 1})
    services.decide(scored, decision="admitted", by=staff, reason="Augsts vērtējums")
    services.decide(others[0], decision="waitlisted", by=staff, reason="Rezervē")
    services.decide(others[1], decision="rejected", by=staff, reason="Zem sliekšņa")
    services.decide(untouched, decision="rejected", by=staff, reason="Zem sliekšņa")
    services.finalise_ranking(cycle, by=staff)
    client.force_login(staff)
    decisions = client.get(reverse("applications:review_decisions", args=[cycle.pk]))
    form = re.search(
        r'<form method="get" action="([^"]+)">(.*?)</form>', decisions.content.decode(), re.S
    )
    # The form sends the ticked rows only: no hidden field it does not have.
    assert "fingerprint" not in form.group(2)
    ticked = [scored.pk, others[0].pk, others[1].pk]
    response = client.get(form.group(1), {"applications": ticked})
    assert response.status_code == 200
    assert [letter.application.pk for letter in response.context["letters"]] == sorted(
        ticked, key=lambda pk: Application.objects.get(pk=pk).organisation.name
    )
    page = response.content.decode()
    assert "Biedrība “Zaļā Liepāja”" in page and "Biedrība “Jūras vārti”" in page
    assert "Nodibinājums “Liepu aleja”" in page and "Biedrība “Neatzīmētā”" not in page
    assert "Atzīmējiet lēmumus" not in page
    # What was read can be sent.
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page).group(1)
    client.post(
        reverse("applications:review_letters_send", args=[cycle.pk]),
        {"applications": ticked, "fingerprint": fingerprint},
    )
    assert DecisionLetter.objects.count() == 3


def test_feedback_per_criterion_only_when_the_cycle_allows(client, cycle, scored, staff, applicant):
    services.decide(scored, decision="rejected", by=staff, reason="Zem sliekšņa")
    send_letters(cycle, [scored], by=staff)
    client.force_login(applicant)
    url = reverse("applications:edit", args=[scored.pk])
    assert "Pārliecinoši" not in client.get(url).content.decode()
    services.update_review_settings(cycle, by=staff, applicants_see_feedback=True)
    page = client.get(url).content.decode()
    assert "Pārliecinoši" in page and "4,0 / 5" in page


def test_an_ineligible_application_is_only_rejected_and_told_why(
    client, cycle, scored, staff, applicant
):
    requirement = cycle.eligibility_requirements.create(text_lv="Darbojas Liepājā")
    services.record_eligibility(scored, by=staff, findings={requirement: (False, "Rīgā")})
    with pytest.raises(ValidationError, match="atbilstības prasībai"):
        services.decide(scored, decision="admitted", by=staff)
    services.decide(scored, decision="rejected", by=staff, reason="Neatbilst")
    send_letters(cycle, [scored], by=staff)
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    assert "Darbojas Liepājā" in page and "Rīgā" in page


# --- changed decisions and withdrawals --------------------------------------------------


def test_changing_a_published_admission_announces_its_revocation_when_published(
    cycle, scored, staff, revoked_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(scored, decision="admitted", by=staff)
        services.decide(scored, decision="waitlisted", by=staff, reason="Kļūda")
        services.publish_decision(scored, by=staff)
    assert revoked_events == []  # the organisation was never admitted
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(scored, decision="admitted", by=staff, reason="Labots")
        services.publish_decision(scored, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        # Changed again, but not yet told: the organisation keeps its place.
        services.decide(scored, decision="rejected", by=staff, reason="Neatbilst")
    assert revoked_events == []
    scored.refresh_from_db()
    assert scored.visible_status == Application.Status.ADMITTED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.publish_decision(scored, by=staff)
    assert revoked_events == []
    for callback in callbacks:
        callback()
    assert revoked_events == [scored.pk]


def test_the_applicant_never_sees_an_internal_decision_or_its_reason(
    client, cycle, scored, staff, applicant
):
    services.decide(scored, decision="admitted", by=staff, reason="IEKŠĒJI: vēl jāpārrunā")
    services.decide(scored, decision="rejected", by=staff, reason="Zem sliekšņa")
    services.save_letter_template(
        cycle,
        decision="rejected",
        by=staff,
        subject_lv="Lēmums: {organisation}",
        body_lv="Diemžēl {organisation} netika uzņemta.",
        subject_en="",
        body_en="",
    )
    client.force_login(applicant)
    detail_url = reverse("applications:edit", args=[scored.pk])
    for url in (detail_url, reverse("applications:dashboard")):
        page = client.get(url).content.decode()
        assert "Uzņemts" not in page and "Noraidīts" not in page and "IEKŠĒJI" not in page
    send_letters(cycle, [scored], by=staff)
    for url in (detail_url, reverse("applications:dashboard")):
        page = client.get(url).content.decode()
        assert "Noraidīts" in page
        assert "Uzņemts" not in page and "IEKŠĒJI" not in page and "Zem sliekšņa" not in page


def test_a_corrected_published_decision_stays_as_told_until_its_letter_is_sent(
    client, cycle, scored, staff, applicant, review
):
    services.decide(scored, decision="waitlisted", by=staff, reason="Rezervē")
    send_letters(cycle, [scored], by=staff)
    services.decide(scored, decision="admitted", by=staff, reason="Atbrīvojās vieta")
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    # What the organisation was told, with the letter it received.
    assert "Gaidīšanas sarakstā" in page and "Uzņemts" not in page
    assert "decision-letter" in page and "gaidīšanas sarakstā" in page
    send_letters(cycle, [scored], by=staff)
    page = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    assert "Uzņemts" in page and "ir uzņemta" in page


def test_an_admitted_organisation_leaving_frees_its_place_for_the_waiting_list(
    client,
    cycle,
    scored,
    staff,
    applicant,
    revoked_events,
    review,
    django_capture_on_commit_callbacks,
):
    cycle.places = 1
    cycle.save()
    criterion = cycle.criteria.get()
    waiting = factories.ApplicationFactory(cycle=cycle, submitted=True)
    review(factories.UserFactory(), waiting, {criterion: 3})
    services.decide(scored, decision="admitted", by=staff)
    services.decide(waiting, decision="waitlisted", by=staff)
    send_letters(cycle, [scored, waiting], by=staff)

    client.force_login(applicant)
    url = reverse("applications:withdraw", args=[scored.pk])
    detail = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    assert url in detail and "Izstāties no programmas" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Mainījās valde"})
    scored.refresh_from_db()
    assert scored.status == Application.Status.WITHDRAWN
    assert revoked_events == [scored.pk]

    client.force_login(staff)
    page = client.get(reverse("applications:review_decisions", args=[cycle.pk]))
    assert [a.pk for a in page.context["waiting_list"]] == [waiting.pk]
    assert [a.pk for a in page.context["left"]] == [scored.pk]
    client.post(
        reverse("applications:decide", args=[waiting.pk]),
        {"decision": "admitted", "reason": "Atbrīvojās vieta"},
    )
    waiting.refresh_from_db()
    assert waiting.status == Application.Status.ADMITTED


def test_a_rejection_the_organisation_was_told_of_cannot_be_withdrawn(
    cycle, scored, staff, applicant
):
    services.decide(scored, decision="rejected", by=staff)
    services.withdraw(scored, by=applicant)  # still internal: it looks submitted
    other = factories.ApplicationFactory(submitted=True)
    services.decide(other, decision="rejected", by=staff)
    services.publish_decision(other, by=staff)
    with pytest.raises(ValidationError):
        services.withdraw(other, by=staff)


def test_bulk_decisions_report_what_was_refused(cycle, scored, staff):
    draft = factories.ApplicationFactory(cycle=cycle)
    decided, refused = services.decide_in_bulk(
        [scored, draft], decision="waitlisted", by=staff, reason="Rezervē"
    )
    assert decided == [scored]
    assert [application for application, _message in refused] == [draft]


# --- sending only what was read, from a finalised ranking ------------------------------


def test_letters_wait_for_a_finalised_ranking(client, cycle, scored, staff):
    services.decide(scored, decision="admitted", by=staff, reason="Labi")
    with pytest.raises(ValidationError, match="apstipriniet"):
        services.send_decision_letters(cycle, [scored], by=staff)
    client.force_login(staff)
    preview = client.get(
        reverse("applications:review_letters_preview", args=[cycle.pk]), {"unsent": "1"}
    ).content.decode()
    assert 'name="fingerprint"' not in preview and "apstipriniet rangu sarakstu" in preview
    assert not DecisionLetter.objects.exists()


def test_nothing_is_sent_without_the_fingerprint_of_what_was_read(client, cycle, scored, staff):
    services.decide(scored, decision="admitted", by=staff, reason="Labi")
    services.finalise_ranking(cycle, by=staff)
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_letters_send", args=[cycle.pk]),
        {"applications": [scored.pk]},
        follow=True,
    )
    assert "Izlasiet vēstules" in response.content.decode()
    assert not DecisionLetter.objects.exists()
    scored.refresh_from_db()
    assert scored.decision_published_at is None


def test_the_feedback_stays_as_the_letter_said_when_scores_change_later(
    client, cycle, scored, staff, applicant
):
    services.update_review_settings(cycle, by=staff, applicants_see_feedback=True)
    services.decide(scored, decision="admitted", by=staff, reason="Labi")
    send_letters(cycle, [scored], by=staff)
    # The ranking is reopened and the reviewer lowers the score afterwards.
    services.reopen_ranking(cycle, by=staff)
    assignment = scored.assignments.get()
    services.reopen_review(assignment, by=assignment.member.user)
    services.save_review(
        assignment,
        by=assignment.member.user,
        scores={cycle.criteria.get().pk: (1, "Vāji")},
        submit=True,
    )
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[scored.pk])).content.decode()
    assert "4,0 / 5" in page and "80,0 %" in page and "Pārliecinoši" in page
    assert "Vāji" not in page


@pytest.mark.postgresql  # two connections holding row locks
@pytest.mark.django_db(transaction=True)
def test_a_decision_recorded_while_letters_are_sent_waits_for_them(
    monkeypatch, staff, priority_fields
):
    """Staff send a letter while another staff member changes that decision. The
    sender locks the application before reading its decision, so the change waits
    and stays internal, and the letter that left is the decision published."""
    import threading
    import time

    from django.db import connection

    from applications.services import letters as letters_module

    cycle = factories.CycleFactory()
    criterion = factories.CriterionFactory(cycle=cycle)
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    member = factories.CommitteeMemberFactory(cycle=cycle)
    assignment = services.assign(application, member, by=staff)
    services.declare_conflict(assignment, by=member.user, has_conflict=False)
    services.save_review(assignment, by=member.user, scores={criterion.pk: (4, "")}, submit=True)
    services.decide(application, decision="admitted", by=staff, reason="Labi")
    services.finalise_ranking(cycle, by=staff)
    read = services.fingerprint(services.prepare_letters(cycle, [application]))

    letters_ready, go_on, decided = threading.Event(), threading.Event(), threading.Event()
    build = letters_module.prepare_letters

    def build_then_pause(*args, **kwargs):
        letters = build(*args, **kwargs)
        letters_ready.set()
        go_on.wait(10)
        return letters

    monkeypatch.setattr(letters_module, "prepare_letters", build_then_pause)

    def in_thread(action, done=None):
        def run():
            try:
                action()
            finally:
                connection.close()
                if done is not None:
                    done.set()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    sender = in_thread(
        lambda: services.send_decision_letters(
            cycle, [application], by=staff, expected_fingerprint=read
        )
    )
    assert letters_ready.wait(10)
    decider = in_thread(
        lambda: services.decide(application, decision="rejected", by=staff, reason="Pārdomāts"),
        decided,
    )
    waiting = False
    for _attempt in range(100):
        if decided.is_set():
            break
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                waiting = True
                break
        time.sleep(0.05)
    go_on.set()
    sender.join(10)
    decider.join(10)

    assert waiting, "the change of decision did not wait for the letters"
    application.refresh_from_db()
    letter = DecisionLetter.objects.get()
    assert letter.decision.status == application.published_decision == "admitted"
    assert application.status == "rejected" and application.decision_published_at is None
