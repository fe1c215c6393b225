"""The evaluation's models in the Django admin: lists, search, filters, change
pages and their history open with real data; edits with rules go through the
services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from applications import models, services

from . import factories

REVIEW_MODELS = [
    models.ReviewSettings,
    models.FieldQuota,
    models.EligibilityRequirement,
    models.EligibilityCheck,
    models.Criterion,
    models.CommitteeMember,
    models.ReviewAssignment,
    models.Score,
    models.LetterTemplate,
    models.DecisionLetter,
    models.ReviewerLine,
]


@pytest.fixture
def evaluated(cycle, staff, priority_fields, review):
    criterion = factories.CriterionFactory(cycle=cycle)
    requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    services.record_eligibility(application, by=staff, findings={requirement: (True, "")})
    review(factories.UserFactory(), application, {criterion: 4}, comment="Labi")
    services.update_review_settings(cycle, by=staff, quotas={priority_fields[0]: (1, 2)})
    services.save_letter_template(
        cycle,
        decision="admitted",
        by=staff,
        subject_lv="{cycle}",
        body_lv="Apsveicam",
        subject_en="",
        body_en="",
    )
    services.decide(application, decision="admitted", by=staff, reason="Labi")
    services.finalise_ranking(cycle, by=staff)
    services.send_decision_letters(cycle, [application], by=staff)
    return criterion


@pytest.mark.parametrize("model", REVIEW_MODELS, ids=lambda m: m.__name__)
def test_lists_search_change_pages_and_history_open(client, evaluated, model):
    client.force_login(factories.AdminFactory())
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse(f"admin:{info[0]}_{info[1]}_changelist")
    assert model in admin.site._registry
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    instance = model.objects.first()
    assert instance is not None
    assert (
        client.get(reverse(f"admin:{info[0]}_{info[1]}_change", args=[instance.pk])).status_code
        == 200
    )
    if hasattr(model, "history"):
        history = reverse(f"admin:{info[0]}_{info[1]}_history", args=[instance.pk])
        assert client.get(history).status_code == 200


def test_a_criterion_edited_in_the_admin_keeps_its_locked_scale(client, evaluated, cycle, staff):
    services.reopen_ranking(cycle, by=staff)
    client.force_login(factories.AdminFactory())
    url = reverse("admin:applications_criterion_change", args=[evaluated.pk])
    response = client.post(
        url,
        {
            "name_lv": "Atbilstība",
            "name_en": "Fit",
            "guidance_lv": "",
            "guidance_en": "",
            "weight": "4",
            "order": "1",
            "scale_min": "0",
            "scale_max": "99",
        },
    )
    assert response.status_code == 302
    evaluated.refresh_from_db()
    assert (evaluated.name_lv, evaluated.weight, evaluated.scale_max) == ("Atbilstība", 4, 5)
    assert evaluated.history.latest().history_user.is_superuser


# --- what the rules refuse is a message on the form, never an error page ---------------


def change_url(instance):
    info = instance._meta.app_label, instance._meta.model_name
    return reverse(f"admin:{info[0]}_{info[1]}_change", args=[instance.pk])


@pytest.fixture
def superuser(db, client):
    client.force_login(factories.AdminFactory())
    return client


def errors_of(response):
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_settings_that_move_the_figures_are_refused_after_finalising(superuser, evaluated, cycle):
    settings_row = models.ReviewSettings.objects.get(cycle=cycle)
    response = superuser.post(
        change_url(settings_row),
        {
            "reviewers_per_application": "3",
            "spread_threshold": "20.0",
            "normalise_scores": "on",
            "offer_days": "5",
        },
    )
    assert "apstiprināts" in errors_of(response)
    settings_row.refresh_from_db()
    assert not settings_row.normalise_scores
    delete = reverse("admin:applications_reviewsettings_delete", args=[settings_row.pk])
    assert superuser.get(delete).status_code == 403


def test_criteria_cannot_be_added_changed_or_deleted_against_the_rules(
    superuser, evaluated, cycle, staff
):
    add = reverse("admin:applications_criterion_add")
    data = {
        "cycle": cycle.pk,
        "name_lv": "Jauns",
        "name_en": "",
        "guidance_lv": "",
        "guidance_en": "",
        "weight": "1",
        "scale_min": "0",
        "scale_max": "5",
        "order": "9",
    }
    assert "apstiprināts" in errors_of(superuser.post(add, data))  # finalised
    services.reopen_ranking(cycle, by=staff)
    assert "tiek vērtēti" in errors_of(superuser.post(add, data))  # scoring started
    assert models.Criterion.objects.count() == 1
    delete = reverse("admin:applications_criterion_delete", args=[evaluated.pk])
    assert superuser.get(delete).status_code == 403
    assert superuser.post(delete, {"post": "yes"}).status_code == 403
    assert models.Criterion.objects.filter(pk=evaluated.pk).exists()
    changelist = superuser.get(reverse("admin:applications_criterion_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_a_letter_template_with_an_unknown_placeholder_is_refused(superuser, evaluated):
    template = models.LetterTemplate.objects.get()
    response = superuser.post(
        change_url(template),
        {
            "cycle": template.cycle_id,
            "decision": "admitted",
            "subject_lv": "{organizacija}",
            "body_lv": "Sveiki",
            "subject_en": "",
            "body_en": "",
        },
    )
    assert "{organizacija}" in errors_of(response)
    template.refresh_from_db()
    assert template.subject_lv == "{cycle}"


def test_places_per_field_are_saved_with_the_settings_checks(
    superuser, evaluated, cycle, staff, priority_fields
):
    quota = models.FieldQuota.objects.get()
    data = {"minimum_places": "1", "maximum_places": "3"}
    assert "apstiprināts" in errors_of(superuser.post(change_url(quota), data))
    services.reopen_ranking(cycle, by=staff)
    too_many = {"minimum_places": "12", "maximum_places": ""}
    assert "tikai 11 vietas" in errors_of(superuser.post(change_url(quota), too_many))
    add = reverse("admin:applications_fieldquota_add")
    response = superuser.post(
        add,
        {
            "cycle": cycle.pk,
            "priority_field": priority_fields[1].pk,
            "minimum_places": "11",
            "maximum_places": "",
        },
    )
    assert "Minimumi kopā veido 12 vietas" in errors_of(response)
    assert superuser.post(change_url(quota), data).status_code == 302
    quota.refresh_from_db()
    assert (quota.minimum_places, quota.maximum_places) == (1, 3)
    assert quota.history.latest().history_user.is_superuser


def test_eligibility_requirements_keep_their_rules_in_the_admin(superuser, evaluated, cycle, staff):
    requirement = models.EligibilityRequirement.objects.get()
    delete = reverse("admin:applications_eligibilityrequirement_delete", args=[requirement.pk])
    assert superuser.get(delete).status_code == 403  # already checked
    add = reverse("admin:applications_eligibilityrequirement_add")
    data = {"cycle": cycle.pk, "text_lv": "Darbojas Kurzemē", "text_en": "", "order": "2"}
    assert "apstiprināts" in errors_of(superuser.post(add, data))
    services.reopen_ranking(cycle, by=staff)
    assert superuser.post(add, data).status_code == 302
    added = models.EligibilityRequirement.objects.get(text_lv="Darbojas Kurzemē")
    assert added.history.latest().history_user.is_superuser
