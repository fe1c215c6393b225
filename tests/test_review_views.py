"""The evaluation's pages: what reviewers and staff type, and what comes back —
clear messages and the input kept, never a 500, never a half-saved review."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from applications.models import Criterion, ReviewAssignment, Score

from . import factories


@pytest.fixture
def criteria(cycle):
    return [
        factories.CriterionFactory(
            cycle=cycle, name_lv="Atbilstība mērķim", weight=3, scale_max=5, order=1
        ),
        factories.CriterionFactory(cycle=cycle, name_lv="Ietekme", weight=1, scale_max=10, order=2),
    ]


@pytest.fixture
def assignment(cycle, criteria, staff):
    application = factories.ApplicationFactory(
        cycle=cycle,
        submitted=True,
        organisation=factories.OrganisationFactory(name="Biedrība “Kopienas dārzs”"),
    )
    member = factories.CommitteeMemberFactory(cycle=cycle)
    return services.assign(application, member, by=staff)


@pytest.fixture
def reviewer(client, assignment):
    client.force_login(assignment.member.user)
    return assignment.member.user


def review_url(assignment, name="applications:review"):
    return reverse(name, args=[assignment.pk])


def scores_data(criteria, *values, action="save", **extra):
    data = {"action": action, "overall_comment": extra.pop("overall", "")}
    for criterion, value in zip(criteria, values, strict=True):
        data[f"score_{criterion.pk}"] = "" if value is None else str(value)
        data[f"comment_{criterion.pk}"] = extra.get("comment", "")
    return data


# --- the reviewer ----------------------------------------------------------------------


def test_the_conflict_question_comes_before_the_application(client, reviewer, assignment):
    page = client.get(review_url(assignment)).content.decode()
    assert "Vai jums ir interešu konflikts" in page
    assert "Motivācija" not in page  # the application opens after the answer
    assert 'name="score_' not in page
    response = client.post(
        review_url(assignment, "applications:review_conflict"), {"has_conflict": "no"}
    )
    assert response.url == review_url(assignment)
    page = client.get(review_url(assignment)).content.decode()
    assert "Motivācija" in page and 'name="score_' in page


def test_declaring_a_conflict_without_a_reason_keeps_the_answer(client, reviewer, assignment):
    response = client.post(
        review_url(assignment, "applications:review_conflict"),
        {"has_conflict": "yes", "reason": ""},
    )
    assert response.status_code == 400
    assert "Aprakstiet interešu konfliktu" in response.content.decode()
    response = client.post(
        review_url(assignment, "applications:review_conflict"),
        {"has_conflict": "yes", "reason": "Esmu valdes loceklis"},
        follow=True,
    )
    assert "atstatījāties" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "recused"
    # Scoring after recusal: a clear message, nothing saved.
    response = client.post(review_url(assignment), {"action": "save"}, follow=True)
    assert "nevarat vērtēt šo pieteikumu" in response.content.decode()
    assert not Score.objects.exists()


def test_scores_out_of_the_scale_save_nothing_and_keep_what_was_typed(
    client, reviewer, assignment, criteria
):
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    data = scores_data(criteria, 4, 99, comment="Skaidri aprakstīts", overall="Kopumā labi")
    response = client.post(review_url(assignment), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vērtējumam jābūt no 0 līdz 10" in page
    assert "Skaidri aprakstīts" in page and "Kopumā labi" in page
    assert not Score.objects.exists()
    # The same through autosave: nothing saved, the reason shown.
    response = client.post(review_url(assignment, "applications:review_autosave"), data)
    assert response.status_code == 400 and "Nav saglabāts" in response.content.decode()
    assert not Score.objects.exists()


def test_autosave_keeps_a_draft_and_shows_the_running_total(client, reviewer, assignment, criteria):
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    response = client.post(
        review_url(assignment, "applications:review_autosave"),
        scores_data(criteria, 5, None),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    # 3·5 of 3·5 + 1·10 = 60 %, one of two criteria scored.
    assert "60,0 %" in page and "novērtēti 1 no 2" in page
    assignment.refresh_from_db()
    assert assignment.status == "draft"


def test_submitting_an_incomplete_review_says_what_is_missing(
    client, reviewer, assignment, criteria
):
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    response = client.post(
        review_url(assignment), scores_data(criteria, 3, None, action="submit", overall="Labs")
    )
    assert response.status_code == 400
    assert "Novērtējiet šo kritēriju" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "assigned"
    response = client.post(
        review_url(assignment), scores_data(criteria, 3, 8, action="submit", overall="Labs")
    )
    assert response.url == reverse("applications:reviewer_dashboard")
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and assignment.overall_comment == "Labs"


def test_reviewing_is_blind_until_ones_own_review_is_submitted(
    client, reviewer, assignment, criteria, review, staff
):
    review(
        factories.UserFactory(),
        assignment.application,
        {criteria[0]: 1, criteria[1]: 2},
        comment="Citas domas",
    )
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    assert "Citas domas" not in client.get(review_url(assignment)).content.decode()
    services.save_review(
        assignment, by=reviewer, scores={c.pk: (4, "") for c in criteria}, submit=True
    )
    assert "Citas domas" not in client.get(review_url(assignment)).content.decode()
    services.update_review_settings(
        assignment.application.cycle, by=staff, reviewers_see_other_reviews=True
    )
    # Offered, not shown: reading them is the reviewer's own choice (a POST).
    assert "Citas domas" not in client.get(review_url(assignment)).content.decode()
    client.post(review_url(assignment, "applications:review_others"))
    assert "Citas domas" in client.get(review_url(assignment)).content.decode()


def test_a_reviewer_who_read_the_others_cannot_reopen_and_rewrite(
    client, reviewer, assignment, criteria, review, staff
):
    cycle = assignment.application.cycle
    services.update_review_settings(cycle, by=staff, reviewers_see_other_reviews=True)
    review(
        factories.UserFactory(),
        assignment.application,
        {criteria[0]: 1, criteria[1]: 2},
        comment="Citas domas",
    )
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(
        assignment, by=reviewer, scores={c.pk: (4, "") for c in criteria}, submit=True
    )
    client.post(review_url(assignment, "applications:review_others"))
    page = client.get(review_url(assignment)).content.decode()
    assert "Citas domas" in page  # shown once the own review is in and they chose to ...
    assert review_url(assignment, "applications:review_reopen") not in page  # ... for good
    response = client.post(review_url(assignment, "applications:review_reopen"), follow=True)
    assert "jau izlasījāt" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and assignment.others_seen_at is not None
    # Staff can reopen it for them (to correct a mistake), which the audit records.
    client.force_login(staff)
    client.post(reverse("applications:staff_reopen_review", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == "draft"
    assert assignment.history.latest().history_user == staff


def test_a_reviewer_with_nothing_to_read_yet_may_still_reopen(
    client, reviewer, assignment, criteria, staff
):
    services.update_review_settings(
        assignment.application.cycle, by=staff, reviewers_see_other_reviews=True
    )
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(
        assignment, by=reviewer, scores={c.pk: (4, "") for c in criteria}, submit=True
    )
    page = client.get(review_url(assignment)).content.decode()
    assert review_url(assignment, "applications:review_reopen") in page
    client.post(review_url(assignment, "applications:review_reopen"))
    assignment.refresh_from_db()
    assert assignment.status == "draft" and assignment.others_seen_at is None


def test_the_menu_knows_a_reviewer_and_fragments_do_not_ask(
    client, reviewer, assignment, applicant, application
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = client.get(reverse("applications:reviewer_dashboard")).content.decode()
    assert 'href="/reviews/">Mani vērtējumi' in page
    client.force_login(applicant)
    assert "Mani vērtējumi" not in client.get(reverse("applications:dashboard")).content.decode()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("applications:autosave", args=[application.pk]),
            {"motivation": "Augt"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert not [q for q in queries if "applications_committeemember" in q["sql"]]


def test_the_dashboard_splits_to_review_and_done(
    client, reviewer, assignment, criteria, cycle, staff
):
    done = services.assign(
        factories.ApplicationFactory(cycle=cycle, submitted=True), assignment.member, by=staff
    )
    services.declare_conflict(done, by=reviewer, has_conflict=False)
    services.save_review(done, by=reviewer, scores={c.pk: (3, "") for c in criteria}, submit=True)
    response = client.get(reverse("applications:reviewer_dashboard"))
    assert [a.pk for a in response.context["to_review"]] == [assignment.pk]
    assert [a.pk for a in response.context["done"]] == [done.pk]
    # Signing in lands a reviewer without an organisation on this page.
    assert client.get(reverse("applications:dashboard")).url == reverse(
        "applications:reviewer_dashboard"
    )


def test_a_withdrawn_application_disappears_from_the_reviewer(client, reviewer, assignment, staff):
    services.withdraw(assignment.application, by=staff)
    assert client.get(review_url(assignment)).status_code == 404


def test_an_invited_reviewer_chooses_a_password_and_signs_in(
    client, cycle, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:review_committee", args=[cycle.pk]),
            {
                "email": "jauna.vertetaja@partneris.lv",
                "first_name": "Ilze",
                "last_name": "Ozola",
                "affiliation": "Biznesa inkubators",
                "language": "lv",
            },
        )
    assert response.status_code == 302
    client.logout()
    (invitation,) = [m for m in mail.outbox if m.to == ["jauna.vertetaja@partneris.lv"]]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", invitation.body).group(0)
    response = client.get(urlsplit(link).path)
    set_password = response.url
    password = "Vērtētāja-parole-2027"
    client.post(set_password, {"password1": password, "password2": password})
    assert client.login(email="jauna.vertetaja@partneris.lv", password=password)
    page = client.get(reverse("applications:reviewer_dashboard"))
    assert page.status_code == 200


def test_inviting_with_a_bad_address_keeps_what_was_typed(client, cycle, staff):
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_committee", args=[cycle.pk]),
        {"email": "nav-adrese", "first_name": "Ilze", "language": "lv"},
    )
    assert response.status_code == 400
    assert 'value="Ilze"' in response.content.decode()


# --- staff ------------------------------------------------------------------------------


def test_staff_define_criteria_in_one_form(client, cycle, staff):
    client.force_login(staff)
    url = reverse("applications:review_criteria", args=[cycle.pk])
    data = {
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name_lv": "Atbilstība",
        "criteria-0-name_en": "Fit",
        "criteria-0-weight": "2",
        "criteria-0-scale_min": "0",
        "criteria-0-scale_max": "5",
        "criteria-0-order": "1",
    }
    assert client.post(url, data).status_code == 302
    criterion = Criterion.objects.get()
    assert (criterion.name_lv, criterion.weight, criterion.scale_max) == ("Atbilstība", 2, 5)
    bad = {**data, "criteria-0-scale_max": "0"}
    response = client.post(url, bad)
    assert response.status_code == 400 and "Atbilstība" in response.content.decode()


def test_a_locked_scale_cannot_be_changed_through_the_form(client, cycle, criteria, staff, review):
    review(
        factories.UserFactory(),
        factories.ApplicationFactory(cycle=cycle, submitted=True),
        {criteria[0]: 3, criteria[1]: 3},
        submit=False,
    )
    client.force_login(staff)
    url = reverse("applications:review_criteria", args=[cycle.pk])
    data = {"criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "2"}
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(c.pk),
                f"criteria-{i}-name_lv": c.name_lv,
                f"criteria-{i}-name_en": "",
                f"criteria-{i}-weight": "7",
                f"criteria-{i}-scale_min": "0",
                f"criteria-{i}-scale_max": "99",
                f"criteria-{i}-order": str(i),
            }
        )
    assert client.post(url, data).status_code == 302
    criteria[0].refresh_from_db()
    assert (criteria[0].weight, criteria[0].scale_max) == (7, 5)


def test_weights_follow_the_active_language(client, cycle, criteria, staff):
    """ "2,5" in Latvian, as the rest of the portal writes numbers; "2.5" in English."""
    client.force_login(staff)
    url = reverse("applications:review_criteria", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert 'value="3,00"' in page and 'value="3.00"' not in page
    assert 'inputmode="decimal"' in page
    data = {"criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "2"}
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(c.pk),
                f"criteria-{i}-name_lv": c.name_lv,
                f"criteria-{i}-weight": ["2,5", "1,25"][i],
                f"criteria-{i}-scale_min": "0",
                f"criteria-{i}-scale_max": str(c.scale_max),
                f"criteria-{i}-order": str(i),
            }
        )
    assert client.post(url, data).status_code == 302
    assert [str(c.weight) for c in Criterion.objects.order_by("order")] == ["2.50", "1.25"]
    assert "Svaru summa ir 3,75." in client.get(url).content.decode()
    english = client.get("/en" + url).content.decode()
    assert 'value="2.50"' in english


def test_when_the_ranking_is_finalised_every_criterion_input_is_locked(
    client, cycle, criteria, staff
):
    from applications import services

    services.finalise_ranking(cycle, by=staff)
    client.force_login(staff)
    url = reverse("applications:review_criteria", args=[cycle.pk])
    page = client.get(url).content.decode()
    inputs = re.findall(r"<(?:input|textarea|select)[^>]*name=\"criteria-\d+-[^>]*>", page)
    shown = [tag for tag in inputs if 'type="hidden"' not in tag]
    assert len(shown) == 2 * 8  # every field of both criteria
    assert all(" disabled" in tag for tag in shown), shown
    assert "Saglabāt kritērijus" not in page
    assert "criteria-2-name_lv" not in page  # no empty form for a new criterion


def test_settings_refuse_more_reserved_places_than_the_cycle_has(
    client, cycle, staff, priority_fields
):
    client.force_login(staff)
    data = {"reviewers_per_application": "3", "spread_threshold": "20"}
    for field in priority_fields:
        data[f"field-{field.pk}-minimum"] = "5"
    response = client.post(reverse("applications:review_settings", args=[cycle.pk]), data)
    assert response.status_code == 400
    assert "Minimumi kopā veido 25 vietas" in response.content.decode()


def test_staff_record_eligibility_with_the_reason(client, assignment, staff):
    application = assignment.application
    requirement = application.cycle.eligibility_requirements.create(text_lv="Darbojas Liepājā")
    client.force_login(staff)
    url = reverse("applications:eligibility", args=[application.pk])
    response = client.post(url, {f"met_{requirement.pk}": "no", f"note_{requirement.pk}": ""})
    assert response.status_code == 400
    assert "norādiet, kāpēc" in response.content.decode()
    client.post(url, {f"met_{requirement.pk}": "no", f"note_{requirement.pk}": "Rīgā"})
    assert application.eligibility_checks.get().note == "Rīgā"


def test_an_eligibility_check_can_be_set_back_to_not_checked(client, assignment, staff):
    application = assignment.application
    requirement = application.cycle.eligibility_requirements.create(text_lv="Darbojas Liepājā")
    services.record_eligibility(application, by=staff, findings={requirement: (False, "Rīgā")})
    client.force_login(staff)
    response = client.post(
        reverse("applications:eligibility", args=[application.pk]),
        {f"met_{requirement.pk}": "", f"note_{requirement.pk}": ""},
    )
    assert response.status_code == 302
    assert not application.eligibility_checks.exists()
    # The audit says who cleared it.
    history = requirement.checks.model.history.filter(application=application).latest()
    assert (history.history_type, history.history_user) == ("-", staff)


def test_a_decision_on_a_draft_is_refused_with_a_message(client, cycle, staff):
    draft = factories.ApplicationFactory(cycle=cycle)
    client.force_login(staff)
    response = client.post(
        reverse("applications:decide", args=[draft.pk]),
        {"decision": "admitted", "reason": "Labi"},
        follow=True,
    )
    assert "nevar piešķirt statusu" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_bulk_decisions_from_the_ranking(client, cycle, criteria, staff, review):
    apps = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(2)]
    for application in apps:
        review(factories.UserFactory(), application, {criteria[0]: 3, criteria[1]: 5})
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_decide", args=[cycle.pk]),
        {"applications": [a.pk for a in apps], "decision": "waitlisted", "reason": "Rezervē"},
        follow=True,
    )
    assert "Reģistrēti 2 lēmumi" in response.content.decode()
    assert {a.status for a in type(apps[0]).objects.filter(pk__in=[a.pk for a in apps])} == {
        "waitlisted"
    }
    response = client.post(
        reverse("applications:review_decide", args=[cycle.pk]),
        {"decision": "admitted"},
        follow=True,
    )
    assert "Atzīmējiet vismaz vienu pieteikumu" in response.content.decode()


def test_a_bulk_decision_without_a_reason_keeps_the_ticks_and_says_what_is_missing(
    client, cycle, criteria, staff, review
):
    apps = [factories.ApplicationFactory(cycle=cycle, submitted=True) for _ in range(3)]
    for application in apps:
        review(factories.UserFactory(), application, {criteria[0]: 3, criteria[1]: 5})
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_decide", args=[cycle.pk]),
        {
            "applications": [apps[0].pk, apps[2].pk],
            "decision": "rejected",
            "reason": "",
            "page": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Norādiet lēmuma pamatojumu" in page
    for application, ticked in ((apps[0], True), (apps[1], False), (apps[2], True)):
        box = re.search(rf'<input[^>]*id="pick-{application.pk}"[^>]*>', page).group(0)
        assert ("checked" in box) == ticked
    assert '<option value="rejected" selected>' in page
    assert {a.status for a in type(apps[0]).objects.filter(pk__in=[a.pk for a in apps])} == {
        "submitted"
    }
    # With the reason, it is recorded and staff are back on the same page.
    response = client.post(
        reverse("applications:review_decide", args=[cycle.pk]),
        {
            "applications": [apps[0].pk],
            "decision": "rejected",
            "reason": "Zem sliekšņa",
            "page": "1",
            "next": reverse("applications:review_ranking", args=[cycle.pk]),
        },
    )
    assert response.url == reverse("applications:review_ranking", args=[cycle.pk])


@pytest.mark.parametrize("tampered", ["99999999999999999999", "-3", "abc", "1e3"])
def test_a_tampered_tick_is_refused_as_not_a_choice(client, cycle, criteria, staff, tampered):
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_decide", args=[cycle.pk]),
        {"applications": [application.pk, tampered], "decision": "admitted", "reason": "Labi"},
    )
    assert response.status_code == 400
    assert "nav derīga vērtība" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_only_members_who_may_review_are_offered_for_an_application(
    client, cycle, staff, assignment
):
    from incubator.models import Membership

    application = assignment.application
    in_organisation = factories.CommitteeMemberFactory(cycle=cycle)
    Membership.objects.create(organisation=application.organisation, user=in_organisation.user)
    conflicted = factories.CommitteeMemberFactory(cycle=cycle)
    # Declared in an earlier cycle, for the same organisation.
    earlier_application = factories.ApplicationFactory(
        submitted=True, organisation=application.organisation
    )
    earlier = services.assign(
        earlier_application,
        factories.CommitteeMemberFactory(cycle=earlier_application.cycle, user=conflicted.user),
        by=staff,
    )
    services.declare_conflict(earlier, by=conflicted.user, has_conflict=True, reason="Radinieks")
    free = factories.CommitteeMemberFactory(cycle=cycle)
    client.force_login(staff)
    progress = client.get(reverse("applications:review_progress", args=[cycle.pk]))
    row = next(a for a in progress.context["page"] if a.pk == application.pk)
    assert row.assignable == [free]
    select = re.search(
        rf'<select name="member" id="member-{application.pk}".*?</select>',
        progress.content.decode(),
        re.S,
    ).group(0)
    assert f'value="{free.pk}"' in select
    for member in (assignment.member, in_organisation, conflicted):
        assert f'value="{member.pk}"' not in select
    detail = client.get(reverse("applications:staff_detail", args=[application.pk]))
    assert list(detail.context["assign_form"].fields["member"].queryset) == [free]


def test_a_tampered_id_is_a_404(client, cycle, staff):
    client.force_login(staff)
    assert client.get(reverse("applications:review_ranking", args=[999999])).status_code == 404
    assert client.post(reverse("applications:unassign", args=[999999])).status_code == 404
    ranking = reverse("applications:review_ranking", args=[cycle.pk])
    assert client.get(ranking, {"field": "x"}).url == ranking
    assert client.get(ranking, {"page": "y"}).status_code == 200


def test_the_ranking_exports_as_csv_and_xlsx(client, cycle, criteria, staff, review):
    application = factories.ApplicationFactory(
        cycle=cycle,
        submitted=True,
        organisation=factories.OrganisationFactory(name="Biedrība “Velo”"),
    )
    review(factories.UserFactory(), application, {criteria[0]: 5, criteria[1]: 10})
    services.decide(application, decision="admitted", by=staff, reason="Labi")
    client.force_login(staff)
    response = client.get(reverse("applications:review_ranking_csv", args=[cycle.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Vieta", "Vieta jomā", "Organizācija"]
    assert rows[1][2] == "Biedrība “Velo”" and "100.0" in rows[1] and "Uzņemts" in rows[1]
    response = client.get(reverse("applications:review_ranking_xlsx", args=[cycle.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in sheet[2]]
    assert values[0] == 1 and values[2] == "Biedrība “Velo”" and 100.0 in values


def test_exports_never_hand_a_spreadsheet_a_formula(client, cycle, criteria, staff, review):
    application = factories.ApplicationFactory(
        cycle=cycle,
        submitted=True,
        organisation=factories.OrganisationFactory(name='=HYPERLINK("http://x.lv","Velo")'),
    )
    review(factories.UserFactory(), application, {criteria[0]: 5, criteria[1]: 10})
    member = factories.CommitteeMemberFactory(cycle=cycle)
    conflicted = services.assign(application, member, by=staff)
    services.declare_conflict(
        conflicted, by=member.user, has_conflict=True, reason="@SUM(1+1) radinieks"
    )
    client.force_login(staff)
    response = client.get(reverse("applications:review_ranking_csv", args=[cycle.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2] == '\'=HYPERLINK("http://x.lv","Velo")'
    response = client.get(reverse("applications:review_ranking_xlsx", args=[cycle.pk]))
    cell = load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=3)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
    export = client.get(reverse("applications:review_conflicts_csv", args=[cycle.pk]))
    conflict = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1]
    assert conflict[3].startswith("'=HYPERLINK") and conflict[6] == "'@SUM(1+1) radinieks"


def test_the_protocol_lists_criteria_weights_scores_and_decisions(
    client, cycle, criteria, staff, review
):
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    review(factories.UserFactory(), application, {criteria[0]: 4, criteria[1]: 6})
    services.decide(application, decision="rejected", by=staff, reason="Zem sliekšņa")
    client.force_login(staff)
    page = client.get(reverse("applications:review_protocol", args=[cycle.pk])).content.decode()
    assert "Atbilstība mērķim" in page and "Noraidīts" in page and "72,00" in page


def test_conflicts_are_listed_and_exported(client, assignment, staff):
    services.declare_conflict(
        assignment, by=assignment.member.user, has_conflict=True, reason="Esmu biedrs"
    )
    client.force_login(staff)
    cycle = assignment.application.cycle
    page = client.get(reverse("applications:review_conflicts", args=[cycle.pk]))
    assert "Esmu biedrs" in page.content.decode()
    export = client.get(reverse("applications:review_conflicts_csv", args=[cycle.pk]))
    assert "Esmu biedrs" in export.content.decode("utf-8-sig")


def test_the_audit_shows_who_changed_a_score(client, assignment, criteria, staff):
    reviewer = assignment.member.user
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    services.save_review(assignment, by=reviewer, scores={criteria[0].pk: (2, "")})
    services.save_review(assignment, by=reviewer, scores={criteria[0].pk: (4, "")})
    client.force_login(staff)
    response = client.get(
        reverse("applications:review_audit", args=[assignment.application.cycle_id]),
        {"kind": "scores"},
    )
    (latest, first) = response.context["rows"]
    assert latest.who == reviewer and ("vērtējums", 2, 4) in latest.changes
    assert first.action == "izveidots"


def test_auto_assignment_from_the_progress_page(client, cycle, staff):
    factories.CommitteeMemberFactory(cycle=cycle)
    factories.ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_auto_assign", args=[cycle.pk]),
        {"per_application": "1"},
        follow=True,
    )
    assert "Piešķirts 1 vērtējums" in response.content.decode()
    assert ReviewAssignment.objects.count() == 1
    response = client.post(
        reverse("applications:review_auto_assign", args=[cycle.pk]),
        {"per_application": "0"},
        follow=True,
    )
    assert response.status_code == 200


def test_a_recused_reviewer_neither_saves_nor_downloads(client, reviewer, assignment, criteria):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = assignment.application
    attachment = application.attachments.create(
        name="statūti.pdf",
        content_type="application/pdf",
        size=9,
        file=SimpleUploadedFile("s.pdf", b"%PDF-1.4 x"),
    )
    url = reverse("applications:review_attachment", args=[assignment.pk, attachment.pk])
    assert client.get(url).status_code == 404  # not before declaring no conflict
    services.declare_conflict(assignment, by=reviewer, has_conflict=False)
    assert client.get(url).status_code == 200
    services.declare_conflict(assignment, by=reviewer, has_conflict=True, reason="Radinieks")
    assert client.get(url).status_code == 404
    response = client.post(
        review_url(assignment, "applications:review_autosave"), scores_data(criteria, 3, 3)
    )
    assert response.status_code == 409 and "nevarat vērtēt" in response.content.decode()
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "review_progress",
        "review_ranking",
        "review_decisions",
        "review_protocol",
        "review_committee",
        "review_criteria",
    ],
)
def test_the_staff_pages_speak_english_too(client, assignment, staff, name):
    from django.utils import translation

    client.force_login(staff)
    # The request switches the thread's language to English; the override puts the
    # previous one back for the tests that follow.
    with translation.override("en"):
        url = reverse(f"applications:{name}", args=[assignment.application.cycle_id])
        assert url.startswith("/en/")
        response = client.get(url)
    assert response.status_code == 200
    assert "Evaluation and selection" in response.content.decode()


def test_progress_measures_against_the_number_assigned_automatically(client, cycle, staff):
    for _ in range(3):
        factories.CommitteeMemberFactory(cycle=cycle)
    for _ in range(4):
        factories.ApplicationFactory(cycle=cycle, submitted=True)
    client.force_login(staff)
    response = client.post(
        reverse("applications:review_auto_assign", args=[cycle.pk]),
        {"per_application": "2"},
        follow=True,
    )
    page = response.content.decode()
    assert "Katram pieteikumam vajag 2 vērtētājus." in page
    assert page.count("0 no 2") == 4
    assert "vajag vēl" not in page
    assert [a.missing for a in response.context["page"]] == [0, 0, 0, 0]
